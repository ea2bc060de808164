// Port of go/recover_then_repanic_unrecovered.go (item 27): recover, then panic again with a new
// value in the same deferred call; nobody recovers the second one. The report marks the first as
// recovered.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f() {
    defer!(println!("f's earlier defer runs"));
    defer!(|| {
        let r = godefer::recover();
        println!("recovered: {}", show(r));
        panic!("second panic");
    });
    panic!("first panic");
}

#[godefer::func]
pub fn main() {
    defer!(println!("main's defer runs"));
    f();
}
