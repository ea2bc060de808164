// Port of go/deferred_panic_on_normal_return.go (item 22): a panic raised by a deferred call
// during a normal return is an ordinary panic: an earlier-registered defer recovers it and sets
// r = -1.
// Port choices: the named result `r` is the return value, received by the deferred closures as
// `&mut`.

#[godefer::func]
fn f() -> i64 {
    defer!(|r: &mut i64| {
        if let Some(e) = godefer::recover() {
            println!("recovered: {e} r was {r}");
            *r = -1;
        }
    });
    defer!(|r: &mut i64| {
        println!("deferred call sees r = {r}");
        panic!("late failure");
    });
    5
}

pub fn main() {
    println!("f returned {}", f());
}
