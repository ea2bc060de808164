// Port of go/nested_recovery.go (item 29): a defer inside a deferred function recovers the
// inner panic (2), while the outer function's earlier defer still recovers the outer one (1).
// Port choices: Go's `panic(2)` with an int is `std::panic::panic_any(2_i64)`; `show` prints a
// recovered value as Go's `fmt.Println` would.

fn show(p: Option<godefer::Panic>) -> String {
    match p {
        None => "<nil>".to_string(),
        Some(p) => match p.downcast_ref::<i64>() {
            Some(n) => n.to_string(),
            None => p.to_string(),
        },
    }
}

#[godefer::func]
fn f() {
    defer!(|| println!("outer recovered: {}", show(godefer::recover())));
    defer!(|| {
        defer!(|| println!("inner recovered: {}", show(godefer::recover())));
        std::panic::panic_any(2_i64);
    });
    std::panic::panic_any(1_i64);
}

pub fn main() {
    f();
    println!("main continues");
}
