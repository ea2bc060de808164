// Go rejects `defer (f())` too: the deferred expression must be a call, not a parenthesised one.
fn cleanup() {}

#[godefer::func]
fn f() {
    defer!((cleanup()));
}

fn main() {
    f();
}
