//! The exactly-once matrix's async paths: a future cancelled (dropped) at each of its awaits,
//! under each strategy. Every deferred call registered at its `defer!` runs exactly once,
//! newest first; every awaited one is dropped unstarted; every captured value is dropped
//! exactly once (the live count goes back to zero); polled to the end instead, everything runs.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static LIVE: Cell<i64> = const { Cell::new(0) };
}

fn p(s: impl ToString) {
    LOG.with(|l| l.borrow_mut().push(s.to_string()));
}

fn take_log() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

/// A value that logs its drop and counts how many are alive.
struct Tok(String);

impl Tok {
    fn new(name: impl ToString) -> Tok {
        LIVE.with(|l| l.set(l.get() + 1));
        Tok(name.to_string())
    }
}

impl Drop for Tok {
    fn drop(&mut self) {
        LIVE.with(|l| l.set(l.get() - 1));
        p(format!("drop {}", self.0));
    }
}

fn consume(t: Tok) {
    p(format!("call {}", t.0));
}

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

/// Polls `f` up to `polls` times, then drops it: its outcome (if it completed), the log and
/// the values still alive.
fn run<F: Future<Output = u32>>(f: F, polls: usize) -> (Option<u32>, Vec<String>, i64) {
    let mut f = Box::pin(f);
    let mut cx = Context::from_waker(Waker::noop());
    let mut out = None;
    for _ in 0..polls {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            out = Some(v);
            break;
        }
    }
    drop(f);
    (out, take_log(), LIVE.with(|l| l.replace(0)))
}

macro_rules! cases {
    () => {
        #[godefer::func]
        async fn straight() -> u32 {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let t2 = Tok::new("t2");
            defer!(async move {
                p(format!("call {}", t2.0));
            });
            defer!(|r: &mut u32| p(format!("ret {r}")));
            yield_now().await;
            if LIVE.with(|l| l.get()) > 0 {
                defer!(consume(Tok::new("n1")));
            }
            yield_now().await;
            7
        }

        #[test]
        fn straight_cancelled_at_each_await() {
            let tail = ["call c1", "drop c1", "call a1", "drop a1"];
            let want: [(Option<u32>, Vec<&str>); 3] = [
                (None, [&["drop t2"][..], &tail].concat()),
                (
                    None,
                    [&["call n1", "drop n1", "drop t2"][..], &tail].concat(),
                ),
                (
                    Some(7),
                    [
                        &["call n1", "drop n1", "ret 7", "call t2", "drop t2"][..],
                        &tail,
                    ]
                    .concat(),
                ),
            ];
            for (polls, (out, log)) in want.into_iter().enumerate() {
                for round in 0..2 {
                    let got = run(straight(), polls + 1);
                    assert_eq!(
                        got,
                        (out, log.iter().map(|s| s.to_string()).collect(), 0),
                        "cancelled after {} polls, round {round}",
                        polls + 1
                    );
                }
            }
        }

        #[godefer::func]
        async fn looped() -> u32 {
            defer!(consume(Tok::new("a1")));
            for i in 0..2 {
                let t = Tok::new(format!("l{i}"));
                defer!(move || p(format!("call {}", t.0)));
                yield_now().await;
            }
            errdefer!(p("errdefer"));
            yield_now().await;
            3
        }

        #[test]
        fn looped_cancelled_at_each_await() {
            let want: [(Option<u32>, &[&str]); 4] = [
                (None, &["call l0", "drop l0", "call a1", "drop a1"]),
                (
                    None,
                    &[
                        "call l1", "drop l1", "call l0", "drop l0", "call a1", "drop a1",
                    ],
                ),
                (
                    None,
                    &[
                        "errdefer", "call l1", "drop l1", "call l0", "drop l0", "call a1",
                        "drop a1",
                    ],
                ),
                (
                    Some(3),
                    &[
                        "call l1", "drop l1", "call l0", "drop l0", "call a1", "drop a1",
                    ],
                ),
            ];
            for (polls, (out, log)) in want.into_iter().enumerate() {
                for round in 0..2 {
                    let got = run(looped(), polls + 1);
                    assert_eq!(
                        got,
                        (out, log.iter().map(|s| s.to_string()).collect(), 0),
                        "cancelled after {} polls, round {round}",
                        polls + 1
                    );
                }
            }
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
