// Port of go/bare_return_named_results.go (item 8): a bare return with named results set in
// the body; the deferred closure sees and changes them.
// Port choices: the named results `(sum, count int)` are the returned tuple, which the deferred
// closure receives as `&mut`; the body accumulates them in locals and returns them.

#[godefer::func]
fn f(n: i64) -> (i64, i64) {
    defer!(|ret: &mut (i64, i64)| {
        println!("deferred sees {} {}", ret.0, ret.1);
        ret.0 = -ret.0;
    });
    let (mut sum, mut count) = (0, 0);
    for i in 1..=n {
        sum += i;
        count += 1;
    }
    (sum, count)
}

pub fn main() {
    let (s, c) = f(4);
    println!("result {s} {c}");
}
