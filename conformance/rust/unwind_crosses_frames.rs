// Port of go/unwind_crosses_frames.go (item 23): unwinding crosses frames innermost first: h's
// defers, then g's, then main's, where a recover stops it.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn h() {
    defer!(println!("h defer 1"));
    defer!(println!("h defer 2"));
    println!("h panics");
    panic!("from h");
}

#[godefer::func]
fn g() {
    defer!(println!("g defer"));
    h();
    println!("g: not reached");
}

#[godefer::func]
fn run() {
    defer!(|| println!("run recovered: {}", show(godefer::recover())));
    defer!(println!("run defer"));
    g();
    println!("run: not reached");
}

pub fn main() {
    run();
    println!("main continues");
}
