//! `recover`: GO-SEMANTICS.md §B, items 15-24.
//!
//! Every case is written once in `cases!` and runs under each strategy: the default choice
//! (open-coded where Go would open-code), frame records and heap records.

use std::panic::{catch_unwind, panic_any};
use std::sync::Arc;

mod common;
use common::*;

/// Panics with a message that names its own location (the panic and `file!`/`line!`/`column!`
/// all resolve to the invocation of this macro). Used from plain functions outside `cases!`:
/// inside a `macro_rules!` expansion every location is that of the outermost invocation.
macro_rules! located_panic {
    ($m:expr) => {
        panic!("{} @ {}:{}:{}", $m, file!(), line!(), column!())
    };
}

fn raise_located() -> ! {
    located_panic!("located")
}

/// A `#[track_caller]` helper: the panic is located at its caller, as `unwrap` is.
#[track_caller]
fn raise_at_caller() -> ! {
    let at = std::panic::Location::caller();
    panic!("caller @ {}:{}:{}", at.file(), at.line(), at.column());
}

fn raise_via_track_caller() -> ! {
    raise_at_caller()
}

/// A type with no `Default`.
#[derive(Debug, PartialEq)]
struct NoDefault(u32);

/// An error type with no `Default`.
#[derive(Debug, PartialEq)]
struct NoDefaultErr(String);

/// A custom panic value.
#[derive(Debug, PartialEq, Clone)]
struct MyErr {
    code: u32,
    what: String,
}

/// Not `#[godefer::func]`: a plain helper.
fn plain_helper_recover() -> String {
    shown(godefer::recover())
}

/// A plain function, deferred, that asks a `#[godefer::func]` helper to recover.
fn plain_calls_godefer_helper() {
    p(format!(
        "plain -> godefer helper {}",
        godefer_helper_recover()
    ));
}

#[godefer::func]
fn godefer_helper_recover() -> String {
    shown(godefer::recover())
}

fn plain_handler() {
    p(format!("plain handler {}", shown(godefer::recover())));
}

macro_rules! cases {
    () => {
        // ---- 15. recover returns None when nothing is panicking ----

        #[godefer::func]
        fn not_panicking() -> i32 {
            defer!(|| p(format!("deferred {}", shown(godefer::recover()))));
            p(format!("body {}", shown(godefer::recover())));
            1
        }

        #[test]
        fn b15_recover_is_none_when_not_panicking() {
            assert!(godefer::recover().is_none());
            assert_eq!(not_panicking(), 1);
            assert_log(&["body None", "deferred None"]);
        }

        #[godefer::func]
        fn recovers_then_later_defer_not_panicking() {
            defer!(|| p(format!("after recovery {}", shown(godefer::recover()))));
            defer!(|| p(format!("first {}", shown(godefer::recover()))));
            panic!("once");
        }

        #[test]
        fn b15_recover_is_none_in_a_defer_after_the_panic_was_recovered() {
            recovers_then_later_defer_not_panicking();
            assert!(godefer::recover().is_none());
            assert_log(&["first Some(once)", "after recovery None"]);
        }

        // ---- 16. recover stops the panic; the caller continues ----

        #[godefer::func]
        fn stops() {
            defer!(|| {
                let r = godefer::recover();
                p(format!("recovered {}", shown(r)));
            });
            p("before");
            panic!("boom");
        }

        #[test]
        fn b16_recover_stops_the_panic_and_the_caller_continues() {
            stops();
            p("caller continues");
            stops();
            p("caller continues again");
            assert_log(&[
                "before",
                "recovered Some(boom)",
                "caller continues",
                "before",
                "recovered Some(boom)",
                "caller continues again",
            ]);
        }

        #[godefer::func]
        fn zero_i32() -> i32 {
            defer!(|| {
                let _ = godefer::recover();
            });
            panic!("i32");
        }

        #[godefer::func]
        fn zero_string() -> String {
            defer!(|| {
                let _ = godefer::recover();
            });
            panic!("string");
        }

        #[godefer::func]
        fn zero_tuple() -> (i32, String, bool, Vec<u8>) {
            defer!(|| {
                let _ = godefer::recover();
            });
            panic!("tuple");
        }

        #[godefer::func]
        fn zero_option_no_default() -> Option<NoDefault> {
            defer!(|| {
                let _ = godefer::recover();
            });
            panic!("option");
        }

        #[godefer::func]
        fn zero_generic<T: Default>(v: T, fail: bool) -> T {
            defer!(|| {
                let _ = godefer::recover();
            });
            if fail {
                panic!("generic");
            }
            v
        }

        #[test]
        fn b16_unnamed_results_are_zero_after_recovery() {
            assert_eq!(zero_i32(), 0);
            assert_eq!(zero_string(), "");
            assert_eq!(zero_tuple(), (0, String::new(), false, Vec::new()));
            assert_eq!(zero_option_no_default(), None);
            assert_eq!(zero_generic(String::from("x"), true), "");
            assert_eq!(zero_generic(7u8, true), 0);
            assert_eq!(zero_generic(7u8, false), 7);
        }

        #[godefer::func]
        fn result_set_by_ret(fail: bool) -> Result<u32, String> {
            defer!(|ret: &mut Result<u32, String>| {
                p(format!("ret was {ret:?}"));
                if let Some(e) = godefer::recover() {
                    *ret = Err(format!("recovered: {e}"));
                }
            });
            if fail {
                panic!("bad input");
            }
            Ok(5)
        }

        #[test]
        fn b16_ret_closure_stores_the_result_after_recovery() {
            assert_eq!(
                result_set_by_ret(true),
                Err("recovered: bad input".to_string())
            );
            assert_eq!(result_set_by_ret(false), Ok(5));
            // The `|ret|` closure starts from the zero value: Go's `(0, nil)`, `Ok(0)`.
            assert_log(&["ret was Ok(0)", "ret was Ok(5)"]);
        }

        #[godefer::func]
        fn result_zero_is_ok() -> Result<u32, String> {
            defer!(|| {
                let _ = godefer::recover();
            });
            panic!("no store");
        }

        #[godefer::func]
        fn result_no_default_ok(fail: bool) -> Result<NoDefault, String> {
            defer!(|ret: &mut Result<NoDefault, String>| {
                if let Some(e) = godefer::recover() {
                    *ret = Err(format!("caught {e}"));
                }
            });
            if fail {
                panic!("deep");
            }
            Ok(NoDefault(3))
        }

        #[godefer::func]
        fn result_no_default_ok_no_store() -> Result<NoDefault, String> {
            defer!(|| {
                let _ = godefer::recover();
            });
            panic!("nothing stored");
        }

        /// `io::Error` has no `Default`: the zero is `Ok(())`, and a `|ret|` closure needs no
        /// `zero = ..`.
        #[godefer::func]
        fn io_result(fail: bool) -> std::io::Result<()> {
            defer!(|ret: &mut std::io::Result<()>| {
                p(format!("io ret was ok: {}", ret.is_ok()));
                let _ = godefer::recover();
            });
            if fail {
                panic!("io");
            }
            Err(std::io::Error::other("failed"))
        }

        #[godefer::func]
        fn boxed_error(fail: bool) -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
            defer!(
                |ret: &mut Result<u32, Box<dyn std::error::Error + Send + Sync>>| {
                    if godefer::recover().is_some() && ret.is_ok() {
                        p("boxed ret was Ok");
                    }
                }
            );
            if fail {
                panic!("boxed");
            }
            Ok(9)
        }

        #[test]
        fn b16_result_zero_is_go_zero_ok_of_zero_t_else_err_of_zero_e() {
            // Go's zero of `(T, error)` is `(zero T, nil)`: `Ok(T::default())` when `T` has a
            // default; `Err(E::default())` only when it has none (never a made-up `T`).
            assert_eq!(result_zero_is_ok(), Ok(0));
            assert_eq!(result_no_default_ok(true), Err("caught deep".to_string()));
            assert_eq!(result_no_default_ok(false), Ok(NoDefault(3)));
            assert_eq!(result_no_default_ok_no_store(), Err(String::new()));
            assert!(io_result(true).is_ok());
            assert_eq!(io_result(false).unwrap_err().to_string(), "failed");
            assert_eq!(boxed_error(true).ok(), Some(0));
            assert_eq!(boxed_error(false).ok(), Some(9));
            assert_log(&[
                "io ret was ok: true",
                "io ret was ok: false",
                "boxed ret was Ok",
            ]);
        }

        #[godefer::func]
        fn named_result_kept() -> i32 {
            defer!(|ret: &mut i32| {
                p(format!("ret {ret}"));
                if godefer::recover().is_some() {
                    *ret += 1;
                }
            });
            defer!(|ret: &mut i32| *ret = 42);
            panic!("keep");
        }

        #[test]
        fn b16_a_result_stored_before_the_recover_is_kept() {
            assert_eq!(named_result_kept(), 43);
            assert_log(&["ret 42"]);
        }

        // `zero = ...`

        #[godefer::func(zero = 7)]
        fn zero_attr_i32(fail: bool) -> i32 {
            defer!(|ret: &mut i32| {
                p(format!("ret {ret}"));
                let _ = godefer::recover();
            });
            if fail {
                panic!("zero attr");
            }
            3
        }

        #[godefer::func(zero = Err(NoDefaultErr("zero".to_string())))]
        fn zero_attr_no_defaults(fail: u32) -> Result<NoDefault, NoDefaultErr> {
            defer!(|ret: &mut Result<NoDefault, NoDefaultErr>| {
                if let Some(e) = godefer::recover() {
                    if fail == 2 {
                        *ret = Err(NoDefaultErr(e.to_string()));
                    }
                }
            });
            if fail > 0 {
                panic!("no defaults");
            }
            Ok(NoDefault(1))
        }

        #[test]
        fn b16_zero_attribute_names_the_zero_value() {
            assert_eq!(zero_attr_i32(true), 7);
            assert_eq!(zero_attr_i32(false), 3);
            assert_log(&["ret 7", "ret 3"]);
            assert_eq!(
                zero_attr_no_defaults(1),
                Err(NoDefaultErr("zero".to_string()))
            );
            assert_eq!(
                zero_attr_no_defaults(2),
                Err(NoDefaultErr("no defaults".to_string()))
            );
            assert_eq!(zero_attr_no_defaults(0), Ok(NoDefault(1)));
        }

        #[godefer::func]
        fn no_zero_recovered() -> Result<NoDefault, NoDefaultErr> {
            defer!(|| {
                if godefer::recover().is_some() {
                    p("recovered");
                }
            });
            defer!(p("last defer"));
            panic!("no zero");
        }

        #[godefer::func]
        fn no_zero_unrecovered(fail: bool) -> Result<NoDefault, NoDefaultErr> {
            defer!(p("deferred"));
            if fail {
                panic!("original");
            }
            Ok(NoDefault(9))
        }

        #[test]
        fn b16_recovering_with_no_zero_value_fails_loudly() {
            let e = match catch_unwind(no_zero_recovered) {
                Ok(v) => panic!("returned {v:?} with no zero value"),
                Err(e) => e,
            };
            let msg = payload_msg(&*e);
            assert!(msg.contains("zero"), "{msg}");
            assert!(msg.contains("no_zero_recovered"), "{msg}");
            assert_log(&["last defer", "recovered"]);
        }

        #[test]
        fn b16_no_zero_value_is_fine_without_recovery() {
            assert_eq!(no_zero_unrecovered(false), Ok(NoDefault(9)));
            let e = catch_unwind(|| no_zero_unrecovered(true)).unwrap_err();
            assert_eq!(payload_msg(&*e), "original");
            assert_log(&["deferred", "deferred"]);
        }

        // ---- 17. recover works only when called directly by the deferred call ----

        #[godefer::func]
        fn helper_recover() -> String {
            shown(godefer::recover())
        }

        #[godefer::func]
        fn direct_vs_helper() {
            defer!(|| p(format!("direct {}", shown(godefer::recover()))));
            defer!(|| p(format!("via helper {}", helper_recover())));
            panic!("P");
        }

        #[test]
        fn b17_recover_via_a_godefer_helper_is_none() {
            direct_vs_helper();
            assert_log(&["via helper None", "direct Some(P)"]);
        }

        #[godefer::func]
        fn via_literal() {
            defer!(|| p(format!("direct {}", shown(godefer::recover()))));
            defer!(|| {
                let literal = || {
                    defer!(p("literal's own defer"));
                    shown(godefer::recover())
                };
                let r = literal();
                p(format!("via literal {r}"));
            });
            panic!("L");
        }

        #[test]
        fn b17_recover_in_a_literal_frame_called_by_the_deferred_call_is_none() {
            via_literal();
            assert_log(&["literal's own defer", "via literal None", "direct Some(L)"]);
        }

        #[godefer::func]
        fn handler() {
            p(format!("handler {}", shown(godefer::recover())));
        }

        #[godefer::func]
        fn defer_handler() {
            defer!(handler());
            panic!("H");
        }

        #[godefer::func]
        fn handler_with_defers() {
            defer!(p("handler's defer"));
            p(format!("handler {}", shown(godefer::recover())));
        }

        #[godefer::func]
        fn defer_handler_with_defers() {
            defer!(handler_with_defers());
            panic!("HD");
        }

        #[godefer::func]
        fn defer_plain_handler() {
            defer!(plain_handler());
            panic!("PH");
        }

        #[godefer::func]
        fn defer_closure_variable() {
            let guard = || p(format!("guard {}", shown(godefer::recover())));
            defer!(guard());
            panic!("G");
        }

        #[test]
        fn b17_defer_handler_recovers() {
            defer_handler();
            defer_handler_with_defers();
            defer_plain_handler();
            defer_closure_variable();
            assert_log(&[
                "handler Some(H)",
                "handler Some(HD)",
                "handler's defer",
                "plain handler Some(PH)",
                "guard Some(G)",
            ]);
        }

        struct Guard {
            name: &'static str,
        }

        impl Guard {
            #[godefer::func]
            fn handle(&self) {
                p(format!("{} {}", self.name, shown(godefer::recover())));
            }
        }

        #[godefer::func]
        fn defer_method_handler() {
            let g = Guard { name: "first" };
            defer!(g.handle());
            let g = Guard { name: "second" };
            p(g.name);
            panic!("M");
        }

        #[test]
        fn b17_deferred_method_that_recovers_recovers() {
            defer_method_handler();
            assert_log(&["second", "first Some(M)"]);
        }

        #[godefer::func]
        fn deferred_frame_recovers_directly() {
            defer!(|| {
                defer!(p("closure's own defer"));
                p(format!("closure frame {}", shown(godefer::recover())));
            });
            panic!("F");
        }

        #[test]
        fn b17_deferred_closure_with_own_defers_recovers_directly() {
            deferred_frame_recovers_directly();
            assert_log(&["closure frame Some(F)", "closure's own defer"]);
        }

        #[godefer::func]
        fn ret_closure_with_own_defers_recovers() -> i32 {
            defer!(|r: &mut i32| {
                defer!(p("closure's own defer"));
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                    *r = -1;
                }
            });
            panic!("RF");
        }

        #[test]
        fn b17_ret_closure_with_own_defers_recovers_directly() {
            assert_eq!(ret_closure_with_own_defers_recovers(), -1);
            assert_log(&["recovered RF", "closure's own defer"]);
        }

        #[godefer::func]
        fn handler_calls_helper() {
            p(format!("handler's helper {}", helper_recover()));
        }

        #[godefer::func]
        fn defer_handler_calls_helper() {
            defer!(|| p(format!("direct {}", shown(godefer::recover()))));
            defer!(handler_calls_helper());
            panic!("HH");
        }

        #[test]
        fn b17_helper_called_by_a_deferred_handler_is_none() {
            defer_handler_calls_helper();
            assert_log(&["handler's helper None", "direct Some(HH)"]);
        }

        #[godefer::func]
        fn helper_none_panic_reaches_caller() {
            defer!(|| p(format!("via helper {}", helper_recover())));
            panic!("up");
        }

        #[godefer::func]
        fn caller_of_helper_none() {
            defer!(|| p(format!("caller {}", shown(godefer::recover()))));
            helper_none_panic_reaches_caller();
            p("unreached");
        }

        #[test]
        fn b17_helper_none_panic_reaches_the_caller() {
            caller_of_helper_none();
            assert_log(&["via helper None", "caller Some(up)"]);
        }

        /// Documented difference from Go: a plain (not `#[godefer::func]`) helper called by the
        /// deferred closure recovers (Go returns nil there).
        #[godefer::func]
        fn via_plain_helper() {
            defer!(|| p(format!("direct {}", shown(godefer::recover()))));
            defer!(|| p(format!("plain helper {}", plain_helper_recover())));
            panic!("PL");
        }

        #[test]
        fn b17_plain_helper_recovers_documented_difference() {
            via_plain_helper();
            assert_log(&["plain helper Some(PL)", "direct None"]);
        }

        #[godefer::func]
        fn defer_plain_fn_calling_godefer_helper() {
            defer!(|| p(format!("direct {}", shown(godefer::recover()))));
            defer!(plain_calls_godefer_helper());
            panic!("PG");
        }

        #[godefer::func]
        fn defer_closure_var_calling_godefer_helper() {
            defer!(|| p(format!("direct {}", shown(godefer::recover()))));
            let guard = || {
                p(format!(
                    "closure -> godefer helper {}",
                    godefer_helper_recover()
                ))
            };
            defer!(guard());
            panic!("CG");
        }

        /// A documented difference from Go (Go: `nil`): a plain function (or closure variable)
        /// that is itself the deferred call leaves the levels unchanged, so a
        /// `#[godefer::func]` helper it calls sits where a `#[godefer::func]` deferred call
        /// would, and recovers.
        #[test]
        fn b17_godefer_helper_under_a_deferred_plain_function_recovers_documented_difference() {
            defer_plain_fn_calling_godefer_helper();
            assert_log(&["plain -> godefer helper Some(PG)", "direct None"]);
            defer_closure_var_calling_godefer_helper();
            assert_log(&["closure -> godefer helper Some(CG)", "direct None"]);
        }

        #[godefer::func]
        fn cleanup_with_recovering_defer() {
            defer!(|| p(format!(
                "cleanup's deferred closure {}",
                shown(godefer::recover())
            )));
            p("cleanup body");
        }

        #[godefer::func]
        fn defer_cleanup_whose_defer_recovers() {
            defer!(|| p(format!("direct {}", shown(godefer::recover()))));
            defer!(cleanup_with_recovering_defer());
            panic!("CL");
        }

        #[test]
        fn b19_defer_inside_a_deferred_function_does_not_recover() {
            defer_cleanup_whose_defer_recovers();
            assert_log(&[
                "cleanup body",
                "cleanup's deferred closure None",
                "direct Some(CL)",
            ]);
        }

        // A closure frame whose tail is `()` by its syntax (an `if` without `else`, a loop)
        // returns normally after a recover: its zero value is `()`. (Found by fuzz-go.)
        #[godefer::func]
        fn unit_tail_closures(n: i32) {
            let c = || {
                defer!(|| p(format!("if-tail {}", shown(godefer::recover()))));
                if n > 0 {
                    panic!("in if");
                }
            };
            c();
            let d = || {
                defer!(|| p(format!("for-tail {}", shown(godefer::recover()))));
                for i in 0..n {
                    if i == 1 {
                        panic!("in for");
                    }
                }
            };
            d();
            p("returned normally");
        }

        #[test]
        fn b16_closure_frames_with_unit_tails_recover_into_unit() {
            unit_tail_closures(2);
            assert_log(&[
                "if-tail Some(in if)",
                "for-tail Some(in for)",
                "returned normally",
            ]);
        }

        // ---- 18. `defer!(recover())` recovers nothing ----

        #[godefer::func]
        fn defer_recover_itself() {
            defer!(p("still runs"));
            defer!(godefer::recover());
            panic!("still panicking");
        }

        #[godefer::func]
        fn defer_recover_unqualified() {
            use godefer::recover;
            defer!(recover());
            panic!("unqualified");
        }

        #[godefer::func]
        fn catches_defer_recover_itself() {
            defer!(|| p(format!("caller {}", shown(godefer::recover()))));
            defer_recover_itself();
        }

        #[test]
        fn b18_defer_recover_itself_recovers_nothing() {
            let e = catch_unwind(defer_recover_itself).unwrap_err();
            assert_eq!(payload_msg(&*e), "still panicking");
            assert_log(&["still runs"]);
            let e = catch_unwind(defer_recover_unqualified).unwrap_err();
            assert_eq!(payload_msg(&*e), "unqualified");
            catches_defer_recover_itself();
            assert_log(&["still runs", "caller Some(still panicking)"]);
        }

        // ---- 19. A closure deferred inside a deferred call does not recover ----

        #[godefer::func]
        fn nested_deferred_closure() {
            defer!(|| p(format!("outer direct {}", shown(godefer::recover()))));
            defer!(|| {
                defer!(|| p(format!("nested {}", shown(godefer::recover()))));
            });
            panic!("N");
        }

        #[test]
        fn b19_closure_deferred_in_a_deferred_call_does_not_recover() {
            nested_deferred_closure();
            assert_log(&["nested None", "outer direct Some(N)"]);
        }

        // ---- 20. Only the first recover gets the value ----

        #[godefer::func]
        fn only_first() {
            defer!(|| p(format!("later defer {}", shown(godefer::recover()))));
            defer!(|| {
                let a = godefer::recover();
                let b = godefer::recover();
                p(format!("first {} second {}", shown(a), shown(b)));
            });
            panic!("once");
        }

        #[test]
        fn b20_only_the_first_recover_gets_the_value() {
            only_first();
            assert_log(&["first Some(once) second None", "later defer None"]);
        }

        // ---- 21. Remaining defers run after recover, LIFO ----

        #[godefer::func]
        fn remaining_run() -> u32 {
            defer!(|r: &mut u32| *r += 100);
            defer!(p("1"));
            defer!(|r: &mut u32| *r += 10);
            defer!(|| p(format!("recovered {}", shown(godefer::recover()))));
            defer!(p("3"));
            defer!(|r: &mut u32| *r += 1);
            panic!("R");
        }

        #[test]
        fn b21_remaining_defers_run_lifo_after_recover() {
            assert_eq!(remaining_run(), 111);
            assert_log(&["3", "recovered Some(R)", "1"]);
        }

        // ---- 22. A deferred panic on a normal return ----

        #[godefer::func]
        fn deferred_panic_normal() -> i32 {
            defer!(|ret: &mut i32| {
                p(format!("ret was {ret}"));
                if godefer::recover().is_some() {
                    *ret = -1;
                }
            });
            defer!(|| panic!("late"));
            5
        }

        #[godefer::func]
        fn deferred_panic_normal_unrecovered() -> i32 {
            defer!(p("earlier still runs"));
            defer!(|| panic!("late unrecovered"));
            5
        }

        #[test]
        fn b22_deferred_panic_on_normal_return_is_an_ordinary_panic() {
            assert_eq!(deferred_panic_normal(), -1);
            assert_log(&["ret was 5"]);
            let e = catch_unwind(deferred_panic_normal_unrecovered).unwrap_err();
            assert_eq!(payload_msg(&*e), "late unrecovered");
            assert_log(&["earlier still runs"]);
        }

        #[godefer::func]
        fn returned_value_kept_after_recover() -> i32 {
            defer!(|| {
                let _ = godefer::recover();
            });
            defer!(|| panic!("late"));
            5
        }

        #[godefer::func]
        fn returned_value_kept_no_default() -> NoDefault {
            defer!(|| {
                let _ = godefer::recover();
            });
            defer!(|| panic!("late"));
            NoDefault(5)
        }

        #[godefer::func]
        fn store_then_panic() -> i32 {
            defer!(|| {
                let _ = godefer::recover();
            });
            defer!(|r: &mut i32| {
                *r = 9;
                panic!("after store");
            });
            5
        }

        #[test]
        fn b22_result_set_by_return_is_kept_after_a_recovered_deferred_panic() {
            assert_eq!(returned_value_kept_after_recover(), 5);
            assert_eq!(returned_value_kept_no_default(), NoDefault(5));
            assert_eq!(store_then_panic(), 9);
        }

        // ---- 23. Unwinding crosses frames innermost first ----

        #[godefer::func]
        fn cross_h() {
            defer!(p("h deferred"));
            panic!("from h");
        }

        #[godefer::func]
        fn cross_g() {
            defer!(p("g deferred"));
            cross_h();
            p("g unreached");
        }

        #[godefer::func]
        fn cross_run() {
            defer!(|| p(format!("run recovered {}", shown(godefer::recover()))));
            defer!(p("run deferred"));
            cross_g();
            p("run unreached");
        }

        #[test]
        fn b23_unwinding_crosses_frames_innermost_first() {
            cross_run();
            p("main continues");
            assert_log(&[
                "h deferred",
                "g deferred",
                "run deferred",
                "run recovered Some(from h)",
                "main continues",
            ]);
        }

        // ---- 24. recover returns the identical value ----

        #[godefer::func]
        fn raise_any<T: std::any::Any + Send + Clone>(v: T) -> Option<T> {
            defer!(|ret: &mut Option<T>| {
                if let Some(p) = godefer::recover() {
                    *ret = p.downcast::<T>().ok().map(|b| *b);
                }
            });
            panic_any(v);
        }

        #[test]
        fn b24_recover_returns_the_identical_value() {
            let e = MyErr {
                code: 7,
                what: "custom".to_string(),
            };
            assert_eq!(raise_any(e.clone()), Some(e));
            assert_eq!(raise_any(42u64), Some(42));
            let shared = Arc::new(5);
            let back = raise_any(Arc::clone(&shared)).unwrap();
            assert!(Arc::ptr_eq(&shared, &back));
        }

        #[godefer::func]
        fn inspect_panic(kind: u32) {
            defer!(|| {
                let p = godefer::recover().expect("panicking");
                let desc = format!(
                    "message {:?} display {} is_myerr {} is_str {} is_string {}",
                    p.message(),
                    p,
                    p.is::<MyErr>(),
                    p.is::<&str>(),
                    p.is::<String>(),
                );
                let p = match p.downcast::<u32>() {
                    Ok(_) => panic!("not a u32"),
                    Err(p) => p,
                };
                let found = match p.downcast_ref::<MyErr>() {
                    Some(e) => format!("ref code {}", e.code),
                    None => "ref none".to_string(),
                };
                let payload = p.into_payload();
                let taken = match payload.downcast::<MyErr>() {
                    Ok(e) => format!("payload {:?}", e.what),
                    Err(other) => format!("payload msg {}", payload_msg(&*other)),
                };
                crate::p(format!("{desc}; {found}; {taken}"));
            });
            if kind == 0 {
                panic_any(MyErr {
                    code: 3,
                    what: "w".to_string(),
                });
            }
            if kind == 1 {
                panic!("literal");
            }
            panic!("formatted {}", kind);
        }

        #[test]
        fn b24_panic_accessors() {
            inspect_panic(0);
            inspect_panic(1);
            inspect_panic(2);
            assert_log(&[
                "message None display Box<dyn Any> is_myerr true is_str false is_string false; \
                 ref code 3; payload \"w\"",
                "message Some(\"literal\") display literal is_myerr false is_str true \
                 is_string false; ref none; payload msg literal",
                "message Some(\"formatted 2\") display formatted 2 is_myerr false is_str false \
                 is_string true; ref none; payload msg formatted 2",
            ]);
        }

        /// Go's `if r := recover(); r != nil { err = fmt.Errorf(..) }`, with `?`: the recovered
        /// panic is an error that converts into `Box<dyn Error + Send + Sync>`.
        #[godefer::func]
        fn recovered_as_error() -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
            defer!(
                |ret: &mut Result<u32, Box<dyn std::error::Error + Send + Sync>>| {
                    if let Some(p) = godefer::recover() {
                        *ret = Err(p.into());
                    }
                }
            );
            panic!("parse failed")
        }

        fn uses_question_mark() -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
            let v = recovered_as_error()?;
            Ok(v + 1)
        }

        #[test]
        fn b24_a_recovered_panic_is_an_error_for_question_mark() {
            let err = uses_question_mark().unwrap_err();
            assert_eq!(err.to_string(), "parse failed");
            let p = err.downcast::<godefer::Panic>().expect("a Panic inside");
            assert_eq!(p.message(), Some("parse failed"));
        }

        #[test]
        fn b24_a_recovered_panic_can_be_shared_between_threads() {
            let p = shown_panic(42_u64).expect("recovered");
            std::thread::scope(|s| {
                let a = s.spawn(|| format!("{p}"));
                let b = s.spawn(|| p.downcast_ref::<u64>().copied());
                assert_eq!(a.join().unwrap(), "42");
                assert_eq!(b.join().unwrap(), Some(42));
            });
        }

        #[godefer::func]
        fn shown_panic<V: std::any::Any + Send>(v: V) -> Option<godefer::Panic> {
            defer!(|ret: &mut Option<godefer::Panic>| *ret = godefer::recover());
            panic_any(v)
        }

        #[godefer::func]
        fn defers_recover() {
            defer!(godefer::recover());
        }

        #[godefer::func]
        fn calls_defers_recover() {
            defers_recover();
        }

        /// Go: `defer defersRecover()`, where `defersRecover` does `defer recover()`.
        #[godefer::func]
        fn deferred_helper_defers_recover() -> String {
            defer!(|ret: &mut String| {
                if godefer::recover().is_some() {
                    *ret = "reached the guard".to_string();
                }
            });
            defer!(defers_recover());
            panic!("p");
        }

        /// Go: `defer viaLiteral()`, which calls `defersRecover`: one call too deep.
        #[godefer::func]
        fn deferred_helper_calls_one_that_defers_recover() -> String {
            defer!(|ret: &mut String| {
                if godefer::recover().is_some() {
                    *ret = "reached the guard".to_string();
                }
            });
            defer!(calls_defers_recover());
            panic!("p");
        }

        #[test]
        fn b18_a_deferred_recover_in_the_deferred_function_itself_recovers() {
            // Recorded with Go 1.19: "" (recovered by `defer recover()` in the deferred
            // function), then "reached the guard" (one call deeper: nil, the panic goes on).
            assert_eq!(deferred_helper_defers_recover(), "");
            assert_eq!(
                deferred_helper_calls_one_that_defers_recover(),
                "reached the guard"
            );
        }

        #[godefer::func]
        fn helper_asks_panicking() -> bool {
            defer!(|ret: &mut bool| *ret = godefer::panicking());
            false
        }

        /// What `godefer::panicking()` says at each point of a panicking function's exit.
        #[godefer::func]
        fn panicking_seen(fail: bool) {
            defer!(|| p(format!("last: {}", godefer::panicking())));
            defer!(|| {
                p(format!("before recover: {}", godefer::panicking()));
                let _ = godefer::recover();
                p(format!("after recover: {}", godefer::panicking()));
            });
            defer!(|| p(format!(
                "first: {}, in a godefer helper's deferred call: {}",
                godefer::panicking(),
                helper_asks_panicking()
            )));
            p(format!("body: {}", godefer::panicking()));
            if fail {
                panic!("failed");
            }
        }

        #[test]
        fn panicking_is_true_where_recover_would_stop_the_panic() {
            panicking_seen(true);
            assert_log(&[
                "body: false",
                "first: true, in a godefer helper's deferred call: false",
                "before recover: true",
                "after recover: false",
                "last: false",
            ]);
            panicking_seen(false);
            assert_log(&[
                "body: false",
                "first: false, in a godefer helper's deferred call: false",
                "before recover: false",
                "after recover: false",
                "last: false",
            ]);
            assert!(!godefer::panicking());
        }

        /// Recovers `v` and shows it as `Display` does.
        #[godefer::func]
        fn shown_as<V: std::any::Any + Send>(v: V) -> String {
            defer!(|ret: &mut String| {
                *ret = godefer::recover()
                    .map(|p| format!("{p}"))
                    .unwrap_or_default();
            });
            panic_any(v)
        }

        #[test]
        fn b24_a_recovered_value_of_a_basic_type_displays_as_go_prints_it() {
            assert_eq!(shown_as(42_i64), "42");
            assert_eq!(shown_as(-7_i8), "-7");
            assert_eq!(shown_as(u128::MAX), u128::MAX.to_string());
            assert_eq!(shown_as(3_usize), "3");
            assert_eq!(shown_as(1.5_f64), "1.5");
            assert_eq!(shown_as(0.25_f32), "0.25");
            assert_eq!(shown_as(true), "true");
            assert_eq!(shown_as('x'), "x");
            assert_eq!(shown_as(Box::<str>::from("boxed")), "boxed");
            assert_eq!(shown_as(vec![1]), "Box<dyn Any>");
        }

        #[godefer::func]
        fn located(track_caller: bool) -> (String, String) {
            defer!(|ret: &mut (String, String)| {
                let p = godefer::recover().expect("panicking");
                let at = p.location().expect("a location");
                *ret = (
                    p.message().unwrap().to_string(),
                    format!("{}:{}:{}", at.file(), at.line(), at.column()),
                );
                assert_eq!(at.to_string(), ret.1);
            });
            if track_caller {
                raise_via_track_caller();
            }
            raise_located();
        }

        #[test]
        fn b24_location_points_at_the_panic() {
            for track_caller in [false, true] {
                let (message, location) = located(track_caller);
                let expected = message.split(" @ ").nth(1).unwrap();
                assert_eq!(location, expected);
                assert!(location.starts_with("tests/recover.rs:"), "{location}");
            }
        }
    };
}

each_strategy!(cases);
