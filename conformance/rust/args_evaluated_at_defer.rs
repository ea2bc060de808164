// Port of go/args_evaluated_at_defer.go (item 4): arguments are evaluated at the defer
// statement; a closure reads the variable when it runs.
// Port choices: `x`, shared by the body and a deferred closure, is a `Cell`; the literal with a
// parameter, `defer func(v int){...}(x * 10)`, is a deferred call of a closure with parameters.

use std::cell::Cell;

#[godefer::func]
pub fn main() {
    let x = Cell::new(1_i64);
    defer!(println!("arg {}", x.get()));
    defer!(|| println!("closure {}", x.get()));
    defer!((|v: i64| println!("param {v}"))(x.get() * 10));
    x.set(2);
    println!("x is now {}", x.get());
}
