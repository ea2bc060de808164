// Port of go/recover_helper_panic_reaches_caller.go (items 17, 23): a deferred call whose helper
// calls recover does not stop the panic; it reaches the caller, whose deferred closure recovers
// it.
// Port choices: the helper `try_recover` is a `#[godefer::func]`, so godefer sees it as a
// function of its own, called by the deferred closure (a plain Rust helper would recover: a
// documented difference from Go).

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn try_recover(place: &str) {
    println!("{place} helper got {}", show(godefer::recover()));
}

#[godefer::func]
fn inner() {
    defer!(|| {
        try_recover("inner");
        println!("inner defer done");
    });
    panic!("escapes the helper");
}

#[godefer::func]
pub fn main() {
    defer!(|| println!("main recovered: {}", show(godefer::recover())));
    inner();
    println!("not reached");
}
