async fn tick() {}

#[godefer::func]
async fn f() {
    let mut v = vec![1];
    // A `move` closure captures `v` at the `defer!`: the body cannot use it after.
    defer!(move || println!("{v:?}"));
    tick().await;
    v.push(2);
}

fn main() {
    let _ = f();
}
