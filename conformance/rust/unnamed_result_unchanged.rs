// Port of go/unnamed_result_unchanged.go (item 8): with an unnamed result, the deferred change
// of a local variable does not reach the caller: return copied the value first.
// Port choices: `x`, shared by the body and the deferred closure, is a `Cell`.

use std::cell::Cell;

#[godefer::func]
fn f() -> i64 {
    let x = Cell::new(3);
    defer!(|| {
        x.set(x.get() * 2);
        println!("deferred x = {}", x.get());
    });
    x.get()
}

pub fn main() {
    println!("f: {}", f());
}
