//! Allocation counts of godefer's three strategies, with a counting global allocator: asserts
//! that after warm-up a call allocates nothing (open-coded, frame and heap records, also with
//! two threads sharing the global pool), measures the heap bytes per pending defer of
//! `defer_many`, and prints the allocations of a recovered panic next to Rust's unwinding floor.
//!
//! `cargo bench -p godefer-benches --bench alloc_check` (the compare script runs it). Prints one
//! `alloc <name> <key>=<value>...` line per check, then `alloc_check: N passed, M failed`;
//! exits non-zero if a zero-allocation check failed.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::Barrier;

use common::*;

/// Counts allocations and tracks the bytes in use and their peak.
struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// While set, the size of every allocation is recorded in `SIZES` (one slot per size up to 256).
static RECORD_SIZES: AtomicBool = AtomicBool::new(false);
static SIZES: [AtomicUsize; 257] = [const { AtomicUsize::new(0) }; 257];

fn grew(size: usize) {
    ALLOCS.fetch_add(1, Relaxed);
    let now = IN_USE.fetch_add(size, Relaxed) + size;
    PEAK.fetch_max(now, Relaxed);
    if RECORD_SIZES.load(Relaxed) {
        SIZES[size.min(256)].fetch_add(1, Relaxed);
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counters
// are atomics that never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        IN_USE.fetch_sub(layout.size(), Relaxed);
        grew(new_size);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `calls` runs of `f`, after `warm` runs not counted.
fn allocations(warm: usize, calls: usize, mut f: impl FnMut()) -> usize {
    for _ in 0..warm {
        f();
    }
    let before = ALLOCS.load(Relaxed);
    for _ in 0..calls {
        f();
    }
    ALLOCS.load(Relaxed) - before
}

struct Checks {
    passed: usize,
    failed: usize,
}

impl Checks {
    /// A zero-allocation check.
    fn zero(&mut self, name: &str, strategy: &str, calls: usize, allocs: usize) {
        let ok = allocs == 0;
        println!(
            "alloc {name} strategy={strategy} calls={calls} allocations={allocs} per_call={:.4} {}",
            allocs as f64 / calls as f64,
            if ok { "ok" } else { "FAILED" }
        );
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
    }
}

/// `defer_many` with a probe: the heap bytes in use once all `n` defers are pending.
#[godefer::func]
#[inline(never)]
fn defer_many_probe(n: usize, in_use_when_pending: &mut usize) {
    for _ in 0..n {
        defer!(check3(black_box(1), black_box(2), black_box(3)));
    }
    *in_use_when_pending = IN_USE.load(Relaxed);
}

/// The first heap defers of the process, on a cold pool: the heap bytes `n` pending defers
/// hold (sampled while all are pending, and at the peak of the whole call, which includes the
/// pools' own bookkeeping as the records go back), and the sizes of the allocations made.
fn pending_bytes(n: usize) {
    // Installs godefer's panic hook (a one-time allocation) without touching the record pool.
    defer1();
    let before = IN_USE.load(Relaxed);
    PEAK.store(before, Relaxed);
    for s in &SIZES {
        s.store(0, Relaxed);
    }
    RECORD_SIZES.store(true, Relaxed);
    let mut pending = 0;
    defer_many_probe(black_box(n), &mut pending);
    RECORD_SIZES.store(false, Relaxed);
    let pending = pending - before;
    let cold_peak = PEAK.load(Relaxed) - before;
    let retained = IN_USE.load(Relaxed) - before;
    // The size allocated most often during the call: the record.
    let mut by_size: BTreeMap<usize, usize> = BTreeMap::new();
    for (size, count) in SIZES.iter().enumerate() {
        let count = count.load(Relaxed);
        if count > 0 {
            by_size.insert(size, count);
        }
    }
    let record = by_size
        .iter()
        .max_by_key(|(_, count)| **count)
        .map(|(size, _)| *size)
        .unwrap_or(0);
    let sizes: Vec<String> = by_size
        .iter()
        .map(|(s, c)| {
            let s = if *s == 256 {
                ">=256".to_string()
            } else {
                s.to_string()
            };
            format!("{s}Bx{c}")
        })
        .collect();

    // A second call finds the records in the pools.
    let before = IN_USE.load(Relaxed);
    PEAK.store(before, Relaxed);
    defer_many(black_box(n));
    let warm_peak = PEAK.load(Relaxed) - before;
    println!(
        "alloc defer_many_pending n={n} bytes_per_pending={:.2} \
         sampled_bytes_per_pending={:.2} cold_peak_bytes={cold_peak} pending_bytes={pending} \
         record_bytes={record} retained_by_pools={retained} warm_peak_bytes={warm_peak} \
         sizes={}",
        cold_peak as f64 / n as f64,
        pending as f64 / n as f64,
        sizes.join(",")
    );
}

/// Allocations of a recovered panic: godefer's, and the bare floor's. Reported, not asserted: a
/// Rust panic allocates its payload and its exception.
fn panic_allocations() {
    for depth in DEPTHS {
        let godefer = allocations(10, 1000, || panic_recover(black_box(depth)));
        let floor = allocations(10, 1000, || unwind_floor(black_box(depth)));
        println!(
            "alloc panic_recover_depth{depth} per_panic_godefer={:.2} per_panic_catch_unwind={:.2}",
            godefer as f64 / 1000.0,
            floor as f64 / 1000.0
        );
    }
}

/// `loop10` on two threads at once, after each warmed its cache: allocations while both run.
fn threads_allocations(calls: usize) -> usize {
    let ready = Barrier::new(3);
    let go = Barrier::new(3);
    let done = Barrier::new(3);
    let mut counted = 0;
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..1000 {
                    loop10();
                }
                ready.wait();
                go.wait();
                for _ in 0..calls {
                    loop10();
                }
                done.wait();
            });
        }
        ready.wait();
        let before = ALLOCS.load(Relaxed);
        go.wait();
        done.wait();
        counted = ALLOCS.load(Relaxed) - before;
    });
    counted
}

fn main() {
    std::panic::set_hook(Box::new(|_| {}));
    // First, on a cold pool.
    pending_bytes(MANY);

    let mut checks = Checks {
        passed: 0,
        failed: 0,
    };
    let n = 100_000;
    checks.zero("defer1", "open-coded", n, allocations(1000, n, defer1));
    checks.zero(
        "adefer1",
        "open-coded",
        n,
        allocations(1000, n, || poll_once(adefer1())),
    );
    checks.zero(
        "adefer8",
        "open-coded",
        n,
        allocations(1000, n, || poll_once(adefer8())),
    );
    checks.zero(
        "aawait1",
        "open-coded",
        n,
        allocations(1000, n, || poll_once(aawait1())),
    );
    checks.zero(
        "aloop10",
        "heap",
        n,
        allocations(1000, n, || poll_once(aloop10())),
    );
    checks.zero("defer8", "open-coded", n, allocations(1000, n, defer8));
    checks.zero(
        "seed_sum",
        "open-coded",
        1000,
        allocations(10, 1000, || {
            black_box(seed_with_defer());
        }),
    );
    checks.zero("defer9", "frame", n, allocations(1000, n, defer9));
    checks.zero("loop10", "heap", n, allocations(1000, n, loop10));
    checks.zero(
        "defer_many",
        "heap",
        100,
        allocations(10, 100, || defer_many(black_box(MANY))),
    );
    checks.zero("threads", "heap", 2 * n, threads_allocations(n));
    panic_allocations();
    println!(
        "alloc_check: {} passed, {} failed",
        checks.passed, checks.failed
    );
    if checks.failed > 0 {
        std::process::exit(1);
    }
}
