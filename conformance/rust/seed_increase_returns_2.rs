// Port of go/seed_increase_returns_2.go (seed 001): the three steps of return: ret = d, then the
// deferred ret++, then return.
// Port choices: the named result `ret` is the return value, received by the deferred closure as
// `&mut`.

#[godefer::func]
fn increase(d: i64) -> i64 {
    defer!(|ret: &mut i64| *ret += 1);
    d
}

pub fn main() {
    println!("{}", increase(1));
    println!("{}", increase(41));
}
