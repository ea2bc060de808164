// Port of go/recover_nil_not_panicking.go (item 15): recover returns nil when nothing is
// panicking, also inside a deferred call on a normal return.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f() {
    defer!(|| println!("in defer on normal return: {}", show(godefer::recover())));
    println!("in body: {}", show(godefer::recover()));
}

pub fn main() {
    println!("in main: {}", show(godefer::recover()));
    f();
    println!("after f");
}
