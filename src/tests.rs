//! Unit tests of the runtime: small enough for miri (`cargo +nightly miri test --lib`), where
//! the pools shrink so their refill and spill paths run.

use std::cell::RefCell;
use std::panic::{catch_unwind, panic_any};

use crate::__private::{pool_counts, POOL_CAPS};
use crate::record::pool;

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn log(s: impl Into<String>) {
    LOG.with(|l| l.borrow_mut().push(s.into()));
}

fn take_log() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

#[test]
fn pool_refills_and_spills_by_halves_within_bounds() {
    // A private global pool: the process-wide one is shared with tests on other threads.
    let global: pool::Global = std::sync::Mutex::new(pool::List::new());
    let cache = pool::List::new();
    let (local_cap, global_cap) = POOL_CAPS;
    let global_len = |g: &pool::Global| g.lock().map(|g| g.len()).unwrap_or(0);

    // Nothing pooled yet: every take allocates.
    let recs: Vec<_> = (0..local_cap * 3)
        .map(|_| pool::take_from(&cache, &global))
        .collect();
    assert_eq!((cache.len(), global_len(&global)), (0, 0));
    for (i, r) in recs.into_iter().enumerate() {
        pool::give_to(&cache, r, &global);
        assert!(
            cache.len() <= local_cap,
            "thread cache over its bound at {i}"
        );
        assert!(global_len(&global) <= global_cap);
    }
    // A full cache spilled half of itself each time it filled.
    let g = global_len(&global);
    assert!(g > 0, "a full cache spills to the global pool");
    assert!(cache.len() > local_cap / 2 && cache.len() <= local_cap);
    assert_eq!(
        cache.len() + g,
        (local_cap * 3).min(cache.len() + global_cap)
    );

    // Empty the cache: the next take refills half a cache from the global pool.
    let mut held: Vec<_> = (0..cache.len())
        .map(|_| pool::take_from(&cache, &global))
        .collect();
    assert_eq!(cache.len(), 0);
    held.push(pool::take_from(&cache, &global));
    let moved = g.min(local_cap / 2);
    assert_eq!(global_len(&global), g - moved);
    assert_eq!(cache.len(), moved - 1);
    held.into_iter()
        .for_each(|r| pool::give_to(&cache, r, &global));
    pool::free_all(&cache, &global);
}

#[crate::func(strategy = "heap")]
fn heap_loop(n: usize) -> usize {
    for i in 0..n {
        defer!(log(format!("loop {i}")));
    }
    defer!(|ret: &mut usize| *ret += 100);
    n
}

#[test]
fn heap_records_run_lifo_and_return_to_the_pool() {
    let n = POOL_CAPS.0 * 2 + 1;
    assert_eq!(heap_loop(n), n + 100);
    let expected: Vec<String> = (0..n).rev().map(|i| format!("loop {i}")).collect();
    assert_eq!(take_log(), expected);
    let (local, global) = pool_counts();
    assert!(local <= POOL_CAPS.0 && global <= POOL_CAPS.1);
    // Steady state: a loop needing no more records than the cache holds (it holds at least half
    // its capacity after a spill) takes them all from the cache and gives them all back. (The
    // global pool is shared with tests running on other threads: not checked here.)
    assert!(local >= POOL_CAPS.0 / 2);
    heap_loop(POOL_CAPS.0 / 2 - 1); // that many loop records, plus one for the `|ret|` closure
    assert_eq!(pool_counts().0, local);
    take_log();
}

#[crate::func(strategy = "heap")]
fn heap_loop_panics_midway(n: usize, at: usize) -> Option<String> {
    defer!(|ret: &mut Option<String>| *ret = crate::recover().map(|p| p.to_string()));
    for i in 0..n {
        defer!(log_or_panic(i, at));
    }
    None
}

fn log_or_panic(i: usize, at: usize) {
    log(format!("loop {i}"));
    if i == at {
        panic!("record {i}");
    }
}

/// The loop's records run under one catch while the frame is not registered; one that panics
/// sends the rest through the slow path. Every record runs once, the panic is recovered, and
/// every record goes back to the pool, the panicking one too.
#[test]
fn a_heap_record_that_panics_midway_leaves_the_rest_to_run_and_all_return_to_the_pool() {
    let n = POOL_CAPS.0 / 2 - 1; // fits the cache after a spill, plus the `|ret|` closure
    heap_loop(n); // steady state first (see above)
    take_log();
    let before = pool_counts().0;
    let at = n / 2;
    assert_eq!(
        heap_loop_panics_midway(n, at).as_deref(),
        Some(format!("record {at}").as_str())
    );
    let expected: Vec<String> = (0..n).rev().map(|i| format!("loop {i}")).collect();
    assert_eq!(take_log(), expected);
    assert_eq!(
        pool_counts().0,
        before,
        "a record did not return to the pool"
    );
}

#[crate::func(strategy = "frame")]
fn frame_records(flag: bool) -> i32 {
    defer!(log("first"));
    if flag {
        defer!(log("conditional"));
    }
    defer!(|ret: &mut i32| *ret *= 2);
    21
}

#[test]
fn frame_records_run_lifo_with_conditionals() {
    assert_eq!(frame_records(true), 42);
    assert_eq!(take_log(), ["conditional", "first"]);
    assert_eq!(frame_records(false), 42);
    assert_eq!(take_log(), ["first"]);
}

#[crate::func]
fn recovers(strategy_note: &str) -> Option<String> {
    defer!(|ret: &mut Option<String>| {
        *ret = crate::recover().map(|p| p.to_string());
    });
    panic!("from {strategy_note}");
}

#[crate::func(strategy = "heap")]
fn recovers_heap() -> u8 {
    defer!(|ret: &mut u8| {
        if crate::recover().is_some() {
            *ret = 9;
        }
    });
    for _ in 0..2 {
        defer!(log("heap"));
    }
    panic_any(3_u8);
}

#[test]
fn recover_stops_the_panic_and_sets_the_result() {
    assert_eq!(recovers("open").as_deref(), Some("from open"));
    assert_eq!(recovers_heap(), 9);
    assert_eq!(take_log(), ["heap", "heap"]);
    assert!(crate::recover().is_none());
}

#[crate::func]
fn replaced() {
    defer!(|| log(format!(
        "got {}",
        crate::recover().map(|p| p.to_string()).unwrap_or_default()
    )));
    defer!(|| panic!("second"));
    panic!("first");
}

#[test]
fn a_deferred_panic_replaces_the_first() {
    replaced();
    assert_eq!(take_log(), ["got second"]);
}

#[crate::func]
fn unrecovered() {
    defer!(log("ran"));
    panic_any(7_i64);
}

#[test]
fn unrecovered_panics_keep_their_payload() {
    let err = catch_unwind(unrecovered).expect_err("the panic continues");
    assert_eq!(err.downcast_ref::<i64>(), Some(&7));
    assert_eq!(take_log(), ["ran"]);
}

#[crate::func]
fn ret_closure_panics_after_writing() -> i32 {
    defer!(|ret: &mut i32| {
        if crate::recover().is_some() {
            log(format!("slot {ret}"));
        }
    });
    defer!(|ret: &mut i32| {
        *ret = 5;
        panic!("after writing");
    });
    1
}

#[test]
fn a_ret_closure_that_panics_keeps_what_it_wrote() {
    assert_eq!(ret_closure_panics_after_writing(), 5);
    assert_eq!(take_log(), ["slot 5"]);
}

static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[crate::func]
fn count_in_loop(n: usize) {
    for _ in 0..n {
        defer!((&COUNT).fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    }
}

#[test]
fn records_survive_thread_exit_and_recover_in_tls_destructors_is_none() {
    struct OnExit;
    impl Drop for OnExit {
        fn drop(&mut self) {
            // Runs during thread teardown, after godefer's thread locals may be gone.
            assert!(crate::recover().is_none());
            count_in_loop(2);
        }
    }
    thread_local! {
        static ON_EXIT: RefCell<Option<OnExit>> = const { RefCell::new(None) };
    }
    std::thread::spawn(|| {
        ON_EXIT.with(|o| *o.borrow_mut() = Some(OnExit));
        count_in_loop(3);
    })
    .join()
    .expect("the thread ends normally");
    assert_eq!(COUNT.load(std::sync::atomic::Ordering::Relaxed), 5);
    let (_, global) = pool_counts();
    assert!(global <= POOL_CAPS.1);
}

/// A `#[godefer::func]` deferred call that recovers: it registers (entered while armed) after
/// the panicking frame, and `recover` reaches that frame from under it. Run twice, so a frame
/// left linked by the first call would be found again at the same address by the second.
#[crate::func]
fn handler() {
    match crate::recover() {
        Some(p) => log(format!("recovered {p}")),
        None => log("nothing"),
    }
    // A frame of its own, entered while the outer one is armed: it must not recover.
    inner_sees_nothing();
}

#[crate::func]
fn inner_sees_nothing() {
    defer!(|| log(format!("inner {}", crate::recover().is_some())));
}

#[crate::func]
fn defers_handler(fail: bool) -> u32 {
    defer!(handler());
    if fail {
        panic!("handled");
    }
    7
}

#[test]
fn a_recovering_deferred_frame_leaves_the_registered_list_as_it_found_it() {
    for _ in 0..2 {
        assert_eq!(defers_handler(true), 0);
        assert_eq!(defers_handler(false), 7);
    }
    assert_eq!(
        take_log(),
        [
            "recovered handled",
            "inner false",
            "nothing",
            "inner false",
            "recovered handled",
            "inner false",
            "nothing",
            "inner false"
        ]
    );
    assert!(crate::state::with_special(|s| s.get().is_null()));
}

/// Records run by one `catch_unwind` per scope: a deferred call that panics in the middle of a
/// run sends the rest down the slow path, where the oldest one recovers.
#[crate::func(strategy = "frame")]
fn frame_records_panic_midway() -> u8 {
    defer!(|ret: &mut u8| {
        if let Some(p) = crate::recover() {
            log(format!("recovered {p}"));
            *ret = 5;
        }
    });
    defer!(log("after the panic"));
    defer!(|| panic!("midway"));
    defer!(log("before the panic"));
    1
}

#[crate::func(strategy = "heap")]
fn heap_records_panic_midway() -> u8 {
    defer!(|ret: &mut u8| {
        if let Some(p) = crate::recover() {
            log(format!("recovered {p}"));
            *ret = 6;
        }
    });
    for i in 0..3 {
        defer!(move || {
            if i == 1 {
                panic!("heap midway");
            }
            log(format!("heap {i}"));
        });
    }
    2
}

#[test]
fn a_deferred_panic_midway_through_the_records_is_recovered_by_an_older_one() {
    assert_eq!(frame_records_panic_midway(), 5);
    assert_eq!(
        take_log(),
        ["before the panic", "after the panic", "recovered midway"]
    );
    assert_eq!(heap_records_panic_midway(), 6);
    assert_eq!(take_log(), ["heap 2", "heap 0", "recovered heap midway"]);
}

/// A frame as the macro makes one (see `Frame::new`'s contract), with a `String` result.
macro_rules! string_frame {
    ($frame:ident) => {
        // SAFETY: the tests below keep `Frame::new`'s contract: started at once, never moved,
        // dropped at the end of the test; no record; within a deferred call only `set_result`.
        let $frame = unsafe {
            crate::frame::Frame::<String, _, crate::frame::OptSlot<String>>::new(crate::zero::Zero(
                String::new,
            ))
        };
        $frame.start();
    };
}

#[test]
fn storing_a_result_while_a_ret_closure_holds_it_invalidates_nothing() {
    // What a macro's closure holding a rewritten `return` once did (issue 12): a result stored
    // from inside a `|ret|` closure dropped the value that closure's `&mut` pointed to. The
    // closure now holds a local: its value wins, the stray one is dropped, nothing dangles.
    string_frame!(frame);
    frame.set_result("body".to_string());
    frame.run_ret::<{ crate::state::arm::EXACT }, _>(|ret: &mut String| {
        frame.set_result("stray".to_string());
        ret.push_str(" + deferred");
        assert_eq!(ret, "body + deferred");
    });
    assert_eq!(frame.finish("t"), "body + deferred");
}

#[test]
fn ret_closures_nested_on_one_frame_each_hold_their_own_value() {
    string_frame!(frame);
    frame.set_result("a".to_string());
    frame.run_ret::<{ crate::state::arm::EXACT }, _>(|outer: &mut String| {
        // Run directly (not through `run_ret`, which the contract keeps out of a running
        // deferred call): the same `with_result` the runners use.
        frame.with_result(|inner: &mut String| inner.push('!'));
        outer.push('b');
    });
    assert_eq!(frame.finish("t"), "ab");
}

#[test]
fn a_ret_closure_that_panics_keeps_what_it_stored() {
    string_frame!(frame);
    frame.run_ret::<{ crate::state::arm::EXACT }, _>(|ret: &mut String| {
        ret.push_str("stored");
        panic!("deferred");
    });
    frame.run_ret::<{ crate::state::arm::EXACT }, _>(|ret: &mut String| {
        assert!(crate::recover().is_some());
        assert_eq!(ret, "stored");
        ret.push_str(", then recovered");
    });
    assert_eq!(frame.finish("t"), "stored, then recovered");
}

/// A result whose `Drop` panics.
struct Bomb(&'static str);

impl Drop for Bomb {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
        panic!("drop of {}", self.0);
    }
}

#[test]
fn a_result_whose_drop_panics_under_a_panicking_deferred_call_does_not_abort() {
    // Issue 12: the frame dropped its stored result while unwinding from the deferred call's
    // panic, and the result's panic aborted the process. It is dropped before the raise now,
    // and its panic is the one that continues.
    take_log();
    let caught = catch_unwind(|| {
        // SAFETY: as in `string_frame!`.
        let frame = unsafe {
            crate::frame::Frame::<Bomb, _, crate::frame::OptSlot<Bomb>>::new(
                crate::zero::NoZero::new(),
            )
        };
        frame.start();
        frame.set_result(Bomb("result"));
        frame.run::<{ crate::state::arm::EXACT }, _>(|| panic_any("deferred"));
        std::mem::forget(frame.finish("t"));
    });
    let payload = caught.expect_err("the frame raises a panic");
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("drop of result")
    );
    assert_eq!(take_log(), ["drop result"]);
}

/// A panic payload whose `Drop` panics.
struct PayloadBomb;

impl Drop for PayloadBomb {
    fn drop(&mut self) {
        panic!("payload drop");
    }
}

#[test]
fn a_recovered_panic_whose_payload_drop_panics_leaks_nothing() {
    // miri checks for leaks at the end of the run: the record's allocation must be freed even
    // when dropping its payload unwinds.
    string_frame!(frame);
    frame.nest(|| panic_any(PayloadBomb));
    let mut recovered = None;
    frame.run::<{ crate::state::arm::EXACT }, _>(|| recovered = crate::recover());
    let recovered = recovered.expect("the panic is recovered");
    assert!(recovered.downcast_ref::<PayloadBomb>().is_some());
    let dropped = catch_unwind(std::panic::AssertUnwindSafe(move || drop(recovered)));
    assert!(dropped.is_err(), "the payload's drop panicked");
    assert_eq!(frame.finish("t"), "");
}

// ---- Found in review (issue 12) ----

#[godefer::func]
fn defer_in_an_or_pattern_guard(count: &std::cell::Cell<usize>) -> usize {
    match (1, 1) {
        // The guard runs twice (once per matching alternative), and so does the `defer!`. As a
        // frame record, its one record was linked twice: a use-after-free.
        (1, _) | (_, 1)
            if {
                let s = String::from("owned");
                defer!(move || {
                    assert_eq!(s, "owned");
                    count.set(count.get() + 1);
                });
                false
            } => {}
        _ => {}
    }
    2
}

#[test]
fn a_defer_in_a_match_guard_is_registered_as_often_as_the_guard_runs() {
    // Lowered with heap records (a guard may repeat, like a loop): both registrations run.
    let count = std::cell::Cell::new(0);
    assert_eq!(defer_in_an_or_pattern_guard(&count), 2);
    assert_eq!(count.get(), 2);
}

#[test]
fn a_replaced_panic_whose_payload_drop_panics_leaks_nothing() {
    // Found in review: the payload of the panic raised by the old payload's `Drop` was leaked
    // (24 bytes a time under valgrind). miri's leak check fails this test if anything is left.
    string_frame!(frame);
    frame.nest(|| panic_any(PayloadBomb));
    frame.run::<{ crate::state::arm::EXACT }, _>(|| panic!("replaces the bomb"));
    let mut recovered = None;
    frame.run::<{ crate::state::arm::EXACT }, _>(|| recovered = crate::recover());
    assert_eq!(recovered.unwrap().message(), Some("replaces the bomb"));
    assert_eq!(frame.finish("t"), "");
}

// ---- errdefer! and okdefer! through the records (miri runs these) ----

#[godefer::func]
fn errdefers_in_heap_records(n: u32, fail: bool) -> Result<u32, String> {
    for i in 0..n {
        godefer::errdefer!(log(format!("undo {i}")));
    }
    godefer::errdefer!(|e: &mut String| e.push('!'));
    if fail {
        return Err("e".to_string());
    }
    Ok(n)
}

#[godefer::func(strategy = "frame")]
fn errdefers_in_frame_records(fail: bool) -> Result<u32, String> {
    godefer::errdefer!(log("frame undo"));
    godefer::okdefer!(log("frame ok"));
    if fail {
        return Err("f".to_string());
    }
    Ok(1)
}

#[test]
fn errdefers_run_only_on_failure_in_every_kind_of_record() {
    take_log();
    assert_eq!(errdefers_in_heap_records(2, true), Err("e!".to_string()));
    assert_eq!(errdefers_in_heap_records(2, false), Ok(2));
    assert_eq!(take_log(), ["undo 1", "undo 0"]);
    assert_eq!(errdefers_in_frame_records(true), Err("f".to_string()));
    assert_eq!(errdefers_in_frame_records(false), Ok(1));
    assert_eq!(take_log(), ["frame undo", "frame ok"]);
}

// ---- async frames (`crate::future`) ----

mod asyncs {
    use super::{log, take_log};
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    /// Pending once, then ready.
    struct YieldOnce(bool);

    impl Future for YieldOnce {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            if std::mem::replace(&mut self.0, true) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }
    }

    fn yield_now() -> YieldOnce {
        YieldOnce(false)
    }

    struct Never;

    impl Future for Never {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            Poll::Pending
        }
    }

    fn poll<F: Future + ?Sized>(f: Pin<&mut F>) -> Poll<F::Output> {
        f.poll(&mut Context::from_waker(Waker::noop()))
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = Box::pin(f);
        loop {
            if let Poll::Ready(v) = poll(f.as_mut()) {
                return v;
            }
        }
    }

    #[crate::func]
    async fn exits(fail: bool) -> Result<u32, String> {
        defer!(log("first"));
        defer!(|ret: &mut Result<u32, String>| {
            if let Some(p) = crate::recover() {
                *ret = Err(format!("recovered {p}"));
            }
        });
        yield_now().await;
        if fail {
            panic!("late");
        }
        Ok(1)
    }

    #[test]
    fn an_async_frame_returns_and_recovers_across_awaits() {
        assert_eq!(block_on(exits(false)), Ok(1));
        assert_eq!(block_on(exits(true)), Err("recovered late".into()));
        assert_eq!(take_log(), ["first", "first"]);
        assert!(crate::recover().is_none());
    }

    #[crate::func]
    async fn across(fail: bool) -> Result<u32, String> {
        defer!(|ret: &mut Result<u32, String>| {
            if let Some(p) = crate::recover() {
                *ret = Err(format!("recovered {p}"));
            }
        });
        yield_now().await;
        if fail {
            panic!("on the second thread");
        }
        Ok(2)
    }

    /// The frame is made in the first poll, on a thread that then ends (its thread-local state
    /// with it: a debug build's frame keeps a reference to that state), and polled again on
    /// another: under miri, a read of the first thread's state after its end is reported.
    #[test]
    fn a_future_first_polled_on_a_thread_that_ended_runs_on_the_next_one() {
        for fail in [false, true] {
            let mut f = Box::pin(across(fail));
            let f = std::thread::spawn(move || {
                assert!(poll(f.as_mut()).is_pending());
                f
            })
            .join()
            .unwrap();
            let out = std::thread::spawn(move || block_on(f)).join().unwrap();
            let expected = if fail {
                Err("recovered on the second thread".to_string())
            } else {
                Ok(2)
            };
            assert_eq!(out, expected);
        }
    }

    #[crate::func]
    async fn awaited_recover() -> String {
        defer!(async |ret: &mut String| {
            yield_now().await;
            *ret = format!("{:?}", crate::recover().map(|p| p.to_string()));
        });
        yield_now().await;
        panic!("p");
    }

    #[crate::func]
    async fn recovers_own(n: u32) -> u32 {
        defer!(|ret: &mut u32| {
            if crate::recover().is_some() {
                *ret = n;
            }
        });
        yield_now().await;
        panic!("own");
    }

    #[test]
    fn two_futures_interleaved_on_one_thread_keep_their_own_panics() {
        let mut a = Box::pin(awaited_recover());
        let mut b = Box::pin(recovers_own(4));
        assert!(poll(a.as_mut()).is_pending()); // body waits
        assert!(poll(a.as_mut()).is_pending()); // panicked; its awaited call waits
        assert!(poll(b.as_mut()).is_pending());
        assert_eq!(poll(b.as_mut()), Poll::Ready(4));
        assert!(crate::recover().is_none());
        assert_eq!(poll(a.as_mut()), Poll::Ready("Some(\"p\")".to_string()));
    }

    #[test]
    fn a_future_moved_to_another_thread_between_polls_keeps_its_panic() {
        let mut a = Box::pin(awaited_recover());
        assert!(poll(a.as_mut()).is_pending());
        assert!(poll(a.as_mut()).is_pending());
        let got = std::thread::spawn(move || block_on(a)).join().unwrap();
        assert_eq!(got, "Some(\"p\")");
    }

    #[crate::func]
    async fn cancelled_open(nested: bool) {
        defer!(move || log("open 1"));
        if nested {
            defer!(move || log("open nested 2"));
        }
        defer!(async { log("awaited: never") });
        Never.await;
    }

    #[crate::func(strategy = "frame")]
    async fn cancelled_frame(nested: bool) {
        defer!(move || log("frame 1"));
        if nested {
            defer!(move || log("frame nested 2"));
        }
        Never.await;
    }

    #[crate::func]
    async fn cancelled_heap(n: u32) {
        defer!(move || log("heap 1"));
        for i in 0..n {
            defer!(move || log(format!("heap loop {i}")));
        }
        Never.await;
    }

    fn cancel<F: Future>(f: F) {
        let mut f = Box::pin(f);
        assert!(poll(f.as_mut()).is_pending());
        drop(f);
    }

    #[test]
    fn a_cancelled_future_runs_what_it_registered_newest_first() {
        cancel(cancelled_open(true));
        assert_eq!(take_log(), ["open nested 2", "open 1"]);
        cancel(cancelled_frame(true));
        assert_eq!(take_log(), ["frame nested 2", "frame 1"]);
        cancel(cancelled_heap(2));
        assert_eq!(take_log(), ["heap loop 1", "heap loop 0", "heap 1"]);
    }

    #[crate::func]
    async fn cleanup_panics() {
        defer!(move || log("older"));
        defer!(move || panic!("cleanup"));
        Never.await;
    }

    #[crate::func]
    async fn cancelled_while_panicking() {
        defer!(move || log("sync"));
        defer!(async { Never.await });
        panic!("pending");
    }

    #[test]
    fn a_panic_at_cancellation_is_raised_from_the_drop() {
        for (f, want, logged) in [
            (
                Box::pin(cleanup_panics()) as Pin<Box<dyn Future<Output = ()>>>,
                "cleanup",
                "older",
            ),
            (Box::pin(cancelled_while_panicking()), "pending", "sync"),
        ] {
            let mut f = f;
            assert!(poll(f.as_mut()).is_pending());
            let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(f)))
                .expect_err("the drop panics");
            assert_eq!(err.downcast_ref::<&str>(), Some(&want));
            assert_eq!(take_log(), [logged]);
        }
    }

    /// Records of a top-level `defer!` and of a loop in one scope: each scope's guard must end
    /// with its scope's run, or the outer run leaves it a list that no longer holds its mark
    /// (found by the conformance suite's async translation: a null dereference).
    #[crate::func]
    async fn straight_loop_straight(fail: bool) {
        defer!(log("straight 1"));
        for i in 0..2 {
            defer!(log(format!("loop {i}")));
        }
        defer!(log("straight 2"));
        yield_now().await;
        if fail {
            panic!("failed");
        }
    }

    #[crate::func(strategy = "frame")]
    async fn frame_straight_nested(nested: bool) {
        defer!(log("straight 1"));
        if nested {
            defer!(log("nested"));
        }
        defer!(log("straight 2"));
        yield_now().await;
    }

    #[test]
    fn records_of_several_scopes_run_once_each_at_exit() {
        for fail in [false, true] {
            let r = std::panic::catch_unwind(|| block_on(straight_loop_straight(fail)));
            assert_eq!(r.is_err(), fail);
            assert_eq!(take_log(), ["straight 2", "loop 1", "loop 0", "straight 1"]);
        }
        block_on(frame_straight_nested(true));
        assert_eq!(take_log(), ["straight 2", "nested", "straight 1"]);
    }
}
