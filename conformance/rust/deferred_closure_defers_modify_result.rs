// Port of go/deferred_closure_defers_modify_result.go (items 11, 8): a deferred closure
// registers its own defer, which changes the outer function's named result before the outer
// function returns.
// Port choices: the named result `r` is the return value, which the deferred closures receive
// as `&mut`; the closure that defers again shares it with its own deferred closure through
// `Cell::from_mut`.

use std::cell::Cell;

#[godefer::func]
fn f() -> i64 {
    defer!(|r: &mut i64| {
        *r += 1;
        println!("outer defer 1, r = {r}");
    });
    defer!(|r: &mut i64| {
        let r = Cell::from_mut(r);
        defer!(|| {
            r.set(r.get() * 3);
            println!("inner defer, r = {}", r.get());
        });
        r.set(r.get() + 100);
        println!("outer defer 2, r = {}", r.get());
    });
    2
}

pub fn main() {
    println!("f: {}", f());
}
