// Port of go/panic_recovered_inside_defer_outer_continues.go (item 28): a panic raised and
// recovered entirely inside a deferred call leaves the outer panic running; the caller recovers
// the outer value.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn may_panic() {
    defer!(|| println!("inner recovered: {}", show(godefer::recover())));
    panic!("inner");
}

#[godefer::func]
fn f() {
    defer!(println!("f's earlier defer runs"));
    defer!(|| {
        may_panic();
        println!("deferred call finished");
    });
    panic!("outer");
}

#[godefer::func]
pub fn main() {
    defer!(|| println!("main recovered: {}", show(godefer::recover())));
    f();
}
