// Port of go/mixed_strategies_panic_unwind.go (items 14, 23): a panic at the bottom of a
// recursion that alternates loop defers and straight-line defers runs every frame's defers,
// innermost frame first and LIFO within a frame; the top frame recovers.
// Port choices: Go's package variable `ran` is a static atomic counter; the named result `r` of
// `top` is its return value, received by the deferred closure as `&mut`; the literal with a
// parameter, `defer func(i int){...}(i)`, is a deferred call of a closure with a parameter.

use std::sync::atomic::{AtomicI64, Ordering};

static RAN: AtomicI64 = AtomicI64::new(0);

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn loop_frame(n: i64) {
    if n == 0 {
        panic!("bottom");
    }
    for i in 0..2 {
        defer!((|i: i64| {
            RAN.fetch_add(1, Ordering::Relaxed);
            println!("loop frame {n} defer {i}");
        })(i));
    }
    straight_frame(n - 1);
}

#[godefer::func]
fn straight_frame(n: i64) {
    if n == 0 {
        panic!("bottom");
    }
    defer!(|| {
        RAN.fetch_add(1, Ordering::Relaxed);
        println!("straight frame {n} defer a");
    });
    defer!(|| {
        RAN.fetch_add(1, Ordering::Relaxed);
        println!("straight frame {n} defer b");
    });
    loop_frame(n - 1);
}

#[godefer::func]
fn top() -> i64 {
    defer!(|r: &mut i64| {
        println!("recovered: {}", show(godefer::recover()));
        *r = RAN.load(Ordering::Relaxed);
    });
    loop_frame(6);
    -1
}

pub fn main() {
    println!("defers that ran: {}", top());
}
