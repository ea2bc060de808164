//! How steady the machine is: a fixed plain-Rust loop timed in short blocks.
//!
//! The ratios of `benches/compare` divide times measured seconds or minutes apart. On a quiet
//! machine that is fine; on a shared virtual machine it is not: on one such host (2 vCPUs of an
//! AMD EPYC under KVM) the same godefer binary ran loop10 at 34 ns per call for some seconds and
//! at 70 ns for the next, on either vCPU, while a register-only arithmetic loop stayed within 5%
//! (the slow phases hit calls and memory accesses, as a busy neighbour on the same physical core
//! would). No benchmark figure from such a run says much, and nothing in the figures alone shows
//! it. So the compare script runs this probe at the start, the middle and the end of its run, and
//! the report states the spread it saw and warns when the machine was unsteady.
//!
//! The loop calls two small non-inlined functions that read and write a small array: the kind
//! of work the scenarios do (calls, stack traffic, loads and stores), but no godefer code, so the
//! figure says something about the machine and nothing about godefer. Each block lasts about
//! 20 ms; the probe takes about one second.
//!
//! `cargo bench -p godefer-benches --bench steadiness`. Prints one line:
//! `steady blocks=N block_ms=MS min=NS p5=NS median=NS p95=NS max=NS` (nanoseconds per
//! iteration).

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Blocks per probe; with `BLOCK_TIME` each, about a second in all.
const BLOCKS: usize = 50;
/// Target length of one block: long against the timer and a scheduler tick's noise, short
/// against the phases it has to catch (seconds).
const BLOCK_TIME: Duration = Duration::from_millis(20);

#[inline(never)]
fn leaf(a: &mut [u64; 8], i: usize) -> u64 {
    a[i & 7] = a[(i + 3) & 7].wrapping_add(i as u64);
    a[(i + 5) & 7]
}

#[inline(never)]
fn mid(a: &mut [u64; 8], i: usize) -> u64 {
    let mut s = 0u64;
    for j in 0..4 {
        s = s.wrapping_add(black_box(leaf(a, i + j)));
    }
    s
}

/// Nanoseconds per iteration of `n` iterations.
fn block(n: usize) -> f64 {
    let mut a = [0u64; 8];
    let mut s = 0u64;
    let start = Instant::now();
    for i in 0..n {
        s = s.wrapping_add(mid(black_box(&mut a), i));
    }
    let t = start.elapsed();
    black_box(s);
    t.as_nanos() as f64 / n as f64
}

fn main() {
    // Calibrate the block length once: iterations for about `BLOCK_TIME` at the current speed
    // (the fastest of a few tries, so that a slow phase now does not make every block longer).
    let probe = 100_000;
    let ns = (0..5).map(|_| block(probe)).fold(f64::INFINITY, f64::min);
    let n = ((BLOCK_TIME.as_nanos() as f64 / ns) as usize).max(probe);
    let mut times: Vec<f64> = (0..BLOCKS).map(|_| block(n)).collect();
    times.sort_by(f64::total_cmp);
    let at = |p: usize| times[(times.len() - 1) * p / 100];
    println!(
        "steady blocks={BLOCKS} block_ms={} min={:.3} p5={:.3} median={:.3} p95={:.3} max={:.3}",
        BLOCK_TIME.as_millis(),
        at(0),
        at(5),
        at(50),
        at(95),
        at(100)
    );
}
