// Port of go/args_side_effects_once.go (item 4): each argument expression is evaluated exactly
// once, with its side effects, at the defer statement.
// Port choices: Go's package variable `calls` is a static atomic counter.

use std::sync::atomic::{AtomicI64, Ordering};

static CALLS: AtomicI64 = AtomicI64::new(0);

fn calls() -> i64 {
    CALLS.load(Ordering::Relaxed)
}

fn compute(tag: &str) -> i64 {
    let calls = CALLS.fetch_add(1, Ordering::Relaxed) + 1;
    println!("compute {tag} call {calls}");
    calls * 100
}

fn show(label: &str, v: i64) {
    println!("show {label} {v}");
}

#[godefer::func]
fn f() {
    defer!(show("a", compute("a")));
    println!("after first defer, calls = {}", calls());
    defer!(show("b", compute("b")));
    println!("after second defer, calls = {}", calls());
}

pub fn main() {
    f();
    println!("total calls {}", calls());
}
