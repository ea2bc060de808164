// Port of go/seed_closure_loop_prints_5.go (seed 001): deferred closures read the loop variable
// when they run. With Go 1.19 the loop has one variable i for all iterations, so all five
// closures print its final value 5.
// Port choices: Go 1.19's single loop variable is one `Cell` shared by the closures, and the
// three-clause `for` is a `while` loop over it.

use std::cell::Cell;

#[godefer::func]
fn run() {
    let i = Cell::new(0);
    while i.get() < 5 {
        defer!(|| println!("{}", i.get()));
        i.set(i.get() + 1);
    }
    println!("registered");
}

pub fn main() {
    run();
}
