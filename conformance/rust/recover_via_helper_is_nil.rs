// Port of go/recover_via_helper_is_nil.go (item 17): recover only works when called directly by
// the deferred function. Through a helper it returns nil and the panic goes on.
// Port choices: `helper` is a `#[godefer::func]`, so godefer sees it as a function of its own,
// called by the deferred closure (a plain Rust helper would recover: a documented difference
// from Go). Go's `interface{}` is `Option<godefer::Panic>`.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn helper() -> Option<godefer::Panic> {
    godefer::recover()
}

#[godefer::func]
fn f() {
    defer!(|| println!("direct {}", show(godefer::recover())));
    defer!(|| println!("via helper {}", show(helper())));
    panic!("P");
}

pub fn main() {
    f();
    println!("main continues");
}
