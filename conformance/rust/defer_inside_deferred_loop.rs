// Port of go/defer_inside_deferred_loop.go (items 11, 3): a deferred call that registers
// defers in a loop; they run when the deferred call returns, in reverse.

#[godefer::func]
fn f() {
    defer!(println!("f's first defer"));
    defer!(|| {
        for i in 0..3 {
            defer!(println!("inner loop defer {}", i));
        }
        println!("deferred call registered 3");
    });
    println!("f body");
}

pub fn main() {
    f();
}
