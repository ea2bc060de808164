// Port of go/panic_replaced_recover_gets_newest.go (item 25): a panic raised in a deferred call
// while another panic runs replaces it; the next recover gets the new value and remaining defers
// run.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f() {
    defer!(|| println!("recovered: {}", show(godefer::recover())));
    defer!(println!("remaining defer still runs"));
    defer!(|| {
        println!("deferred call panics during the first panic");
        panic!("second");
    });
    panic!("first");
}

pub fn main() {
    f();
    println!("main continues");
}
