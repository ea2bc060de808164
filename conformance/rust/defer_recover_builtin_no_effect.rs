// Port of go/defer_recover_builtin_no_effect.go (item 18): `defer recover()` as the deferred
// call itself does not stop the panic.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f() {
    defer!(println!("f's other defer runs"));
    defer!(godefer::recover());
    panic!("not stopped by defer recover()");
}

#[godefer::func]
pub fn main() {
    defer!(|| println!("main recovered: {}", show(godefer::recover())));
    f();
    println!("not reached");
}
