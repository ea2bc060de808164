//! The benchmark scenarios, shared by `defer.rs` (timing, criterion) and `alloc_check.rs`
//! (allocation counts). Each has the shape of its counterpart in `benches/go/defer_test.go`.
//!
//! Every function a benchmark calls is `#[inline(never)]`, as the Go side's are (`//go:noinline`,
//! or functions with `defer`, which Go 1.19 never inlines), and every deferred callee is a real
//! call, as it is in Go, where a deferred call is never inlined. Arguments that LLVM could
//! propagate into a callee go through `black_box`, the same way in the godefer function and in
//! its peers.

// Each bench binary uses part of this module.
#![allow(dead_code)]

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Defers piled on one frame by `defer_many` (Go's BenchmarkDeferMany shape).
pub const MANY: usize = 1000;
/// The depths of the panic benchmarks: the panic is raised this many calls below the frame
/// that recovers it (0: in the frame itself).
pub const DEPTHS: [u32; 3] = [0, 4, 16];
/// The loop of the seed article's TestWithDefer / TestWithoutDefer.
pub const SEED_N: u64 = 10_000;

// ---------------------------------------------------------------------------------------------
// The deferred bodies.

/// Go's BenchmarkDefer body: checks the three arguments bound at the defer statement, and that
/// `recover` finds nothing (no panic).
#[inline(never)]
pub fn check3(x: usize, y: usize, z: usize) {
    if godefer::recover().is_some() || x != 1 || y != 2 || z != 3 {
        panic!("bad recover");
    }
}

/// One argument, trivial work: one store the optimiser must keep (Go: `sink = x`, a store to a
/// package-level variable).
#[inline(never)]
pub fn take1(x: usize) {
    black_box(x);
}

/// Go's BenchmarkPanicRecover body: the deferred call must recover the panic.
#[inline(never)]
pub fn check_recovered(x: usize, y: usize, z: usize) {
    if godefer::recover().is_none() || x != 1 || y != 2 || z != 3 {
        panic!("failed recover");
    }
}

// ---------------------------------------------------------------------------------------------
// 1. call: the floor.

/// A plain call doing the work of `check3` without the `recover`: what a deferred call costs at
/// the least, with no deferring at all.
#[inline(never)]
pub fn call(x: usize, y: usize, z: usize) {
    if x != 1 || y != 2 || z != 3 {
        panic!("bad call");
    }
}

// ---------------------------------------------------------------------------------------------
// 2. defer1: one open-coded defer binding three integers.

#[godefer::func]
#[inline(never)]
pub fn defer1() {
    defer!(check3(black_box(1), black_box(2), black_box(3)));
}

/// The `Drop`-guard peer: the same arguments, bound at the same place, the same body at exit.
#[inline(never)]
pub fn defer1_scopeguard() {
    let (x, y, z) = (black_box(1), black_box(2), black_box(3));
    scopeguard::defer! { check3(x, y, z); }
}

// ---------------------------------------------------------------------------------------------
// 3. defer8: eight straight-line defers, open-coded.

#[godefer::func]
#[inline(never)]
pub fn defer8() {
    defer!(take1(1));
    defer!(take1(2));
    defer!(take1(3));
    defer!(take1(4));
    defer!(take1(5));
    defer!(take1(6));
    defer!(take1(7));
    defer!(take1(8));
}

/// The floor under any way of deferring eight calls: the eight calls, made directly.
#[inline(never)]
pub fn calls8() {
    take1(8);
    take1(7);
    take1(6);
    take1(5);
    take1(4);
    take1(3);
    take1(2);
    take1(1);
}

#[inline(never)]
pub fn defer8_scopeguard() {
    scopeguard::defer! { take1(1); }
    scopeguard::defer! { take1(2); }
    scopeguard::defer! { take1(3); }
    scopeguard::defer! { take1(4); }
    scopeguard::defer! { take1(5); }
    scopeguard::defer! { take1(6); }
    scopeguard::defer! { take1(7); }
    scopeguard::defer! { take1(8); }
}

// ---------------------------------------------------------------------------------------------
// 4. defer9: one over the open-coding limit: frame records (Go: stack-allocated `_defer`).

#[godefer::func]
#[inline(never)]
pub fn defer9() {
    defer!(take1(1));
    defer!(take1(2));
    defer!(take1(3));
    defer!(take1(4));
    defer!(take1(5));
    defer!(take1(6));
    defer!(take1(7));
    defer!(take1(8));
    defer!(take1(9));
}

#[inline(never)]
pub fn defer9_scopeguard() {
    scopeguard::defer! { take1(1); }
    scopeguard::defer! { take1(2); }
    scopeguard::defer! { take1(3); }
    scopeguard::defer! { take1(4); }
    scopeguard::defer! { take1(5); }
    scopeguard::defer! { take1(6); }
    scopeguard::defer! { take1(7); }
    scopeguard::defer! { take1(8); }
    scopeguard::defer! { take1(9); }
}

// ---------------------------------------------------------------------------------------------
// 5. loop10: ten defers in a loop (Go's BenchmarkDefer10 shape): heap records in both.

#[godefer::func]
#[inline(never)]
pub fn loop10() {
    for _ in 0..10 {
        defer!(check3(black_box(1), black_box(2), black_box(3)));
    }
}

// ---------------------------------------------------------------------------------------------
// 6. defer_many: `n` defers piled on one frame, run at its exit (Go's BenchmarkDeferMany).

#[godefer::func]
#[inline(never)]
pub fn defer_many(n: usize) {
    for _ in 0..n {
        defer!(check3(black_box(1), black_box(2), black_box(3)));
    }
}

// ---------------------------------------------------------------------------------------------
// 7. panic_recover: a deferred call recovers a panic raised in the same function, or `depth`
// plain calls below it.

/// Raises the panic `depth` calls below its caller (`depth >= 1`). Not a tail call, so each
/// level is a real frame for the unwinder to cross (Go never eliminates tail calls either).
#[inline(never)]
pub fn raise(depth: u32) {
    if depth <= 1 {
        panic!("hi");
    }
    raise(black_box(depth - 1));
    black_box(());
}

#[godefer::func]
#[inline(never)]
pub fn panic_recover(depth: u32) {
    defer!(check_recovered(black_box(1), black_box(2), black_box(3)));
    if depth == 0 {
        panic!("hi");
    }
    raise(depth);
}

/// Rust's unwinding floor: the same panic at the same depth, caught by a bare `catch_unwind`
/// (run under a no-op panic hook: see `defer.rs`).
#[inline(never)]
pub fn unwind_floor(depth: u32) {
    let caught = std::panic::catch_unwind(|| {
        if depth == 0 {
            panic!("hi");
        }
        raise(depth);
    });
    if caught.is_ok() {
        panic!("failed recover");
    }
}

/// As `raise`, with `resume_unwind`, which skips the panic hook.
#[inline(never)]
pub fn raise_resume(depth: u32) {
    if depth <= 1 {
        std::panic::resume_unwind(Box::new("hi"));
    }
    raise_resume(black_box(depth - 1));
    black_box(());
}

/// The floor without the panic hook: `resume_unwind` and `catch_unwind`.
#[inline(never)]
pub fn unwind_floor_resume(depth: u32) {
    let caught = std::panic::catch_unwind(|| {
        if depth == 0 {
            std::panic::resume_unwind(Box::new("hi"));
        }
        raise_resume(depth);
    });
    if caught.is_ok() {
        panic!("failed recover");
    }
}

// ---------------------------------------------------------------------------------------------
// 8. seed_sum: the seed article's TestWithDefer / TestWithoutDefer.

/// Hides a value from the optimiser without moving it to memory, so the sum below stays one
/// add per iteration, as Go compiles it (neither a closed form nor a vector loop).
#[inline(always)]
fn opaque(mut x: u64) -> u64 {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    // SAFETY: an empty assembly block that claims to read and change one register; it touches
    // no memory, no stack and no flags.
    unsafe {
        std::arch::asm!("/* {0} */", inout(reg) x, options(nomem, nostack, preserves_flags));
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        x = black_box(x);
    }
    x
}

#[inline(always)]
fn sum_to(n: u64) -> u64 {
    let mut sum = 0;
    let mut i = 0;
    while i < n {
        sum = opaque(sum + i);
        i += 1;
    }
    sum
}

#[inline(never)]
pub fn seed_without_defer() -> (u64, Duration) {
    let start = Instant::now();
    let sum = sum_to(SEED_N);
    (sum, start.elapsed())
}

/// The deferred closure writes the second result, as Go's writes the named result `cost`.
#[godefer::func]
#[inline(never)]
pub fn seed_with_defer() -> (u64, Duration) {
    let start = Instant::now();
    defer!(move |ret: &mut (u64, Duration)| ret.1 = start.elapsed());
    (sum_to(SEED_N), Duration::ZERO)
}

// ---------------------------------------------------------------------------------------------
// 9. threads: `loop10` on several threads at once.

/// Runs `iters` calls of `loop10` split over `threads` threads that start together; returns
/// the time from the first start to the last end (so the throughput of all of them). Each
/// thread warms its record cache first, outside the timed part.
pub fn loop10_on_threads(threads: usize, iters: u64) -> Duration {
    use std::sync::Barrier;
    let start = Barrier::new(threads);
    let spans: Vec<(Instant, Instant)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads as u64)
            .map(|t| {
                let start = &start;
                let n = iters / threads as u64 + u64::from(t < iters % threads as u64);
                s.spawn(move || {
                    for _ in 0..100 {
                        loop10();
                    }
                    start.wait();
                    let t0 = Instant::now();
                    for _ in 0..n {
                        loop10();
                    }
                    (t0, Instant::now())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let first = spans.iter().map(|s| s.0).min().unwrap();
    let last = spans.iter().map(|s| s.1).max().unwrap();
    last - first
}

// ---------------------------------------------------------------------------------------------
// async: the same shapes in `async fn`s with one `.await` of a ready future (a point where they
// could wait: without one, godefer lowers an `async fn` as a sync one), polled to completion in
// one poll,
// against the same written with a `Drop` guard (scopeguard) and a `Vec` of boxed closures run by
// a guard's drop (the loop).

/// A ready future, awaited by each async shape.
#[inline(always)]
pub fn ready() -> std::future::Ready<()> {
    std::future::ready(())
}

/// Polls a future that completes at its first poll.
#[inline(always)]
pub fn poll_once<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => unreachable!("the benchmark futures never wait"),
    }
}

#[godefer::func]
#[inline(never)]
pub async fn adefer1() {
    defer!(check3(black_box(1), black_box(2), black_box(3)));
    ready().await;
}

#[inline(never)]
pub async fn adefer1_scopeguard() {
    let (x, y, z) = (black_box(1), black_box(2), black_box(3));
    scopeguard::defer! { check3(x, y, z); }
    ready().await;
}

#[godefer::func]
#[inline(never)]
pub async fn adefer8() {
    defer!(take1(1));
    defer!(take1(2));
    defer!(take1(3));
    defer!(take1(4));
    defer!(take1(5));
    defer!(take1(6));
    defer!(take1(7));
    defer!(take1(8));
    ready().await;
}

#[inline(never)]
pub async fn adefer8_scopeguard() {
    scopeguard::defer! { take1(1); }
    scopeguard::defer! { take1(2); }
    scopeguard::defer! { take1(3); }
    scopeguard::defer! { take1(4); }
    scopeguard::defer! { take1(5); }
    scopeguard::defer! { take1(6); }
    scopeguard::defer! { take1(7); }
    scopeguard::defer! { take1(8); }
    ready().await;
}

#[godefer::func]
#[inline(never)]
pub async fn aloop10() {
    for _ in 0..10 {
        defer!(check3(black_box(1), black_box(2), black_box(3)));
    }
    ready().await;
}

/// The loop's guard peer: the cleanups pushed into a `Vec`, run newest first by its drop.
#[inline(never)]
pub async fn aloop10_vec() {
    struct Cleanups(Vec<Box<dyn FnOnce()>>);
    impl Drop for Cleanups {
        fn drop(&mut self) {
            while let Some(f) = self.0.pop() {
                f();
            }
        }
    }
    let mut cleanups = Cleanups(Vec::new());
    for _ in 0..10 {
        let (x, y, z) = (black_box(1), black_box(2), black_box(3));
        cleanups.0.push(Box::new(move || check3(x, y, z)));
    }
    ready().await;
}

/// An awaited deferred call (`defer!(async { .. })`).
#[godefer::func]
#[inline(never)]
pub async fn aawait1() {
    defer!(async { take1(black_box(1)) });
}

/// Its peer: the cleanup awaited at the end of the body (what runs on every normal exit, with
/// no protection on a panic or cancellation).
#[inline(never)]
pub async fn aawait1_plain() {
    async { take1(black_box(1)) }.await;
}
