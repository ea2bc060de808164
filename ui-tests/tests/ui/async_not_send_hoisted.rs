// A deferred call hoisted out of the body's future (the first `defer!`s of an `async fn`)
// holding a value that is not `Send`: the error names the `defer!` and the await.
use std::rc::Rc;

async fn tick() {}

fn release(_: Rc<u32>) {}

#[godefer::func]
async fn f(n: u32) {
    defer!(release(Rc::new(n)));
    tick().await;
}

fn require_send<T: Send>(_: T) {}

fn main() {
    require_send(f(1));
}
