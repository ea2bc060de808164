// An arithmetic expression is not a call.
#[godefer::func]
fn f(x: i32) {
    defer!(x + 1);
}

fn main() {
    f(1);
}
