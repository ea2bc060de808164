// Port of go/seed_defer_with_return_trio.go (seed 002): deferWithReturn1/2/3 return -99, -100,
// -99.
// Port choices: the named result `res` is the return value. (1) The deferred closure receives it
// as `&mut`. (2) The literal with a parameter, given `res` at the defer statement, is a deferred
// call of a closure with a parameter, given the value `res` has then: the zero value, 0.
// (3) The literal given `&res` is the deferred closure receiving `&mut` the result.

#[godefer::func]
fn defer_with_return1() -> i64 {
    defer!(|res: &mut i64| *res += 1);
    -100
}

#[godefer::func]
fn defer_with_return2() -> i64 {
    defer!((|mut res: i64| {
        res += 1;
        let _ = res;
    })(0));
    -100
}

#[godefer::func]
fn defer_with_return3() -> i64 {
    defer!(|res: &mut i64| *res += 1);
    -100
}

pub fn main() {
    println!("{}", defer_with_return1());
    println!("{}", defer_with_return2());
    println!("{}", defer_with_return3());
}
