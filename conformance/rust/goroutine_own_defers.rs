// Port of go/goroutine_own_defers.go (item 33): each goroutine has its own defers: each worker's
// deferred calls run when that worker returns, in its own LIFO order.
// Port choices: goroutines are `std::thread::scope` threads; the scope's join is the
// `sync.WaitGroup` (so `defer wg.Done()` has no counterpart); `*[]string` is `&mut Vec<String>`;
// the worker's `log`, shared by its deferred calls, is a `RefCell`; the literal with a parameter,
// `defer func(i int){...}(i)`, is a deferred call of a closure with a parameter.

use std::cell::RefCell;

#[godefer::func]
fn worker(id: i64, out: &mut Vec<String>) {
    let log = RefCell::new(Vec::new());
    defer!(|| *out = log.take());
    for i in 0..3 {
        defer!((|i: i64| log.borrow_mut().push(format!("w{id}-d{i}")))(i));
    }
    log.borrow_mut().push(format!("w{id}-body"));
}

pub fn main() {
    const N: usize = 4;
    let mut results: Vec<Vec<String>> = vec![Vec::new(); N];
    std::thread::scope(|s| {
        for (id, out) in results.iter_mut().enumerate() {
            s.spawn(move || worker(id as i64, out));
        }
    });
    for r in &results {
        println!("{}", r.join(" "));
    }
}
