//! Load: many threads, deep recursion, a million calls. Every deferred call runs exactly once,
//! the two record pools stay within their bounds, memory returns to its baseline and a call
//! allocates nothing once the pools are warm.
//!
//! The default sizes keep `cargo test` (a debug build) fast; a release build
//! (`cargo test --release --test stress`) runs the full sizes by default. The full sizes in a
//! debug build are `#[ignore]`d tests: `cargo test --test stress -- --ignored`.
//!
//! Every test takes [`serial`]: the pools and the allocation counters are per process, and the
//! tests assert exact numbers about them.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::panic::panic_any;
use std::process::Command;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use godefer::__private::{pool_counts, POOL_CAPS};

// ---- A counting allocator ----

/// Counts bytes and allocations for the whole process, and allocations per thread.
struct Counting;

static ALLOCATED: AtomicU64 = AtomicU64::new(0);
static FREED: AtomicU64 = AtomicU64::new(0);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    // `const` and without drop glue: usable from the allocator at any time, also while the
    // thread's other thread locals are being destroyed.
    static THREAD_ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn note_alloc(size: usize) {
    ALLOCATED.fetch_add(size as u64, Ordering::Relaxed);
    ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    let _ = THREAD_ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

fn note_free(size: usize) {
    FREED.fetch_add(size as u64, Ordering::Relaxed);
}

// SAFETY: every method forwards to `System` with the same arguments and only adds bookkeeping
// that never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is; the caller upholds `alloc`'s contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            note_alloc(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            note_alloc(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note_free(layout.size());
        // SAFETY: forwarded as is; `ptr` came from `System` through this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            note_free(layout.size());
            note_alloc(new_size);
        }
        p
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Bytes allocated and not freed, process-wide.
fn live_bytes() -> i64 {
    ALLOCATED.load(Ordering::SeqCst) as i64 - FREED.load(Ordering::SeqCst) as i64
}

fn thread_allocations() -> u64 {
    THREAD_ALLOCATIONS.with(Cell::get)
}

// ---- Shared helpers ----

static SERIAL: Mutex<()> = Mutex::new(());

/// One test of this file at a time.
fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// `full` in a release build, `debug` in a debug build.
fn scaled(full: usize, debug: usize) -> usize {
    if cfg!(debug_assertions) {
        debug
    } else {
        full
    }
}

const LOCAL_CAP: usize = POOL_CAPS.0;
const GLOBAL_CAP: usize = POOL_CAPS.1;

#[track_caller]
fn assert_pools_bounded() -> (usize, usize) {
    let (local, global) = pool_counts();
    assert!(local <= LOCAL_CAP, "thread cache {local} > {LOCAL_CAP}");
    assert!(global <= GLOBAL_CAP, "global pool {global} > {GLOBAL_CAP}");
    (local, global)
}

fn bump(c: &Cell<u64>) {
    c.set(c.get() + 1);
}

/// Added to a recovered payload to tell a recovered result from a normal one.
const RECOVERED: u64 = 1 << 40;

/// Runs `f` on its own thread and fails if it has not finished after `limit` (a deadlock).
fn with_watchdog<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let h = thread::spawn(move || {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let _ = tx.send(());
        r
    });
    match rx.recv_timeout(limit) {
        Ok(()) => match h.join().unwrap() {
            Ok(v) => v,
            Err(e) => std::panic::resume_unwind(e),
        },
        Err(_) => panic!("not finished after {limit:?}: deadlock?"),
    }
}

// ---- 2. Threads ----

/// Deferred calls per call of the threads that spill their cache to the global pool.
const SPILL_DEFERS: u64 = 200;
/// Deferred calls per call of the threads that refill their cache from the global pool.
const TAKE_DEFERS: u64 = 8;
/// Calls a taking thread makes before it ends and a fresh one (with an empty cache) goes on.
const TAKE_CHUNK: usize = 500;

/// More records than a thread cache keeps: the cache spills half of itself to the global pool
/// again and again, and refills from it. One call in three panics and is recovered.
#[godefer::func]
fn spill_call(i: u64, ran: &Cell<u64>) -> u64 {
    defer!(|r: &mut u64| {
        if let Some(p) = godefer::recover() {
            *r = RECOVERED + *p.downcast_ref::<u64>().expect("a u64 payload");
        }
    });
    for _ in 0..SPILL_DEFERS {
        defer!(bump(ran));
    }
    if i.is_multiple_of(3) {
        panic_any(i);
    }
    i
}

fn spill_expected(i: u64) -> u64 {
    if i.is_multiple_of(3) {
        RECOVERED + i
    } else {
        i
    }
}

/// A few records, a panic one call in four, recovered by the caller.
#[godefer::func]
fn take_inner(i: u64, ran: &Cell<u64>) -> u64 {
    for _ in 0..TAKE_DEFERS {
        defer!(bump(ran));
    }
    if i % 4 == 1 {
        panic_any(i);
    }
    i
}

#[godefer::func]
fn take_call(i: u64, ran: &Cell<u64>) -> u64 {
    defer!(|r: &mut u64| {
        if let Some(p) = godefer::recover() {
            *r = RECOVERED + *p.downcast_ref::<u64>().expect("a u64 payload");
        }
    });
    defer!(bump(ran));
    take_inner(i, ran) * 2
}

fn take_expected(i: u64) -> u64 {
    if i % 4 == 1 {
        RECOVERED + i
    } else {
        2 * i
    }
}

#[derive(Default)]
struct Totals {
    calls: AtomicU64,
    ran: AtomicU64,
    recovered: AtomicU64,
    max_global: AtomicUsize,
    fresh_caches: AtomicU64,
    fresh_with_global_records: AtomicU64,
}

/// A thread that spills: `calls` calls of [`spill_call`].
fn spiller(id: u64, calls: usize, t: &Totals) {
    let ran = Cell::new(0);
    let mut recovered = 0;
    for k in 0..calls as u64 {
        let i = id * 1_000_000_000 + k;
        let got = spill_call(i, &ran);
        assert_eq!(got, spill_expected(i), "spiller {id} call {k}");
        recovered += u64::from(got >= RECOVERED);
        if k.is_multiple_of(16) {
            let (_, g) = assert_pools_bounded();
            t.max_global.fetch_max(g, Ordering::Relaxed);
        }
    }
    assert_eq!(ran.get(), calls as u64 * SPILL_DEFERS, "spiller {id}");
    t.calls.fetch_add(calls as u64, Ordering::Relaxed);
    t.ran.fetch_add(ran.get(), Ordering::Relaxed);
    t.recovered.fetch_add(recovered, Ordering::Relaxed);
}

/// A thread that takes: `calls` calls of [`take_call`], in chunks on fresh threads, each starting
/// with an empty cache that its first call refills from the global pool.
fn taker(id: u64, calls: usize, t: &Totals) {
    let mut done = 0;
    while done < calls {
        let n = TAKE_CHUNK.min(calls - done);
        let start = done as u64;
        thread::scope(|s| {
            s.spawn(|| {
                let (local, global) = pool_counts();
                assert_eq!(local, 0, "a fresh thread's cache is empty");
                t.fresh_caches.fetch_add(1, Ordering::Relaxed);
                t.fresh_with_global_records
                    .fetch_add(u64::from(global > 0), Ordering::Relaxed);
                let ran = Cell::new(0);
                let mut recovered = 0;
                for k in start..start + n as u64 {
                    let i = id * 1_000_000_000 + k;
                    let got = take_call(i, &ran);
                    assert_eq!(got, take_expected(i), "taker {id} call {k}");
                    recovered += u64::from(got >= RECOVERED);
                    if k.is_multiple_of(16) {
                        let (_, g) = assert_pools_bounded();
                        t.max_global.fetch_max(g, Ordering::Relaxed);
                    }
                }
                assert_eq!(ran.get(), n as u64 * (TAKE_DEFERS + 1), "taker {id}");
                t.ran.fetch_add(ran.get(), Ordering::Relaxed);
                t.recovered.fetch_add(recovered, Ordering::Relaxed);
            });
        });
        done += n;
    }
    t.calls.fetch_add(calls as u64, Ordering::Relaxed);
}

/// 8 threads: 4 spill (200 deferred calls per call), 4 take (9 per call, from fresh caches).
fn threads_mixed(calls_per_thread: usize) {
    let _g = serial();
    let started = Instant::now();
    let totals = with_watchdog(Duration::from_secs(600), move || {
        let t = Totals::default();
        thread::scope(|s| {
            for id in 0..4 {
                let t = &t;
                s.spawn(move || spiller(id, calls_per_thread, t));
                s.spawn(move || taker(id + 4, calls_per_thread, t));
            }
        });
        t
    });
    let calls = calls_per_thread as u64;
    let recovered: u64 = (0..4)
        .map(|id| {
            let (spiller, taker) = (id * 1_000_000_000, (id + 4) * 1_000_000_000);
            (0..calls)
                .map(|k| {
                    u64::from(spill_expected(spiller + k) >= RECOVERED)
                        + u64::from(take_expected(taker + k) >= RECOVERED)
                })
                .sum::<u64>()
        })
        .sum();
    assert_eq!(totals.calls.load(Ordering::Relaxed), 8 * calls);
    assert_eq!(
        totals.ran.load(Ordering::Relaxed),
        4 * calls * SPILL_DEFERS + 4 * calls * (TAKE_DEFERS + 1)
    );
    assert_eq!(totals.recovered.load(Ordering::Relaxed), recovered);
    let (_, global) = assert_pools_bounded();
    let fresh = totals.fresh_caches.load(Ordering::Relaxed);
    let fed = totals.fresh_with_global_records.load(Ordering::Relaxed);
    // The spilling threads keep the global pool stocked for the fresh caches.
    assert!(fed > 0, "no fresh cache found records in the global pool");
    eprintln!(
        "threads: 8 x {calls_per_thread} calls in {:?}: {} deferred calls, {recovered} panics \
         recovered, global pool max {} (cap {GLOBAL_CAP}) and {global} at the end, {fed} of \
         {fresh} fresh caches started with records in the global pool",
        started.elapsed(),
        totals.ran.load(Ordering::Relaxed),
        totals.max_global.load(Ordering::Relaxed),
    );
}

#[test]
fn threads_every_count_exact_pools_bounded() {
    threads_mixed(scaled(100_000, 10_000));
}

#[test]
#[ignore = "full size in a debug build (8 x 100 000 calls); the release build runs it by default"]
fn threads_every_count_exact_pools_bounded_full() {
    threads_mixed(100_000);
}

#[godefer::func]
fn hold(n: usize, ran: &Cell<u64>) {
    for _ in 0..n {
        defer!(bump(ran));
    }
}

/// The two levels, step by step, with no other thread using godefer.
#[test]
fn global_pool_spill_and_refill_by_halves() {
    let _g = serial();
    // A thread holding more records than both levels keep: giving them back fills its cache,
    // spills to the global pool up to its bound and frees the rest.
    thread::spawn(|| {
        let ran = Cell::new(0);
        let n = GLOBAL_CAP + 2 * LOCAL_CAP;
        hold(n, &ran);
        assert_eq!(ran.get(), n as u64);
        let (local, global) = assert_pools_bounded();
        assert!(local > 0);
        assert_eq!(global, GLOBAL_CAP);
    })
    .join()
    .unwrap();
    assert_eq!(pool_counts().1, GLOBAL_CAP);

    // A fresh thread takes: its empty cache refills from the global pool; the records move
    // from one level to the other, none is allocated.
    let at_exit = thread::spawn(|| {
        let ran = Cell::new(0);
        let (l0, g0) = pool_counts();
        assert_eq!(l0, 0);
        hold(TAKE_DEFERS as usize, &ran);
        let (l1, g1) = assert_pools_bounded();
        assert!(l1 > 0 && g1 < g0, "({l0}, {g0}) -> ({l1}, {g1})");
        assert_eq!(
            g0 - g1,
            l1,
            "records were allocated although the global pool had some"
        );
        // A call with more records than the cache keeps: it refills several times and spills
        // back, and still allocates nothing.
        hold(SPILL_DEFERS as usize, &ran);
        let (l2, g2) = assert_pools_bounded();
        assert_eq!(g2 + l2, g0, "({l0}, {g0}) -> ({l2}, {g2})");
        assert_eq!(ran.get(), TAKE_DEFERS + SPILL_DEFERS);
        assert!(l2 > 0);
        g2
    })
    .join()
    .unwrap();
    // The thread's cache was freed when it ended, not handed to the global pool (records
    // handed from thread to thread end up sharing cache lines between threads: see the pool's
    // docs).
    assert_eq!(pool_counts().1, at_exit);
}

// ---- 3. Memory ----

#[godefer::func]
fn ten_loop_defers(i: u64, ran: &Cell<u64>) -> u64 {
    for _ in 0..10 {
        defer!(bump(ran));
    }
    i
}

#[godefer::func]
fn open_path(i: u64, ran: &Cell<u64>) -> u64 {
    defer!(bump(ran));
    defer!(|r: &mut u64| *r += 1);
    i
}

#[godefer::func(strategy = "frame")]
fn frame_path(i: u64, ran: &Cell<u64>) -> u64 {
    defer!(bump(ran));
    defer!(|r: &mut u64| *r += 1);
    i
}

#[godefer::func(strategy = "heap")]
fn heap_path(i: u64, ran: &Cell<u64>) -> u64 {
    defer!(bump(ran));
    defer!(|r: &mut u64| *r += 1);
    i
}

#[test]
fn zero_allocations_per_call_after_warm_up() {
    let _g = serial();
    type Path = fn(u64, &Cell<u64>) -> u64;
    let paths: [(&str, Path, u64, u64); 4] = [
        ("open-coded", open_path, 1, 1),
        ("frame", frame_path, 1, 1),
        ("heap (forced)", heap_path, 1, 1),
        ("heap (ten loop defers)", ten_loop_defers, 10, 0),
    ];
    const N: u64 = 10_000;
    for (name, f, defers, added) in paths {
        let ran = Cell::new(0);
        for i in 0..100 {
            assert_eq!(f(i, &ran), i + added);
        }
        let before = thread_allocations();
        for i in 0..N {
            assert_eq!(f(i, &ran), i + added);
        }
        let allocations = thread_allocations() - before;
        assert_eq!(
            allocations, 0,
            "{name}: {allocations} allocations in {N} calls"
        );
        assert_eq!(ran.get(), (100 + N) * defers, "{name}");
    }
}

const CHILD_VAR: &str = "GODEFER_STRESS_MEMORY_CALLS";

#[test]
#[ignore = "the child process of the memory tests: runs only with GODEFER_STRESS_MEMORY_CALLS"]
fn memory_child() {
    let Ok(calls) = std::env::var(CHILD_VAR) else {
        return;
    };
    let calls: u64 = calls.parse().unwrap();
    let ran = Cell::new(0);
    // Warm-up: fills this thread's cache, installs the panic hook, initialises the thread's
    // state. The records in the pools stay allocated: they are part of the baseline.
    for i in 0..1000 {
        ten_loop_defers(i, &ran);
    }
    // The test harness's main thread prints the test's name as the test starts: let it finish
    // before taking the baseline (it then only waits for this test).
    thread::sleep(Duration::from_millis(200));
    let live = live_bytes();
    let allocations = ALLOCATIONS.load(Ordering::SeqCst);
    let here = thread_allocations();
    let started = Instant::now();
    for i in 0..calls {
        assert_eq!(ten_loop_defers(i, &ran), i);
    }
    let elapsed = started.elapsed();
    let allocations = ALLOCATIONS.load(Ordering::SeqCst) - allocations;
    let here = thread_allocations() - here;
    let after = live_bytes();
    assert_eq!(ran.get(), (1000 + calls) * 10);
    println!(
        "MEMORY calls={calls} live_before={live} live_after={after} allocations={allocations} (this thread {here}) \
         elapsed_ms={}",
        elapsed.as_millis()
    );
    assert_eq!(after, live, "live bytes did not return to the baseline");
    assert_eq!(allocations, 0, "allocations after warm-up");
}

/// Runs [`memory_child`] in a child process: nothing else runs there, so the process-wide
/// counters measure godefer alone.
fn memory_returns_to_baseline(calls: usize) {
    let _g = serial();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "memory_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_VAR, calls.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}\n{stdout}\n{stderr}", out.status);
    let line = stdout
        .lines()
        .find_map(|l| l.find("MEMORY ").map(|at| &l[at..]))
        .unwrap_or_else(|| panic!("the child did not run:\n{stdout}\n{stderr}"));
    eprintln!("{line}");
}

#[test]
fn memory_returns_to_baseline_after_many_calls() {
    memory_returns_to_baseline(scaled(1_000_000, 100_000));
}

#[test]
#[ignore = "full size in a debug build (1 000 000 calls); the release build runs it by default"]
fn memory_returns_to_baseline_after_a_million_calls() {
    memory_returns_to_baseline(1_000_000);
}

// ---- 4. Depth ----

thread_local! {
    static TOP: Cell<usize> = const { Cell::new(0) };
    static BOTTOM: Cell<usize> = const { Cell::new(0) };
}

/// Where the stack is now, roughly.
#[inline(never)]
fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

const BOTTOM_VALUE: u64 = 4242;

#[inline(never)]
fn hit_bottom() -> ! {
    BOTTOM.with(|b| b.set(stack_address()));
    panic_any(BOTTOM_VALUE)
}

#[godefer::func]
fn dive_open(n: u32, ran: &Cell<u64>) -> u64 {
    defer!(bump(ran));
    if n == 0 {
        hit_bottom();
    }
    dive_open(n - 1, ran)
}

#[godefer::func(strategy = "frame")]
fn dive_frame(n: u32, ran: &Cell<u64>) -> u64 {
    defer!(bump(ran));
    if n == 0 {
        hit_bottom();
    }
    dive_frame(n - 1, ran)
}

#[godefer::func(strategy = "heap")]
fn dive_heap(n: u32, ran: &Cell<u64>) -> u64 {
    defer!(bump(ran));
    if n == 0 {
        hit_bottom();
    }
    dive_heap(n - 1, ran)
}

type Dive = fn(u32, &Cell<u64>) -> u64;

/// Recovers the panic raised at the bottom and returns its value.
#[godefer::func]
fn top(depth: u32, ran: &Cell<u64>, dive: Dive) -> u64 {
    defer!(|r: &mut u64| {
        if let Some(p) = godefer::recover() {
            *r = *p.downcast_ref::<u64>().expect("a u64 payload");
        }
    });
    TOP.with(|t| t.set(stack_address()));
    dive(depth - 1, ran);
    unreachable!("the bottom panics")
}

const DIVES: [(&str, Dive); 3] = [
    ("open-coded", dive_open),
    ("frame", dive_frame),
    ("heap", dive_heap),
];

/// `depth` frames with a deferred call each, a panic at the bottom recovered at the top, on a
/// thread with `stack` bytes of stack. Returns (stack used, time taken).
fn deep(depth: u32, stack: usize, dive: Dive) -> (usize, Duration) {
    let h = thread::Builder::new()
        .stack_size(stack)
        .spawn(move || {
            let ran = Cell::new(0);
            let started = Instant::now();
            let got = top(depth, &ran, dive);
            let elapsed = started.elapsed();
            assert_eq!(got, BOTTOM_VALUE, "the top returns the recovered value");
            assert_eq!(
                ran.get(),
                u64::from(depth),
                "every frame's deferred call ran once"
            );
            assert_pools_bounded();
            let used = TOP.with(Cell::get) - BOTTOM.with(Cell::get);
            (used, elapsed)
        })
        .unwrap();
    match h.join() {
        Ok(r) => r,
        Err(e) => std::panic::resume_unwind(e),
    }
}

fn deep_all(depth: u32, stack: usize) {
    let _g = serial();
    for (name, dive) in DIVES {
        let (used, elapsed) = deep(depth, stack, dive);
        eprintln!(
            "depth {depth} {name}: {elapsed:?}, stack used {} KiB ({} bytes per frame) of {} MiB",
            used >> 10,
            used / depth as usize,
            stack >> 20
        );
    }
}

#[test]
fn depth_every_frame_runs_its_deferred_call_once() {
    if cfg!(debug_assertions) {
        deep_all(10_000, 64 << 20);
    } else {
        deep_all(100_000, 1 << 30);
    }
}

#[test]
#[ignore = "full depth in a debug build (100 000 frames, 1 GiB of stack); the release build runs \
            it by default"]
fn depth_100_000() {
    deep_all(100_000, 1 << 30);
}

/// Prints the timings of 1 000, 10 000 and 100 000 frames (no assertion on them).
#[test]
#[ignore = "timings, for the record: cargo test --test stress -- --ignored --nocapture timings"]
fn depth_timings() {
    for depth in [1_000, 10_000, 100_000] {
        deep_all(depth, 1 << 30);
    }
}
