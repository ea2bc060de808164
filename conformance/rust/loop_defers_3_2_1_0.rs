// Port of go/loop_defers_3_2_1_0.go (item 3): a loop registers one deferred call per
// iteration; all are held until the function returns and then run 3 2 1 0.

#[godefer::func]
fn f() {
    for i in 0..4 {
        defer!(println!("deferred {}", i));
        println!("registered {i}");
    }
    println!("loop finished");
}

pub fn main() {
    f();
    println!("f returned");
}
