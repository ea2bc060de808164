// The parameter is `&mut` the function's result type: `&mut i32` here, not `&mut String`.
#[godefer::func]
fn f() -> i32 {
    defer!(|r: &mut String| r.push('!'));
    1
}

fn main() {
    f();
}
