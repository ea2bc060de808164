// Port of go/runtime_index_out_of_range_recovered.go (item 32): an index out of range is a
// runtime panic that can be recovered.
// Port choices: the named results `(v int, ok bool)` are the returned tuple, received by the
// deferred closure as `&mut`; the slice is `&[i64]` indexed with a `usize`.

#[godefer::func]
fn at(xs: &[i64], i: usize) -> (i64, bool) {
    defer!(|ret: &mut (i64, bool)| {
        let r = godefer::recover();
        if r.is_some() {
            println!("recovered a runtime error: {}", r.is_some());
            *ret = (-1, false);
        }
    });
    (xs[i], true)
}

pub fn main() {
    let xs = [10, 20, 30];
    let (v, ok) = at(&xs, 1);
    println!("{v} {ok}");
    let (v, ok) = at(&xs, 5);
    println!("{v} {ok}");
    let (v, ok) = at(&xs, 2);
    println!("{v} {ok}");
}
