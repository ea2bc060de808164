// Port of go/named_results_tuple.go (item 8): several named results, all changed by deferred
// calls after return.
// Port choices: the named results `(a int, b string)` are the returned tuple, received by the
// deferred closures as `&mut`.

#[godefer::func]
fn pair() -> (i64, String) {
    defer!(|ret: &mut (i64, String)| {
        ret.0 += 1;
        ret.1.push('!');
    });
    defer!(|ret: &mut (i64, String)| ret.0 *= 10);
    (1, "x".to_string())
}

pub fn main() {
    let (a, b) = pair();
    println!("{a} {b}");
}
