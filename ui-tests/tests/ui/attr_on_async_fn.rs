#[godefer::func]
async fn f() {
    defer!(println!("x"));
}

fn main() {
    let _ = f();
}
