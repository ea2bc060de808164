// A deferred closure takes no parameter, or one: `&mut` the function's result.
#[godefer::func]
fn f() -> i32 {
    defer!(|a: &mut i32, b: &mut i32| *a += *b);
    1
}

fn main() {
    f();
}
