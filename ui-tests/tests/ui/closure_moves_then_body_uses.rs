// A top-level closure is made at exit: one that moves a value the body also moves is a "use of
// moved value" error at the body's use and at the closure, not at the attribute.
#[godefer::func]
fn f() {
    let v = vec![1];
    defer!(|| drop(v));
    drop(v);
}

fn main() {
    f();
}
