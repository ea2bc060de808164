// Port of go/named_result_doubled.go (item 8): a deferred closure changes the named result after
// return set it.
// Port choices: the named result `r` is the return value, received by the deferred closures as
// `&mut`.

#[godefer::func]
fn f() -> i64 {
    defer!(|r: &mut i64| *r *= 2);
    3
}

#[godefer::func]
fn g() -> i64 {
    defer!(|r: &mut i64| *r *= 2);
    defer!(|r: &mut i64| *r += 10);
    3
}

pub fn main() {
    println!("f: {}", f());
    println!("g: {}", g());
}
