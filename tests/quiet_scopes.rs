//! Statements that open with a `defer!` whose registration cannot panic (a path called with
//! literals, paths and references to paths, or a closure) get no scope, and no catch, of their
//! own in a sync frame: the scopes and runs they contain catch what can panic. These cases pin
//! down that nothing changes for the program: the order of the deferred calls, recover, a
//! deferred call that panics, exits (`return`, `?`, and one inside a macro's arguments), and a
//! later registration that does panic, next to one that cannot.
//!
//! Every case is written once in `cases!` and runs under each strategy (heap records keep the
//! scope: the rule is not theirs, and the cases hold there too).

use std::fmt::Debug;

mod common;
use common::*;

fn note_n(n: u32) {
    p(format!("n {n}"));
}

fn note_ref<T: Debug>(v: &T, tag: &str) {
    p(format!("{tag} {v:?}"));
}

fn note(s: &'static str) {
    p(s);
}

fn boom(msg: &'static str) {
    p(format!("about to panic: {msg}"));
    panic!("{msg}");
}

fn operand_that_panics() -> String {
    panic!("operand")
}

fn note_string(s: String) {
    p(s);
}

macro_rules! cases {
    () => {
        #[godefer::func]
        fn chain(n: u32, fail: bool) -> Result<u32, String> {
            defer!(|ret: &mut Result<u32, String>| {
                if let Some(e) = godefer::recover() {
                    *ret = Err(e.to_string());
                }
                p("recovering closure");
            });
            defer!(note_n(n));
            defer!(note_ref(&n, "second"));
            if fail {
                panic!("boom {n}");
            }
            Ok(n * 2)
        }

        #[test]
        fn a_chain_of_quiet_defers_runs_newest_first_and_recovers() {
            assert_eq!(chain(7, false), Ok(14));
            assert_log(&["second 7", "n 7", "recovering closure"]);
            assert_eq!(chain(7, true), Err("boom 7".to_string()));
            assert_log(&["second 7", "n 7", "recovering closure"]);
        }

        #[godefer::func]
        fn middle_panics() -> String {
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
                p("outer");
            });
            defer!(boom("from the middle"));
            defer!(note("inner"));
            "body".to_string()
        }

        #[test]
        fn a_deferred_call_that_panics_in_a_quiet_chain_is_caught_and_recovered() {
            assert_eq!(middle_panics(), "Some(from the middle)");
            assert_log(&["inner", "about to panic: from the middle", "outer"]);
        }

        #[godefer::func]
        fn only_defer_panics(v: u32) -> u32 {
            defer!(boom("deferred boom"));
            v + 1
        }

        #[test]
        fn an_unrecovered_panic_of_the_only_deferred_call_keeps_its_payload() {
            let caught = std::panic::catch_unwind(|| only_defer_panics(1)).unwrap_err();
            assert_eq!(payload_msg(&*caught), "deferred boom");
            assert_log(&["about to panic: deferred boom"]);
        }

        #[godefer::func]
        fn exits(v: Option<u32>, early: bool) -> Option<Vec<u32>> {
            defer!(note("first"));
            defer!(note_ref(&early, "early"));
            if early {
                return None;
            }
            // `?` inside a macro's arguments: the lowering rewrites it into a break out of the
            // innermost scope.
            let w = vec![v?, 1];
            Some(w)
        }

        #[test]
        fn exits_after_quiet_defers_still_run_them() {
            assert_eq!(exits(Some(3), false), Some(vec![3, 1]));
            assert_log(&["early false", "first"]);
            assert_eq!(exits(None, false), None);
            assert_log(&["early false", "first"]);
            assert_eq!(exits(Some(3), true), None);
            assert_log(&["early true", "first"]);
        }

        #[godefer::func]
        fn registration_panics() -> &'static str {
            defer!(|ret: &mut &'static str| {
                if godefer::recover().is_some() {
                    *ret = "recovered";
                }
                p("outer");
            });
            defer!(note("quiet"));
            defer!(note_string(operand_that_panics()));
            p("not reached");
            "body"
        }

        #[test]
        fn a_registration_that_panics_after_quiet_ones_runs_them_and_recovers() {
            assert_eq!(registration_panics(), "recovered");
            assert_log(&["quiet", "outer"]);
        }
    };
}

each_strategy!(cases);
