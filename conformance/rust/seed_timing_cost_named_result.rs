// Port of go/seed_timing_cost_named_result.go (seed 002): TestWithDefer computes a sum and
// reports its cost through a named result set by a deferred literal whose argument is the start
// time. The body leaves cost at -1 so that the output shows the deferred literal replaced it.
// Port choices: Go's signed `time.Duration` is `i64` nanoseconds; the named results
// `(sum int, cost time.Duration)` are the returned tuple, received by the deferred closure as
// `&mut`; the literal's argument `time.Now()`, evaluated at the defer statement, is `start`
// moved into the closure at the `defer!`.

use std::time::Instant;

const SECOND: i64 = 1_000_000_000;

fn since(start: Instant) -> i64 {
    start.elapsed().as_nanos() as i64
}

fn without_defer() -> (i64, i64) {
    let start = Instant::now();
    let mut sum = 0;
    for i in 0..10000 {
        sum += i;
    }
    let cost = since(start);
    (sum, cost)
}

#[godefer::func]
fn with_defer() -> (i64, i64) {
    let start = Instant::now();
    defer!(move |ret: &mut (i64, i64)| ret.1 = since(start));
    let mut sum = 0;
    for i in 0..10000 {
        sum += i;
    }
    (sum, -1)
}

pub fn main() {
    let (s1, c1) = without_defer();
    let (s2, c2) = with_defer();
    println!(
        "without defer: sum {s1} cost under a second: {}",
        c1 < SECOND
    );
    println!(
        "with defer: sum {s2} cost set by the defer: {} cost under a second: {}",
        c2 >= 0,
        c2 < SECOND
    );
}
