// Port of go/func_value_evaluated_at_defer.go (item 5): the function value is evaluated at the
// defer statement.

fn a() {
    println!("a runs");
}

fn b() {
    println!("b runs");
}

#[godefer::func]
fn f() {
    let mut g: fn() = a;
    defer!(g());
    g = b;
    g();
    println!("f body ends");
}

pub fn main() {
    f();
}
