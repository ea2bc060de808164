// Port of go/runtime_index_out_of_range_unrecovered.go (items 31, 32): an index out of range that
// nobody recovers; the deferred calls run, then the runtime error is reported.
// Port choices: the slice is `&[i64]` indexed with a `usize`.

#[godefer::func]
fn get(xs: &[i64], i: usize) -> i64 {
    defer!(println!("get's defer runs"));
    xs[i]
}

#[godefer::func]
pub fn main() {
    defer!(println!("main's defer runs"));
    let xs = [1, 2, 3];
    println!("{}", get(&xs, 0));
    println!("{}", get(&xs, 3));
}
