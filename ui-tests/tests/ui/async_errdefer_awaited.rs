async fn rollback() {}

#[godefer::func]
async fn f() -> Result<(), String> {
    errdefer!(rollback().await);
    Ok(())
}

fn main() {
    let _ = f();
}
