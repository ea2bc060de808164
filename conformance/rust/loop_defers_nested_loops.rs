// Port of go/loop_defers_nested_loops.go (item 3): nested loops register one call per inner
// iteration, run in exact reverse order of registration.

#[godefer::func]
fn f() {
    for i in 0..3 {
        for j in 0..2 {
            defer!(println!("deferred {} {}", i, j));
        }
    }
    println!("loops finished");
}

pub fn main() {
    f();
}
