// Port of go/defer_inside_deferred_call.go (item 11): defers registered inside a running
// deferred call run when that deferred call returns, before the outer function's next defer.

#[godefer::func]
fn f() {
    defer!(println!("outer defer 1 (registered first)"));
    defer!(|| {
        defer!(println!("inner defer a"));
        defer!(println!("inner defer b"));
        println!("outer defer 2 body");
    });
    defer!(println!("outer defer 3 (registered last)"));
    println!("f body");
}

pub fn main() {
    f();
    println!("f returned");
}
