async fn flush() {}

#[godefer::func]
fn f() {
    defer!(flush().await);
    defer!(async { flush().await });
}

fn main() {
    f();
}
