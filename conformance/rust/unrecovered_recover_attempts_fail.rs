// Port of go/unrecovered_recover_attempts_fail.go (items 17, 19, 31): recover attempts that are
// not direct all return nil, the panic stays unrecovered and the process ends with the report.
// Port choices: `helper` and the function literal are `#[godefer::func]` functions (the literal a
// local one), so godefer sees them as functions of their own called by the deferred closures (a
// plain Rust helper or closure without `defer!` would recover: a documented difference from Go).
// Go's `interface{}` is `Option<godefer::Panic>`.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn helper() -> Option<godefer::Panic> {
    godefer::recover()
}

#[godefer::func]
fn f() {
    defer!(|| println!("via helper: {}", show(helper())));
    defer!(|| {
        defer!(|| println!("nested deferred closure: {}", show(godefer::recover())));
    });
    defer!(|| {
        #[godefer::func]
        fn literal() -> Option<godefer::Panic> {
            godefer::recover()
        }
        println!("via literal: {}", show(literal()));
    });
    panic!("nobody recovers me");
}

#[godefer::func]
pub fn main() {
    defer!(println!("main's defer runs"));
    f();
}
