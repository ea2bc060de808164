// Port of go/seed_timing_arg_vs_closure.go (seeds 002, 003): timing with defer.
// time.Since(start) passed as an argument is evaluated at the defer statement (about 0); passing
// time.Now() as the argument of a literal that computes time.Since at exit measures the body.
// Port choices: `time.Now()` is `Instant::now()` and `time.Since(start)` is `start.elapsed()`;
// the literal with a parameter is a deferred call of a closure with a parameter.

use std::time::{Duration, Instant};

const PAUSE: Duration = Duration::from_millis(20);

fn report(label: &str, d: Duration) {
    println!(
        "{label} measured at least the pause: {} under a second: {}",
        d >= PAUSE,
        d < Duration::from_secs(1)
    );
}

#[godefer::func]
fn timed() {
    let start = Instant::now();
    defer!(report("argument evaluated early:", start.elapsed()));
    defer!((|start: Instant| report(
        "literal with start argument:",
        start.elapsed()
    ))(Instant::now()));
    defer!(|| report("closure:", start.elapsed()));
    std::thread::sleep(PAUSE);
    println!("body slept");
}

pub fn main() {
    timed();
}
