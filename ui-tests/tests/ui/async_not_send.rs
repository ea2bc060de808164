use std::rc::Rc;

async fn tick() {}

#[godefer::func]
async fn f() {
    let shared = Rc::new(1);
    defer!(move || drop(shared));
    tick().await;
}

fn require_send<T: Send>(_: T) {}

fn main() {
    require_send(f());
}
