// The arguments of a deferred macro are evaluated at the `defer!`, so they must be
// comma-separated expressions; `vec![elem; n]` is not.
#[godefer::func]
fn f(n: usize) {
    defer!(vec![0; n]);
}

fn main() {
    f(3);
}
