// Port of go/defer_recover_inside_deferred_literal.go (item 18): in Go 1.19
// `defer func(){ defer recover(); ... }()` recovers the panic (there `recover` is the deferred
// function of a frame that is itself a deferred call run by the panic), so the literal returns
// normally and the caller's guard sees nothing: Go prints `stopped by the nested defer recover()`.
//
// DEVIATION, not run by the suite: godefer treats `defer!(godefer::recover())` as recovering
// nothing wherever it appears (item 18's first half, `defer recover()` in the panicking frame),
// also inside a deferred closure; so the panic goes on to the caller's guard and this port prints
// `reached the caller's guard: inner` (after `deferred literal runs`).
// Port choices: the named result `state` is the returned `String`.

#[godefer::func]
fn f() -> String {
    defer!(|state: &mut String| {
        if let Some(r) = godefer::recover() {
            *state = format!("reached the caller's guard: {r}");
        }
    });
    (|| {
        defer!(|| {
            defer!(godefer::recover());
            println!("deferred literal runs");
        });
        panic!("inner");
    })();
    "stopped by the nested defer recover()".to_string()
}

pub fn main() {
    println!("{}", f());
}
