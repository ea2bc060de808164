//! Every deferred call runs exactly once, and so does every drop of a value it captured, on every
//! exit path, under every strategy.
//!
//! The matrix is strategies x exit paths. Each row of [`Row`] is one exit path: a
//! `#[godefer::func]` function, the outcome Go gives its caller, and the whole log the deferred
//! calls and the drops write, in Go's order. The rows are written once in `cases!` and the
//! macro is instantiated three times: the default choice (open-coded: every function here is
//! within Go's open-coding limits), frame records and heap records. [`matrix_size`] says how many
//! cells there are.
//!
//! Every function registers the same four deferred calls first, so every cell checks each kind
//! of capture:
//! - `defer!(consume(Tok::new("a1")))`: a `Drop` value passed as an argument, evaluated at the
//!   `defer!`, moved into the call; logs `call a1` then `drop a1`;
//! - `defer!(move || p(format!("call {}", c1.0)))`: a `Drop` value moved into the closure,
//!   dropped when the closure has run; logs `call c1` then `drop c1`;
//! - the same with a capture too large to be stored in a heap record (boxed there): `b1`;
//! - `defer!(|r| ...)`: logs the result the caller will see (`ret ...`).
//!
//! A `Tok` created twice, dropped twice, leaked or dropped early shows in the log (each cell runs
//! twice, so records reused from the pool are covered) and in the live count, which must be back
//! to zero after every cell.

use std::cell::{Cell, RefCell};
use std::hint::black_box;
use std::panic::catch_unwind;

mod common;
use common::*;

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static LIVE: Cell<i64> = const { Cell::new(0) };
}

/// A value that logs its drop and counts how many are alive.
struct Tok(&'static str);

impl Tok {
    fn new(name: &'static str) -> Tok {
        LIVE.with(|l| l.set(l.get() + 1));
        Tok(name)
    }
}

impl Drop for Tok {
    fn drop(&mut self) {
        LIVE.with(|l| l.set(l.get() - 1));
        p(format!("drop {}", self.0));
    }
}

/// A deferred call that takes a `Drop` value as its argument.
fn consume(t: Tok) {
    p(format!("call {}", t.0));
}

/// A deferred call of two arguments; never called in the matrix (its second argument panics).
fn consume_two(t: Tok, _: u32) {
    p(format!("call {}", t.0));
}

fn operand_panics() -> u32 {
    panic!("operand")
}

fn fails() -> Result<u32, String> {
    Err("e".to_string())
}

type R = Result<u32, String>;

/// One exit path: the function, what its caller sees (`Ok(..)`, `Err(..)` or `panic ..`) and
/// the whole log.
struct Row {
    path: &'static str,
    f: fn() -> R,
    outcome: &'static str,
    log: &'static [&'static str],
}

/// Runs one cell: (what the caller saw, the log, the `Tok`s still alive).
fn run_cell(f: fn() -> R) -> (String, Vec<String>, i64) {
    let outcome = match catch_unwind(f) {
        Ok(v) => format!("{v:?}"),
        Err(e) if e.is::<godefer::Goexit>() => "goexit".to_string(),
        Err(e) => format!("panic {}", payload_msg(&*e)),
    };
    (outcome, take_log(), LIVE.with(|l| l.replace(0)))
}

/// Runs every row twice; returns the number of cells, or fails with every cell that differs.
fn run_matrix(strategy: &str, rows: &[Row]) -> usize {
    let mut failures = Vec::new();
    for row in rows {
        for round in 0..2 {
            let (outcome, log, live) = run_cell(row.f);
            if outcome != row.outcome || log != row.log || live != 0 {
                failures.push(format!(
                    "[{strategy} / {}] round {round}\n  outcome {outcome:?}, want {:?}\n  \
                     log  {log:?}\n  want {:?}\n  Tok still alive: {live}",
                    row.path, row.outcome, row.log
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} runs differ (each of the {} cells runs twice):\n{}",
        failures.len(),
        2 * rows.len(),
        rows.len(),
        failures.join("\n")
    );
    rows.len()
}

/// The tail of every log: the three deferred calls every function registers first, newest
/// first, after the `ret` line.
macro_rules! common_tail {
    () => {
        [
            "call b1 8",
            "drop b1",
            "call c1",
            "drop c1",
            "call a1",
            "drop a1",
        ]
    };
}

macro_rules! cases {
    () => {
        // 1. The tail expression.
        #[godefer::func]
        fn tail() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            p("body");
            Ok(1)
        }

        // 2. An early `return`.
        #[godefer::func]
        fn early_return() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            p("body");
            if black_box(true) {
                return Ok(2);
            }
            p("unreached");
            Ok(0)
        }

        // 3. `?`.
        #[godefer::func]
        fn question_mark() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            p("body");
            let v = fails()?;
            p("unreached");
            Ok(v)
        }

        // 4. A panic that escapes.
        #[godefer::func]
        fn panic_escapes() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            p("body");
            panic!("boom")
        }

        // 4b. `goexit` from the body, and from a deferred call of a panicking function (which
        // abandons the panic).
        #[godefer::func]
        fn goexits() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            p("body");
            godefer::goexit()
        }

        #[godefer::func]
        fn goexit_abandons_a_panic() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|| p(format!("recovered {}", shown(godefer::recover()))));
            defer!(|| godefer::goexit());
            p("body");
            panic!("abandoned")
        }

        // 5. A panic recovered in the same frame, the result stored by the recovering closure.
        #[godefer::func]
        fn recovered_here() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            defer!(|r: &mut R| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                    *r = Ok(5);
                }
            });
            p("body");
            panic!("boom")
        }

        // 6. A panic recovered in the same frame, nothing stored: the zero value.
        #[godefer::func]
        fn recovered_zero() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            defer!(|| p(format!("recovered {}", shown(godefer::recover()))));
            p("body");
            panic!("boom")
        }

        // 7. A panic recovered by the caller.
        #[godefer::func]
        fn callee_panics() -> R {
            defer!(consume(Tok::new("a2")));
            let c2 = Tok::new("c2");
            defer!(move || p(format!("call {}", c2.0)));
            defer!(|r: &mut R| p(format!("callee ret {r:?}")));
            p("callee body");
            panic!("deep")
        }

        #[godefer::func]
        fn recovered_by_caller() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            defer!(|r: &mut R| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                    *r = Ok(7);
                }
            });
            p("body");
            let v = callee_panics()?;
            p("unreached");
            Ok(v)
        }

        // 8. A deferred call panics on a normal exit; the panic escapes.
        #[godefer::func]
        fn deferred_panics_on_return() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            defer!(|| {
                p("deferred panics");
                panic!("deferred");
            });
            p("body");
            Ok(8)
        }

        // 9. A deferred call panics on a normal exit; an older deferred call recovers: the
        //    result stored by the `return` stands.
        #[godefer::func]
        fn deferred_panic_recovered() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            defer!(|| p(format!("recovered {}", shown(godefer::recover()))));
            defer!(|| {
                p("deferred panics");
                panic!("deferred");
            });
            p("body");
            Ok(9)
        }

        // 10. A deferred call panics during a panic: the new panic replaces the old one.
        #[godefer::func]
        fn deferred_panics_during_panic() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            defer!(|| {
                p("deferred panics");
                panic!("second");
            });
            p("body");
            panic!("first")
        }

        // 11. Recover, then panic again.
        #[godefer::func]
        fn repanic_after_recover() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            defer!(|| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                    panic!("again after {e}");
                }
            });
            p("body");
            panic!("first")
        }

        // 12. During a panic, a deferred call (a frame of its own) panics and recovers its own
        //     panic; an older deferred call then recovers the outer one.
        #[godefer::func]
        fn nested_recovery_during_panic() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            defer!(|r: &mut R| {
                if let Some(e) = godefer::recover() {
                    p(format!("outer recovered {e}"));
                    *r = Ok(12);
                }
            });
            defer!(|| {
                let n1 = Tok::new("n1");
                defer!(move || {
                    p(format!(
                        "inner recovered {} {}",
                        shown(godefer::recover()),
                        n1.0
                    ))
                });
                p("deferred body");
                panic!("inner");
            });
            p("body");
            panic!("outer")
        }

        // 13. On a normal exit, a deferred call (a frame of its own) panics and recovers its own
        //     panic: the function returns its result.
        #[godefer::func]
        fn nested_recovery_on_return() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            defer!(|| p(format!("older {}", shown(godefer::recover()))));
            defer!(|| {
                let n1 = Tok::new("n1");
                defer!(move || {
                    p(format!(
                        "inner recovered {} {}",
                        shown(godefer::recover()),
                        n1.0
                    ))
                });
                p("deferred body");
                panic!("inner");
            });
            p("body");
            Ok(13)
        }

        // 14. A panic while evaluating a deferred call's arguments: nothing is registered, the
        //     argument already evaluated is dropped once (by the unwinding, before the deferred
        //     calls run) and the call never happens.
        #[godefer::func]
        fn panic_in_operands() -> R {
            defer!(consume(Tok::new("a1")));
            let c1 = Tok::new("c1");
            defer!(move || p(format!("call {}", c1.0)));
            let b1 = (Tok::new("b1"), [1u64; 8]);
            defer!(move || p(format!("call {} {}", b1.0 .0, b1.1.len())));
            defer!(|r: &mut R| p(format!("ret {r:?}")));
            p("body");
            defer!(consume_two(Tok::new("x1"), operand_panics()));
            p("unreached");
            Ok(14)
        }

        /// The rows, one per exit path: see each function above.
        pub(super) fn rows() -> Vec<Row> {
            const TAIL: [&str; 6] = common_tail!();
            fn log(head: &[&'static str]) -> &'static [&'static str] {
                let v: Vec<&'static str> = head.iter().copied().chain(TAIL).collect();
                Box::leak(v.into_boxed_slice())
            }
            vec![
                Row {
                    path: "tail expression",
                    f: tail,
                    outcome: "Ok(1)",
                    log: log(&["body", "ret Ok(1)"]),
                },
                Row {
                    path: "early return",
                    f: early_return,
                    outcome: "Ok(2)",
                    log: log(&["body", "ret Ok(2)"]),
                },
                Row {
                    path: "?",
                    f: question_mark,
                    outcome: "Err(\"e\")",
                    log: log(&["body", "ret Err(\"e\")"]),
                },
                Row {
                    path: "panic escaping",
                    f: panic_escapes,
                    outcome: "panic boom",
                    log: log(&["body", "ret Ok(0)"]),
                },
                Row {
                    path: "goexit",
                    f: goexits,
                    outcome: "goexit",
                    log: log(&["body", "ret Ok(0)"]),
                },
                Row {
                    path: "goexit in a deferred call abandons the panic",
                    f: goexit_abandons_a_panic,
                    outcome: "goexit",
                    log: log(&["body", "recovered None"]),
                },
                Row {
                    path: "panic recovered in the same frame, result stored",
                    f: recovered_here,
                    outcome: "Ok(5)",
                    log: log(&["body", "recovered boom", "ret Ok(5)"]),
                },
                Row {
                    path: "panic recovered in the same frame, zero value",
                    f: recovered_zero,
                    outcome: "Ok(0)",
                    log: log(&["body", "recovered Some(boom)", "ret Ok(0)"]),
                },
                Row {
                    path: "panic recovered by the caller",
                    f: recovered_by_caller,
                    outcome: "Ok(7)",
                    log: log(&[
                        "body",
                        "callee body",
                        "callee ret Ok(0)",
                        "call c2",
                        "drop c2",
                        "call a2",
                        "drop a2",
                        "recovered deep",
                        "ret Ok(7)",
                    ]),
                },
                Row {
                    path: "deferred call panics on a normal exit",
                    f: deferred_panics_on_return,
                    outcome: "panic deferred",
                    log: log(&["body", "deferred panics", "ret Ok(8)"]),
                },
                Row {
                    path: "deferred call panics on a normal exit, recovered",
                    f: deferred_panic_recovered,
                    outcome: "Ok(9)",
                    log: log(&[
                        "body",
                        "deferred panics",
                        "recovered Some(deferred)",
                        "ret Ok(9)",
                    ]),
                },
                Row {
                    path: "deferred call panics during a panic",
                    f: deferred_panics_during_panic,
                    outcome: "panic second",
                    log: log(&["body", "deferred panics", "ret Ok(0)"]),
                },
                Row {
                    path: "re-panic after recover",
                    f: repanic_after_recover,
                    outcome: "panic again after first",
                    log: log(&["body", "recovered first", "ret Ok(0)"]),
                },
                Row {
                    path: "nested recovery inside a deferred call, during a panic",
                    f: nested_recovery_during_panic,
                    outcome: "Ok(12)",
                    log: log(&[
                        "body",
                        "deferred body",
                        "inner recovered Some(inner) n1",
                        "drop n1",
                        "outer recovered outer",
                        "ret Ok(12)",
                    ]),
                },
                Row {
                    path: "nested recovery inside a deferred call, on a normal exit",
                    f: nested_recovery_on_return,
                    outcome: "Ok(13)",
                    log: log(&[
                        "body",
                        "deferred body",
                        "inner recovered Some(inner) n1",
                        "drop n1",
                        "older None",
                        "ret Ok(13)",
                    ]),
                },
                Row {
                    path: "panic while evaluating a deferred call's arguments",
                    f: panic_in_operands,
                    outcome: "panic operand",
                    log: log(&["body", "drop x1", "ret Ok(0)"]),
                },
            ]
        }

        #[test]
        fn matrix() {
            let strategy = module_path!().rsplit("::").next().unwrap();
            assert_eq!(run_matrix(strategy, &rows()), EXIT_PATHS);
        }
    };
}

/// Exit paths per strategy: the rows of `cases!`.
const EXIT_PATHS: usize = 16;
/// Open-coded, frame records, heap records; each also as async frames.
const STRATEGIES: usize = 6;

each_strategy!(cases);

// The same rows with every function's body run as an async frame (the conformance suite's
// mechanical translation: a yield point between scopes and before each deferred call's run, so
// every frame is left and entered again, with whatever panic it holds, on each path). The
// cancellation paths of async frames are in async-tests.
mod async_open_coded {
    use super::*;
    use godefer::__private::as_async as godefer;
    cases!();
}

mod async_frame {
    use super::*;
    use godefer::__private::as_async_frame as godefer;
    cases!();
}

mod async_heap {
    use super::*;
    use godefer::__private::as_async_heap as godefer;
    cases!();
}

/// The size of the matrix: strategies x exit paths (each cell also runs twice and checks both
/// kinds of capture).
#[test]
fn matrix_size() {
    let cells = open_coded::rows().len()
        + frame::rows().len()
        + heap::rows().len()
        + async_open_coded::rows().len()
        + async_frame::rows().len()
        + async_heap::rows().len();
    assert_eq!(cells, STRATEGIES * EXIT_PATHS);
    assert_eq!(cells, 96);
    eprintln!(
        "exactly-once matrix: {STRATEGIES} strategies x {EXIT_PATHS} exit paths = {cells} cells"
    );
}
