// Port of go/recover_named_results_kept.go (item 16): after a recovered panic, named results
// keep the values they had, including values a deferred closure set.
// Port choices: Go's named results `(a int, b string)`, assigned in the body before the panic,
// are locals (`Cell`, `RefCell`) that the first-registered deferred closure copies into the
// returned tuple (Rust's result is written only by a return or a `|ret|` closure).

use std::cell::{Cell, RefCell};

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn keep() -> (i64, String) {
    let a = Cell::new(0);
    let b = RefCell::new(String::new());
    defer!(|ret: &mut (i64, String)| *ret = (a.get(), b.take()));
    defer!(|| println!("recovered: {}", show(godefer::recover())));
    a.set(7);
    *b.borrow_mut() = "set before panic".to_string();
    panic!("p");
}

#[godefer::func]
fn set_by_defer() -> (i64, String) {
    let a = Cell::new(0);
    let b = RefCell::new(String::new());
    defer!(|ret: &mut (i64, String)| *ret = (a.get(), b.take()));
    defer!(|| {
        if let Some(r) = godefer::recover() {
            a.set(-1);
            *b.borrow_mut() = format!("from defer: {r}");
        }
    });
    a.set(7);
    panic!("q");
}

pub fn main() {
    let (a, b) = keep();
    println!("{a} {b}");
    let (a, b) = set_by_defer();
    println!("{a} {b}");
}
