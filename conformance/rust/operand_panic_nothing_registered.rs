// Port of go/operand_panic_nothing_registered.go (item 7): if evaluating the operands of a
// defer panics, nothing is registered; the panic starts at the defer statement and earlier
// defers still run.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

fn boom() -> i64 {
    println!("boom evaluated");
    panic!("operand failed");
}

#[godefer::func]
fn f() {
    defer!(println!("earlier defer runs"));
    defer!(println!("never registered {}", boom()));
    println!("not reached");
}

#[godefer::func]
pub fn main() {
    defer!(|| println!("recovered: {}", show(godefer::recover())));
    f();
    println!("not reached either");
}
