// Go copies `s` into the deferred call's arguments at the `defer`; Rust can only borrow a
// `String` there (a copy would need `clone`), so changing it afterwards is a borrow error rather
// than a silent difference. (A `Copy` value is copied, as in Go.)

#[godefer::func]
fn f() {
    let mut s = String::from("a");
    defer!(println!("{s}"));
    s.push('b');
}

fn main() {
    f();
}
