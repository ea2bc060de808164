// Port of go/operand_runtime_error_nothing_registered.go (items 7, 32): a runtime error (integer
// division by zero) while evaluating a defer argument registers nothing; the earlier defer runs
// and the caller recovers the runtime error.
// Port choices: Go's package variable `zero` is a static atomic (so the division is not a
// compile-time error); Rust's division by zero panics like Go's runtime error.

use std::sync::atomic::{AtomicI64, Ordering};

static ZERO: AtomicI64 = AtomicI64::new(0);

#[godefer::func]
fn f() {
    defer!(println!("earlier defer runs"));
    defer!(println!(
        "never registered {}",
        10 / ZERO.load(Ordering::Relaxed)
    ));
    println!("not reached");
}

#[godefer::func]
pub fn main() {
    defer!(|| {
        let r = godefer::recover();
        println!("recovered a runtime error: {}", r.is_some());
    });
    f();
}
