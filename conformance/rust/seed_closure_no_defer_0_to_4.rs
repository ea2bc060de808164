// Port of go/seed_closure_no_defer_0_to_4.go (seed 001): without defer, a function literal
// called at once prints 0 1 2 3 4.
// Port choices: no defer, so no `#[godefer::func]`: the literal is a closure called at once.

#[allow(clippy::redundant_closure_call)]
pub fn main() {
    for i in 0..5 {
        (|| println!("{i}"))();
    }
}
