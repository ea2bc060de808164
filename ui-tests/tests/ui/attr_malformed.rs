#[godefer::func(strategy)]
fn f() {
    defer!(println!("x"));
}

fn main() {
    f();
}
