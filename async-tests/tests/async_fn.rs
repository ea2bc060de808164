//! `#[godefer::func]` on `async fn`: Go's defer, recover and result access across `.await`, on
//! tokio (current-thread and multi-thread) and on futures' executor.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use godefer::{recover, Panic};

/// A log shared by tasks (they may run on any thread).
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn p(&self, s: impl ToString) {
        self.0.lock().unwrap().push(s.to_string());
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn shown(r: Option<Panic>) -> String {
    match r {
        Some(p) => format!("Some({p})"),
        None => "None".to_string(),
    }
}

/// Pending once, then ready: a point where the task yields to the executor.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

fn yield_now() -> YieldOnce {
    YieldOnce(false)
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap()
}

fn parse(s: &str) -> Result<u32, String> {
    s.parse().map_err(|_| format!("bad {s}"))
}

macro_rules! cases {
    () => {
#[godefer::func]
async fn exits(log: Log, how: &str) -> Result<u32, String> {
    let l = log.clone();
    defer!(move || l.p("first registered, last run"));
    let l = log;
    defer!(move |ret: &mut Result<u32, String>| {
        l.p(format!("sees {ret:?}"));
        if let Ok(n) = ret {
            *n += 100;
        }
    });
    yield_now().await;
    if how == "return" {
        return Ok(1);
    }
    let n = parse(how)?;
    yield_now().await;
    Ok(n)
}

#[test]
fn completion_return_and_question_mark_run_the_defers_newest_first_and_may_change_the_result() {
    let log = Log::default();
    let cases = [("7", Ok(107)), ("return", Ok(101)), ("x", Err("bad x".to_string()))];
    for (how, want) in cases {
        assert_eq!(futures::executor::block_on(exits(log.clone(), how)), want);
        let seen = match &want {
            Ok(n) => format!("sees Ok({})", n - 100),
            Err(e) => format!("sees Err({e:?})"),
        };
        assert_eq!(log.take(), [seen.as_str(), "first registered, last run"]);
    }
}

#[godefer::func]
async fn recovers(log: Log, before_await: bool) -> Result<u32, String> {
    let l = log.clone();
    defer!(move || l.p("cleanup"));
    defer!(|ret: &mut Result<u32, String>| {
        if let Some(p) = recover() {
            *ret = Err(format!("recovered: {p}"));
        }
    });
    log.p(format!("recover in the body: {}", shown(recover())));
    if before_await {
        panic!("early");
    }
    yield_now().await;
    panic!("late");
}

#[test]
fn a_panic_before_or_after_an_await_is_recovered_by_a_deferred_closure() {
    let log = Log::default();
    let rt = current_thread();
    assert_eq!(
        rt.block_on(recovers(log.clone(), true)),
        Err("recovered: early".to_string())
    );
    assert_eq!(log.take(), ["recover in the body: None", "cleanup"]);
    assert_eq!(
        rt.block_on(recovers(log.clone(), false)),
        Err("recovered: late".to_string())
    );
    assert_eq!(log.take(), ["recover in the body: None", "cleanup"]);
}

#[godefer::func]
async fn escapes(log: Log) -> u32 {
    let l = log.clone();
    defer!(move || l.p("deferred ran"));
    let l = log.clone();
    defer!(async move {
        yield_now().await;
        l.p("awaited deferred ran");
    });
    yield_now().await;
    panic!("boom");
}

#[test]
fn an_unrecovered_panic_reaches_the_join_handle_after_every_deferred_call_ran() {
    for rt in [current_thread(), multi_thread()] {
        let log = Log::default();
        let err = rt
            .block_on(async { tokio::spawn(escapes(log.clone())).await })
            .unwrap_err();
        let payload = err.into_panic();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
        assert_eq!(log.take(), ["awaited deferred ran", "deferred ran"]);
    }
}

#[godefer::func]
async fn mixed_order(log: Log) {
    let l = log.clone();
    defer!(move || l.p("sync 1"));
    defer!(async {
        log.p("awaited 2 starts");
        yield_now().await;
        log.p("awaited 2 ends");
    });
    let l = log.clone();
    defer!(move || l.p("sync 3"));
    let l = log.clone();
    defer!(note_later(l, "awaited call 4").await);
    log.p("body");
}

async fn note_later(log: Log, what: &'static str) {
    yield_now().await;
    log.p(what);
}

#[test]
fn awaited_deferred_calls_run_in_lifo_order_with_the_sync_ones() {
    let log = Log::default();
    futures::executor::block_on(mixed_order(log.clone()));
    assert_eq!(
        log.take(),
        [
            "body",
            "awaited call 4",
            "sync 3",
            "awaited 2 starts",
            "awaited 2 ends",
            "sync 1"
        ]
    );
}

#[godefer::func]
async fn recover_after_awaiting(log: Log) -> Result<(), String> {
    defer!(async |ret: &mut Result<(), String>| {
        yield_now().await;
        log.p(format!("panicking: {}", godefer::panicking()));
        yield_now().await;
        if let Some(p) = recover() {
            *ret = Err(format!("recovered after awaiting: {p}"));
        }
    });
    yield_now().await;
    panic!("late");
}

#[test]
fn an_awaited_deferred_call_recovers_after_awaiting_even_on_another_thread() {
    let rt = multi_thread();
    for _ in 0..20 {
        let log = Log::default();
        let got = rt
            .block_on(async { tokio::spawn(recover_after_awaiting(log.clone())).await })
            .unwrap();
        assert_eq!(got, Err("recovered after awaiting: late".to_string()));
        assert_eq!(log.take(), ["panicking: true"]);
    }
}

/// Task A panics; its awaited deferred call waits for task B, which meanwhile runs on the same
/// thread, asks `recover` in its body and then recovers a panic of its own.
#[godefer::func]
async fn task_a(rx: tokio::sync::oneshot::Receiver<()>) -> String {
    defer!(async |ret: &mut String| {
        let _ = rx.await;
        *ret = format!("A recovered {}", shown(recover()));
    });
    yield_now().await;
    panic!("A's panic");
}

#[godefer::func]
async fn task_b(log: Log, tx: tokio::sync::oneshot::Sender<()>) -> String {
    defer!(|ret: &mut String| *ret = format!("B recovered {}", shown(recover())));
    log.p(format!(
        "B's body: recover {}, panicking {}",
        shown(recover()),
        godefer::panicking()
    ));
    let _ = tx.send(());
    yield_now().await;
    panic!("B's panic");
}

#[test]
fn two_tasks_interleaved_on_one_thread_never_see_each_others_panic() {
    let rt = current_thread();
    let log = Log::default();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (a, b) = rt.block_on(async {
        let a = tokio::spawn(task_a(rx));
        let b = tokio::spawn(task_b(log.clone(), tx));
        (a.await.unwrap(), b.await.unwrap())
    });
    assert_eq!(a, "A recovered Some(A's panic)");
    assert_eq!(b, "B recovered Some(B's panic)");
    assert_eq!(log.take(), ["B's body: recover None, panicking false"]);
}

#[godefer::func]
async fn helper_recovers(log: Log) {
    defer!(|| {});
    log.p(format!("helper: {}", shown(recover())));
}

#[godefer::func]
async fn directness(log: Log, how: u8) -> u32 {
    let l = log.clone();
    match how {
        // Go's `defer helper()`: the deferred call is the helper, whose body recovers.
        0 => defer!(helper_recovers(l).await),
        // A godefer function that the deferred call calls: its `recover` is one level too
        // deep; the deferred call's own works.
        1 => defer!(async move {
            helper_recovers(l.clone()).await;
            l.p(format!("then the deferred call itself: {}", shown(recover())));
        }),
        // Only the too-deep one: the panic goes on.
        _ => defer!(async move { helper_recovers(l).await }),
    }
    yield_now().await;
    panic!("p");
}

#[test]
fn recover_is_direct_only_as_in_a_sync_frame() {
    let log = Log::default();
    let rt = current_thread();
    let run = |how| rt.block_on(async { tokio::spawn(directness(log.clone(), how)).await });
    assert_eq!(run(0).unwrap(), 0);
    assert_eq!(log.take(), ["helper: Some(p)"]);
    assert_eq!(run(1).unwrap(), 0);
    assert_eq!(
        log.take(),
        ["helper: None", "then the deferred call itself: Some(p)"]
    );
    let err = run(2).unwrap_err().into_panic();
    assert_eq!(err.downcast_ref::<&str>(), Some(&"p"));
    assert_eq!(log.take(), ["helper: None"]);
}

#[godefer::func]
async fn at_exit(log: Log) -> u32 {
    let mut ok = false;
    let mut count = 0;
    defer!(|| log.p(format!("ok = {ok}, count = {count}")));
    yield_now().await;
    count += 1;
    yield_now().await;
    ok = true;
    count
}

#[test]
fn a_top_level_closure_reads_the_final_values_and_the_body_goes_on_using_them() {
    let log = Log::default();
    assert_eq!(futures::executor::block_on(at_exit(log.clone())), 1);
    assert_eq!(log.take(), ["ok = true, count = 1"]);
}

struct Never;

impl Future for Never {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

#[godefer::func]
async fn cancelled(log: Log, nested: bool) -> Result<u32, String> {
    let l = log.clone();
    defer!(move || l.p("sync 1"));
    let l = log.clone();
    defer!(async move { l.p("awaited 2: never runs on cancellation") });
    let l = log.clone();
    defer!(move |ret: &mut Result<u32, String>| l.p(format!("ret 3 sees {ret:?}")));
    let l = log.clone();
    errdefer!(move || l.p("errdefer 4"));
    let l = log.clone();
    okdefer!(move || l.p("okdefer 5: not on cancellation"));
    if nested {
        let l = log.clone();
        defer!(move || l.p("nested 6"));
    }
    log.p("body waits");
    Never.await;
    Ok(1)
}

#[test]
fn a_dropped_future_runs_its_registered_sync_defers_newest_first_exactly_once() {
    for nested in [false, true] {
        let log = Log::default();
        {
            let mut fut = Box::pin(cancelled(log.clone(), nested));
            let waker = futures::task::noop_waker();
            let mut cx = Context::from_waker(&waker);
            assert!(fut.as_mut().poll(&mut cx).is_pending());
            assert!(fut.as_mut().poll(&mut cx).is_pending());
            assert_eq!(log.take(), ["body waits"]);
        }
        let mut want = vec!["errdefer 4", "sync 1"];
        if nested {
            want.insert(0, "nested 6");
        }
        assert_eq!(log.take(), want);
    }
}

#[test]
fn timeout_and_select_cancel_as_a_drop_does() {
    let rt = current_thread();
    let log = Log::default();
    let r = rt.block_on(async {
        tokio::time::timeout(
            std::time::Duration::from_millis(5),
            cancelled(log.clone(), true),
        )
        .await
    });
    assert!(r.is_err());
    assert_eq!(
        log.take(),
        ["body waits", "nested 6", "errdefer 4", "sync 1"]
    );
    rt.block_on(async {
        tokio::select! {
            _ = cancelled(log.clone(), false) => unreachable!(),
            _ = tokio::task::yield_now() => {}
        }
    });
    assert_eq!(log.take(), ["body waits", "errdefer 4", "sync 1"]);
}

#[godefer::func]
async fn returning_then_cancelled(log: Log) -> u32 {
    let l = log.clone();
    defer!(move |ret: &mut u32| l.p(format!("ret sees {ret}")));
    defer!(async { Never.await });
    5
}

#[test]
fn a_ret_closure_runs_on_cancellation_only_if_there_is_a_result() {
    let log = Log::default();
    {
        let mut fut = Box::pin(returning_then_cancelled(log.clone()));
        let waker = futures::task::noop_waker();
        assert!(fut
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending());
    }
    assert_eq!(log.take(), ["ret sees 5"]);
}

#[godefer::func]
async fn panics_when_cancelled(log: Log) {
    let l = log.clone();
    defer!(move || l.p("older one still runs"));
    defer!(move || panic!("cleanup failed"));
    let l = log.clone();
    // Made at exit (it would borrow what the body uses): it cannot run on cancellation.
    defer!(|| l.p("a top-level closure that is not `move`"));
    Never.await;
}

#[test]
fn a_deferred_call_that_panics_on_cancellation_panics_out_of_the_drop_after_the_others_ran() {
    let log = Log::default();
    let mut fut = Box::pin(panics_when_cancelled(log.clone()));
    let waker = futures::task::noop_waker();
    assert!(fut
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(fut))).unwrap_err();
    assert_eq!(err.downcast_ref::<&str>(), Some(&"cleanup failed"));
    assert_eq!(log.take(), ["older one still runs"]);
}

#[godefer::func]
async fn cancelled_while_panicking(log: Log) {
    let l = log.clone();
    defer!(move || l.p("sync runs, recover: none at cancellation"));
    defer!(async { Never.await });
    panic!("pending");
}

#[test]
fn a_future_cancelled_while_handling_a_panic_raises_it_from_the_drop() {
    let log = Log::default();
    let mut fut = Box::pin(cancelled_while_panicking(log.clone()));
    let waker = futures::task::noop_waker();
    assert!(fut
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(fut))).unwrap_err();
    assert_eq!(err.downcast_ref::<&str>(), Some(&"pending"));
    assert_eq!(log.take(), ["sync runs, recover: none at cancellation"]);
}

struct Account {
    log: Log,
    balance: u64,
}

impl Account {
    #[godefer::func]
    async fn withdraw(&mut self, amount: u64) -> Result<u64, String> {
        defer!(self.audit("withdraw"));
        yield_now().await;
        if amount > self.balance {
            return Err("insufficient".into());
        }
        self.balance -= amount;
        Ok(self.balance)
    }

    fn audit(&self, what: &str) {
        self.log.p(format!("{what}: balance {}", self.balance));
    }
}

trait Store {
    async fn put(&self, log: &Log, v: u32) -> u32;
}

impl Store for Account {
    #[godefer::func]
    async fn put(&self, log: &Log, v: u32) -> u32 {
        defer!(log.p(format!("put {v}")));
        yield_now().await;
        v * 2
    }
}

#[test]
fn methods_and_trait_impls() {
    let log = Log::default();
    let mut a = Account {
        log: log.clone(),
        balance: 10,
    };
    futures::executor::block_on(async {
        assert_eq!(a.withdraw(3).await, Ok(7));
        assert_eq!(a.withdraw(30).await, Err("insufficient".into()));
        assert_eq!(a.put(&log, 4).await, 8);
    });
    assert_eq!(
        log.take(),
        ["withdraw: balance 7", "withdraw: balance 7", "put 4"]
    );
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn the_future_is_send_when_what_it_holds_is() {
    let log = Log::default();
    let fut = exits(log.clone(), "1");
    assert_send(&fut);
    let rt = multi_thread();
    assert_eq!(rt
            .block_on(async { tokio::spawn(fut).await })
            .unwrap(), Ok(101));
}

#[godefer::func]
async fn in_a_loop(log: Log, n: u32, cancel: bool) -> u32 {
    let mut sum = 0;
    for i in 0..n {
        let l = log.clone();
        defer!(move || l.p(format!("loop {i}")));
        yield_now().await;
        sum += i;
    }
    if cancel {
        Never.await;
    }
    sum
}

#[test]
fn defers_in_a_loop_run_at_exit_or_at_cancellation_newest_first() {
    let log = Log::default();
    assert_eq!(futures::executor::block_on(in_a_loop(log.clone(), 3, false)), 3);
    assert_eq!(log.take(), ["loop 2", "loop 1", "loop 0"]);
    {
        let mut fut = Box::pin(in_a_loop(log.clone(), 3, true));
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        for _ in 0..5 {
            assert!(fut.as_mut().poll(&mut cx).is_pending());
        }
        assert!(log.take().is_empty());
    }
    assert_eq!(log.take(), ["loop 2", "loop 1", "loop 0"]);
    // Cancelled in the middle of the loop: what was registered so far.
    {
        let mut fut = Box::pin(in_a_loop(log.clone(), 3, true));
        let waker = futures::task::noop_waker();
        assert!(fut
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending());
    }
    assert_eq!(log.take(), ["loop 0"]);
}

#[godefer::func]
async fn many(log: Log, fail: bool) -> Result<u32, String> {
    let l = log.clone();
    defer!(move || l.p("d1"));
    let l = log.clone();
    defer!(move || l.p("d2"));
    let l = log.clone();
    defer!(move || l.p("d3"));
    let l = log.clone();
    defer!(move || l.p("d4"));
    yield_now().await;
    let l = log.clone();
    defer!(move || l.p("d5"));
    let l = log.clone();
    defer!(move || l.p("d6"));
    let l = log.clone();
    defer!(move || l.p("d7"));
    let l = log.clone();
    defer!(move || l.p("d8"));
    let l = log.clone();
    defer!(move |r: &mut Result<u32, String>| {
        if let Some(p) = recover() {
            *r = Err(p.to_string());
        }
        l.p(format!("d9 {r:?}"));
    });
    if fail {
        return Err(parse("x").unwrap_err());
    }
    yield_now().await;
    if log.0.lock().unwrap().is_empty() {
        panic!("nine");
    }
    Ok(9)
}

#[test]
fn nine_defers_and_three_exits() {
    let log = Log::default();
    assert_eq!(
        futures::executor::block_on(many(log.clone(), false)),
        Err("nine".into())
    );
    let mut want = vec!["d9 Err(\"nine\")".to_string()];
    want.extend((1..=8).rev().map(|i| format!("d{i}")));
    assert_eq!(log.take(), want);
    assert_eq!(
        futures::executor::block_on(many(log.clone(), true)),
        Err("bad x".into())
    );
    want[0] = "d9 Err(\"bad x\")".to_string();
    assert_eq!(log.take(), want);
}

#[godefer::func]
async fn literals(log: Log) -> u32 {
    let l = log.clone();
    defer!(move || l.p("outer"));
    // An async block with `defer!` of its own is a frame of its own (Go's function literal).
    let l = log.clone();
    let inner = async move {
        let l2 = l.clone();
        defer!(move || l2.p("block's defer"));
        yield_now().await;
        l.p("block body");
        7
    };
    let l = log.clone();
    let closure = async move |x: u32| -> Result<u32, String> {
        defer!(|r: &mut Result<u32, String>| {
            if let Some(p) = recover() {
                *r = Err(p.to_string());
            }
        });
        l.p("closure body");
        yield_now().await;
        if x == 0 {
            panic!("zero");
        }
        Ok(x)
    };
    let a = inner.await;
    let b = closure(0).await;
    log.p(format!("{a} {b:?}"));
    a
}

#[test]
fn async_blocks_and_closures_with_defers_of_their_own_are_frames() {
    let log = Log::default();
    assert_eq!(futures::executor::block_on(literals(log.clone())), 7);
    assert_eq!(
        log.take(),
        [
            "block body",
            "block's defer",
            "closure body",
            "7 Err(\"zero\")",
            "outer"
        ]
    );
}

/// A sync function returning a future: the async block is the frame.
#[godefer::func]
fn make(log: Log) -> impl Future<Output = ()> {
    async move {
        let l = log.clone();
        defer!(move || l.p("made's defer"));
        yield_now().await;
        log.p("made's body");
    }
}

#[test]
fn an_async_block_in_a_sync_function() {
    let log = Log::default();
    futures::executor::block_on(make(log.clone()));
    assert_eq!(log.take(), ["made's body", "made's defer"]);
}

#[godefer::func]
async fn exits_the_task(log: Log) {
    let l = log.clone();
    defer!(move || l.p(format!("goexit: recover {}", shown(recover()))));
    yield_now().await;
    godefer::goexit();
}

#[test]
fn goexit_in_a_task_runs_its_defers_and_the_executor_sees_a_panicked_task() {
    let log = Log::default();
    let rt = current_thread();
    let err = rt
        .block_on(async { tokio::spawn(exits_the_task(log.clone())).await })
        .unwrap_err();
    assert!(err.into_panic().is::<godefer::Goexit>());
    assert_eq!(log.take(), ["goexit: recover None"]);
}

#[godefer::func]
async fn goexits_on_cancellation(log: Log) {
    defer!(note(&log, "older"));
    defer!(move || godefer::goexit());
    yield_now().await;
}

#[test]
fn goexit_in_a_deferred_call_run_by_cancellation_goes_on_from_the_drop() {
    let log = Log::default();
    let mut fut = Box::pin(goexits_on_cancellation(log.clone()));
    let waker = futures::task::noop_waker();
    assert!(fut.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(fut)))
        .expect_err("the drop goes on with goexit");
    assert!(err.is::<godefer::Goexit>());
    assert_eq!(log.take(), ["older"]);
}

trait Greeter {
    // A default body in the trait itself.
    #[godefer::func]
    async fn greet(&self, log: &Log) -> String {
        defer!(log.p("greeted"));
        yield_now().await;
        "hello".to_string()
    }
}

struct Plain;

impl Greeter for Plain {}

#[test]
fn a_default_async_method_of_a_trait() {
    let log = Log::default();
    assert_eq!(futures::executor::block_on(Plain.greet(&log)), "hello");
    assert_eq!(log.take(), ["greeted"]);
}

#[test]
fn join_runs_two_frames_interleaved_on_one_task() {
    let log = Log::default();
    let rt = current_thread();
    let (a, b) = rt.block_on(async {
        tokio::join!(recovers(log.clone(), false), exits(log.clone(), "3"))
    });
    assert_eq!(a, Err("recovered: late".to_string()));
    assert_eq!(b, Ok(103));
    let mut got = log.take();
    got.sort();
    assert_eq!(
        got,
        [
            "cleanup",
            "first registered, last run",
            "recover in the body: None",
            "sees Ok(3)"
        ]
    );
}

struct Tx {
    log: Log,
}

impl Tx {
    async fn rollback(&self) {
        yield_now().await;
        self.log.p("rolled back");
    }
    async fn commit(&self) {
        yield_now().await;
        self.log.p("committed");
    }
}

#[godefer::func]
async fn transaction(log: Log, how: &str) -> Result<u32, String> {
    let tx = Tx { log: log.clone() };
    errdefer!(tx.rollback().await);
    okdefer!(async {
        log.p("ok: awaited");
    });
    let l = log.clone();
    errdefer!(async move {
        yield_now().await;
        l.p("err: awaited block");
    });
    yield_now().await;
    match how {
        "panic" => panic!("boom"),
        "err" => Err("failed".into()),
        _ => {
            tx.commit().await;
            Ok(1)
        }
    }
}

#[godefer::func]
async fn recovered_transaction(log: Log) -> Result<u32, String> {
    defer!(|ret: &mut Result<u32, String>| {
        if let Some(p) = recover() {
            *ret = Err(p.to_string());
        }
    });
    transaction(log, "panic").await
}

#[test]
fn awaited_errdefer_and_okdefer_run_by_the_outcome_when_their_turn_comes() {
    let log = Log::default();
    assert_eq!(futures::executor::block_on(transaction(log.clone(), "ok")), Ok(1));
    assert_eq!(log.take(), ["committed", "ok: awaited"]);
    assert_eq!(
        futures::executor::block_on(transaction(log.clone(), "err")),
        Err("failed".into())
    );
    assert_eq!(log.take(), ["err: awaited block", "rolled back"]);
    assert_eq!(
        futures::executor::block_on(recovered_transaction(log.clone())),
        Err("boom".into())
    );
    assert_eq!(log.take(), ["err: awaited block", "rolled back"]);
}

fn note(log: &Log, what: impl ToString) {
    log.p(what);
}

fn note_some(log: &Log, what: Option<&String>) {
    log.p(what.unwrap());
}

fn note_how(log: &Log, what: &str, how: &str) {
    log.p(format!("{what}, {how}"));
}

/// Declares a local: a statement macro, which the lowering cannot look into.
macro_rules! declare_local {
    ($n:ident) => {
        let $n = String::from(concat!("6: ", stringify!($n)));
    };
}

// The first `defer!`s of an open-coded `async fn` are hoisted out of the body's future (no
// scope of their own) when they cannot hold anything of the body; the others are not. Both
// kinds, mixed, run newest first on every exit.
#[godefer::func]
async fn hoisted_then_not(log: Log, how: &'static str) -> Result<u32, String> {
    defer!(note(&log, "1: hoisted"));
    defer!(note_how(&log, "2: hoisted", how));
    defer!(move |ret: &mut Result<u32, String>| {
        if let Ok(n) = ret {
            *n += 10;
        }
    });
    yield_now().await;
    let local = String::from("3: holds a local of the body");
    defer!(note(&log, &local));
    defer!(note(&log, "4: after one that holds a local"));
    yield_now().await;
    declare_local!(declared);
    defer!(note(&log, "5: after a statement macro"));
    defer!(note(&log, &declared));
    match how {
        "panic" => panic!("boom"),
        "err" => Err("failed".into()),
        _ => Ok(1),
    }
}

#[godefer::func]
async fn hoisted_recovers(log: Log) -> Result<u32, String> {
    defer!(move |ret: &mut Result<u32, String>| {
        if let Some(p) = recover() {
            *ret = Err(format!("recovered: {p}"));
        }
    });
    defer!(note(&log, "cleanup"));
    yield_now().await;
    panic!("late");
}

// Not hoisted: the temporary lives to the end of the body.
#[godefer::func]
async fn first_defer_borrows_a_temporary(log: Log) {
    defer!(note(&log, &String::from("a temporary of the body")));
    yield_now().await;
}

#[test]
fn hoisted_and_nested_defers_run_newest_first_on_every_exit() {
    let all = |how: &str| {
        vec![
            "6: declared".to_string(),
            "5: after a statement macro".to_string(),
            "4: after one that holds a local".to_string(),
            "3: holds a local of the body".to_string(),
            format!("2: hoisted, {how}"),
            "1: hoisted".to_string(),
        ]
    };
    let log = Log::default();
    let got = futures::executor::block_on(hoisted_then_not(log.clone(), "ok"));
    assert_eq!(got, Ok(11));
    assert_eq!(log.take(), all("ok"));
    let got = futures::executor::block_on(hoisted_then_not(log.clone(), "err"));
    assert_eq!(got, Err("failed".to_string()));
    assert_eq!(log.take(), all("err"));
    let rt = multi_thread();
    let payload = rt
        .block_on(async { tokio::spawn(hoisted_then_not(log.clone(), "panic")).await })
        .unwrap_err()
        .into_panic();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    assert_eq!(log.take(), all("panic"));
}

#[test]
fn hoisted_defers_run_on_cancellation_at_each_await_exactly_once() {
    for (polls, ran) in [(1, 2), (2, 4)] {
        let log = Log::default();
        {
            let mut fut = Box::pin(hoisted_then_not(log.clone(), "cancel"));
            let waker = futures::task::noop_waker();
            let mut cx = Context::from_waker(&waker);
            for _ in 0..polls {
                assert!(fut.as_mut().poll(&mut cx).is_pending());
            }
            assert_eq!(log.take(), Vec::<String>::new());
        }
        let want = [
            "4: after one that holds a local",
            "3: holds a local of the body",
            "2: hoisted, cancel",
            "1: hoisted",
        ];
        assert_eq!(log.take(), want[4 - ran..]);
    }
}

/// Logs its drop.
struct Noted(Log, &'static str);

impl Drop for Noted {
    fn drop(&mut self) {
        self.0.p(format!("drop {}", self.1));
    }
}

// A deferred call runs before the locals declared before its `defer!` are dropped, as a `Drop`
// guard's would, in an `async fn` as in a sync one (so a `defer!` after a local is not
// hoisted out of the body's future: see the macro's `Emit::hoistable`).
#[godefer::func]
async fn locals_and_defers(log: Log) {
    let _z = Noted(log.clone(), "z");
    defer!(note(&log, "first defer"));
    let _a = Noted(log.clone(), "a");
    defer!(note(&log, "after a"));
    yield_now().await;
}

#[godefer::func]
fn locals_and_defers_sync(log: Log) {
    let _z = Noted(log.clone(), "z");
    defer!(note(&log, "first defer"));
    let _a = Noted(log.clone(), "a");
    defer!(note(&log, "after a"));
}

#[test]
fn deferred_calls_and_locals_drop_in_a_drop_guards_order() {
    let want = ["after a", "drop a", "first defer", "drop z"];
    let log = Log::default();
    locals_and_defers_sync(log.clone());
    assert_eq!(log.take(), want);
    futures::executor::block_on(locals_and_defers(log.clone()));
    assert_eq!(log.take(), want);
    {
        let mut fut = Box::pin(locals_and_defers(log.clone()));
        let waker = futures::task::noop_waker();
        assert!(fut.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
    }
    assert_eq!(log.take(), want);
}

// A parameter the body moves on some path is owned by the body's future, which drops it when it
// ends: still after the deferred calls, as in a sync fn (so a `defer!` after such a statement
// is not hoisted).
#[godefer::func]
async fn param_moved_on_a_path(log: Log, d: Noted, early: bool) {
    if early {
        drop(d);
    }
    defer!(note(&log, "deferred"));
    yield_now().await;
}

#[godefer::func]
fn param_moved_on_a_path_sync(log: Log, d: Noted, early: bool) {
    if early {
        drop(d);
    }
    defer!(note(&log, "deferred"));
}

#[test]
fn a_parameter_the_body_may_move_is_dropped_after_the_deferred_calls() {
    let log = Log::default();
    param_moved_on_a_path_sync(log.clone(), Noted(log.clone(), "d"), false);
    assert_eq!(log.take(), ["deferred", "drop d"]);
    futures::executor::block_on(param_moved_on_a_path(
        log.clone(),
        Noted(log.clone(), "d"),
        false,
    ));
    assert_eq!(log.take(), ["deferred", "drop d"]);
    {
        let mut fut = Box::pin(param_moved_on_a_path(log.clone(), Noted(log.clone(), "d"), false));
        let waker = futures::task::noop_waker();
        assert!(fut.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
    }
    assert_eq!(log.take(), ["deferred", "drop d"]);
}

struct Named {
    name: String,
    log: Log,
}

impl Named {
    // A result that borrows: the future must still be `Send` (the guards' cells are `Sync`
    // whatever the result's lifetime).
    #[godefer::func]
    async fn name(&self) -> &str {
        defer!(note(&self.log, "hoisted"));
        yield_now().await;
        &self.name
    }

    #[godefer::func]
    async fn name_nested(&self, c: bool) -> &str {
        let y = &self.name;
        if c {
            defer!(note(&self.log, "nested"));
        }
        yield_now().await;
        y
    }
}

fn boxed_send<'a>(n: &'a Named, nested: bool) -> Pin<Box<dyn Future<Output = &'a str> + Send + 'a>> {
    if nested {
        Box::pin(n.name_nested(true))
    } else {
        Box::pin(n.name())
    }
}

const EMPTY: String = String::new();

// Operands whose temporaries live to the end of the body: not hoisted, so they compile. (The
// cell's borrow is held across the await on purpose: the deferred call holds it.)
#[allow(clippy::await_holding_refcell_ref)]
#[godefer::func]
async fn temporaries(log: Log, c: &std::cell::RefCell<String>) {
    defer!(note(&log, &*c.borrow()));
    defer!(note_some(&log, Some(&String::from("some"))));
    defer!(note(&log, &EMPTY));
    defer!(note(&log, (&*c.borrow()).len()));
    yield_now().await;
}

#[test]
fn borrowing_results_and_temporaries_of_operands_compile_and_run() {
    let log = Log::default();
    let n = Named {
        name: "n".to_string(),
        log: log.clone(),
    };
    assert_eq!(futures::executor::block_on(boxed_send(&n, false)), "n");
    assert_eq!(futures::executor::block_on(boxed_send(&n, true)), "n");
    assert_eq!(log.take(), ["hoisted", "nested"]);
    let c = std::cell::RefCell::new("cell".to_string());
    futures::executor::block_on(temporaries(log.clone(), &c));
    assert_eq!(log.take(), ["4", "", "some", "cell"]);
}

#[test]
fn a_hoisted_closure_recovers_a_panic_after_an_await() {
    let log = Log::default();
    let got = current_thread().block_on(hoisted_recovers(log.clone()));
    assert_eq!(got, Err("recovered: late".to_string()));
    assert_eq!(log.take(), ["cleanup"]);
    futures::executor::block_on(first_defer_borrows_a_temporary(log.clone()));
    assert_eq!(log.take(), ["a temporary of the body"]);
}

    };
}

mod open_coded {
    use super::*;
    cases!();
}

mod frame {
    use super::*;
    use godefer::__private::as_frame as godefer;
    cases!();
}

mod heap {
    use super::*;
    use godefer::__private::as_heap as godefer;
    cases!();
}
