//! A top-level deferred call touches the function's places when it runs, not across the body
//! (issue 13 §1; Go: a function literal reads its variables at exit, a method on an addressable
//! operand takes its address): a non-`move` closure, and a method on a place, are made where they
//! run, so the body goes on using what they name. Arguments are still evaluated at the `defer!`,
//! a `Copy` receiver is still copied there, and a temporary receiver, a `move` closure and a
//! `defer!` in a nested block keep capturing at the `defer!`.
//!
//! Every case is written once in `cases!` and runs under each strategy.

use std::cell::{Cell, RefCell};
use std::io::{self, Write};
use std::sync::mpsc;
use std::sync::Mutex;

mod common;
use common::*;

/// A transaction: `rollback` takes `&self`, `exec` and `commit` take `&mut self`.
struct Tx {
    done: bool,
    log: Vec<String>,
}

impl Tx {
    fn new() -> Tx {
        Tx {
            done: false,
            log: Vec::new(),
        }
    }
    fn rollback(&self) {
        p(if self.done {
            format!("no rollback after {:?}", self.log)
        } else {
            format!("rollback of {:?}", self.log)
        });
    }
    fn exec(&mut self, q: &str) {
        self.log.push(q.to_string());
    }
    fn commit(&mut self) {
        self.done = true;
    }
}

/// A `Copy` value with methods taking `&self` and `&mut self`.
#[derive(Clone, Copy)]
struct Point {
    x: i32,
}

impl Point {
    fn show(&self, tag: &str) {
        p(format!("{tag} {}", self.x));
    }
    fn bump(&mut self) {
        self.x += 1;
        p(format!("bumped a copy to {}", self.x));
    }
}

macro_rules! cases {
    () => {
        #[godefer::func]
        fn rollback_unless_ok(fail: bool) {
            let mut ok = false;
            defer!(|| if !ok { p("rollback") } else { p("kept") });
            p("work");
            if fail {
                return;
            }
            ok = true;
        }

        #[test]
        fn a_closure_reads_the_locals_it_names_when_it_runs() {
            rollback_unless_ok(false);
            rollback_unless_ok(true);
            assert_log(&["work", "kept", "work", "rollback"]);
        }

        #[godefer::func]
        fn write_all(sink: &RefCell<Vec<u8>>, full: bool) -> io::Result<()> {
            let mut f = io::BufWriter::new(Sink(sink, full));
            defer!(|ret: &mut io::Result<()>| {
                if let Err(e) = f.flush() {
                    if ret.is_ok() {
                        *ret = Err(e);
                    }
                }
            });
            writeln!(f, "one")?;
            writeln!(f, "two")?;
            Ok(())
        }

        #[test]
        fn a_ret_closure_flushes_the_writer_the_body_wrote_to() {
            let sink = RefCell::new(Vec::new());
            assert!(write_all(&sink, false).is_ok());
            assert_eq!(sink.borrow().as_slice(), b"one\ntwo\n");
            let err = write_all(&RefCell::new(Vec::new()), true).unwrap_err();
            assert_eq!(err.to_string(), "disk full");
        }

        #[godefer::func]
        fn transfer(fail: bool) -> Result<(), String> {
            let mut tx = Tx::new();
            defer!(tx.rollback());
            tx.exec("debit");
            if fail {
                return Err("credit failed".to_string());
            }
            tx.exec("credit");
            tx.commit();
            Ok(())
        }

        #[test]
        fn a_method_on_a_place_uses_the_place_at_exit() {
            assert_eq!(transfer(false), Ok(()));
            assert_eq!(transfer(true), Err("credit failed".to_string()));
            assert_log(&[
                "no rollback after [\"debit\", \"credit\"]",
                "rollback of [\"debit\"]",
            ]);
        }

        /// fmt's `catchPanic`: a method deferred on `self` in a `&mut self` method.
        struct Printer {
            out: Vec<String>,
        }

        impl Printer {
            fn catch_panic(&mut self, verb: char) {
                if let Some(e) = godefer::recover() {
                    self.out.push(format!("%!{verb}(PANIC={e})"));
                }
            }

            #[godefer::func]
            fn print(&mut self, verb: char, v: i32) {
                defer!(self.catch_panic(verb));
                self.out.push(format!("printing {v}"));
                if v < 0 {
                    panic!("negative");
                }
                self.out.push(format!("{v}"));
            }
        }

        #[test]
        fn a_method_on_self_lets_the_method_go_on_using_self() {
            let mut pr = Printer { out: Vec::new() };
            pr.print('d', 1);
            pr.print('d', -1);
            assert_eq!(
                pr.out,
                ["printing 1", "1", "printing -1", "%!d(PANIC=negative)"]
            );
        }

        #[godefer::func]
        fn sends_done(tx: mpsc::Sender<&'static str>) {
            defer!(tx.send("done"));
            tx.send("body").unwrap();
        }

        #[test]
        fn a_sender_deferred_on_is_used_by_the_body() {
            let (tx, rx) = mpsc::channel();
            sends_done(tx);
            assert_eq!(rx.iter().collect::<Vec<_>>(), ["body", "done"]);
        }

        /// One per strategy's module: the tests of the three run at once.
        static SEEN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

        /// Receivers that are places of other shapes: a `&mut` parameter, its dereference, a
        /// field through a shared reference, a static.
        #[godefer::func]
        fn place_shapes(tx: &mut Tx, outer: &(Tx, u32)) {
            defer!(tx.rollback());
            defer!((*tx).rollback());
            defer!(outer.0.rollback());
            defer!(SEEN.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
            tx.exec("later");
        }

        #[test]
        fn receivers_of_every_place_shape_are_used_at_exit() {
            let mut tx = Tx::new();
            let outer = (Tx::new(), 0);
            let before = SEEN.load(std::sync::atomic::Ordering::SeqCst);
            place_shapes(&mut tx, &outer);
            assert_eq!(SEEN.load(std::sync::atomic::Ordering::SeqCst), before + 1);
            assert_log(&[
                "rollback of []",
                "rollback of [\"later\"]",
                "rollback of [\"later\"]",
            ]);
        }

        #[godefer::func]
        fn copies_a_copy_receiver() {
            let mut pt = Point { x: 1 };
            defer!(pt.show("deferred, copied at the defer:"));
            defer!(pt.bump());
            pt.x = 10;
            pt.show("body:");
        }

        #[test]
        fn a_copy_receiver_is_copied_at_the_defer() {
            // Go's value receiver: `defer p.show()` copies `p` there.
            copies_a_copy_receiver();
            assert_log(&[
                "body: 10",
                "bumped a copy to 2",
                "deferred, copied at the defer: 1",
            ]);
        }

        #[godefer::func]
        fn arguments_at_the_defer() {
            let mut n = 1;
            let tx = RefCell::new(Tx::new());
            defer!(tx.borrow_mut().exec(&format!("n was {n}")));
            n = 2;
            p(format!("n is {n}"));
            // The receiver `tx.borrow_mut()` is a temporary: evaluated at the `defer!`, so the
            // `RefCell` is borrowed until the deferred call ran.
            p(format!(
                "borrowed during the body: {}",
                tx.try_borrow().is_err()
            ));
        }

        #[test]
        fn arguments_and_a_temporary_receiver_are_evaluated_at_the_defer() {
            arguments_at_the_defer();
            assert_log(&["n is 2", "borrowed during the body: true"]);
        }

        #[godefer::func]
        fn lock_at_the_defer(m: &Mutex<Vec<u32>>) {
            defer!(m.lock().unwrap().push(1));
            p(format!("locked during the body: {}", m.try_lock().is_err()));
        }

        #[test]
        fn a_lock_receiver_is_taken_at_the_defer() {
            let m = Mutex::new(Vec::new());
            lock_at_the_defer(&m);
            assert_eq!(*m.lock().unwrap(), [1]);
            assert_log(&["locked during the body: true"]);
        }

        #[godefer::func]
        fn move_captures_at_the_defer() {
            let mut n = 1;
            defer!(move || p(format!("move closure saw {n}")));
            n = 2;
            p(format!("body set {n}"));
        }

        #[test]
        fn a_move_closure_captures_at_the_defer() {
            move_captures_at_the_defer();
            assert_log(&["body set 2", "move closure saw 1"]);
        }

        #[godefer::func]
        fn result_at_exit() -> u32 {
            let bonus = Cell::new(0);
            let mut extra = 0;
            defer!(|ret: &mut u32| *ret += extra + bonus.get());
            extra = 10;
            bonus.set(100);
            1
        }

        #[test]
        fn a_ret_closure_reads_locals_at_exit() {
            assert_eq!(result_at_exit(), 111);
        }

        #[godefer::func]
        fn nested_keeps_capturing(flag: bool) {
            let log = RefCell::new(Vec::new());
            if flag {
                let s = String::from("moved in");
                defer!(move || p(s));
            }
            log.borrow_mut().push(1);
            defer!(|| p(format!("log {:?}", log.borrow())));
            log.borrow_mut().push(2);
        }

        #[test]
        fn a_nested_defer_keeps_capturing_at_the_defer() {
            nested_keeps_capturing(true);
            assert_log(&["log [1, 2]", "moved in"]);
        }

        #[godefer::func]
        fn panics_then_reads(v: i32) -> i32 {
            let mut seen = 0;
            defer!(|ret: &mut i32| {
                if godefer::recover().is_some() {
                    *ret = seen;
                }
            });
            seen = v;
            if v > 0 {
                panic!("after setting seen");
            }
            -1
        }

        #[test]
        fn a_recovering_closure_reads_what_the_body_set_before_the_panic() {
            assert_eq!(panics_then_reads(5), 5);
            assert_eq!(panics_then_reads(0), -1);
        }
    };
}

each_strategy!(cases);
