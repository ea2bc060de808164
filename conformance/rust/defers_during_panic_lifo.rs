// Port of go/defers_during_panic_lifo.go (items 1, 3, 23): during a panic, a frame's
// straight-line and loop defers run in reverse order of registration, then the caller's.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn inner() {
    defer!(println!("inner straight 1"));
    for i in 0..3 {
        defer!(println!("inner loop {}", i));
    }
    defer!(println!("inner straight 2"));
    panic!("inner failed");
}

#[godefer::func]
pub fn main() {
    defer!(|| println!("recovered: {}", show(godefer::recover())));
    defer!(println!("main defer"));
    inner();
}
