#[godefer::func(foo = 1)]
fn f() {
    defer!(println!("x"));
}

fn main() {
    f();
}
