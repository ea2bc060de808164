// Port of go/wrap_and_rethrow.go (item 30): recover, wrap and rethrow: bad becomes wrap: bad for
// the next recover up the stack.
// Port choices: the type assertion `e.(string)` is `Panic::message` (a `&str` or `String`
// payload); the function literal called at once is a closure with its own `defer!`, called at
// once.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn inner() {
    defer!(|| {
        if let Some(e) = godefer::recover() {
            panic!("wrap: {}", e.message().unwrap());
        }
    });
    panic!("bad");
}

#[godefer::func]
fn middle() {
    defer!(|| {
        if let Some(e) = godefer::recover() {
            panic!("middle: {}", e.message().unwrap());
        }
    });
    inner();
}

#[godefer::func]
pub fn main() {
    defer!(|| println!("recovered: {}", show(godefer::recover())));
    (|| {
        defer!(|| println!("recovered: {}", show(godefer::recover())));
        inner();
    })();
    middle();
}
