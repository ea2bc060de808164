//! Issue 12: safe programs that once reached an abort, a deadlock or a leak, each in a child
//! process of its own (a fresh process: the first godefer call of the process matters, and an
//! abort or a hang must fail one test, not the run). The undefined behaviour of the same issue
//! is tested where miri runs it (the runtime's unit tests) and by compile-fail tests
//! (`ui-tests/tests/ui/exit_in_macro_closure*.rs`, `private_frame_needs_unsafe.rs` there).

use std::io::Read;
use std::panic::catch_unwind;
use std::process::ExitStatus;
use std::thread;
use std::time::{Duration, Instant};

mod common;
use common::*;

const NOTE: &str = "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace";

/// Runs a scenario, killing it if it does not end within `limit`: its status (`None` if it was
/// killed) and what it printed, stdout and stderr merged.
fn run_bounded(test: &str, scenario: &str, limit: Duration) -> (Option<ExitStatus>, String) {
    let (mut reader, writer) = std::io::pipe().unwrap();
    let mut cmd = child(test, scenario);
    cmd.stdout(writer.try_clone().unwrap()).stderr(writer);
    let mut proc = cmd.spawn().unwrap();
    drop(cmd);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = proc.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > limit {
            proc.kill().unwrap();
            proc.wait().unwrap();
            break None;
        }
        thread::sleep(Duration::from_millis(20));
    };
    let mut out = String::new();
    reader.read_to_string(&mut out).unwrap();
    (status, out)
}

fn push_line(log: &std::cell::RefCell<Vec<String>>, line: String) {
    log.borrow_mut().push(line);
}

/// Panics when dropped.
struct Bomb(&'static str);

impl Drop for Bomb {
    fn drop(&mut self) {
        println!("drop {}", self.0);
        panic!("drop of {}", self.0);
    }
}

macro_rules! cases {
    () => {
        fn child_test() -> String {
            child_test_of(module_path!())
        }

        #[test]
        #[ignore = "a child process of the tests in this module"]
        fn child() {
            let Ok(scenario) = std::env::var(SCENARIO_VAR) else {
                return;
            };
            print!("{BEGIN}");
            match scenario.as_str() {
                "hook_first_use" => scenario_hook_first_use(),
                "hook_joins_a_panicking_thread" => scenario_hook_joins_a_panicking_thread(),
                "result_drop_panics" => scenario_result_drop_panics(),
                other => panic!("unknown scenario {other}"),
            }
            println!("{END}");
        }

        // ---- Item 1: exits in the arguments of macros that evaluate them in place ----

        fn some_if(ok: bool) -> Option<u32> {
            ok.then_some(1)
        }

        #[godefer::func]
        fn in_place(x: u32, ok: bool, log: &std::cell::RefCell<Vec<String>>) -> Option<u32> {
            defer!(|ret: &mut Option<u32>| log.borrow_mut().push(format!("deferred saw {ret:?}")));
            let text = format!("{}", some_if(ok)?);
            let v = vec![text.len() as u32, if x == 9 { return Some(99) } else { x }];
            assert!(x < 50, "{}", if x > 40 { return Some(40) } else { 0 });
            Some(v[0] + v[1])
        }

        #[test]
        fn exits_in_the_arguments_of_in_place_macros_leave_the_function() {
            // The labelled `break` that replaced `return` in macro arguments leaves the scope's
            // body as the `return` did: the deferred calls run and see the stored result.
            let log = std::cell::RefCell::new(Vec::new());
            assert_eq!(in_place(2, true, &log), Some(3));
            assert_eq!(in_place(2, false, &log), None);
            assert_eq!(in_place(9, true, &log), Some(99));
            assert_eq!(in_place(45, true, &log), Some(46)); // the message is built only on failure
            assert_eq!(in_place(60, true, &log), Some(40)); // and there it exits
            assert_eq!(
                *log.borrow(),
                [
                    "deferred saw Some(3)",
                    "deferred saw None",
                    "deferred saw Some(99)",
                    "deferred saw Some(46)",
                    "deferred saw Some(40)",
                ]
            );
        }

        // ---- Review: a `defer!` in a match guard runs as often as the guard ----

        #[godefer::func]
        fn in_a_guard(log: &std::cell::RefCell<Vec<String>>) -> u32 {
            let n = 1;
            match (n, n) {
                // Rust evaluates the guard once per alternative that matches: twice here.
                (1, _) | (_, 1)
                    if {
                        let s = format!("guard {}", log.borrow().len());
                        log.borrow_mut().push(s.clone());
                        defer!(move || crate::push_line(log, format!("deferred {s}")));
                        false
                    } =>
                {
                    0
                }
                _ => n,
            }
        }

        #[test]
        fn a_defer_in_a_match_guard_runs_once_per_evaluation_of_the_guard() {
            let log = std::cell::RefCell::new(Vec::new());
            assert_eq!(in_a_guard(&log), 1);
            assert_eq!(
                *log.borrow(),
                ["guard 0", "guard 1", "deferred guard 1", "deferred guard 0"]
            );
        }

        // ---- Item 4: the process's first godefer call inside a user's panic hook ----

        #[godefer::func]
        fn log_panic(message: String) {
            defer!(println!("logged"));
            println!("hook: {message}");
        }

        fn scenario_hook_first_use() {
            // No godefer frame ran before in this process: the first one runs inside the hook,
            // while std holds its hook lock.
            std::panic::set_hook(Box::new(|info| {
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .copied()
                    .unwrap_or("?");
                log_panic(message.to_string());
            }));
            let caught = catch_unwind(|| panic!("first panic"));
            println!("caught: {}", caught.is_err());
        }

        #[test]
        fn first_godefer_call_inside_a_panic_hook_does_not_hang() {
            let (status, out) =
                run_bounded(&child_test(), "hook_first_use", Duration::from_secs(60));
            let status = status.unwrap_or_else(|| panic!("the child hung:\n{out}"));
            assert!(status.success(), "{status}\n{out}");
            assert_eq!(
                section(&out),
                "hook: first panic\nlogged\ncaught: true\n",
                "{out}"
            );
        }

        fn scenario_hook_joins_a_panicking_thread() {
            // Found in review: with the hook installed by a helper thread left waiting for
            // std's hook lock, another thread's panic waited behind it, and a hook that joins
            // that thread never returned.
            std::panic::set_hook(Box::new(|info| {
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .copied()
                    .unwrap_or("?");
                log_panic(message.to_string());
                if message == "first panic" {
                    let joined = thread::spawn(|| panic!("from a thread the hook joins")).join();
                    println!("joined: {}", joined.is_err());
                }
            }));
            let caught = catch_unwind(|| panic!("first panic"));
            println!("caught: {}", caught.is_err());
        }

        #[test]
        fn a_panic_hook_that_joins_a_panicking_thread_does_not_hang() {
            let (status, out) = run_bounded(
                &child_test(),
                "hook_joins_a_panicking_thread",
                Duration::from_secs(60),
            );
            let status = status.unwrap_or_else(|| panic!("the child hung:\n{out}"));
            assert!(status.success(), "{status}\n{out}");
            assert_eq!(
                section(&out),
                "hook: first panic\nlogged\nhook: from a thread the hook joins\nlogged\n\
                 joined: true\ncaught: true\n",
                "{out}"
            );
        }

        // ---- Item 3: the result's `Drop` panics under a panicking deferred call ----

        #[godefer::func]
        fn returns_a_bomb() -> Bomb {
            defer!(|| panic!("deferred"));
            Bomb("result")
        }

        fn scenario_result_drop_panics() {
            let caught = catch_unwind(returns_a_bomb);
            println!("caught: {}", payload_msg(&*caught.err().expect("a panic")));
        }

        #[test]
        fn a_result_whose_drop_panics_while_the_frame_panics_does_not_abort() {
            let (status, out) =
                run_bounded(&child_test(), "result_drop_panics", Duration::from_secs(60));
            let status = status.unwrap_or_else(|| panic!("the child hung:\n{out}"));
            assert!(status.success(), "the process aborted: {status}\n{out}");
            let text = section(&out);
            // The report starts with an empty line, as Rust's does after output on stdout.
            let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
            // The result is dropped after the deferred call ran, and its panic is the newest:
            // it continues, with the deferred call's panic in its chain (Go's order).
            assert_eq!(lines[0], "drop result", "{out}");
            assert!(
                lines[1].contains(" panicked at tests/soundness.rs:"),
                "{out}"
            );
            assert_eq!(
                &lines[2..],
                [
                    "drop of result",
                    "this panic replaced earlier ones, oldest first:",
                    "\tpanic: deferred",
                    NOTE,
                    "caught: drop of result",
                ],
                "{out}"
            );
        }
    };
}

each_strategy!(cases);

// ---- Item 5: heap defers in a thread-local destructor after godefer's teardown ----

#[godefer::func]
fn defers_in_loop(n: u32) -> u32 {
    let mut sum = 0;
    for i in 0..n {
        defer!(std::hint::black_box(i));
        sum += i;
    }
    sum
}

/// Uses heap defers when its thread's locals are destroyed.
struct LateUser;

impl Drop for LateUser {
    fn drop(&mut self) {
        let sum = defers_in_loop(5);
        let (local, _) = godefer::__private::pool_counts();
        println!("late: sum {sum}, thread cache {local}");
    }
}

thread_local! {
    static LATE: LateUser = const { LateUser };
}

fn scenario_late_heap_defers() {
    // A thread that defers more than its cache holds spills records to the global pool.
    thread::spawn(|| defers_in_loop(200)).join().unwrap();
    assert!(
        godefer::__private::pool_counts().1 > 0,
        "nothing in the global pool"
    );
    thread::spawn(|| {
        // Registered before godefer's per-thread teardown, so destroyed after it.
        LATE.with(|_| ());
        defers_in_loop(3);
    })
    .join()
    .unwrap();
    println!("joined");
}

fn late_child_test() -> String {
    // A test at the crate's root: its name has no module.
    "late_child".to_string()
}

#[test]
#[ignore = "a child process of the tests in this module"]
fn late_child() {
    if std::env::var(SCENARIO_VAR).is_err() {
        return;
    }
    print!("{BEGIN}");
    scenario_late_heap_defers();
    println!("{END}");
}

#[test]
fn heap_defers_after_the_threads_teardown_leave_nothing_in_its_closed_cache() {
    // The records such a destructor takes are freed when it gives them back; before the fix,
    // the refill moved half a cache from the global pool into the closed cache, where nothing
    // ever freed them (valgrind runs this scenario too, `examples/teardown.rs`).
    let (status, out) = run_bounded(&late_child_test(), "late", Duration::from_secs(60));
    let status = status.unwrap_or_else(|| panic!("the child hung:\n{out}"));
    assert!(status.success(), "{status}\n{out}");
    assert_eq!(
        section(&out),
        "late: sum 10, thread cache 0\njoined\n",
        "{out}"
    );
}
