// Port of go/seed_receiver_pointer_prints_1.go (seeds 001, 003): with a pointer receiver the
// pointer is copied at the defer statement, so the deferred call sees the later change: prints 1.
// Port choices: the field is a `Cell`; Go's `test.print()` on a pointer receiver takes `&test`
// at the defer statement, as `defer!((&test).print())` does.

use std::cell::Cell;

#[derive(Default)]
struct Test {
    value: Cell<i64>,
}

impl Test {
    fn print(&self) {
        println!("pointer receiver sees {}", self.value.get());
    }
}

#[godefer::func]
pub fn main() {
    let test = Test::default();
    defer!((&test).print());
    test.value.set(test.value.get() + 1);
    println!("main set value to {}", test.value.get());
}
