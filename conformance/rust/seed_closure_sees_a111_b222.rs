// Port of go/seed_closure_sees_a111_b222.go (seed 001, main01): a deferred closure without
// parameters reads a and b when it runs, so it sees the later values 111 and 222.
// Port choices: `a` and `b`, shared by the body and the deferred closure, are `Cell`s.

use std::cell::Cell;

#[godefer::func]
pub fn main() {
    let a = Cell::new(10);
    let b = Cell::new(20);
    defer!(|| println!("a = {}, b = {}", a.get(), b.get()));
    a.set(111);
    b.set(222);
    println!("outer: a = {}, b = {}", a.get(), b.get());
}
