//! A run that ends a scope, with nothing of that scope alive, has no catch of its own in a sync
//! frame (open-coded or frame records): its deferred call's panic unwinds straight to the
//! scope's catch (`Frame::tail_run`). These cases pin down that nothing changes for the program:
//! the order of the deferred calls, what `recover` returns, a panic that replaces another, an
//! `errdefer!` whose run folds, a `|ret|` closure's store before it panics; and that a scope in
//! which something may be alive at its end (a local declared by a `let` or by a macro, a
//! capture its code moves on some paths only or moves and assigns again, a temporary the
//! registration keeps, the rest of a `Box` a field was moved out of) keeps the catch, so that
//! value is dropped after the call, not by an unwind (a `MutexGuard` would poison its mutex, a
//! panicking `Drop` would abort).
//!
//! Every case is written once in `cases!` and runs under each strategy (heap records keep their
//! catches: the rule is not theirs, and the cases hold there too).

use std::sync::Mutex;

mod common;
use common::*;

fn note(s: &'static str) {
    p(s);
}

fn boom(msg: &'static str) {
    p(format!("about to panic: {msg}"));
    panic!("{msg}");
}

fn boom_holding(_guard: &std::sync::MutexGuard<'_, u32>) {
    boom("holding a guard");
}

fn renew(old: Probe) -> Probe {
    drop(old);
    Probe("renewed")
}

/// A unit struct with a destructor: `&Unit` is a temporary, not a promoted constant.
struct Unit;

impl Drop for Unit {
    fn drop(&mut self) {
        p(format!(
            "unit dropped, unwinding: {}",
            std::thread::panicking()
        ));
    }
}

fn look(_: &Unit) {}

/// Panics holding `_probe`, which the unwind drops.
fn boom_with(_probe: Probe) {
    boom("with a field");
}

/// Notes whether it is dropped by an unwind.
struct Probe(&'static str);

impl Drop for Probe {
    fn drop(&mut self) {
        p(format!(
            "{} dropped, unwinding: {}",
            self.0,
            std::thread::panicking()
        ));
    }
}

/// Declares a local, as a `let` would: the lowering cannot see it.
macro_rules! hold {
    ($name:ident, $tag:literal) => {
        let $name = Probe($tag);
    };
}

macro_rules! cases {
    () => {
        #[godefer::func]
        fn tail_panics(fail: bool) -> String {
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
                p("recovering closure");
            });
            // Operands that are not bare literals: registrations that may panic, each with a
            // scope (`["a"][0]` indexes), so the runs end scopes and fold.
            defer!(note(["a"][0]));
            defer!(boom(["from a tail run"][0]));
            defer!(note(["c"][0]));
            if fail {
                panic!("from the body");
            }
            "body".to_string()
        }

        #[test]
        fn a_tail_run_that_panics_is_caught_by_its_scope_and_recovered() {
            assert_eq!(tail_panics(false), "Some(from a tail run)");
            assert_log(&[
                "c",
                "about to panic: from a tail run",
                "a",
                "recovering closure",
            ]);
            // The frame is panicking already: its runs take the slow path, and the newer panic
            // replaces the body's, as in Go.
            assert_eq!(tail_panics(true), "Some(from a tail run)");
            assert_log(&[
                "c",
                "about to panic: from a tail run",
                "a",
                "recovering closure",
            ]);
        }

        #[godefer::func]
        fn two_tail_panics() -> String {
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
            });
            defer!(boom(["first"][0]));
            defer!(boom(["second"][0]));
            "body".to_string()
        }

        #[test]
        fn the_older_deferred_call_panics_last_and_is_the_one_recovered() {
            assert_eq!(two_tail_panics(), "Some(first)");
            assert_log(&["about to panic: second", "about to panic: first"]);
        }

        #[godefer::func]
        fn ret_then_panic(v: u32) -> u32 {
            defer!(|ret: &mut u32| {
                if godefer::recover().is_some() {
                    *ret += 100;
                }
            });
            defer!(|ret: &mut u32| {
                *ret += 1;
                panic!("after storing");
            });
            v
        }

        /// A `|ret|` closure's registration is quiet (a closure is made, not called): it has no
        /// scope of its own and its run always catches. Pinned down here all the same, next to
        /// the `errdefer!` below, whose run folds.
        #[test]
        fn what_a_panicking_ret_closure_stored_stays() {
            assert_eq!(ret_then_panic(5), 106);
        }

        #[godefer::func]
        fn errdefer_tail(fail: bool) -> Result<u32, String> {
            defer!(|ret: &mut Result<u32, String>| {
                if let Some(p) = godefer::recover() {
                    *ret = Err(p.to_string());
                }
            });
            godefer::errdefer!(boom(["from an errdefer"][0]));
            defer!(note(["c"][0]));
            if fail {
                return Err("failed".to_string());
            }
            Ok(1)
        }

        #[test]
        fn a_panicking_errdefer_that_ends_a_scope_is_caught_by_it_and_recovered() {
            assert_eq!(errdefer_tail(false), Ok(1));
            assert_log(&["c"]);
            assert_eq!(errdefer_tail(true), Err("from an errdefer".to_string()));
            assert_log(&["c", "about to panic: from an errdefer"]);
        }

        #[godefer::func]
        fn guard_alive(m: &Mutex<u32>) -> String {
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
            });
            let mut g = m.lock().unwrap();
            *g += 1;
            defer!(boom("with a guard alive"));
            "body".to_string()
        }

        #[test]
        fn a_local_of_the_scope_is_dropped_after_the_call_not_by_its_unwind() {
            let m = Mutex::new(0);
            assert_eq!(guard_alive(&m), "Some(with a guard alive)");
            assert!(!m.is_poisoned(), "the guard was dropped by an unwind");
            assert_eq!(*m.lock().unwrap(), 1);
            assert_log(&["about to panic: with a guard alive"]);
        }

        #[godefer::func]
        fn guard_moved_conditionally(m: &Mutex<u32>, release: bool) -> String {
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
            });
            let g = m.lock().unwrap();
            defer!(note(["a"][0]));
            // The scope after `note` takes `g` by value (it may move it), and keeps it to its
            // end when it does not: the run at that end must not unwind it.
            if release {
                drop(g);
            }
            defer!(boom(["after a conditional move"][0]));
            "body".to_string()
        }

        #[test]
        fn a_capture_the_scope_may_not_have_moved_is_dropped_after_the_call_not_by_its_unwind() {
            let m = Mutex::new(0);
            assert_eq!(
                guard_moved_conditionally(&m, false),
                "Some(after a conditional move)"
            );
            assert!(!m.is_poisoned(), "the guard was dropped by an unwind");
            assert_log(&["about to panic: after a conditional move", "a"]);
            assert_eq!(
                guard_moved_conditionally(&m, true),
                "Some(after a conditional move)"
            );
            assert!(!m.is_poisoned());
            assert_log(&["about to panic: after a conditional move", "a"]);
        }

        #[godefer::func]
        fn guard_temporary(m: &Mutex<u32>) -> String {
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
            });
            defer!(note(["a"][0]));
            // The guard is a temporary the registration keeps alive to the scope's end.
            defer!(boom_holding(&m.lock().unwrap()));
            "body".to_string()
        }

        #[test]
        fn a_temporary_the_registration_keeps_is_dropped_after_the_call_not_by_its_unwind() {
            let m = Mutex::new(0);
            assert_eq!(guard_temporary(&m), "Some(holding a guard)");
            assert!(!m.is_poisoned(), "the guard was dropped by an unwind");
            assert_log(&["about to panic: holding a guard", "a"]);
        }

        #[godefer::func]
        fn reassigned(mut probe: Probe) -> String {
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
            });
            defer!(note(["a"][0]));
            // Moved and assigned again: the scope's closure owns the new value to its end.
            probe = renew(probe);
            defer!(boom(["after a reassignment"][0]));
            "body".to_string()
        }

        #[test]
        fn a_value_moved_and_assigned_again_is_dropped_after_the_call_not_by_its_unwind() {
            assert_eq!(reassigned(Probe("old")), "Some(after a reassignment)");
            assert_log(&[
                "old dropped, unwinding: false",
                "about to panic: after a reassignment",
                "renewed dropped, unwinding: false",
                "a",
            ]);
        }

        #[godefer::func]
        fn quiet_after() -> String {
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
            });
            defer!(boom(["before a quiet one"][0]));
            // `&Unit` is a temporary (`Unit` has a destructor), not a variable's reference:
            // the registration is not quiet, gets a scope of its own, and the temporary ends
            // with it, before the run above, in every strategy. (Were it quiet, the temporary
            // would live in the scope that run ends, and that run must then catch.)
            defer!(look(&Unit));
            note("body");
            "body".to_string()
        }

        #[test]
        fn a_registrations_temporary_ends_with_its_own_scope_not_by_an_unwind() {
            assert_eq!(quiet_after(), "Some(before a quiet one)");
            assert_log(&[
                "body",
                "unit dropped, unwinding: false",
                "about to panic: before a quiet one",
            ]);
        }

        #[godefer::func]
        fn field_of_a_box(pair: Box<(Probe, Probe)>) -> String {
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
            });
            defer!(note(["a"][0]));
            // Moving a field out of a `Box` takes the whole box into the scope's closure: the
            // other field stays there to the scope's end.
            defer!(boom_with(pair.0));
            "body".to_string()
        }

        #[test]
        fn the_rest_of_a_box_a_field_moved_out_of_is_dropped_after_the_call_not_by_its_unwind() {
            let pair = Box::new((Probe("first"), Probe("second")));
            assert_eq!(field_of_a_box(pair), "Some(with a field)");
            assert_log(&[
                "about to panic: with a field",
                "first dropped, unwinding: true",
                "second dropped, unwinding: false",
                "a",
            ]);
        }

        #[godefer::func]
        fn macro_local() -> String {
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
            });
            hold!(_probe, "probe");
            defer!(boom("with a macro's local alive"));
            "body".to_string()
        }

        #[test]
        fn a_local_declared_by_a_macro_keeps_the_catch_too() {
            assert_eq!(macro_local(), "Some(with a macro's local alive)");
            assert_log(&[
                "about to panic: with a macro's local alive",
                "probe dropped, unwinding: false",
            ]);
        }

        #[godefer::func]
        fn statements_between() -> String {
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
            });
            // Statements before the `defer!` in its scope, even ones that leave nothing alive:
            // the rule does not look into them, and the run keeps its catch.
            note("between");
            {
                let _inner = Probe("block");
            }
            defer!(boom(["after statements"][0]));
            "body".to_string()
        }

        #[test]
        fn statements_before_a_defer_in_its_scope_keep_its_catch() {
            assert_eq!(statements_between(), "Some(after statements)");
            assert_log(&[
                "between",
                "block dropped, unwinding: false",
                "about to panic: after statements",
            ]);
        }
    };
}

each_strategy!(cases);
