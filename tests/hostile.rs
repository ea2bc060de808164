//! Hostile programs: deferred calls that register a thousand more, drops that panic, `recover`
//! from a thread-local destructor, panic hooks of the program's own, `std::process::exit` in a
//! deferred call, `catch_unwind` inside one.
//!
//! Scenarios that change the whole process (a panic hook, an exit, a thread's teardown) run in a
//! child process: the test binary runs itself with `--exact <module>::child --ignored` and the
//! scenario's name in `GODEFER_HOSTILE_SCENARIO`, stdout and stderr on one pipe.
//!
//! Every case is written once in `cases!` and runs under each strategy: the default choice
//! (open-coded where Go would open-code), frame records and heap records.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, panic_any};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

mod common;
use common::*;

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static LINE: Cell<u32> = const { Cell::new(0) };
}

fn bump(c: &Cell<u32>) {
    c.set(c.get() + 1);
}

fn note(i: u32) {
    p(i.to_string());
}

/// A captured value whose `Drop` panics.
struct Bomb(&'static str);

impl Drop for Bomb {
    fn drop(&mut self) {
        p(format!("drop {}", self.0));
        panic!("{} exploded", self.0);
    }
}

fn consume_bomb(b: Bomb) {
    p(format!("call with {}", b.0));
}

/// Panics with "outer", remembering the line (outside `cases!`, where a location inside a
/// `macro_rules!` expansion would be the invocation's).
fn raise_outer() -> ! {
    LINE.with(|l| l.set(line!() + 1));
    panic!("outer")
}

// ---- Child processes ----

/// The reports in `out`: lines `thread '...' panicked at ...:`.
fn reports(out: &str) -> usize {
    out.lines()
        .filter(|l| l.starts_with("thread ") && l.contains(" panicked at "))
        .count()
}

/// Calls of the user's panic hook in a child process.
static HOOK_CALLS: AtomicUsize = AtomicUsize::new(0);

fn user_hook() -> Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send> {
    Box::new(|info| {
        HOOK_CALLS.fetch_add(1, Ordering::SeqCst);
        eprintln!("USER HOOK: {}", payload_msg(info.payload()));
    })
}

/// What the thread-local destructors of the `tls` scenario saw.
static TLS_SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

macro_rules! cases {
    () => {
        /// The name of this module's `child` test, as `--exact` wants it.
        fn child_test() -> String {
            common::child_test_of(module_path!())
        }

        #[test]
        #[ignore = "the child process of this module's tests (see the file's docs)"]
        fn child() {
            let Ok(scenario) = std::env::var(SCENARIO_VAR) else {
                return;
            };
            print!("{BEGIN}");
            match scenario.as_str() {
                "tls" => scenario_tls(),
                "hook_before" => scenario_hook_before(),
                "hook_after" => scenario_hook_after(),
                "hook_after_chain" => scenario_hook_after_chain(),
                "exit" => scenario_exit(),
                "exit_panicking" => scenario_exit_panicking(),
                other => panic!("unknown scenario {other}"),
            }
            println!("{END}");
        }

        // ---- A deferred call that registers a thousand deferred calls of its own ----

        /// The deferred closure is a frame of its own: its thousand deferred calls run when it
        /// returns, newest first, before the outer frame's next deferred call.
        #[godefer::func]
        fn thousand(panicking: bool) -> u32 {
            defer!(|r: &mut u32| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                    *r = 2;
                }
            });
            defer!(p("outer's next deferred call"));
            defer!(|| {
                for i in 0..1000 {
                    defer!(note(i));
                }
                p("registered 1000");
            });
            p("body");
            if panicking {
                panic!("outer");
            }
            1
        }

        fn thousand_log(last: &[&str]) -> Vec<String> {
            let mut v = vec!["body".to_string(), "registered 1000".to_string()];
            v.extend((0..1000).rev().map(|i: u32| i.to_string()));
            v.push("outer's next deferred call".to_string());
            v.extend(last.iter().map(|s| s.to_string()));
            v
        }

        #[test]
        fn thousand_deferred_calls_registered_by_a_deferred_call_run_in_its_frame() {
            assert_eq!(thousand(false), 1);
            assert_eq!(take_log(), thousand_log(&[]));
            assert_eq!(thousand(true), 2);
            assert_eq!(take_log(), thousand_log(&["recovered outer"]));
        }

        // ---- A captured value whose `Drop` panics ----

        #[godefer::func]
        fn bomb_in_closure(panicking: bool) -> u32 {
            defer!(|r: &mut u32| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                    *r = 2;
                }
            });
            defer!(p("older runs"));
            let b = Bomb("captured");
            defer!(move || p(format!("call with {}", b.0)));
            p("body");
            if panicking {
                panic!("first");
            }
            1
        }

        #[godefer::func]
        fn bomb_as_argument(panicking: bool) -> u32 {
            defer!(|r: &mut u32| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                    *r = 2;
                }
            });
            defer!(p("older runs"));
            defer!(consume_bomb(Bomb("argument")));
            p("body");
            if panicking {
                panic!("first");
            }
            1
        }

        #[godefer::func]
        fn bomb_unrecovered(panicking: bool) -> u32 {
            defer!(p("older runs"));
            let b = Bomb("captured");
            defer!(move || p(format!("call with {}", b.0)));
            p("body");
            if panicking {
                panic!("first");
            }
            1
        }

        /// The panic of the drop is the deferred call's panic: it replaces the frame's panic if
        /// there is one, the remaining deferred calls run, a later `recover` gets it. No abort:
        /// the frame runs its deferred calls after it caught its panic, not while unwinding.
        #[test]
        fn panicking_drop_of_a_captured_value_is_the_deferred_calls_panic() {
            for panicking in [false, true] {
                assert_eq!(bomb_in_closure(panicking), 2);
                assert_log(&[
                    "body",
                    "call with captured",
                    "drop captured",
                    "older runs",
                    "recovered captured exploded",
                ]);
                assert_eq!(bomb_as_argument(panicking), 2);
                assert_log(&[
                    "body",
                    "call with argument",
                    "drop argument",
                    "older runs",
                    "recovered argument exploded",
                ]);
                let e = catch_unwind(|| bomb_unrecovered(panicking)).unwrap_err();
                assert_eq!(payload_msg(&*e), "captured exploded");
                assert_log(&["body", "call with captured", "drop captured", "older runs"]);
            }
        }

        /// A local declared before a `defer!` is dropped after that deferred call ran (as a
        /// `Drop` guard would be), inside the frame: its panic is caught like a panic of the body,
        /// and an older deferred call recovers it. No abort.
        #[godefer::func]
        fn bomb_local() -> u32 {
            defer!(|r: &mut u32| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                    *r = 2;
                }
            });
            let _b = Bomb("local");
            defer!(p("deferred after the local"));
            p("body");
            1
        }

        #[test]
        fn panicking_drop_of_a_local_is_recoverable() {
            assert_eq!(bomb_local(), 2);
            assert_log(&[
                "body",
                "deferred after the local",
                "drop local",
                "recovered local exploded",
            ]);
        }

        /// A panic value whose `Drop` panics.
        struct BadPayload;

        impl Drop for BadPayload {
            fn drop(&mut self) {
                p("payload dropped");
                panic!("payload's drop panicked");
            }
        }

        #[godefer::func]
        fn bad_payload_replaced() -> u32 {
            defer!(|r: &mut u32| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                    *r = 2;
                }
            });
            defer!(|| panic!("replacement"));
            panic_any(BadPayload)
        }

        #[godefer::func]
        fn bad_payload_dropped_by_the_deferred_call() -> u32 {
            defer!(|r: &mut u32| {
                if let Some(e) = godefer::recover() {
                    p(format!("recovered {e}"));
                    *r = 3;
                }
            });
            defer!(|| {
                let e = godefer::recover();
                p(format!("took the payload {}", e.is_some()));
                drop(e);
            });
            panic_any(BadPayload)
        }

        /// A replaced panic's payload is dropped by godefer: its panicking `Drop` is caught and
        /// forgotten. A recovered payload dropped by the deferred call panics in that call.
        #[test]
        fn panic_payload_whose_drop_panics() {
            assert_eq!(bad_payload_replaced(), 2);
            assert_log(&["payload dropped", "recovered replacement"]);
            assert_eq!(bad_payload_dropped_by_the_deferred_call(), 3);
            assert_log(&[
                "took the payload true",
                "payload dropped",
                "recovered payload's drop panicked",
            ]);
        }

        /// A deferred call that calls the function it belongs to, which panics and recovers
        /// at every other level.
        #[godefer::func]
        fn reentrant(n: u32) -> u32 {
            defer!(|r: &mut u32| {
                if n > 0 {
                    *r += reentrant(n - 1);
                }
                if let Some(e) = godefer::recover() {
                    p(format!("level {n} recovered {e}"));
                }
            });
            if n.is_multiple_of(2) {
                panic!("at {n}");
            }
            1
        }

        #[test]
        fn deferred_calls_reentering_their_function() {
            // Levels 1, 3, 5 return 1 each; the panicking ones return their zero, 0.
            assert_eq!(reentrant(6), 3);
            assert_log(&[
                "level 0 recovered at 0",
                "level 2 recovered at 2",
                "level 4 recovered at 4",
                "level 6 recovered at 6",
            ]);
        }

        // ---- `catch_unwind` inside a deferred call ----

        #[godefer::func]
        fn dies_inside() {
            defer!(p("inner frame's deferred call"));
            panic!("inner frame");
        }

        #[godefer::func]
        fn catches_in_deferred(panicking: bool) -> String {
            defer!(|r: &mut String| {
                match godefer::recover() {
                    Some(e) => {
                        let line = e.location().map_or(0, |l| l.line());
                        let here = LINE.with(Cell::get);
                        *r = format!("recovered {e} at its line {}", line == here);
                    }
                    None => p("nothing to recover"),
                }
            });
            defer!(|| {
                let inner = catch_unwind(|| dies_inside()).unwrap_err();
                p(format!("deferred call caught {}", payload_msg(&*inner)));
            });
            defer!(|| {
                let inner = catch_unwind(|| panic!("inner")).unwrap_err();
                p(format!("deferred call caught {}", payload_msg(&*inner)));
            });
            p("body");
            if panicking {
                raise_outer();
            }
            "returned".to_string()
        }

        /// The deferred call's `catch_unwind` catches its own panics (a plain one, and one
        /// leaving a godefer frame); the frame's panic is still there for a later `recover`,
        /// with its location.
        #[test]
        fn catch_unwind_inside_a_deferred_call_leaves_the_outer_panic_recoverable() {
            assert_eq!(
                catches_in_deferred(true),
                "recovered outer at its line true"
            );
            assert_log(&[
                "body",
                "deferred call caught inner",
                "inner frame's deferred call",
                "deferred call caught inner frame",
            ]);
            assert_eq!(catches_in_deferred(false), "returned");
            assert_log(&[
                "body",
                "deferred call caught inner",
                "inner frame's deferred call",
                "deferred call caught inner frame",
                "nothing to recover",
            ]);
        }

        // ---- `recover` and godefer frames in thread-local destructors ----

        #[godefer::func]
        fn in_teardown(n: u32) -> u32 {
            defer!(|r: &mut u32| {
                if let Some(p) = godefer::recover() {
                    *r += 1000 + *p.downcast_ref::<u32>().expect("a u32 payload");
                }
            });
            let count = Cell::new(0);
            defer!(|r: &mut u32| *r += count.get());
            for _ in 0..n {
                defer!(bump(&count));
            }
            panic_any(n)
        }

        struct Probe(&'static str);

        impl Drop for Probe {
            fn drop(&mut self) {
                let direct = shown(godefer::recover());
                let call = in_teardown(40);
                let after = shown(godefer::recover());
                TLS_SEEN.lock().unwrap().push(format!(
                    "{}: recover {direct}, call {call}, recover {after}",
                    self.0
                ));
            }
        }

        thread_local! {
            static EARLY: RefCell<Option<Probe>> = const { RefCell::new(None) };
            static LATE: RefCell<Option<Probe>> = const { RefCell::new(None) };
        }

        fn scenario_tls() {
            thread::spawn(|| {
                // Registered before godefer's own thread locals: destroyed after them (or before:
                // the order is the platform's; the two probes cover both).
                EARLY.with(|e| *e.borrow_mut() = Some(Probe("early")));
                assert_eq!(in_teardown(40), 1080);
                LATE.with(|e| *e.borrow_mut() = Some(Probe("late")));
            })
            .join()
            .unwrap();
            for line in TLS_SEEN.lock().unwrap().iter() {
                println!("{line}");
            }
        }

        /// `recover` in a thread-local destructor returns `None`; a godefer function called there
        /// still runs its deferred calls and recovers its own panic, whether godefer's thread
        /// state is still there or gone.
        #[test]
        fn recover_in_a_thread_local_destructor_is_none() {
            let (status, out) = run_merged(&child_test(), "tls");
            assert!(status.success(), "{status} {out}");
            let mut seen: Vec<&str> = out
                .lines()
                .filter(|l| l.starts_with("early:") || l.starts_with("late:"))
                .collect();
            seen.sort();
            assert_eq!(
                seen,
                [
                    "early: recover None, call 1080, recover None",
                    "late: recover None, call 1080, recover None"
                ],
                "{out}"
            );
            assert!(!out.contains("cannot access"), "{out}");
            // The panic recovered in the destructor that runs after godefer's thread state is
            // gone is reported at once by Rust's hook (godefer's hook has nowhere to keep it):
            // at most that one report.
            assert!(reports(&out) <= 1, "{out}");
        }

        /// Stricter: a recovered panic prints nothing, even in a thread-local destructor.
        #[test]
        fn recovered_panic_in_a_thread_local_destructor_prints_nothing() {
            let (status, out) = run_merged(&child_test(), "tls");
            assert!(status.success(), "{status} {out}");
            assert_eq!(reports(&out), 0, "{out}");
        }

        // ---- The program's own panic hook ----

        #[godefer::func]
        fn recovers() -> u32 {
            defer!(|r: &mut u32| {
                if let Some(e) = godefer::recover() {
                    println!("recovered {e}, location known {}", e.location().is_some());
                    *r = 7;
                }
            });
            panic!("recovered panic");
        }

        #[godefer::func]
        fn escapes() {
            defer!(println!("escaping panic's deferred call"));
            panic!("escaping panic");
        }

        fn scenario_hook_before() {
            std::panic::set_hook(user_hook());
            let _ = catch_unwind(|| panic!("plain before first use"));
            println!("returned {}", recovers());
            let _ = catch_unwind(|| panic!("plain after first use"));
            let _ = thread::spawn(|| panic!("plain on another thread")).join();
            let e = catch_unwind(escapes).unwrap_err();
            println!("caught {}", payload_msg(&*e));
            println!("hook calls {}", HOOK_CALLS.load(Ordering::SeqCst));
        }

        /// A hook installed before godefer's first use still gets every panic that does not
        /// start in a godefer frame; godefer reports the ones that do (once, after the deferred
        /// calls) and prints nothing for a recovered one.
        #[test]
        fn user_hook_installed_before_first_use_keeps_panics_outside_frames() {
            let (status, out) = run_merged(&child_test(), "hook_before");
            assert!(status.success(), "{status} {out}");
            let user: Vec<&str> = out.lines().filter(|l| l.starts_with("USER HOOK")).collect();
            assert_eq!(
                user,
                [
                    "USER HOOK: plain before first use",
                    "USER HOOK: plain after first use",
                    "USER HOOK: plain on another thread",
                ],
                "{out}"
            );
            assert!(out.contains("recovered recovered panic, location known true\nreturned 7\n"));
            // godefer's own report of the escaping panic, after its deferred call.
            assert_eq!(reports(&out), 1, "{out}");
            let deferred = out.find("escaping panic's deferred call").unwrap();
            let report = out.find("panicked at").unwrap();
            assert!(deferred < report, "{out}");
            assert!(out.contains("\nescaping panic\n"), "{out}");
            assert!(
                out.ends_with("caught escaping panic\nhook calls 3\n"),
                "{out}"
            );
        }

        #[godefer::func]
        fn chain_escapes() {
            defer!(|| panic!("second"));
            panic!("first");
        }

        fn scenario_hook_after() {
            println!("first use returned {}", recovers());
            std::panic::set_hook(user_hook());
            println!("returned {}", recovers());
            let e = catch_unwind(escapes).unwrap_err();
            println!("caught {}", payload_msg(&*e));
            println!("hook calls {}", HOOK_CALLS.load(Ordering::SeqCst));
        }

        fn scenario_hook_after_chain() {
            println!("first use returned {}", recovers());
            std::panic::set_hook(user_hook());
            let e = catch_unwind(chain_escapes).unwrap_err();
            println!("caught {}", payload_msg(&*e));
            println!("hook calls {}", HOOK_CALLS.load(Ordering::SeqCst));
        }

        /// A hook installed after godefer's first use replaces godefer's: it sees every panic
        /// at once, godefer prints nothing, and `recover` still works (without a location: the
        /// hook that would have taken it is gone).
        #[test]
        fn user_hook_installed_after_first_use_replaces_godefers() {
            let (status, out) = run_merged(&child_test(), "hook_after");
            assert!(status.success(), "{status} {out}");
            assert_eq!(
                out,
                "recovered recovered panic, location known true\n\
                 first use returned 7\n\
                 USER HOOK: recovered panic\n\
                 recovered recovered panic, location known false\n\
                 returned 7\n\
                 USER HOOK: escaping panic\n\
                 escaping panic's deferred call\n\
                 caught escaping panic\n\
                 hook calls 2\n"
            );
        }

        /// With the user's hook in place of godefer's, an unrecovered chain of panics is reported
        /// by that hook, panic by panic, and godefer adds nothing.
        #[test]
        fn user_hook_installed_after_first_use_replaces_godefers_for_chains_too() {
            let (status, out) = run_merged(&child_test(), "hook_after_chain");
            assert!(status.success(), "{status} {out}");
            assert_eq!(
                out,
                "recovered recovered panic, location known true\n\
                 first use returned 7\n\
                 USER HOOK: first\n\
                 USER HOOK: second\n\
                 caught second\n\
                 hook calls 2\n"
            );
        }

        // ---- `std::process::exit` in a deferred call ----

        #[godefer::func]
        fn exits_in_deferred_call(panicking: bool) {
            defer!(println!("older deferred call must not run"));
            defer!(|| {
                println!("exiting");
                std::process::exit(if panicking { 9 } else { 7 });
            });
            println!("body");
            if panicking {
                panic!("never reported");
            }
        }

        #[godefer::func]
        fn exit_caller(panicking: bool) {
            defer!(println!("caller's deferred call must not run"));
            exits_in_deferred_call(panicking);
        }

        fn scenario_exit() {
            exit_caller(false);
        }

        fn scenario_exit_panicking() {
            exit_caller(true);
        }

        /// As Go's `os.Exit`: the process ends there with the code given; no later deferred
        /// call runs, and a panic in progress is not reported.
        #[test]
        fn process_exit_in_a_deferred_call_ends_the_process_there() {
            let (status, out) = run_merged(&child_test(), "exit");
            assert_eq!(status.code(), Some(7), "{out}");
            assert_eq!(out, "body\nexiting\n");
            let (status, out) = run_merged(&child_test(), "exit_panicking");
            assert_eq!(status.code(), Some(9), "{out}");
            assert_eq!(out, "body\nexiting\n");
        }
    };
}

each_strategy!(cases);
