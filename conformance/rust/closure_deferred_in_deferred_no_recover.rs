// Port of go/closure_deferred_in_deferred_no_recover.go (item 19): a closure deferred inside a
// deferred function is not called directly by the panic sequence and does not recover the
// outer panic.
// Port choices: Go's `fmt.Println(..., recover())` prints `<nil>` for no panic; `show` does so.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f() {
    defer!(|| {
        defer!(|| println!("nested deferred closure got {}", show(godefer::recover())));
        println!("outer deferred function runs");
    });
    panic!("outer panic");
}

#[godefer::func]
pub fn main() {
    defer!(|| println!("main recovered: {}", show(godefer::recover())));
    f();
    println!("not reached");
}
