//! godefer against its peers, scenario by scenario; `bash benches/compare` runs this next to the
//! Go benchmarks of `benches/go/` and prints the ratios.
//!
//! Benchmark names are `scenario/variant` (`defer1/godefer`, `defer1/scopeguard`,
//! `panic_recover/depth4/catch_unwind`, ...): the compare script maps them by these names.
//!
//! Run the panic benchmarks with `RUST_BACKTRACE=0` (unset also works): with backtraces on, each
//! panic captures one and that dominates everything. `main` installs a no-op panic hook before
//! any godefer frame runs, so the bare `catch_unwind` floor prints nothing and pays only for
//! calling a hook; godefer then installs its own hook in front of it at its first frame, and
//! that hook does godefer's work (keeping the panic's origin for the report) for every panic
//! raised inside a godefer frame: part of godefer's cost, measured here as it is.

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::*;
use criterion::Criterion;

fn call_floor(c: &mut Criterion) {
    let mut g = c.benchmark_group("call");
    g.bench_function("plain", |b| {
        b.iter(|| call(black_box(1), black_box(2), black_box(3)))
    });
    g.finish();
}

fn open_coded(c: &mut Criterion) {
    let mut g = c.benchmark_group("defer1");
    g.bench_function("godefer", |b| b.iter(defer1));
    g.bench_function("scopeguard", |b| b.iter(defer1_scopeguard));
    g.finish();

    let mut g = c.benchmark_group("defer8");
    g.bench_function("godefer", |b| b.iter(defer8));
    g.bench_function("scopeguard", |b| b.iter(defer8_scopeguard));
    g.bench_function("calls", |b| b.iter(calls8));
    g.finish();
}

fn frame_records(c: &mut Criterion) {
    let mut g = c.benchmark_group("defer9");
    g.bench_function("godefer", |b| b.iter(defer9));
    g.bench_function("scopeguard", |b| b.iter(defer9_scopeguard));
    g.finish();
}

fn heap_records(c: &mut Criterion) {
    // Per call: ten defers (the compare script divides by 10 for the per-defer figure).
    let mut g = c.benchmark_group("loop10");
    g.bench_function("godefer", |b| b.iter(loop10));
    g.finish();

    // Per call: MANY defers piled on one frame.
    let mut g = c.benchmark_group("defer_many");
    g.bench_function("godefer", |b| b.iter(|| defer_many(black_box(MANY))));
    g.finish();
}

fn panics(c: &mut Criterion) {
    let mut g = c.benchmark_group("panic_recover");
    for depth in DEPTHS {
        g.bench_function(format!("depth{depth}/godefer"), |b| {
            b.iter(|| panic_recover(black_box(depth)))
        });
        g.bench_function(format!("depth{depth}/catch_unwind"), |b| {
            b.iter(|| unwind_floor(black_box(depth)))
        });
        g.bench_function(format!("depth{depth}/resume_unwind"), |b| {
            b.iter(|| unwind_floor_resume(black_box(depth)))
        });
    }
    g.finish();
}

fn seed(c: &mut Criterion) {
    let mut g = c.benchmark_group("seed_sum");
    g.bench_function("godefer", |b| b.iter(seed_with_defer));
    g.bench_function("nodefer", |b| b.iter(seed_without_defer));
    g.finish();
}

fn threads(c: &mut Criterion) {
    // Both in the same harness (threads started together, time from the first start to the last
    // end), so that their ratio is the scaling and nothing else: per call of `loop10`, all
    // threads together.
    let mut g = c.benchmark_group("threads");
    g.bench_function("one", |b| {
        b.iter_custom(|iters| loop10_on_threads(1, iters))
    });
    g.bench_function("godefer", |b| {
        b.iter_custom(|iters| loop10_on_threads(2, iters))
    });
    g.finish();
}

fn async_fns(c: &mut Criterion) {
    let mut g = c.benchmark_group("adefer1");
    g.bench_function("godefer", |b| b.iter(|| poll_once(adefer1())));
    g.bench_function("scopeguard", |b| b.iter(|| poll_once(adefer1_scopeguard())));
    g.finish();

    let mut g = c.benchmark_group("adefer8");
    g.bench_function("godefer", |b| b.iter(|| poll_once(adefer8())));
    g.bench_function("scopeguard", |b| b.iter(|| poll_once(adefer8_scopeguard())));
    g.finish();

    let mut g = c.benchmark_group("aloop10");
    g.bench_function("godefer", |b| b.iter(|| poll_once(aloop10())));
    g.bench_function("vec", |b| b.iter(|| poll_once(aloop10_vec())));
    g.finish();

    let mut g = c.benchmark_group("aawait1");
    g.bench_function("godefer", |b| b.iter(|| poll_once(aawait1())));
    g.bench_function("plain", |b| b.iter(|| poll_once(aawait1_plain())));
    g.finish();

    // Future sizes, for the report.
    for (name, godefer, peer) in [
        (
            "adefer1",
            std::mem::size_of_val(&adefer1()),
            std::mem::size_of_val(&adefer1_scopeguard()),
        ),
        (
            "adefer8",
            std::mem::size_of_val(&adefer8()),
            std::mem::size_of_val(&adefer8_scopeguard()),
        ),
        (
            "aloop10",
            std::mem::size_of_val(&aloop10()),
            std::mem::size_of_val(&aloop10_vec()),
        ),
        (
            "aawait1",
            std::mem::size_of_val(&aawait1()),
            std::mem::size_of_val(&aawait1_plain()),
        ),
    ] {
        println!("future_size {name} godefer={godefer} peer={peer}");
    }
}

fn main() {
    // The floor must not print 'thread panicked' a million times: a no-op hook, installed
    // before godefer's (which goes in front of it at the first godefer frame).
    std::panic::set_hook(Box::new(|_| {}));
    if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
        eprintln!("warning: RUST_BACKTRACE is set: the panic benchmarks measure backtraces");
    }
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(3))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    call_floor(&mut c);
    open_coded(&mut c);
    frame_records(&mut c);
    heap_records(&mut c);
    panics(&mut c);
    seed(&mut c);
    threads(&mut c);
    async_fns(&mut c);
    c.final_summary();
}
