// Go: `defer f` is "expression in defer must be function call".
fn cleanup() {}

#[godefer::func]
fn f() {
    defer!(cleanup);
}

fn main() {
    f();
}
