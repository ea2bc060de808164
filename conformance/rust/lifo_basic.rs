// Port of go/lifo_basic.go (item 1): deferred calls run last in, first out when the function
// returns.

#[godefer::func]
fn f() {
    defer!(println!("{}", 1));
    defer!(println!("{}", 2));
    defer!(println!("{}", 3));
    println!("body");
}

pub fn main() {
    f();
    println!("after f");
}
