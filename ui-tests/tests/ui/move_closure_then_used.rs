// A `move` closure captures at the `defer!`: the body cannot use what it moved in.
#[godefer::func]
fn f() {
    let mut s = String::from("a");
    defer!(move || drop(s));
    s.push('b');
}

fn main() {
    f();
}
