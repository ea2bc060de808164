// Port of go/seed_catch_downstream_panic.go (seed 002, defer1): a deferred literal recovers the
// panic of its function and logs it; the caller goes on normally.

#[godefer::func]
fn defer1() {
    defer!(|| {
        if let Some(err) = godefer::recover() {
            println!("recovered: {err}");
        }
    });
    println!("about to panic");
    panic!("panic");
}

pub fn main() {
    defer1();
    println!("main continues after defer1");
}
