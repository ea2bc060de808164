// Port of go/func_literal_own_frame_loop.go (item 10): a function literal is its own function:
// its defers run when it returns, in every iteration: use 0, close 0, use 1, close 1.

#[godefer::func]
pub fn main() {
    defer!(println!("main's defer last"));
    for i in 0..2 {
        (|| {
            defer!(println!("close {}", i));
            println!("use {i}");
        })();
    }
    println!("loop done");
}
