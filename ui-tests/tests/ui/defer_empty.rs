// Nothing to defer.
#[godefer::func]
fn f() {
    defer!();
}

fn main() {
    f();
}
