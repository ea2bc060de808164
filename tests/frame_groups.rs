//! With frame records, adjacent top-level `defer!`s whose operands move whole into their calls
//! share one scope: their records are declared together, pushed as the `defer!`s come, and run
//! from the list after the scope, as Go's frame strategy runs its records
//! (`Emit::frame_group`). These cases pin down that nothing changes for the program: the order
//! of the deferred calls and of the drops around them, a registration that panics midway
//! through the group (the calls registered before it run, the later ones never do), a deferred
//! call of the group that panics (the older ones still run, and the oldest recovers), a value
//! moved into a grouped call (dropped when its call runs, not by an unwind), `recover` and
//! `goexit` from a grouped call, and a group followed by a scope of its own.
//!
//! Every case is written once in `cases!` and runs under each strategy: the same program and the
//! same log whether the `defer!`s are grouped (frame records), nested (open-coded) or heap
//! records.

use std::sync::Mutex;

mod common;
use common::*;

fn note(s: &'static str) {
    p(s);
}

/// `s`, or a panic while a registration evaluates it.
fn arg(s: &'static str, fail: bool) -> &'static str {
    if fail {
        p(format!("registration of {s} panics"));
        panic!("registering {s}");
    }
    s
}

/// Notes `s`, then panics if `fail`.
fn note_or_boom(s: &'static str, fail: bool) {
    p(s);
    if fail {
        panic!("from deferred {s}");
    }
}

fn note_goexit(s: &'static str) {
    p(s);
    godefer::goexit();
}

/// Notes when it is dropped, and whether by an unwind.
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

fn consume(probe: Probe) {
    p(format!("consuming {}", probe.0));
}

fn hold(guard: std::sync::MutexGuard<'_, u32>, fail: bool) {
    p(format!("holding {}", *guard));
    if fail {
        panic!("holding a guard");
    }
}

/// Sends the thread's log when dropped (also by the unwind of `goexit`).
struct Flush(std::sync::mpsc::Sender<Vec<String>>);

impl Drop for Flush {
    fn drop(&mut self) {
        let _ = self.0.send(take_log());
    }
}

macro_rules! cases {
    () => {
        /// `fail`: 0 nothing, 1 the registration of `b`, 2 the deferred call `c`, 3 the body.
        #[godefer::func]
        fn grouped(fail: u32) -> String {
            let _local = Probe("local");
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
                p("recovering closure");
            });
            defer!(note(["a"][0]));
            defer!(note(arg("b", fail == 1)));
            defer!(note_or_boom(["c"][0], fail == 2));
            defer!(note(["d"][0]));
            if fail == 3 {
                panic!("from the body");
            }
            "body".to_string()
        }

        #[test]
        fn a_group_runs_newest_first_before_the_locals_declared_before_it_drop() {
            assert_eq!(grouped(0), "None");
            assert_log(&[
                "d",
                "c",
                "b",
                "a",
                "recovering closure",
                "local dropped, unwinding: false",
            ]);
        }

        #[test]
        fn a_registration_that_panics_midway_runs_the_calls_registered_before_it_only() {
            assert_eq!(grouped(1), "Some(registering b)");
            assert_log(&[
                "registration of b panics",
                "a",
                "recovering closure",
                "local dropped, unwinding: false",
            ]);
        }

        #[test]
        fn a_grouped_call_that_panics_leaves_the_older_ones_to_run_and_recover() {
            assert_eq!(grouped(2), "Some(from deferred c)");
            assert_log(&[
                "d",
                "c",
                "b",
                "a",
                "recovering closure",
                "local dropped, unwinding: false",
            ]);
        }

        #[test]
        fn a_panicking_body_runs_the_whole_group() {
            assert_eq!(grouped(3), "Some(from the body)");
            assert_log(&[
                "d",
                "c",
                "b",
                "a",
                "recovering closure",
                "local dropped, unwinding: false",
            ]);
        }

        /// Values moved into grouped calls: each is dropped by its own call, after the newer
        /// calls ran, and a guard moved in is released by its call, panicking or not.
        #[godefer::func]
        fn moved_in(m: &Mutex<u32>, fail: bool) -> String {
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
            });
            defer!(consume(Probe("first")));
            defer!(hold(m.lock().unwrap(), fail));
            defer!(consume(Probe("third")));
            "body".to_string()
        }

        #[test]
        fn values_moved_into_grouped_calls_are_dropped_by_their_calls() {
            let m = Mutex::new(7);
            assert_eq!(moved_in(&m, false), "None");
            assert_log(&[
                "consuming third",
                "third dropped, unwinding: false",
                "holding 7",
                "consuming first",
                "first dropped, unwinding: false",
            ]);
            assert!(!m.is_poisoned());
            // The guard's call panics: the guard goes with the call's unwind (as it would in
            // a plain function call), and the older call still runs.
            assert_eq!(moved_in(&m, true), "Some(holding a guard)");
            assert_log(&[
                "consuming third",
                "third dropped, unwinding: false",
                "holding 7",
                "consuming first",
                "first dropped, unwinding: false",
            ]);
            assert!(
                m.is_poisoned(),
                "the guard was released by its call's unwind"
            );
        }

        #[godefer::func]
        fn goexit_in_group() {
            defer!(note(["a"][0]));
            defer!(note_goexit(["b"][0]));
            defer!(note(["c"][0]));
            note("body");
        }

        #[test]
        fn goexit_from_a_grouped_call_runs_the_older_ones_then_ends_the_thread() {
            let (tx, rx) = std::sync::mpsc::channel();
            let ended = godefer::spawn(move || {
                let _flush = Flush(tx);
                goexit_in_group();
                note("after the call");
            })
            .join()
            .unwrap();
            assert_eq!(ended, None);
            assert_eq!(rx.recv().unwrap(), ["body", "c", "b", "a"]);
        }

        /// A group, then code with a scope of its own (a `let` between `defer!`s ends the
        /// group), then a second group.
        #[godefer::func]
        fn two_groups(fail: bool) -> String {
            defer!(|ret: &mut String| {
                *ret = shown(godefer::recover());
            });
            defer!(note(["a"][0]));
            defer!(note(["b"][0]));
            let _between = Probe("between");
            defer!(note(["c"][0]));
            defer!(note(["d"][0]));
            if fail {
                panic!("late");
            }
            "body".to_string()
        }

        #[test]
        fn a_local_between_two_groups_drops_between_their_runs() {
            for fail in [false, true] {
                assert_eq!(two_groups(fail), if fail { "Some(late)" } else { "None" });
                assert_log(&["d", "c", "between dropped, unwinding: false", "b", "a"]);
            }
        }
    };
}

each_strategy!(cases);
