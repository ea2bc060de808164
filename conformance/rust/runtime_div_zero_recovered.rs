// Port of go/runtime_div_zero_recovered.go (item 32): integer division by zero is a runtime
// panic like any other and can be recovered.
// Port choices: the named results `(q int, failed bool)` are the returned tuple, received by the
// deferred closure as `&mut`.

#[godefer::func]
fn div(a: i64, b: i64) -> (i64, bool) {
    defer!(|ret: &mut (i64, bool)| {
        if godefer::recover().is_some() {
            ret.1 = true;
        }
    });
    (a / b, false)
}

pub fn main() {
    let (q, failed) = div(7, 2);
    println!("{q} {failed}");
    let (q, failed) = div(7, 0);
    println!("{q} {failed}");
}
