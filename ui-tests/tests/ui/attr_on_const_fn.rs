#[godefer::func]
const fn f() -> i32 {
    defer!(println!("x"));
    1
}

fn main() {
    let _ = f();
}
