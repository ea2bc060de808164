//! Registering and running deferred calls: GO-SEMANTICS.md §A, items 1-14.
//!
//! Every case is written once in `cases!` and runs under each strategy: the default choice
//! (open-coded where Go would open-code), frame records and heap records.

use std::cell::{Cell, RefCell};
use std::hint::black_box;
use std::panic::catch_unwind;
use std::rc::Rc;

mod common;
use common::*;

/// `format!` into the log: a macro to defer (`defer!(logf!(...))`).
macro_rules! logf {
    ($($t:tt)*) => {
        p(format!($($t)*))
    };
}

fn show(what: &str, v: i32) {
    p(format!("{what} {v}"));
}

fn compute(n: &Cell<u32>) -> i32 {
    n.set(n.get() + 1);
    p("compute");
    7
}

fn boom() -> i32 {
    p("operand evaluated");
    panic!("operand panic")
}

fn a_fn() {
    p("a");
}

fn b_fn() {
    p("b");
}

fn mk() -> impl FnOnce() {
    p("mk called");
    || p("made")
}

#[derive(Clone, Copy)]
struct Val {
    n: i32,
}

impl Val {
    fn val(self) {
        p(format!("val {}", self.n));
    }
    fn by_ref(&self) {
        p(format!("ref {}", self.n));
    }
    fn add(self, k: i32) {
        p(format!("add {}", self.n + k));
    }
}

struct Shared {
    n: Cell<i32>,
}

impl Shared {
    fn show(&self) {
        p(format!("shared {}", self.n.get()));
    }
}

/// Simulated files for the loop pitfall of item 3.
#[derive(Default)]
struct Files {
    open: Cell<usize>,
    max_open: Cell<usize>,
}

struct File<'a>(&'a Files);

fn open(fs: &Files) -> File<'_> {
    fs.open.set(fs.open.get() + 1);
    fs.max_open.set(fs.max_open.get().max(fs.open.get()));
    File(fs)
}

impl File<'_> {
    fn close(self) {
        self.0.open.set(self.0.open.get() - 1);
    }
}

fn parse_small(k: u32) -> Result<u32, String> {
    if k == 1 {
        Err("too small".to_string())
    } else if k == 2 {
        Ok(2)
    } else {
        Ok(100)
    }
}

fn produce() -> String {
    p("produce ran");
    "ignored".to_string()
}

fn fallible() -> Result<u32, String> {
    p("fallible ran");
    Err("ignored".to_string())
}

#[derive(Clone, Copy)]
struct Big {
    words: [u64; 128],
}

fn sum_big(b: Big) {
    p(format!("big {}", b.words.iter().sum::<u64>()));
}

fn sum_arr(a: [u64; 1000]) {
    p(format!("arr {}", a.iter().sum::<u64>()));
}

/// Counts its clones.
struct Counted {
    v: Vec<u32>,
    clones: Rc<Cell<u32>>,
}

impl Clone for Counted {
    fn clone(&self) -> Self {
        self.clones.set(self.clones.get() + 1);
        Counted {
            v: self.v.clone(),
            clones: self.clones.clone(),
        }
    }
}

fn show_counted(c: Counted) {
    p(format!("counted {:?}", c.v));
}

fn check_small(i: u32) -> Result<(), String> {
    if i >= 3 {
        Err(format!("{i} too big"))
    } else {
        Ok(())
    }
}

/// Logs when dropped.
struct DropLog(&'static str);

impl Drop for DropLog {
    fn drop(&mut self) {
        p(self.0);
    }
}

fn push_into(seen: &RefCell<Vec<i32>>, i: i32) {
    seen.borrow_mut().push(i);
}

/// Runs `f` on a thread with a large stack (deep recursion in unoptimised builds) and passes its
/// panics (failed assertions) on.
fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    let h = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap();
    if let Err(e) = h.join() {
        std::panic::resume_unwind(e);
    }
}

macro_rules! cases {
    () => {
        // ---- 1. LIFO at function exit ----

        #[godefer::func]
        fn lifo() {
            defer!(p("1"));
            defer!(p("2"));
            defer!(p("3"));
            p("body");
        }

        #[test]
        fn a01_lifo_at_function_exit() {
            lifo();
            assert_log(&["body", "3", "2", "1"]);
        }

        #[godefer::func]
        fn lifo_panicking() {
            defer!(p("1"));
            defer!(p("2"));
            defer!(p("3"));
            p("body");
            panic!("boom");
        }

        #[test]
        fn a01_lifo_while_panicking() {
            let e = catch_unwind(lifo_panicking).unwrap_err();
            assert_eq!(payload_msg(&*e), "boom");
            assert_log(&["body", "3", "2", "1"]);
        }

        /// Nine defers: more than Go open-codes.
        #[godefer::func]
        fn lifo_nine() {
            defer!(p("1"));
            defer!(p("2"));
            defer!(p("3"));
            defer!(p("4"));
            defer!(p("5"));
            defer!(p("6"));
            defer!(p("7"));
            defer!(p("8"));
            defer!(p("9"));
            p("body");
        }

        #[test]
        fn a01_lifo_nine_defers_twice() {
            lifo_nine();
            lifo_nine();
            let one = ["body", "9", "8", "7", "6", "5", "4", "3", "2", "1"];
            let two: Vec<&str> = one.iter().chain(one.iter()).copied().collect();
            assert_log(&two);
        }

        // ---- 2. Function scope, not block scope ----

        #[godefer::func]
        fn block_scope() {
            {
                defer!(p("d"));
                p("block ends");
            }
            p("main ends");
        }

        #[test]
        fn a02_defer_in_block_runs_at_function_exit() {
            block_scope();
            assert_log(&["block ends", "main ends", "d"]);
        }

        #[godefer::func]
        fn branch_scope(n: u32) {
            if n > 0 {
                defer!(p("if"));
                p("in if");
            } else {
                defer!(p("else"));
            }
            match n {
                1 => defer!(p("match one")),
                _ => {
                    defer!(p("match other"));
                    p("in match");
                }
            }
            p("end");
        }

        #[test]
        fn a02_defer_in_if_and_match_runs_at_function_exit() {
            branch_scope(1);
            assert_log(&["in if", "end", "match one", "if"]);
            branch_scope(0);
            assert_log(&["in match", "end", "match other", "else"]);
            branch_scope(2);
            assert_log(&["in if", "in match", "end", "match other", "if"]);
        }

        // ---- 3. Loops register one call per iteration ----

        #[godefer::func]
        fn loop_defers() {
            for i in 0..5 {
                defer!(p(i));
            }
            p("loop done");
        }

        #[test]
        fn a03_loop_registers_one_call_per_iteration() {
            loop_defers();
            assert_log(&["loop done", "4", "3", "2", "1", "0"]);
        }

        #[godefer::func]
        fn while_and_loop_defers() {
            let mut i = 0;
            while i < 3 {
                defer!(p(format!("while {i}")));
                i += 1;
            }
            loop {
                defer!(p(format!("loop {i}")));
                if i == 0 {
                    break;
                }
                i -= 1;
            }
            p("done");
        }

        #[test]
        fn a03_while_and_loop_register_per_iteration() {
            while_and_loop_defers();
            assert_log(&[
                "done", "loop 0", "loop 1", "loop 2", "loop 3", "while 2", "while 1", "while 0",
            ]);
        }

        #[godefer::func]
        fn nested_loops() {
            for i in 0..2 {
                for j in 0..2 {
                    defer!(p(format!("{i}{j}")));
                }
                defer!(p(format!("{i}")));
            }
        }

        #[test]
        fn a03_nested_loops_run_in_exact_reverse() {
            nested_loops();
            assert_log(&["1", "11", "10", "0", "01", "00"]);
        }

        #[godefer::func]
        fn labeled_continue_and_while_let() {
            'outer: for i in 0..3 {
                for j in 0..3 {
                    if j == 1 {
                        continue 'outer;
                    }
                    defer!(p(format!("{i}{j}")));
                }
            }
            let mut it = ["x", "y"].into_iter();
            while let Some(s) = it.next() {
                defer!(p(s));
            }
        }

        #[test]
        fn a03_labeled_continue_and_while_let_register_what_ran() {
            labeled_continue_and_while_let();
            assert_log(&["y", "x", "20", "10", "00"]);
        }

        #[godefer::func]
        fn loop_early_exit(stop: u32) -> Result<u32, String> {
            defer!(|r: &mut Result<u32, String>| p(format!("result {r:?}")));
            for i in 0..5 {
                defer!(p(i));
                if i == stop {
                    return Ok(i);
                }
                check_small(i)?;
            }
            Ok(99)
        }

        #[test]
        fn a03_exits_from_inside_a_loop_run_what_was_registered() {
            assert_eq!(loop_early_exit(1), Ok(1));
            assert_log(&["1", "0", "result Ok(1)"]);
            assert_eq!(loop_early_exit(9), Err("3 too big".to_string()));
            assert_log(&["3", "2", "1", "0", "result Err(\"3 too big\")"]);
        }

        #[godefer::func]
        fn loop_panics(at: u32) {
            for i in 0..5 {
                defer!(p(i));
                if i == at {
                    panic!("at {i}");
                }
            }
        }

        #[test]
        fn a03_panic_inside_a_loop_runs_what_was_registered() {
            let e = catch_unwind(|| loop_panics(2)).unwrap_err();
            assert_eq!(payload_msg(&*e), "at 2");
            assert_log(&["2", "1", "0"]);
        }

        #[godefer::func]
        fn open_in_loop(fs: &Files, n: usize) -> usize {
            for _ in 0..n {
                let f = open(fs);
                defer!(f.close());
            }
            fs.open.get()
        }

        #[test]
        fn a03_loop_pitfall_keeps_every_file_open_until_return() {
            let fs = Files::default();
            assert_eq!(open_in_loop(&fs, 10_000), 10_000);
            assert_eq!(fs.open.get(), 0);
            assert_eq!(fs.max_open.get(), 10_000);
        }

        // ---- 4. Arguments now, closures at exit ----

        #[godefer::func]
        fn args_vs_closure() {
            let x = Cell::new(1);
            defer!(show("arg", x.get()));
            defer!(|| show("closure", x.get()));
            defer!((|v: i32| show("param", v))(x.get() * 10));
            x.set(2);
        }

        #[test]
        fn a04_args_evaluated_at_defer_closure_reads_at_exit() {
            args_vs_closure();
            assert_log(&["param 10", "closure 2", "arg 1"]);
        }

        #[godefer::func]
        fn macro_args_now() {
            let mut y = 1;
            let s = String::from("s");
            defer!(logf!("explicit {} {}", y, s));
            defer!(logf!("implicit {y} {s}"));
            defer!(logf!("expr {}", y * 100));
            defer!(logf!("named {v}", v = y + 1));
            y = 2;
            p(format!("body {y}"));
        }

        #[test]
        fn a04_macro_args_evaluated_at_defer() {
            macro_args_now();
            assert_log(&[
                "body 2",
                "named 2",
                "expr 100",
                "implicit 1 s",
                "explicit 1 s",
            ]);
        }

        #[godefer::func]
        fn side_effects(n: &Cell<u32>) {
            defer!(show("call", compute(n)));
            p("after call defer");
            defer!(Val { n: compute(n) }.add(compute(n)));
            p("after method defer");
            defer!(logf!("macro {}", compute(n)));
            p("body");
        }

        #[test]
        fn a04_operands_evaluated_once_at_the_defer_statement() {
            let n = Cell::new(0);
            side_effects(&n);
            assert_eq!(n.get(), 4);
            assert_log(&[
                "compute",
                "after call defer",
                "compute",
                "compute",
                "after method defer",
                "compute",
                "body",
                "macro 7",
                "add 14",
                "call 7",
            ]);
        }

        // ---- 5. The function value is evaluated at the defer statement ----

        #[godefer::func]
        fn func_value_at_defer() {
            let mut f: fn() = a_fn;
            defer!(f());
            f = b_fn;
            f();
        }

        #[test]
        fn a05_function_value_evaluated_at_defer() {
            func_value_at_defer();
            assert_log(&["b", "a"]);
        }

        #[godefer::func]
        fn defer_mk() {
            defer!(mk()());
            p("body");
        }

        #[test]
        fn a05_defer_mk_calls_mk_at_once() {
            defer_mk();
            assert_log(&["mk called", "body", "made"]);
        }

        // ---- 6. Method receivers ----

        #[godefer::func]
        fn receiver_value() {
            let mut t = Val { n: 1 };
            defer!(t.val());
            defer!(t.by_ref());
            t.n = 2;
            p(format!("body {}", t.n));
        }

        #[test]
        fn a06_value_receiver_copied_at_defer() {
            receiver_value();
            assert_log(&["body 2", "ref 1", "val 1"]);
        }

        #[godefer::func]
        fn receiver_reference() {
            let a = Shared { n: Cell::new(1) };
            let b = Shared { n: Cell::new(10) };
            let mut r = &a;
            defer!(r.show());
            defer!((&a).show());
            r = &b;
            a.n.set(2);
            r.show();
        }

        #[test]
        fn a06_reference_receiver_sees_later_changes_not_reassignment() {
            receiver_reference();
            assert_log(&["shared 10", "shared 2", "shared 2"]);
        }

        // ---- 7. A panic while evaluating the operands registers nothing ----

        #[godefer::func]
        fn operand_panic_call() {
            defer!(|| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                }
            });
            defer!(p("earlier"));
            defer!(show("call", boom()));
            p("unreached");
        }

        #[godefer::func]
        fn operand_panic_method() {
            defer!(|| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                }
            });
            defer!(p("earlier"));
            defer!(Val { n: boom() }.val());
            p("unreached");
        }

        #[godefer::func]
        fn operand_panic_macro() {
            defer!(|| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                }
            });
            defer!(p("earlier"));
            defer!(logf!("{}", boom()));
            p("unreached");
        }

        #[godefer::func]
        fn operand_panic_nested(zero: i32) {
            defer!(|| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                }
            });
            defer!(p("earlier"));
            if zero == 0 {
                defer!(show("quotient", 10 / zero));
            }
            p("unreached");
        }

        #[godefer::func]
        fn operand_panic_unrecovered() {
            defer!(p("earlier"));
            defer!(show("call", boom()));
            p("unreached");
        }

        #[test]
        fn a07_operand_panic_registers_nothing() {
            let expected = ["operand evaluated", "earlier", "recovered operand panic"];
            operand_panic_call();
            assert_log(&expected);
            operand_panic_method();
            assert_log(&expected);
            operand_panic_macro();
            assert_log(&expected);
            operand_panic_nested(black_box(0));
            assert_log(&["earlier", "recovered attempt to divide by zero"]);
            let e = catch_unwind(operand_panic_unrecovered).unwrap_err();
            assert_eq!(payload_msg(&*e), "operand panic");
            assert_log(&["operand evaluated", "earlier"]);
        }

        #[godefer::func]
        fn operand_question_mark(s: &str) -> Result<i32, String> {
            defer!(p("earlier"));
            defer!(show("parsed", s.parse::<i32>().map_err(|e| e.to_string())?));
            p("body");
            Ok(1)
        }

        #[test]
        fn a07_question_mark_in_an_operand_returns_and_registers_nothing() {
            assert_eq!(
                operand_question_mark("x"),
                Err("invalid digit found in string".to_string())
            );
            assert_log(&["earlier"]);
            assert_eq!(operand_question_mark("5"), Ok(1));
            assert_log(&["body", "parsed 5", "earlier"]);
        }

        // ---- 8. Results can be changed after the return set them ----

        #[godefer::func]
        fn doubled() -> i32 {
            defer!(|r: &mut i32| *r *= 2);
            3
        }

        #[godefer::func]
        fn doubled_twice() -> i32 {
            defer!(|r: &mut i32| *r *= 2);
            defer!(|r: &mut i32| *r += 10);
            return 3;
        }

        #[godefer::func]
        fn local_unchanged() -> i32 {
            let x = Cell::new(3);
            defer!(|| x.set(x.get() * 2));
            x.get()
        }

        #[test]
        fn a08_result_changed_after_return() {
            assert_eq!(doubled(), 6);
            assert_eq!(doubled_twice(), 26);
            assert_eq!(local_unchanged(), 3);
        }

        #[godefer::func]
        fn every_exit(k: u32) -> Result<String, String> {
            defer!(|r: &mut Result<String, String>| {
                p(format!("saw {r:?}"));
                match r {
                    Ok(s) => *s = format!("[{s}]"),
                    Err(e) => *e = format!("<{e}>"),
                }
            });
            if k == 0 {
                return Ok("early".to_string());
            }
            let n = parse_small(k)?;
            for i in 0.. {
                if i == n {
                    return Ok(format!("loop {i}"));
                }
                if i > 5 {
                    break;
                }
            }
            match k {
                3 => return Err("match".to_string()),
                4 => {}
                _ => return Ok("other".to_string()),
            }
            Ok("tail".to_string())
        }

        #[test]
        fn a08_every_exit_path_sets_the_result_then_runs_defers() {
            assert_eq!(every_exit(0), Ok("[early]".to_string()));
            assert_eq!(every_exit(1), Err("<too small>".to_string()));
            assert_eq!(every_exit(2), Ok("[loop 2]".to_string()));
            assert_eq!(every_exit(3), Err("<match>".to_string()));
            assert_eq!(every_exit(4), Ok("[tail]".to_string()));
            assert_eq!(every_exit(5), Ok("[other]".to_string()));
            assert_log(&[
                "saw Ok(\"early\")",
                "saw Err(\"too small\")",
                "saw Ok(\"loop 2\")",
                "saw Err(\"match\")",
                "saw Ok(\"tail\")",
                "saw Ok(\"other\")",
            ]);
        }

        #[godefer::func]
        fn option_exit(v: Option<u32>) -> Option<u32> {
            defer!(|r: &mut Option<u32>| {
                if let Some(x) = r {
                    *x += 1;
                }
            });
            let x = v?;
            Some(x * 10)
        }

        #[test]
        fn a08_question_mark_on_option_runs_defers() {
            assert_eq!(option_exit(None), None);
            assert_eq!(option_exit(Some(2)), Some(21));
        }

        #[godefer::func]
        fn unit_return(early: bool) {
            defer!(p("deferred"));
            if early {
                p("early");
                return;
            }
            p("late");
        }

        #[test]
        fn a08_bare_return_runs_defers() {
            unit_return(true);
            unit_return(false);
            assert_log(&["early", "deferred", "late", "deferred"]);
        }

        #[godefer::func]
        fn loop_defers_modify_result(n: u32) -> u64 {
            for i in 1..=n {
                defer!(move |r: &mut u64| *r = *r * 10 + u64::from(i));
            }
            0
        }

        #[test]
        fn a08_loop_defers_modify_result() {
            assert_eq!(loop_defers_modify_result(5), 54321);
        }

        // ---- 9. Results of deferred calls are discarded ----

        #[godefer::func]
        fn discarded() -> i32 {
            let c = Cell::new(0);
            defer!(produce());
            defer!(fallible());
            defer!((&c).replace(5));
            defer!(|| p(format!("cell {}", c.get())));
            1
        }

        #[test]
        fn a09_results_of_deferred_calls_are_discarded() {
            assert_eq!(discarded(), 1);
            assert_log(&["cell 0", "fallible ran", "produce ran"]);
        }

        // ---- 10. A closure literal is its own frame ----

        #[godefer::func]
        fn literal_own_frame() {
            defer!(p("outer"));
            for i in 0..2 {
                let literal = || {
                    defer!(p(format!("close {i}")));
                    p(format!("use {i}"));
                };
                literal();
            }
            p("loop done");
        }

        #[test]
        fn a10_closure_literal_is_its_own_frame() {
            literal_own_frame();
            assert_log(&["use 0", "close 0", "use 1", "close 1", "loop done", "outer"]);
        }

        #[godefer::func]
        fn open_per_iteration(fs: &Files, n: usize) {
            for _ in 0..n {
                let literal = || {
                    let f = open(fs);
                    defer!(f.close());
                };
                literal();
            }
        }

        #[test]
        fn a10_literal_per_iteration_fixes_the_loop_pitfall() {
            let fs = Files::default();
            open_per_iteration(&fs, 1000);
            assert_eq!(fs.open.get(), 0);
            assert_eq!(fs.max_open.get(), 1);
        }

        #[godefer::func]
        fn literal_frames_with_results() -> i32 {
            let add = |x: i32| -> i32 {
                defer!(|r: &mut i32| *r += 100);
                x
            };
            let a = add(1);
            let recovers = || -> i32 {
                defer!(|| {
                    let _ = godefer::recover();
                });
                panic!("inside literal");
            };
            let b = recovers();
            p(format!("literal results {a} {b}"));
            a + b
        }

        #[test]
        fn a10_literal_frames_have_their_own_results_and_panics() {
            assert_eq!(literal_frames_with_results(), 101);
            assert_log(&["literal results 101 0"]);
        }

        // ---- 11. Defers registered inside a running deferred call ----

        #[godefer::func]
        fn defers_in_deferred() {
            defer!(p("outer first"));
            defer!(|| {
                defer!(p("inner a"));
                defer!(p("inner b"));
                p("deferred body");
            });
            defer!(p("outer last"));
            p("body");
        }

        #[test]
        fn a11_defers_in_a_deferred_call_run_when_it_returns() {
            defers_in_deferred();
            assert_log(&[
                "body",
                "outer last",
                "deferred body",
                "inner b",
                "inner a",
                "outer first",
            ]);
        }

        #[godefer::func]
        fn loop_defers_in_deferred() {
            defer!(p("outer first"));
            defer!(|| {
                for i in 0..3 {
                    defer!(p(i));
                }
            });
        }

        #[test]
        fn a11_loop_defers_in_a_deferred_call() {
            loop_defers_in_deferred();
            assert_log(&["2", "1", "0", "outer first"]);
        }

        #[godefer::func]
        fn nested_defer_modifies_result() -> i32 {
            defer!(|r: &mut i32| *r += 1);
            defer!(|r: &mut i32| {
                *r += 100;
                defer!(move || *r *= 3);
            });
            2
        }

        #[test]
        fn a11_nested_defer_changes_the_outer_result() {
            // 2 -> 102 -> 306 -> 307
            assert_eq!(nested_defer_modifies_result(), 307);
        }

        // ---- 12. Conditional defers ----

        #[godefer::func]
        fn conditional(n: u32) {
            defer!(p("1"));
            if n > 5 {
                defer!(p("2"));
                if n > 8 {
                    defer!(p("3"));
                } else {
                    defer!(p("4"));
                }
            }
            panic!("cond {n}");
        }

        #[test]
        fn a12_only_executed_defer_statements_register() {
            for (n, expected) in [
                (3, &["1"][..]),
                (8, &["4", "2", "1"]),
                (9, &["3", "2", "1"]),
            ] {
                let e = catch_unwind(|| conditional(n)).unwrap_err();
                assert_eq!(payload_msg(&*e), format!("cond {n}"));
                assert_log(expected);
            }
        }

        // ---- 13. Aggregate arguments are captured once, by value ----

        #[godefer::func]
        fn aggregates(clones: &Rc<Cell<u32>>) {
            let mut big = Big { words: [1; 128] };
            defer!(sum_big(big));
            let mut arr = [1u64; 1000];
            defer!(sum_arr(arr));
            let mut c = Counted {
                v: vec![1, 2, 3],
                clones: clones.clone(),
            };
            defer!(show_counted(c.clone()));
            big.words[0] = 1000;
            arr[0] = 1000;
            c.v.push(4);
            p(format!(
                "body {} {} {:?}",
                big.words.iter().sum::<u64>(),
                arr.iter().sum::<u64>(),
                c.v
            ));
        }

        #[test]
        fn a13_aggregate_args_captured_once_by_value() {
            let clones = Rc::new(Cell::new(0));
            aggregates(&clones);
            assert_eq!(clones.get(), 1);
            assert_log(&[
                "body 1127 1999 [1, 2, 3, 4]",
                "counted [1, 2, 3]",
                "arr 1000",
                "big 128",
            ]);
        }

        // ---- 14. Strategies mixed across the frames of one thread ----

        #[godefer::func]
        fn mixed_loop(n: u32) -> u32 {
            for _ in 0..2 {
                defer!(|r: &mut u32| *r += 1);
            }
            if n == 0 {
                0
            } else {
                mixed_straight(n - 1)
            }
        }

        #[godefer::func]
        fn mixed_straight(n: u32) -> u32 {
            defer!(|r: &mut u32| *r += 1);
            defer!(|r: &mut u32| *r += 1);
            if n == 0 {
                0
            } else {
                mixed_frame(n - 1)
            }
        }

        #[godefer::func(strategy = "frame")]
        fn mixed_frame(n: u32) -> u32 {
            defer!(|r: &mut u32| *r += 1);
            defer!(|r: &mut u32| *r += 1);
            if n == 0 {
                0
            } else {
                mixed_loop(n - 1)
            }
        }

        #[test]
        fn a14_mixed_strategies_recursion_returns_400() {
            on_big_stack(|| assert_eq!(mixed_loop(199), 400));
        }

        #[godefer::func]
        fn unwind_loop(n: u32) {
            for _ in 0..2 {
                defer!(p(n));
            }
            if n == 0 {
                panic!("bottom");
            }
            unwind_straight(n - 1);
        }

        #[godefer::func]
        fn unwind_straight(n: u32) {
            defer!(p(n));
            defer!(p(n));
            if n == 0 {
                panic!("bottom");
            }
            unwind_frame(n - 1);
        }

        #[godefer::func(strategy = "frame")]
        fn unwind_frame(n: u32) {
            defer!(p(n));
            defer!(p(n));
            if n == 0 {
                panic!("bottom");
            }
            unwind_loop(n - 1);
        }

        #[godefer::func]
        fn unwind_top() -> u32 {
            defer!(|r: &mut u32| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                    *r = 1;
                }
            });
            unwind_loop(200);
            0
        }

        #[test]
        fn a14_mixed_strategies_panic_runs_every_defer_innermost_first() {
            on_big_stack(|| {
                assert_eq!(unwind_top(), 1);
                let mut expected: Vec<String> = (0..=200)
                    .flat_map(|n| [n.to_string(), n.to_string()])
                    .collect();
                expected.push("recovered bottom".to_string());
                assert_eq!(take_log(), expected);
            });
        }

        // ---- Borrowing locals from deferred closures ----

        #[godefer::func]
        fn borrow_top_level() {
            let log = Cell::new(0);
            defer!(|| p(format!("log = {}", log.get())));
            log.set(1);
            if log.get() == 1 {
                defer!(p(format!("nested sees {}", log.get())));
            }
            log.set(2);
        }

        #[test]
        fn borrow_deferred_closure_reads_local_at_exit() {
            borrow_top_level();
            assert_log(&["nested sees 1", "log = 2"]);
        }

        #[godefer::func]
        fn borrow_in_loop() {
            let seen = RefCell::new(Vec::new());
            defer!(|| p(format!("seen {:?}", seen.borrow())));
            for i in 0..3 {
                defer!(push_into(&seen, i));
            }
            p(format!("after loop {}", seen.borrow().len()));
        }

        #[test]
        fn borrow_loop_defers_borrow_a_top_level_local() {
            borrow_in_loop();
            assert_log(&["after loop 0", "seen [2, 1, 0]"]);
        }

        #[godefer::func]
        fn defer_in_let_initializer() -> i32 {
            let v = {
                defer!(p("from the let's block"));
                5
            };
            p(format!("v {v}"));
            v
        }

        #[test]
        fn a02_defer_in_a_let_initializer_block_runs_at_function_exit() {
            assert_eq!(defer_in_let_initializer(), 5);
            assert_log(&["v 5", "from the let's block"]);
        }

        #[godefer::func]
        fn defer_in_tail_block() -> i32 {
            defer!(p("a"));
            {
                defer!(p("b"));
                p("tail block");
                5
            }
        }

        #[test]
        fn a02_defer_in_the_tail_block_runs_at_function_exit() {
            assert_eq!(defer_in_tail_block(), 5);
            assert_log(&["tail block", "b", "a"]);
        }

        #[godefer::func]
        fn interleaved_top_level_and_nested(c: bool) {
            defer!(p("1"));
            if c {
                defer!(p("2"));
            }
            defer!(p("3"));
            if c {
                defer!(p("4"));
            }
            p("body");
        }

        #[test]
        fn a01_top_level_and_nested_defers_interleave_lifo() {
            interleaved_top_level_and_nested(true);
            assert_log(&["body", "4", "3", "2", "1"]);
            interleaved_top_level_and_nested(false);
            assert_log(&["body", "3", "1"]);
        }

        /// godefer's rule (Go has no destructors): a deferred call runs while the locals declared
        /// before its `defer!` are alive, as a `Drop` guard declared there would.
        #[godefer::func]
        fn drop_order() {
            let _a = DropLog("a dropped");
            defer!(p("deferred 1"));
            let _b = DropLog("b dropped");
            defer!(p("deferred 2"));
            let _c = DropLog("c dropped");
            p("body");
        }

        #[test]
        fn borrow_deferred_calls_interleave_with_drops_like_guards() {
            drop_order();
            assert_log(&[
                "body",
                "c dropped",
                "deferred 2",
                "b dropped",
                "deferred 1",
                "a dropped",
            ]);
        }

        // ---- The other forms of `defer!` ----

        #[godefer::func]
        fn block_and_move_forms() {
            let owned = String::from("owned");
            defer! {
                p("block a");
                p("block b");
            }
            defer!(move || p(format!("moved {owned}")));
            p("body");
        }

        #[test]
        fn forms_block_and_move_closure() {
            block_and_move_forms();
            assert_log(&["body", "moved owned", "block a", "block b"]);
        }
    };
}

each_strategy!(cases);
