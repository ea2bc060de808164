// Go's names are "open-coded", "stack-allocated" and "heap-allocated"; godefer's are
// "open-coded", "frame" and "heap".
#[godefer::func(strategy = "stack")]
fn f() {
    defer!(println!("x"));
}

fn main() {
    f();
}
