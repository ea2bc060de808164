// Port of go/seed_args_copied_a10_b20.go (seed 001): arguments are copied at the defer
// statement; later assignments to a and b do not reach the deferred literal.
// Port choices: the literal with parameters, `defer func(a, b int){...}(a, b)`, is a deferred
// call of a closure with parameters.

#[godefer::func]
pub fn main() {
    let mut a = 10;
    let mut b = 20;
    defer!((|a: i64, b: i64| println!("a = {a}, b = {b}"))(a, b));
    a = 111;
    b = 222;
    println!("outer: a = {a}, b = {b}");
}
