// Port of go/panic_replaced_across_frames.go (item 25): while a panic unwinds, a deferred call
// invokes a function that panics without recovering; the new panic replaces the old one and the
// caller's recover gets the new value.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn cleanup() {
    defer!(println!("cleanup's own defer"));
    panic!("cleanup failed");
}

#[godefer::func]
fn work() {
    defer!(println!("work's earlier defer"));
    defer!(cleanup());
    panic!("work failed");
}

#[godefer::func]
pub fn main() {
    defer!(|| println!("recovered: {}", show(godefer::recover())));
    work();
}
