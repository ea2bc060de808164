// Port of go/seed_quiz_1_5_1.go (seed 001): the first three quiz functions. Answers: 1, 5, 1.
// Port choices: the named results are the return values. Quiz 1: the deferred closure receives
// it as `&mut`. Quiz 2: `t`, shared by the body and the deferred closure, is a `Cell`. Quiz 3:
// the literal with a parameter, given `r` at the defer statement, is a deferred call of a closure
// with a parameter, given the value `r` has then: the zero value, 0.

use std::cell::Cell;

#[godefer::func]
fn quiz1() -> i64 {
    defer!(|result: &mut i64| *result += 1);
    0
}

#[godefer::func]
fn quiz2() -> i64 {
    let t = Cell::new(5);
    defer!(|| t.set(t.get() + 5));
    t.get()
}

#[godefer::func]
fn quiz3() -> i64 {
    defer!((|mut r: i64| {
        r += 5;
        let _ = r;
    })(0));
    1
}

pub fn main() {
    println!("quiz1: {}", quiz1());
    println!("quiz2: {}", quiz2());
    println!("quiz3: {}", quiz3());
}
