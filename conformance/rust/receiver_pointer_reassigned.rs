// Port of go/receiver_pointer_reassigned.go (item 6): a pointer receiver is evaluated at the
// defer statement: the deferred call uses the pointer held then, and sees later changes through
// it, but not a later reassignment of the variable.
// Port choices: Go's `*T` is `Rc<T>` with the field in a `Cell`; the pointer receiver evaluated
// at the defer statement is `Rc::clone(&t)` evaluated at the `defer!`.

use std::cell::Cell;
use std::rc::Rc;

struct T {
    n: Cell<i64>,
}

impl T {
    fn show(&self, label: &str) {
        println!("{label} {}", self.n.get());
    }
}

#[godefer::func]
pub fn main() {
    let mut t = Rc::new(T { n: Cell::new(1) });
    let first = Rc::clone(&t);
    defer!(Rc::clone(&t).show("deferred on first pointer:"));
    t = Rc::new(T { n: Cell::new(100) });
    first.n.set(2);
    t.show("current pointer:");
}
