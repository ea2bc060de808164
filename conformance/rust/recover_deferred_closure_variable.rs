// Port of go/recover_deferred_closure_variable.go (item 17): the deferred function may be a
// closure held in a variable; it is still the deferred function, so its recover call is direct
// and recovers.
// Port choices: Go's named result `status`, assigned by the body and by the closure held in a
// variable, is a local `RefCell` that the first-registered deferred closure copies into the
// result (Rust's result is written only by a return or a `|ret|` closure); `defer guard()` is
// `defer!(guard())`, the closure value evaluated at the `defer!`.

use std::cell::RefCell;

#[godefer::func]
fn f() -> String {
    let status = RefCell::new(String::new());
    defer!(|ret: &mut String| *ret = status.take());
    let guard = || {
        if let Some(r) = godefer::recover() {
            *status.borrow_mut() = format!("guard recovered: {r}");
        }
    };
    defer!(guard());
    *status.borrow_mut() = "no panic".to_string();
    panic!("held in a variable");
}

pub fn main() {
    println!("{}", f());
}
