// Port of go/seed_closure_shared_var_prints_final.go (seed 001): the closures share one variable
// declared outside the loop and print its final value at exit.
// Port choices: `i`, shared by the body and the closures, is a `Cell`; `for i = 0; i < 5; i++`
// is a `while` loop over it.

use std::cell::Cell;

#[godefer::func]
fn run() {
    let i = Cell::new(0);
    i.set(0);
    while i.get() < 5 {
        defer!(|| println!("closure sees {}", i.get()));
        i.set(i.get() + 1);
    }
    i.set(100);
    println!("i set to {}", i.get());
}

pub fn main() {
    run();
}
