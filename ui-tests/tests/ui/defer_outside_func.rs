// `defer!` only means something inside a `#[godefer::func]` function, which rewrites it.
use godefer::defer;

fn plain() {
    defer!(println!("never registered"));
    println!("body");
}

fn main() {
    plain();
}
