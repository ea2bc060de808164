// Port of go/recover_stops_panic_caller_continues.go (item 16): a deferred call that calls
// recover directly stops the panic; the function returns normally and its caller goes on.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f() {
    defer!(|| {
        let r = godefer::recover();
        println!("recovered: {}", show(r));
    });
    println!("f panics");
    panic!("stop me");
}

pub fn main() {
    f();
    println!("main continues");
    f();
    println!("main continues again");
}
