// Port of go/deferred_panic_on_normal_return_unrecovered.go (items 22, 31): a deferred call
// panics during a normal return and nobody recovers; the remaining defers of every frame run,
// then the report.
// Port choices: the named result `r` is the return value, received by the deferred closure as
// `&mut`.

#[godefer::func]
fn f() -> i64 {
    defer!(println!("f's earlier defer runs"));
    defer!(|r: &mut i64| {
        println!("deferred call sees r = {r}");
        panic!("late failure");
    });
    5
}

#[godefer::func]
pub fn main() {
    defer!(println!("main's defer runs"));
    println!("f returned {}", f());
}
