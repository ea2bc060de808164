// Port of go/receiver_value_method_on_pointer.go (item 6): a value-receiver method called
// through a pointer copies the value at the defer statement.
// Port choices: `t := &T{n: 1}` is a reference with the field in a `Cell`; the value receiver,
// Go's implicit `*t` copy, is `t.clone()` evaluated at the `defer!`; the pointer receiver is the
// reference, copied at the `defer!`.

use std::cell::Cell;

#[derive(Clone)]
struct T {
    n: Cell<i64>,
}

impl T {
    fn val(self, label: &str) {
        println!("{label} {}", self.n.get());
    }

    fn ptr(&self, label: &str) {
        println!("{label} {}", self.n.get());
    }
}

#[godefer::func]
pub fn main() {
    let t = &T { n: Cell::new(1) };
    defer!(t.clone().val("value receiver:"));
    defer!(t.ptr("pointer receiver:"));
    t.n.set(2);
    println!("set n to {}", t.n.get());
}
