async fn close(_: u32) {}

#[godefer::func]
async fn f(n: u32) {
    for i in 0..n {
        defer!(close(i).await);
    }
}

fn main() {
    let _ = f(1);
}
