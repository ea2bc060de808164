// A call's argument is evaluated at the `defer!`: a borrow taken there lasts until the call at
// exit, so changing the value in between is a borrow error at the argument and at the change.
fn show(_: &String) {}

#[godefer::func]
fn f() {
    let mut s = String::from("a");
    defer!(show(&s));
    s.push('b');
}

fn main() {
    f();
}
