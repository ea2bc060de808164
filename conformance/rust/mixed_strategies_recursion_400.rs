// Port of go/mixed_strategies_recursion_400.go (item 14): a recursion alternating a function
// with defers in a loop and a function with straight-line defers, 200 frames deep; each of the
// two defers of every frame does r++, so the top returns 400.
// Port choices: the named result `r` is the return value, received by the deferred closures as
// `&mut`.

#[godefer::func]
fn loop_frame(n: i64) -> i64 {
    if n == 0 {
        return 0;
    }
    for _ in 0..2 {
        defer!(|r: &mut i64| *r += 1);
    }
    straight_frame(n - 1)
}

#[godefer::func]
fn straight_frame(n: i64) -> i64 {
    if n == 0 {
        return 0;
    }
    defer!(|r: &mut i64| *r += 1);
    defer!(|r: &mut i64| *r += 1);
    loop_frame(n - 1)
}

pub fn main() {
    println!("depth 1: {}", loop_frame(1));
    println!("depth 2: {}", loop_frame(2));
    println!("depth 7 from straight: {}", straight_frame(7));
    println!("depth 200: {}", loop_frame(200));
}
