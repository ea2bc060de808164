// Port of go/recover_defer_handler_direct.go (item 17): `defer handler()`, where handler itself
// calls recover, does recover: handler is the deferred function.

#[godefer::func]
fn handler() {
    if let Some(r) = godefer::recover() {
        println!("handler recovered: {r}");
    } else {
        println!("handler found no panic");
    }
}

#[godefer::func]
fn f(fail: bool) {
    defer!(handler());
    println!("f body, fail = {fail}");
    if fail {
        panic!("handled");
    }
}

pub fn main() {
    f(true);
    f(false);
    println!("main continues");
}
