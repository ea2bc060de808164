//! The panic path's ratio to Rust's unwinding floor, measured with the two interleaved.
//!
//! Criterion measures `panic_recover/depthN/godefer` and `.../catch_unwind` one after the other,
//! seconds apart; on a shared machine the speed drifts by several percent over seconds, and that
//! drift went straight into the ratio (1.03x to 1.11x at depth 16 over two runs of the same
//! code). Here each round times a block of godefer's recovered panics and a block of the bare
//! `catch_unwind` floor back to back (in alternating order), takes their ratio, and the median of
//! the rounds' ratios is printed: a drift slower than a round cancels out.
//!
//! `cargo bench -p godefer-benches --bench panic_ratio` (the compare script runs it). Prints one line per depth:
//! `ratio panic_recover/depthN median=R q1=R q3=R rounds=N`.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::*;

/// Rounds per depth; each is two blocks of `BLOCK` panics.
const ROUNDS: usize = 61;
/// Panics per block: a few milliseconds, far above the timer's resolution.
const BLOCK: u32 = 2000;

fn block(f: fn(u32), depth: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..BLOCK {
        f(black_box(depth));
    }
    start.elapsed()
}

fn main() {
    // As in `benches/defer.rs`: the floor runs under a no-op hook, and godefer's hook goes in
    // front of it at the first godefer frame.
    std::panic::set_hook(Box::new(|_| {}));
    for depth in DEPTHS {
        // Warm-up: caches, the pool, the panic record's spare box, the kept-origins buffer.
        block(panic_recover, depth);
        block(unwind_floor, depth);
        let mut ratios: Vec<f64> = (0..ROUNDS)
            .map(|round| {
                let (g, f) = if round % 2 == 0 {
                    let g = block(panic_recover, depth);
                    (g, block(unwind_floor, depth))
                } else {
                    let f = block(unwind_floor, depth);
                    (block(panic_recover, depth), f)
                };
                g.as_secs_f64() / f.as_secs_f64()
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        let at = |q: usize| ratios[(ratios.len() - 1) * q / 4];
        println!(
            "ratio panic_recover/depth{depth} median={:.4} q1={:.4} q3={:.4} rounds={ROUNDS}",
            at(2),
            at(1),
            at(3)
        );
    }
}
