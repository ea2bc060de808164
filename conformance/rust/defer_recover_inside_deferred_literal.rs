// Port of go/defer_recover_inside_deferred_literal.go (item 18): in Go 1.19
// `defer func(){ defer recover(); ... }()` recovers the panic (there `recover` is the deferred
// function of a frame that is itself a deferred call run by the panic), so the literal returns
// normally and the caller's guard sees nothing: `stopped by the nested defer recover()`.
// godefer runs a deferred `recover()` at the level of its frame's body: in a frame that is
// itself the deferred call, it recovers (in the panicking frame itself it recovers nothing).
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
