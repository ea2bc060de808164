//! godefer under load, for leak checkers: `cargo run --release --example stress`.
//!
//! ```text
//! stress [CALLS] [THREADS] [DEPTH]     (defaults: 1000000 8 100000)
//! ```
//!
//! 1. CALLS calls of a function with ten deferred calls in a loop (heap records): the bytes
//!    allocated and not freed come back to the baseline taken after a warm-up, and no call
//!    allocates.
//! 2. THREADS threads, CALLS / 10 calls each, half of them with 200 deferred calls per call
//!    (their record cache spills to the global pool), half with a few per call on fresh threads
//!    (their empty cache refills from it), a third of the calls panicking and recovering: every
//!    count exact, both pool levels within their bounds.
//! 3. Recursion DEPTH frames deep, a deferred call in each (open-coded), a panic at the bottom
//!    recovered at the top.
//!
//! Open-coded defers (`dive`, `top`), frame records (`take_call`) and heap records (the loops)
//! all take part.
//!
//! Exits with a failure at the first wrong count. `.ci/valgrind` runs it under valgrind with
//! smaller numbers.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::panic::panic_any;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Instant;

use godefer::__private::{pool_counts, POOL_CAPS};

struct Counting;

static ALLOCATED: AtomicU64 = AtomicU64::new(0);
static FREED: AtomicU64 = AtomicU64::new(0);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the same arguments and only adds counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is; the caller upholds `alloc`'s contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            ALLOCATED.fetch_add(layout.size() as u64, Ordering::Relaxed);
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        FREED.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: forwarded as is; `ptr` came from `System` through this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            FREED.fetch_add(layout.size() as u64, Ordering::Relaxed);
            ALLOCATED.fetch_add(new_size as u64, Ordering::Relaxed);
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn live_bytes() -> i64 {
    ALLOCATED.load(Ordering::SeqCst) as i64 - FREED.load(Ordering::SeqCst) as i64
}

fn bump(c: &Cell<u64>) {
    c.set(c.get() + 1);
}

fn check_pools() {
    let (local, global) = pool_counts();
    assert!(
        local <= POOL_CAPS.0,
        "thread cache {local} > {}",
        POOL_CAPS.0
    );
    assert!(
        global <= POOL_CAPS.1,
        "global pool {global} > {}",
        POOL_CAPS.1
    );
}

const RECOVERED: u64 = 1 << 40;

#[godefer::func]
fn ten_loop_defers(i: u64, ran: &Cell<u64>) -> u64 {
    for _ in 0..10 {
        defer!(bump(ran));
    }
    i
}

#[godefer::func]
fn spill_call(i: u64, ran: &Cell<u64>) -> u64 {
    defer!(|r: &mut u64| {
        if let Some(p) = godefer::recover() {
            *r = RECOVERED + *p.downcast_ref::<u64>().expect("a u64 payload");
        }
    });
    for _ in 0..200 {
        defer!(bump(ran));
    }
    if i.is_multiple_of(3) {
        panic_any(i);
    }
    i
}

#[godefer::func]
fn take_inner(i: u64, ran: &Cell<u64>) -> u64 {
    for _ in 0..8 {
        defer!(bump(ran));
    }
    if i % 3 == 1 {
        panic_any(i);
    }
    i
}

#[godefer::func(strategy = "frame")]
fn take_call(i: u64, ran: &Cell<u64>) -> u64 {
    defer!(|r: &mut u64| {
        if let Some(p) = godefer::recover() {
            *r = RECOVERED + *p.downcast_ref::<u64>().expect("a u64 payload");
        }
    });
    defer!(bump(ran));
    take_inner(i, ran)
}

#[godefer::func]
fn dive(n: u32, ran: &Cell<u64>) -> u64 {
    defer!(bump(ran));
    if n == 0 {
        panic_any(4242_u64);
    }
    dive(n - 1, ran)
}

#[godefer::func]
fn top(depth: u32, ran: &Cell<u64>) -> u64 {
    defer!(|r: &mut u64| {
        if let Some(p) = godefer::recover() {
            *r = *p.downcast_ref::<u64>().expect("a u64 payload");
        }
    });
    dive(depth - 1, ran)
}

fn memory(calls: u64) {
    let ran = Cell::new(0);
    for i in 0..1000 {
        ten_loop_defers(i, &ran);
    }
    let live = live_bytes();
    let allocations = ALLOCATIONS.load(Ordering::SeqCst);
    let started = Instant::now();
    for i in 0..calls {
        assert_eq!(ten_loop_defers(i, &ran), i);
    }
    let elapsed = started.elapsed();
    let allocations = ALLOCATIONS.load(Ordering::SeqCst) - allocations;
    let after = live_bytes();
    assert_eq!(ran.get(), (1000 + calls) * 10);
    assert_eq!(after, live, "live bytes did not return to the baseline");
    assert_eq!(allocations, 0, "calls allocated after the warm-up");
    println!(
        "memory:  {calls} calls x 10 deferred calls in {elapsed:?}; live bytes {live} -> {after}, \
         {allocations} allocations"
    );
}

fn threads(threads: u64, calls: u64) {
    let started = Instant::now();
    let ran = AtomicU64::new(0);
    let recovered = AtomicU64::new(0);
    thread::scope(|s| {
        for id in 0..threads {
            let (ran, recovered) = (&ran, &recovered);
            s.spawn(move || {
                if id.is_multiple_of(2) {
                    let mine = Cell::new(0);
                    for k in 0..calls {
                        let got = spill_call(k, &mine);
                        let want = if k.is_multiple_of(3) {
                            RECOVERED + k
                        } else {
                            k
                        };
                        assert_eq!(got, want);
                        recovered.fetch_add(u64::from(got >= RECOVERED), Ordering::Relaxed);
                        check_pools();
                    }
                    assert_eq!(mine.get(), calls * 200);
                    ran.fetch_add(mine.get(), Ordering::Relaxed);
                } else {
                    // Fresh threads, each with an empty cache to refill.
                    for chunk in (0..calls).step_by(100) {
                        thread::scope(|s| {
                            s.spawn(|| {
                                let mine = Cell::new(0);
                                let end = (chunk + 100).min(calls);
                                for k in chunk..end {
                                    let got = take_call(k, &mine);
                                    let want = if k % 3 == 1 { RECOVERED + k } else { k };
                                    assert_eq!(got, want);
                                    recovered
                                        .fetch_add(u64::from(got >= RECOVERED), Ordering::Relaxed);
                                    check_pools();
                                }
                                assert_eq!(mine.get(), (end - chunk) * 9);
                                ran.fetch_add(mine.get(), Ordering::Relaxed);
                            });
                        });
                    }
                }
            });
        }
    });
    let spillers = threads.div_ceil(2);
    let takers = threads / 2;
    let third = |r: u64| (0..calls).filter(|k| k % 3 == r).count() as u64;
    assert_eq!(
        ran.load(Ordering::Relaxed),
        spillers * calls * 200 + takers * calls * 9
    );
    assert_eq!(
        recovered.load(Ordering::Relaxed),
        spillers * third(0) + takers * third(1)
    );
    check_pools();
    println!(
        "threads: {threads} x {calls} calls in {:?}; {} deferred calls, {} panics recovered, \
         global pool {} (cap {})",
        started.elapsed(),
        ran.load(Ordering::Relaxed),
        recovered.load(Ordering::Relaxed),
        pool_counts().1,
        POOL_CAPS.1
    );
}

fn depth(depth: u32) {
    let h = thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || {
            let ran = Cell::new(0);
            let started = Instant::now();
            assert_eq!(top(depth, &ran), 4242);
            assert_eq!(ran.get(), u64::from(depth));
            check_pools();
            started.elapsed()
        })
        .unwrap();
    let elapsed = h.join().unwrap();
    println!("depth:   {depth} frames, panic at the bottom recovered at the top in {elapsed:?}");
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("stress [CALLS] [THREADS] [DEPTH]"))
        .collect();
    let calls = args.first().copied().unwrap_or(1_000_000);
    let nthreads = args.get(1).copied().unwrap_or(8);
    let frames = args.get(2).copied().unwrap_or(100_000);
    memory(calls);
    threads(nthreads, (calls / 10).max(1));
    depth(u32::try_from(frames).expect("DEPTH fits a u32").max(1));
    println!("ok");
}
