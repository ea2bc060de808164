// Port of go/recover_remaining_defers_run.go (item 21): after a deferred call recovers, the
// function's remaining defers still run, LIFO, then it returns normally.
// Port choices: the named result `r` is the return value, received by the deferred closures as
// `&mut`.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f() -> i64 {
    defer!(|r: &mut i64| {
        *r += 1;
        println!("defer 1, r = {r}");
    });
    defer!(|r: &mut i64| {
        *r += 10;
        println!("defer 2, r = {r}");
    });
    defer!(|r: &mut i64| {
        println!("defer 3 recovers: {}", show(godefer::recover()));
        *r = 100;
    });
    defer!(|| println!("defer 4 runs first, still panicking"));
    panic!("stop");
}

pub fn main() {
    println!("f returned {}", f());
}
