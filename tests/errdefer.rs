//! `errdefer!` and `okdefer!` (issue 15 §3): deferred calls that run only if, when their turn
//! comes, the function is failing (its panic is pending, or its result is an `Err`), or only
//! if it is not. Every case runs under each strategy.

use std::panic::catch_unwind;

mod common;
use common::*;

/// No `Default`: a `Result<Handle, NoDefaultError>` has no zero value.
#[derive(Debug, PartialEq)]
struct Handle(u32);

#[derive(Debug, PartialEq)]
struct NoDefaultError(String);

macro_rules! cases {
    () => {
        #[godefer::func]
        fn open(fail: bool) -> Result<u32, String> {
            godefer::errdefer!(p("errdefer: undo"));
            godefer::okdefer!(p("okdefer: commit"));
            godefer::errdefer!(|e: &mut String| e.push_str(" (undone)"));
            p("body");
            if fail {
                return Err("failed".to_string());
            }
            Ok(1)
        }

        #[test]
        fn an_err_result_runs_the_errdefers_an_ok_one_the_okdefers() {
            assert_eq!(open(false), Ok(1));
            assert_log(&["body", "okdefer: commit"]);
            assert_eq!(open(true), Err("failed (undone)".to_string()));
            assert_log(&["body", "errdefer: undo"]);
        }

        /// No zero value, and none needed: no `|ret|` closure.
        #[godefer::func]
        fn panics() -> Result<Handle, NoDefaultError> {
            godefer::errdefer!(p("errdefer sees a failure"));
            godefer::errdefer!(|e: &mut NoDefaultError| p(format!("error form: {e:?}")));
            godefer::okdefer!(p("okdefer"));
            panic!("boom");
        }

        #[godefer::func(zero = Err(NoDefaultError("zero".to_string())))]
        fn panics_then_recovered() -> Result<Handle, NoDefaultError> {
            godefer::errdefer!(p("errdefer"));
            godefer::okdefer!(p("okdefer sees a success"));
            // Newer: runs first, recovers, and stores a success.
            defer!(|ret: &mut Result<Handle, NoDefaultError>| {
                if godefer::recover().is_some() {
                    *ret = Ok(Handle(7));
                }
            });
            panic!("boom");
        }

        #[test]
        fn a_pending_panic_is_a_failure_decided_when_the_call_runs() {
            // Escaping: the errdefer runs; the error form does not (there is no result).
            let caught = catch_unwind(panics);
            assert!(caught.is_err());
            assert_log(&["errdefer sees a failure"]);
            // A newer deferred call recovers and stores Ok: by their turn, no failure.
            assert_eq!(panics_then_recovered().ok(), Some(Handle(7)));
            assert_log(&["okdefer sees a success"]);
        }

        #[godefer::func]
        fn errdefer_recovers() -> Result<u32, String> {
            godefer::okdefer!(p("ok after the recover"));
            godefer::errdefer!(|| {
                if let Some(e) = godefer::recover() {
                    p(format!("errdefer recovered {e}"));
                }
            });
            panic!("deep");
        }

        #[test]
        fn an_errdefer_closure_may_recover() {
            // The zero value of `Result<u32, String>` is `Ok(0)`: after the recover, no failure.
            assert_eq!(errdefer_recovers(), Ok(0));
            assert_log(&["errdefer recovered deep", "ok after the recover"]);
        }

        #[godefer::func]
        fn rewritten() -> Result<u32, String> {
            godefer::errdefer!(p("errdefer after the rewrite"));
            defer!(|ret: &mut Result<u32, String>| *ret = Err("rewritten".to_string()));
            Ok(3)
        }

        #[test]
        fn a_newer_call_that_rewrites_the_result_changes_the_outcome() {
            assert_eq!(rewritten(), Err("rewritten".to_string()));
            assert_log(&["errdefer after the rewrite"]);
        }

        #[godefer::func]
        fn none_is_no_failure() -> Option<u32> {
            godefer::errdefer!(p("errdefer"));
            godefer::okdefer!(p("okdefer"));
            None
        }

        #[godefer::func]
        fn unit(fail: bool) {
            godefer::errdefer!(p("unit errdefer"));
            godefer::okdefer!(p("unit okdefer"));
            if fail {
                panic!("unit");
            }
        }

        #[test]
        fn none_and_unit_fail_only_by_panicking() {
            assert_eq!(none_is_no_failure(), None);
            assert_log(&["okdefer"]);
            unit(false);
            assert_log(&["unit okdefer"]);
            assert!(catch_unwind(|| unit(true)).is_err());
            assert_log(&["unit errdefer"]);
        }

        #[godefer::func]
        fn in_a_loop(n: u32, fail: bool) -> Result<u32, String> {
            for i in 0..n {
                godefer::errdefer!(p(format!("undo {i}")));
                if i == 1 {
                    // A nested block: the slot or record of a nested defer.
                    godefer::okdefer!(p("ok at 1"));
                }
            }
            if fail {
                return Err("late".to_string());
            }
            Ok(n)
        }

        #[test]
        fn errdefers_in_loops_and_blocks_run_newest_first() {
            assert_eq!(in_a_loop(3, true), Err("late".to_string()));
            assert_log(&["undo 2", "undo 1", "undo 0"]);
            assert_eq!(in_a_loop(3, false), Ok(3));
            assert_log(&["ok at 1"]);
        }

        #[godefer::func]
        fn receiver_at_exit(fail: bool) -> Result<(), String> {
            let mut log = Vec::new();
            godefer::errdefer!(|| p(format!("rolled back {log:?}")));
            log.push("step");
            if fail {
                return Err("no".to_string());
            }
            Ok(())
        }

        #[test]
        fn an_errdefer_closure_reads_its_variables_at_exit() {
            assert!(receiver_at_exit(true).is_err());
            assert_log(&["rolled back [\"step\"]"]);
        }
    };
}

each_strategy!(cases);
