// Port of go/nested_recovery_three_levels.go (item 29): three panics nested in deferred calls,
// each recovered at its own level, innermost first.
// Port choices: the named result `log` is the returned `String`, received by the deferred
// closures as `&mut`; the closure that defers again shares it with its nested deferred closures
// through `Cell::from_mut`. Go's `panic(n)` with an int is `std::panic::panic_any(n as i64)`.

use std::cell::Cell;

fn show(p: Option<godefer::Panic>) -> String {
    match p {
        None => "<nil>".to_string(),
        Some(p) => match p.downcast_ref::<i64>() {
            Some(n) => n.to_string(),
            None => p.to_string(),
        },
    }
}

fn append(log: &Cell<String>, s: String) {
    let mut v = log.take();
    v.push_str(&s);
    log.set(v);
}

#[godefer::func]
fn f() -> String {
    defer!(|log: &mut String| log.push_str(&format!(" level1:{}", show(godefer::recover()))));
    defer!(|log: &mut String| {
        let log = Cell::from_mut(log);
        defer!(|| append(log, format!(" level2:{}", show(godefer::recover()))));
        defer!(|| {
            defer!(|| append(log, format!(" level3:{}", show(godefer::recover()))));
            std::panic::panic_any(3_i64);
        });
        std::panic::panic_any(2_i64);
    });
    std::panic::panic_any(1_i64);
}

pub fn main() {
    println!("log:{}", f());
}
