//! godefer in a `panic = "abort"` build (`cargo run --profile abort --example abort_profile`):
//! deferred calls run on every normal exit, in Go's order, and change results as usual. A panic
//! aborts the process at once, as it does in any Rust program built that way, so no deferred
//! call runs after one and `recover` always returns `None`.

use std::cell::RefCell;

#[godefer::func]
fn count(log: &RefCell<Vec<String>>, n: u32) -> u32 {
    defer!(|ret: &mut u32| *ret *= 10);
    for i in 0..n {
        defer!(move || log.borrow_mut().push(format!("loop {i}")));
    }
    if n == 0 {
        return 1;
    }
    defer!(|| log
        .borrow_mut()
        .push("last registered, first run".to_string()));
    n
}

fn main() {
    let log = RefCell::new(Vec::new());
    assert_eq!(count(&log, 0), 10);
    assert_eq!(count(&log, 3), 30);
    assert_eq!(
        *log.borrow(),
        ["last registered, first run", "loop 2", "loop 1", "loop 0"]
    );
    assert!(godefer::recover().is_none());
    for line in log.borrow().iter() {
        println!("{line}");
    }
    println!("panic = \"abort\": deferred calls ran on every normal exit");
}
