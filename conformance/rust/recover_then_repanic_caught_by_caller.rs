// Port of go/recover_then_repanic_caught_by_caller.go (item 27): recover, panic again with a new
// value; the caller's deferred closure recovers the new value.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f() {
    defer!(println!("f's earlier defer runs"));
    defer!(|| {
        let r = show(godefer::recover());
        println!("f recovered: {r}");
        panic!("re-raised after {r}");
    });
    panic!("first panic");
}

#[godefer::func]
pub fn main() {
    defer!(|| println!("main recovered: {}", show(godefer::recover())));
    f();
}
