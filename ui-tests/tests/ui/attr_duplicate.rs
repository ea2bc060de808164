#[godefer::func(strategy = "heap", strategy = "frame")]
fn f() {
    defer!(println!("x"));
}

fn main() {
    f();
}
