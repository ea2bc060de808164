//! Panics inside panics and unrecovered panics: GO-SEMANTICS.md §C (items 25-30) and §D (items
//! 31-32). The report itself is checked in `tests/report.rs`.
//!
//! Every case is written once in `cases!` and runs under each strategy: the default choice
//! (open-coded where Go would open-code), frame records and heap records.

use std::hint::black_box;
use std::panic::{catch_unwind, panic_any, resume_unwind};
use std::sync::Arc;

mod common;
use common::*;

/// A panic value that is not a string.
#[derive(Debug, PartialEq)]
struct Marker(u32);

/// Logs when dropped (a plain Rust frame's cleanup).
struct DropLog(&'static str);

impl Drop for DropLog {
    fn drop(&mut self) {
        p(self.0);
    }
}

/// Panics when dropped.
struct PanicOnDrop(&'static str);

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("drop {}", self.0);
    }
}

fn consume(v: PanicOnDrop) {
    p(format!("consuming {}", v.0));
}

/// The runtime errors of item 32, each behind `black_box` so the compiler cannot see them.
fn divide(a: i32, b: i32) -> i32 {
    a / b
}

fn index(v: &[u32], i: usize) -> u32 {
    v[i]
}

fn unwrap_none(o: Option<u32>) -> (u32, u32) {
    (line!(), o.unwrap())
}

macro_rules! cases {
    () => {
        // ---- 25. A panic in a deferred call replaces the current one ----

        #[godefer::func]
        fn replaced() {
            defer!(|| p(format!("later recover {}", shown(godefer::recover()))));
            defer!(|| p(format!("recovered {}", shown(godefer::recover()))));
            defer!(p("still runs"));
            defer!(|| panic!("second"));
            panic!("first");
        }

        #[test]
        fn c25_deferred_panic_replaces_the_panic() {
            replaced();
            assert_log(&["still runs", "recovered Some(second)", "later recover None"]);
        }

        #[godefer::func]
        fn chain_of_three() {
            defer!(|| p(format!("recovered {}", shown(godefer::recover()))));
            defer!(|| panic!("third"));
            defer!(p("between"));
            defer!(|| panic!("second"));
            panic!("first");
        }

        #[test]
        fn c25_chain_of_three_recover_gets_the_newest() {
            chain_of_three();
            assert_log(&["between", "recovered Some(third)"]);
        }

        #[godefer::func]
        fn chain_unrecovered() {
            defer!(p("last"));
            defer!(|| panic!("third"));
            defer!(|| panic!("second"));
            panic!("first");
        }

        #[test]
        fn c25_unrecovered_chain_continues_with_the_newest_and_never_aborts() {
            let e = catch_unwind(chain_unrecovered).unwrap_err();
            assert_eq!(payload_msg(&*e), "third");
            assert_log(&["last"]);
        }

        #[godefer::func]
        fn cleanup_that_panics() {
            defer!(p("cleanup's defer"));
            panic!("cleanup failed");
        }

        #[godefer::func]
        fn replaced_across_frames() {
            defer!(|| p(format!("recovered {}", shown(godefer::recover()))));
            defer!(cleanup_that_panics());
            panic!("original");
        }

        #[test]
        fn c25_panic_from_a_deferred_function_call_replaces_the_panic() {
            replaced_across_frames();
            assert_log(&["cleanup's defer", "recovered Some(cleanup failed)"]);
        }

        #[godefer::func]
        fn headline() {
            defer!(p("remaining defer runs"));
            defer!(|| panic!("raised while panicking"));
            panic!("first");
        }

        #[test]
        fn c25_deferred_panic_while_panicking_does_not_abort() {
            // A `Drop` guard panicking here would abort the process (see tests/report.rs).
            let e = catch_unwind(headline).unwrap_err();
            assert_eq!(payload_msg(&*e), "raised while panicking");
            assert_log(&["remaining defer runs"]);
        }

        // ---- 27. Recover, then panic again ----

        #[godefer::func]
        fn repanic_inner() {
            defer!(|| {
                if let Some(e) = godefer::recover() {
                    p(format!("inner recovered {e}"));
                    panic!("{e} again");
                }
            });
            panic!("first");
        }

        #[godefer::func]
        fn repanic_outer() {
            defer!(|| p(format!("outer recovered {}", shown(godefer::recover()))));
            repanic_inner();
            p("unreached");
        }

        #[test]
        fn c27_repanic_after_recover_reaches_the_caller() {
            repanic_outer();
            assert_log(&["inner recovered first", "outer recovered Some(first again)"]);
            let e = catch_unwind(repanic_inner).unwrap_err();
            assert_eq!(payload_msg(&*e), "first again");
            assert_log(&["inner recovered first"]);
        }

        #[godefer::func]
        fn reraise_same_value() {
            defer!(|| {
                if let Some(e) = godefer::recover() {
                    p("re-raising");
                    resume_unwind(e.into_payload());
                }
            });
            panic_any(Marker(9));
        }

        #[test]
        fn c27_recover_and_reraise_the_same_value() {
            let e = catch_unwind(reraise_same_value).unwrap_err();
            assert_eq!(e.downcast_ref::<Marker>(), Some(&Marker(9)));
            assert_log(&["re-raising"]);
        }

        // ---- 28. A panic raised and recovered inside a deferred call ----

        #[godefer::func]
        fn recovers_its_own() {
            defer!(|| p(format!("inner recovered {}", shown(godefer::recover()))));
            panic!("inner");
        }

        #[godefer::func]
        fn inner_panic_in_deferred_call() {
            defer!(|| p(format!("outer recovered {}", shown(godefer::recover()))));
            defer!(|| {
                recovers_its_own();
                p("deferred call continues");
            });
            panic!("outer");
        }

        #[test]
        fn c28_inner_recovered_panic_leaves_the_outer_running() {
            inner_panic_in_deferred_call();
            assert_log(&[
                "inner recovered Some(inner)",
                "deferred call continues",
                "outer recovered Some(outer)",
            ]);
        }

        #[godefer::func]
        fn inner_literal_in_deferred_call() {
            defer!(|| {
                let literal = || {
                    defer!(|| p(format!("inner recovered {}", shown(godefer::recover()))));
                    panic!("inner");
                };
                literal();
                p("deferred call finished");
            });
            panic!("outer");
        }

        #[godefer::func]
        fn outer_guard() {
            defer!(p("guard's defer"));
            inner_literal_in_deferred_call();
        }

        #[test]
        fn c28_outer_panic_goes_on_unrecovered() {
            let e = catch_unwind(outer_guard).unwrap_err();
            assert_eq!(payload_msg(&*e), "outer");
            assert_log(&[
                "inner recovered Some(inner)",
                "deferred call finished",
                "guard's defer",
            ]);
        }

        #[godefer::func]
        fn recover_after_inner_recovered() {
            defer!(|| {
                recovers_its_own();
                p(format!("then {}", shown(godefer::recover())));
            });
            panic!("outer");
        }

        #[test]
        fn c28_deferred_call_still_recovers_the_outer_after_an_inner_recovery() {
            recover_after_inner_recovered();
            assert_log(&["inner recovered Some(inner)", "then Some(outer)"]);
        }

        #[godefer::func]
        fn safe_op() -> i32 {
            defer!(|r: &mut i32| {
                if let Some(e) = godefer::recover() {
                    p(format!("safe_op recovered {e}"));
                    *r = -1;
                }
            });
            panic!("inside drop");
        }

        struct CleanupOnDrop;

        impl Drop for CleanupOnDrop {
            fn drop(&mut self) {
                p(format!("cleanup returned {}", safe_op()));
            }
        }

        #[test]
        fn c28_godefer_frame_in_a_drop_during_unwinding_recovers_without_abort() {
            let e = catch_unwind(|| {
                let _c = CleanupOnDrop;
                panic!("plain outer");
            })
            .unwrap_err();
            assert_eq!(payload_msg(&*e), "plain outer");
            assert_log(&["safe_op recovered inside drop", "cleanup returned -1"]);
        }

        #[godefer::func]
        fn replaced_payload_drop_panics() {
            defer!(|| p(format!("recovered {}", shown(godefer::recover()))));
            defer!(|| panic!("second"));
            panic_any(PanicOnDrop("replaced payload"));
        }

        #[test]
        fn c25_replaced_payload_whose_drop_panics_does_not_abort() {
            replaced_payload_drop_panics();
            assert_log(&["recovered Some(second)"]);
        }

        // ---- 29. Nested recovery ----

        #[godefer::func]
        fn nested_recovery() {
            defer!(|| p(format!("outer recovered {}", shown(godefer::recover()))));
            defer!(|| {
                defer!(|| p(format!("inner recovered {}", shown(godefer::recover()))));
                panic!("2");
            });
            panic!("1");
        }

        #[test]
        fn c29_nested_recovery_inner_2_outer_1() {
            nested_recovery();
            assert_log(&["inner recovered Some(2)", "outer recovered Some(1)"]);
        }

        #[godefer::func]
        fn three_levels() {
            defer!(|| p(format!("level 1 {}", shown(godefer::recover()))));
            defer!(|| {
                defer!(|| p(format!("level 2 {}", shown(godefer::recover()))));
                defer!(|| {
                    defer!(|| p(format!("level 3 {}", shown(godefer::recover()))));
                    panic!("3");
                });
                panic!("2");
            });
            panic!("1");
        }

        #[test]
        fn c29_three_nested_levels_each_recover_their_own() {
            three_levels();
            assert_log(&["level 3 Some(3)", "level 2 Some(2)", "level 1 Some(1)"]);
        }

        // ---- 30. Wrap and rethrow ----

        #[godefer::func]
        fn wrap_lower() {
            defer!(|| {
                if let Some(e) = godefer::recover() {
                    panic!("wrap: {e}");
                }
            });
            panic!("bad");
        }

        #[godefer::func]
        fn wrap_middle() {
            defer!(|| {
                if let Some(e) = godefer::recover() {
                    panic!("middle: {e}");
                }
            });
            wrap_lower();
        }

        #[godefer::func]
        fn wrap_upper(two_layers: bool) -> String {
            defer!(|r: &mut String| {
                if let Some(e) = godefer::recover() {
                    *r = e.to_string();
                }
            });
            if two_layers {
                wrap_middle();
            } else {
                wrap_lower();
            }
            "none".to_string()
        }

        #[test]
        fn c30_wrap_and_rethrow() {
            assert_eq!(wrap_upper(false), "wrap: bad");
            assert_eq!(wrap_upper(true), "middle: wrap: bad");
        }

        // ---- 31. Unrecovered: every deferred call of every frame ran first ----

        #[godefer::func]
        fn unrec_c(marker: Arc<Marker>) {
            defer!(p("c"));
            for i in 0..2 {
                defer!(p(format!("c loop {i}")));
            }
            panic_any(marker);
        }

        /// A plain Rust frame between godefer frames.
        fn unrec_plain(marker: Arc<Marker>) {
            let _guard = DropLog("plain drop");
            unrec_c(marker);
        }

        #[godefer::func]
        fn unrec_b(marker: Arc<Marker>) {
            defer!(p("b"));
            unrec_plain(marker);
            p("b unreached");
        }

        #[godefer::func]
        fn helper_recover() -> String {
            shown(godefer::recover())
        }

        #[godefer::func]
        fn unrec_a(marker: Arc<Marker>) {
            defer!(p("a 1"));
            defer!(|| p(format!("a via helper {}", helper_recover())));
            defer!(|| {
                defer!(|| p(format!("a nested {}", shown(godefer::recover()))));
            });
            defer!(p("a 2"));
            unrec_b(marker);
        }

        #[test]
        fn d31_unrecovered_runs_every_frames_defers_then_continues_with_the_original() {
            let marker = Arc::new(Marker(31));
            let sent = Arc::clone(&marker);
            let e = catch_unwind(move || unrec_a(sent)).unwrap_err();
            p("caught");
            let back = e.downcast::<Arc<Marker>>().expect("the original payload");
            assert!(Arc::ptr_eq(&back, &marker));
            assert_log(&[
                "c loop 1",
                "c loop 0",
                "c",
                "plain drop",
                "b",
                "a 2",
                "a nested None",
                "a via helper None",
                "a 1",
                "caught",
            ]);
        }

        #[godefer::func]
        fn interview() {
            defer!(p("before"));
            defer!(p("middle"));
            defer!(p("after"));
            panic!("trigger");
        }

        #[test]
        fn d31_interview_question() {
            let e = catch_unwind(interview).unwrap_err();
            p("caught");
            assert_eq!(payload_msg(&*e), "trigger");
            assert_log(&["after", "middle", "before", "caught"]);
        }

        // ---- 32. Runtime errors are panics like any other ----

        #[godefer::func]
        fn runtime_error(kind: u32) -> Result<u32, String> {
            defer!(|r: &mut Result<u32, String>| {
                if let Some(e) = godefer::recover() {
                    *r = Err(e.to_string());
                }
            });
            let v = match kind {
                0 => divide(1, black_box(0)) as u32,
                1 => index(&[1, 2, 3], black_box(5)),
                2 => unwrap_none(black_box(None)).1,
                _ => divide(6, black_box(2)) as u32,
            };
            Ok(v)
        }

        #[test]
        fn d32_runtime_errors_are_recoverable_with_rusts_messages() {
            assert_eq!(
                runtime_error(0),
                Err("attempt to divide by zero".to_string())
            );
            assert_eq!(
                runtime_error(1),
                Err("index out of bounds: the len is 3 but the index is 5".to_string())
            );
            assert_eq!(
                runtime_error(2),
                Err("called `Option::unwrap()` on a `None` value".to_string())
            );
            assert_eq!(runtime_error(3), Ok(3));
        }

        #[godefer::func]
        fn unwrap_location() -> u32 {
            defer!(|r: &mut u32| {
                if let Some(e) = godefer::recover() {
                    let at = e.location().expect("a location");
                    assert_eq!(at.file(), file!());
                    *r = at.line();
                }
            });
            unwrap_none(black_box(None)).1
        }

        #[test]
        fn d32_runtime_error_location_is_the_callers() {
            let (line, _) = unwrap_none(Some(1));
            assert_eq!(unwrap_location(), line);
        }

        #[godefer::func]
        fn runtime_error_unrecovered() {
            defer!(p("deferred runs"));
            index(&[1, 2, 3], black_box(7));
        }

        #[test]
        fn d32_unrecovered_runtime_error_keeps_its_payload() {
            let e = catch_unwind(runtime_error_unrecovered).unwrap_err();
            assert_eq!(
                payload_msg(&*e),
                "index out of bounds: the len is 3 but the index is 7"
            );
            assert_log(&["deferred runs"]);
        }

        // ---- A panicking `Drop` inside a deferred call is that call's panic ----

        #[godefer::func]
        fn drop_panics_on_normal_return(closure: bool) -> i32 {
            defer!(|r: &mut i32| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                    *r = -1;
                }
            });
            if closure {
                let g = PanicOnDrop("captured");
                defer!(move || {
                    let _keep = &g;
                    p("closure ran");
                });
            } else {
                defer!(consume(PanicOnDrop("argument")));
            }
            7
        }

        #[test]
        fn drop_panicking_in_a_deferred_call_is_that_calls_panic() {
            assert_eq!(drop_panics_on_normal_return(true), -1);
            assert_eq!(drop_panics_on_normal_return(false), -1);
            assert_log(&[
                "closure ran",
                "recovered drop captured",
                "consuming argument",
                "recovered drop argument",
            ]);
        }

        #[godefer::func]
        fn drop_panics_while_panicking(recover: bool) {
            defer!(move || {
                if recover {
                    p(format!("recovered {}", shown(godefer::recover())));
                }
            });
            defer!(p("still runs"));
            defer!(consume(PanicOnDrop("during panic")));
            panic!("first");
        }

        #[test]
        fn drop_panicking_in_a_deferred_call_while_panicking_does_not_abort() {
            drop_panics_while_panicking(true);
            assert_log(&[
                "consuming during panic",
                "still runs",
                "recovered Some(drop during panic)",
            ]);
            let e = catch_unwind(|| drop_panics_while_panicking(false)).unwrap_err();
            assert_eq!(payload_msg(&*e), "drop during panic");
            assert_log(&["consuming during panic", "still runs"]);
        }
    };
}

each_strategy!(cases);
