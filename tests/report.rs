//! The report of a panic: GO-SEMANTICS.md §D item 31 and the chains of §C items 26-28.
//!
//! Each scenario runs in a child process: the test binary runs itself with `--exact
//! <module>::child --ignored` and the scenario's name in `GODEFER_REPORT_SCENARIO`, with stdout
//! and stderr on one pipe (so the order of deferred output and report is the order a terminal
//! shows) or apart (to check that stderr stays empty).
//!
//! Every case is written once in `cases!` and runs under each strategy: the default choice
//! (open-coded where Go would open-code), frame records and heap records.

use std::panic::catch_unwind;
use std::process::ExitStatus;
use std::thread;

mod common;
use common::*;

const NOTE: &str = "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace";

/// Panics with a message that names its own location. Outside `cases!` so the location is this
/// line's (inside a `macro_rules!` expansion every location is the outermost invocation's).
macro_rules! located_panic {
    ($m:expr) => {
        panic!("{} @ {}:{}:{}", $m, file!(), line!(), column!())
    };
}

fn trigger() -> ! {
    located_panic!("trigger")
}

/// Panics when dropped.
struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("drop during unwinding");
    }
}

/// Prints when dropped.
struct PrintOnDrop(&'static str);

impl Drop for PrintOnDrop {
    fn drop(&mut self) {
        println!("{}", self.0);
    }
}

/// A panic value that is not a string.
struct Code(#[allow(dead_code)] u32);

/// Runs a scenario with stdout and stderr apart: (status, scenario's stdout, all of stderr).
fn run_split(test: &str, scenario: &str) -> (ExitStatus, String, String) {
    let out = child(test, scenario).output().unwrap();
    (
        out.status,
        section(&String::from_utf8(out.stdout).unwrap()),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A report's first line: `thread 'NAME' (TID) panicked at LOCATION:`.
#[derive(Debug)]
struct Header {
    thread: String,
    location: String,
}

/// Runs a scenario that catches its panic (the child exits normally) and checks it printed
/// exactly one report: the normalized text, the report's header, and the raw output.
fn one_report(test: &str, scenario: &str) -> (String, Vec<Header>, String) {
    let (status, out) = run_merged(test, scenario);
    assert!(status.success(), "{status} {out}");
    let (text, headers) = normalize(&out);
    assert_eq!(headers.len(), 1, "{out}");
    (text, headers, out)
}

/// Replaces each report header with `thread <T> panicked at <LOC>:` and returns the headers.
fn normalize(out: &str) -> (String, Vec<Header>) {
    let mut text = String::new();
    let mut headers = Vec::new();
    for line in out.lines() {
        let parsed = line
            .strip_prefix("thread ")
            .and_then(|rest| rest.split_once(" panicked at "))
            .and_then(|(thread, loc)| Some((thread, loc.strip_suffix(':')?)));
        match parsed {
            Some((thread, location)) => {
                // Drop the OS thread id: `'name' (1234)` -> `'name'`.
                let thread = match thread.rsplit_once(" (") {
                    Some((name, tid)) if tid.trim_end_matches(')').parse::<u64>().is_ok() => name,
                    _ => thread,
                };
                headers.push(Header {
                    thread: thread.to_string(),
                    location: location.to_string(),
                });
                text.push_str("thread <T> panicked at <LOC>:\n");
            }
            None => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    (text, headers)
}

macro_rules! cases {
    () => {
        /// The name of this module's `child` test, as `--exact` wants it.
        fn child_test() -> String {
            common::child_test_of(module_path!())
        }

        #[test]
        #[ignore = "the child process of this module's report tests (see the file's docs)"]
        fn child() {
            let Ok(scenario) = std::env::var(SCENARIO_VAR) else {
                return;
            };
            print!("{BEGIN}");
            match scenario.as_str() {
                "recovered" => scenario_recovered(),
                "unrecovered" => scenario_unrecovered(),
                "nested" => scenario_nested(),
                "chain" => scenario_chain(),
                "repanic" => scenario_repanic(),
                "repanic_any" => scenario_repanic_any(),
                "resume" => scenario_resume(),
                "inner_recovered" => scenario_inner_recovered(),
                "caught_between" => scenario_caught_between(),
                "thread" => scenario_thread(),
                "plain" => scenario_plain(),
                "user_hook" => scenario_user_hook(),
                "exit" => scenario_exit(),
                "drop_guard" => scenario_drop_guard(),
                "no_abort" => scenario_no_abort(),
                "any_payload" => scenario_any_payload(),
                "escapes" => scenario_escapes(),
                "note_once" => scenario_note_once(),
                "chain_frames" => scenario_chain_frames(),
                "reraise_same" => scenario_reraise_same(),
                "recovered_then_other" => scenario_recovered_then_other(),
                "caught_in_body" => scenario_caught_in_body(),
                "caught_then_other" => scenario_caught_then_other(),
                "first_frame_in_drop" => scenario_first_frame_in_drop(),
                other => panic!("unknown scenario {other}"),
            }
            println!("{END}");
        }

        // ---- A recovered panic prints nothing ----

        #[godefer::func]
        fn recovers_own() -> i32 {
            defer!(|| {
                let _ = godefer::recover();
            });
            panic!("recovered here");
        }

        #[godefer::func]
        fn dies_deep() {
            defer!(println!("deep deferred"));
            panic!("recovered two frames up");
        }

        #[godefer::func]
        fn middle() {
            defer!(|| panic!("replaced then recovered"));
            dies_deep();
        }

        #[godefer::func]
        fn recovers_from_below() {
            defer!(|| println!("top recovered {}", godefer::recover().unwrap()));
            middle();
        }

        fn scenario_recovered() {
            println!("returned {}", recovers_own());
            recovers_from_below();
        }

        #[test]
        fn d31_recovered_panic_prints_nothing() {
            let (status, out, err) = run_split(&child_test(), "recovered");
            assert!(status.success(), "{status} {err}");
            assert_eq!(out, "returned 0\ndeep deferred\ntop recovered replaced then recovered\n");
            assert_eq!(err, "");
        }

        // ---- An unrecovered panic is reported once, after the deferred calls ----

        #[godefer::func]
        fn interview() {
            defer!(println!("before"));
            defer!(println!("middle"));
            defer!(println!("after"));
            trigger();
        }

        fn scenario_unrecovered() {
            let e = catch_unwind(interview).unwrap_err();
            println!("caught {}", payload_msg(&*e).split(" @ ").next().unwrap());
        }

        #[test]
        fn d31_unrecovered_panic_reported_once_after_deferred_output() {
            let (text, headers, _) = one_report(&child_test(), "unrecovered");
            let loc = &headers[0].location;
            assert!(loc.starts_with("tests/report.rs:"), "{loc}");
            assert_eq!(
                text,
                format!(
                    "after\nmiddle\nbefore\n\nthread <T> panicked at <LOC>:\ntrigger @ {loc}\n\
                     {NOTE}\ncaught trigger\n"
                )
            );
            assert!(headers[0].thread.starts_with('\''), "{headers:?}");
        }

        #[godefer::func]
        fn nested_c() {
            defer!(println!("c"));
            for i in 0..2 {
                defer!(println!("c loop {i}"));
            }
            panic!("from c");
        }

        #[godefer::func]
        fn nested_b() {
            defer!(println!("b"));
            let _plain = PrintOnDrop("plain frame drop");
            nested_c();
        }

        #[godefer::func]
        fn nested_a() {
            defer!(println!("a"));
            nested_b();
        }

        fn scenario_nested() {
            let e = catch_unwind(nested_a).unwrap_err();
            println!("caught {}", payload_msg(&*e));
        }

        #[test]
        fn d31_one_report_after_every_frames_deferred_calls() {
            let (text, _, _) = one_report(&child_test(), "nested");
            assert_eq!(
                text,
                format!(
                    "c loop 1\nc loop 0\nc\nplain frame drop\nb\na\n\n\
                     thread <T> panicked at <LOC>:\nfrom c\n{NOTE}\ncaught from c\n"
                )
            );
        }

        // ---- 26. A chain is reported oldest first ----

        #[godefer::func]
        fn chain() {
            defer!(println!("deferred ran"));
            defer!(|| panic!("third"));
            defer!(|| panic!("second"));
            panic!("first");
        }

        fn scenario_chain() {
            let e = catch_unwind(chain).unwrap_err();
            println!("caught {}", payload_msg(&*e));
        }

        #[test]
        fn c26_unrecovered_chain_reported_oldest_first() {
            let (text, _, _) = one_report(&child_test(), "chain");
            assert_eq!(
                text,
                format!(
                    "deferred ran\n\nthread <T> panicked at <LOC>:\nthird\n\
                     this panic replaced earlier ones, oldest first:\n\
                     \tpanic: first\n\tpanic: second\n{NOTE}\ncaught third\n"
                )
            );
        }

        #[godefer::func]
        fn chain_inner() {
            defer!(|| panic!("second"));
            panic!("first");
        }

        #[godefer::func]
        fn chain_outer() {
            defer!(println!("outer deferred"));
            defer!(|| panic!("third"));
            chain_inner();
        }

        fn scenario_chain_frames() {
            let e = catch_unwind(chain_outer).unwrap_err();
            println!("caught {}", payload_msg(&*e));
        }

        #[test]
        fn c26_chain_across_frames_reported_oldest_first() {
            let (text, _, _) = one_report(&child_test(), "chain_frames");
            assert_eq!(
                text,
                format!(
                    "outer deferred\n\nthread <T> panicked at <LOC>:\nthird\n\
                     this panic replaced earlier ones, oldest first:\n\
                     \tpanic: first\n\tpanic: second\n{NOTE}\ncaught third\n"
                )
            );
        }

        #[godefer::func]
        fn recovered_then_other() {
            defer!(|| panic!("second"));
            defer!(|| {
                let _ = godefer::recover();
            });
            panic!("first");
        }

        fn scenario_recovered_then_other() {
            let e = catch_unwind(recovered_then_other).unwrap_err();
            println!("caught {}", payload_msg(&*e));
        }

        #[test]
        fn c26_panic_after_a_completed_recovery_is_reported_alone() {
            let (text, _, _) = one_report(&child_test(), "recovered_then_other");
            assert_eq!(
                text,
                format!("\nthread <T> panicked at <LOC>:\nsecond\n{NOTE}\ncaught second\n")
            );
        }

        // ---- 27. Recover, then panic again ----

        #[godefer::func]
        fn repanic() {
            defer!(|| {
                if let Some(e) = godefer::recover() {
                    panic!("second panic (after {e})");
                }
            });
            panic!("first panic");
        }

        #[godefer::func]
        fn repanic_caller() {
            defer!(println!("caller's defer"));
            repanic();
        }

        fn scenario_repanic() {
            let e = catch_unwind(repanic_caller).unwrap_err();
            println!("caught {}", payload_msg(&*e));
        }

        #[test]
        fn c27_recovered_then_repanicked_is_marked_recovered() {
            let (text, _, _) = one_report(&child_test(), "repanic");
            assert_eq!(
                text,
                format!(
                    "caller's defer\n\nthread <T> panicked at <LOC>:\n\
                     second panic (after first panic)\n\
                     this panic replaced earlier ones, oldest first:\n\
                     \tpanic: first panic [recovered]\n{NOTE}\n\
                     caught second panic (after first panic)\n"
                )
            );
        }

        /// Go's `if r := recover(); r != nil { panic(r) }`.
        #[godefer::func]
        fn repanic_any() {
            defer!(|| {
                if let Some(p) = godefer::recover() {
                    std::panic::panic_any(p);
                }
            });
            panic!("boom");
        }

        fn scenario_repanic_any() {
            let e = catch_unwind(repanic_any).unwrap_err();
            // The original payload, not a `godefer::Panic`.
            println!("caught {} (a &str: {})", payload_msg(&*e), e.is::<&str>());
        }

        #[test]
        fn c27_panic_any_of_a_recovered_panic_goes_on_with_the_original_payload() {
            let (text, _, _) = one_report(&child_test(), "repanic_any");
            assert_eq!(
                text,
                format!(
                    "\nthread <T> panicked at <LOC>:\nboom\n\
                     this panic replaced earlier ones, oldest first:\n\
                     \tpanic: boom [recovered]\n{NOTE}\n\
                     caught boom (a &str: true)\n"
                )
            );
        }

        #[godefer::func]
        fn resumes() {
            defer!(|| {
                if let Some(p) = godefer::recover() {
                    p.resume();
                }
            });
            panic!("resumed");
        }

        fn scenario_resume() {
            let e = catch_unwind(resumes).unwrap_err();
            println!("caught {} (a &str: {})", payload_msg(&*e), e.is::<&str>());
        }

        #[test]
        fn c27_panic_resume_goes_on_with_the_original_payload() {
            let (text, _, _) = one_report(&child_test(), "resume");
            assert_eq!(
                text,
                format!(
                    "\nthread <T> panicked at <LOC>:\nresumed\n\
                     this panic replaced earlier ones, oldest first:\n\
                     \tpanic: resumed [recovered]\n{NOTE}\n\
                     caught resumed (a &str: true)\n"
                )
            );
        }

        #[godefer::func]
        fn reraise_same() {
            defer!(|| {
                if let Some(e) = godefer::recover() {
                    std::panic::resume_unwind(e.into_payload());
                }
            });
            trigger();
        }

        fn scenario_reraise_same() {
            let e = catch_unwind(reraise_same).unwrap_err();
            println!("caught {}", payload_msg(&*e).split(" @ ").next().unwrap());
        }

        #[test]
        fn c27_recovered_and_reraised_value_is_reported_once_at_its_origin() {
            let (text, headers, out) = one_report(&child_test(), "reraise_same");
            let loc = &headers[0].location;
            assert!(loc.starts_with("tests/report.rs:"), "{out}");
            assert_eq!(
                text,
                format!(
                    "\nthread <T> panicked at <LOC>:\ntrigger @ {loc}\n\
                     this panic replaced earlier ones, oldest first:\n\
                     \tpanic: trigger @ {loc} [recovered]\n{NOTE}\ncaught trigger\n"
                )
            );
        }

        // ---- 28. A panic recovered inside a deferred call is not reported ----

        #[godefer::func]
        fn inner_recovered() {
            defer!(|| {
                let literal = || {
                    defer!(|| println!("inner recovered: {}", godefer::recover().unwrap()));
                    panic!("inner");
                };
                literal();
                println!("deferred call finished");
            });
            panic!("outer");
        }

        #[godefer::func]
        fn inner_recovered_guard() {
            defer!(println!("guard's defer runs"));
            inner_recovered();
        }

        fn scenario_inner_recovered() {
            let e = catch_unwind(inner_recovered_guard).unwrap_err();
            println!("caught {}", payload_msg(&*e));
        }

        #[test]
        fn c28_only_the_outer_panic_is_reported() {
            let (text, _, _) = one_report(&child_test(), "inner_recovered");
            assert_eq!(
                text,
                format!(
                    "inner recovered: inner\ndeferred call finished\nguard's defer runs\n\n\
                     thread <T> panicked at <LOC>:\nouter\n{NOTE}\ncaught outer\n"
                )
            );
        }

        // ---- A panic caught by user code between godefer frames is reported once ----

        #[godefer::func]
        fn inner_dies() {
            defer!(println!("inner deferred"));
            panic!("caught by user code");
        }

        #[godefer::func]
        fn outer_catches() {
            defer!(println!("outer deferred"));
            let r = catch_unwind(inner_dies);
            println!("user caught {}", r.is_err());
        }

        fn scenario_caught_between() {
            outer_catches();
            println!("after outer");
        }

        #[test]
        fn d31_panic_caught_between_frames_is_reported_once() {
            let (text, _, _) = one_report(&child_test(), "caught_between");
            let report = format!("\nthread <T> panicked at <LOC>:\ncaught by user code\n{NOTE}\n");
            let at = text.find(&report).unwrap_or_else(|| panic!("no report in {text}"));
            let without = format!("{}{}", &text[..at], &text[at + report.len()..]);
            assert_eq!(without, "inner deferred\nuser caught true\nouter deferred\nafter outer\n");
            assert!(at >= "inner deferred\n".len(), "{text}");
        }

        #[godefer::func]
        fn catches_in_body() {
            defer!(println!("deferred"));
            let r = catch_unwind(|| panic!("caught inside"));
            println!("caught {}", r.is_err());
        }

        fn scenario_caught_in_body() {
            catches_in_body();
            println!("after");
        }

        #[test]
        fn d31_panic_caught_inside_a_frame_body_is_reported_once() {
            let (text, _, _) = one_report(&child_test(), "caught_in_body");
            let report = format!("\nthread <T> panicked at <LOC>:\ncaught inside\n{NOTE}\n");
            let at = text.find(&report).unwrap_or_else(|| panic!("no report in {text}"));
            let without = format!("{}{}", &text[..at], &text[at + report.len()..]);
            assert_eq!(without, "caught true\ndeferred\nafter\n");
            assert!(at < text.find("after").unwrap(), "{text}");
        }

        #[godefer::func]
        fn catches_then_dies() {
            defer!(println!("deferred"));
            let r = catch_unwind(inner_dies);
            println!("user caught {}", r.is_err());
            panic!("later");
        }

        fn scenario_caught_then_other() {
            let e = catch_unwind(catches_then_dies).unwrap_err();
            println!("caught {}", payload_msg(&*e));
        }

        #[test]
        fn d31_caught_panic_then_unrecovered_one_two_reports_in_order() {
            let (status, out) = run_merged(&child_test(), "caught_then_other");
            assert!(status.success(), "{status} {out}");
            let (text, headers) = normalize(&out);
            assert_eq!(headers.len(), 2, "{out}");
            let first = text
                .find("\nthread <T> panicked at <LOC>:\ncaught by user code\n")
                .unwrap_or_else(|| panic!("{text}"));
            let second = text
                .find("\nthread <T> panicked at <LOC>:\nlater\n")
                .unwrap_or_else(|| panic!("{text}"));
            assert!(first < second, "{text}");
            assert!(text.find("inner deferred").unwrap() < first, "{text}");
            assert!(text.find("\ndeferred\n").unwrap() < second, "{text}");
            assert!(text.ends_with("caught later\n"), "{text}");
            assert!(!text.contains("this panic replaced"), "{text}");
        }

        #[godefer::func]
        fn safe_op() -> i32 {
            defer!(|r: &mut i32| {
                if godefer::recover().is_some() {
                    *r = -1;
                }
            });
            panic!("recovered inside drop");
        }

        struct CleanupOnDrop;

        impl Drop for CleanupOnDrop {
            fn drop(&mut self) {
                println!("cleanup returned {}", safe_op());
            }
        }

        fn scenario_first_frame_in_drop() {
            // No godefer frame ran before in this process.
            let _ = catch_unwind(|| {
                let _c = CleanupOnDrop;
                panic!("plain outer");
            });
            // The thread is no longer panicking: this first frame since installs the hook.
            println!("later returned {}", safe_op());
            println!("after");
        }

        #[test]
        fn d31_the_first_frame_ever_entered_during_unwinding_leaves_its_panics_to_the_old_hook() {
            // A panicking thread cannot install godefer's hook (`set_hook` refuses, and waiting
            // for another thread to do it can deadlock: issue 12), so the panic recovered in
            // that first frame is reported by the hook before godefer's, Rust's, as a plain
            // `catch_unwind` in a `Drop` would be. The next frame installs it: a recovered panic
            // prints nothing again.
            let (status, out) = run_merged(&child_test(), "first_frame_in_drop");
            assert!(status.success(), "{status} {out}");
            let (text, headers) = normalize(&out);
            assert_eq!(headers.len(), 2, "{out}");
            assert!(
                text.starts_with(&format!(
                    "\nthread <T> panicked at <LOC>:\nplain outer\n{NOTE}\n\
                     \nthread <T> panicked at <LOC>:\nrecovered inside drop\n"
                )),
                "{out}"
            );
            assert!(
                text.ends_with("cleanup returned -1\nlater returned -1\nafter\n"),
                "{out}"
            );
            assert_eq!(text.matches("recovered inside drop").count(), 1, "{out}");
        }

        // ---- The report names the thread ----

        #[godefer::func]
        fn worker_dies() {
            defer!(println!("worker deferred"));
            panic!("worker failed");
        }

        fn scenario_thread() {
            let e = thread::Builder::new()
                .name("worker".to_string())
                .spawn(worker_dies)
                .unwrap()
                .join()
                .unwrap_err();
            println!("joined {}", payload_msg(&*e));
        }

        #[test]
        fn d31_report_names_the_thread() {
            let (text, headers, _) = one_report(&child_test(), "thread");
            assert_eq!(headers[0].thread, "'worker'");
            assert_eq!(
                text,
                format!(
                    "worker deferred\n\nthread <T> panicked at <LOC>:\nworker failed\n{NOTE}\n\
                     joined worker failed\n"
                )
            );
        }

        // ---- Panics outside godefer frames are Rust's ----

        #[godefer::func]
        fn installs_the_hook() {
            defer!(println!("godefer ran"));
        }

        fn scenario_plain() {
            installs_the_hook();
            let _ = catch_unwind(|| {
                let _d = PrintOnDrop("unwinding");
                panic!("plain");
            });
            println!("after");
        }

        #[test]
        fn plain_panic_is_reported_by_the_normal_hook_at_once() {
            let (text, _, _) = one_report(&child_test(), "plain");
            // Reported when raised, before the unwinding it starts.
            assert_eq!(
                text,
                format!(
                    "godefer ran\n\nthread <T> panicked at <LOC>:\nplain\n{NOTE}\nunwinding\nafter\n"
                )
            );
        }

        fn scenario_user_hook() {
            std::panic::set_hook(Box::new(|info| {
                eprintln!("USER HOOK: {}", payload_msg(info.payload()));
            }));
            installs_the_hook();
            let _ = catch_unwind(|| panic!("outside"));
            println!("after");
        }

        #[test]
        fn user_hook_installed_first_still_sees_panics_outside_godefer_frames() {
            let (status, out) = run_merged(&child_test(), "user_hook");
            assert!(status.success(), "{status} {out}");
            assert_eq!(out, "godefer ran\nUSER HOOK: outside\nafter\n");
        }

        // ---- 34. `std::process::exit` runs no deferred call ----

        #[godefer::func]
        fn exits() {
            defer!(println!("deferred must not run"));
            println!("exiting");
            std::process::exit(3);
        }

        #[godefer::func]
        fn exits_outer() {
            defer!(println!("outer deferred must not run"));
            exits();
        }

        fn scenario_exit() {
            exits_outer();
        }

        #[test]
        fn e34_process_exit_runs_no_deferred_call() {
            let (status, out) = run_merged(&child_test(), "exit");
            assert_eq!(status.code(), Some(3), "{out}");
            assert_eq!(out, "exiting\n");
        }

        // ---- The payload, the exit, the backtrace ----

        #[godefer::func]
        fn any_payload() {
            defer!(println!("deferred ran"));
            std::panic::panic_any(Code(42));
        }

        fn scenario_any_payload() {
            let e = catch_unwind(any_payload).unwrap_err();
            println!("caught Code {}", e.is::<Code>());
        }

        #[test]
        fn d31_non_string_payload_is_reported_as_rust_does() {
            let (text, _, _) = one_report(&child_test(), "any_payload");
            assert_eq!(
                text,
                format!(
                    "deferred ran\n\nthread <T> panicked at <LOC>:\nBox<dyn Any>\n{NOTE}\n\
                     caught Code true\n"
                )
            );
        }

        #[godefer::func]
        fn escapes() {
            defer!(println!("deferred ran"));
            panic!("escaped");
        }

        fn scenario_escapes() {
            escapes();
        }

        #[test]
        fn d31_panic_leaving_the_test_is_reported_once_and_fails_it() {
            let (status, out) = run_merged(&child_test(), "escapes");
            assert_eq!(status.code(), Some(101), "{out}");
            let (text, headers) = normalize(&out);
            assert_eq!(headers.len(), 1, "{out}");
            let report = format!(
                "deferred ran\n\nthread <T> panicked at <LOC>:\nescaped\n{NOTE}\n"
            );
            assert!(text.starts_with(&report), "{text}");
        }

        #[test]
        fn d31_backtrace_printed_once_after_the_deferred_calls() {
            let (status, out) = run_merged_with(&child_test(), "unrecovered", "1");
            assert!(status.success(), "{status} {out}");
            let (text, headers) = normalize(&out);
            assert_eq!(headers.len(), 1, "{out}");
            assert_eq!(text.matches("stack backtrace:").count(), 1, "{out}");
            assert!(!text.contains(NOTE), "{out}");
            assert!(
                text.starts_with("after\nmiddle\nbefore\n\nthread <T> panicked at <LOC>:\n"),
                "{text}"
            );
            assert!(text.ends_with("caught trigger\n"), "{text}");
        }

        /// The frames of a backtrace: the lines that start with a frame number.
        fn frames(text: &str) -> Vec<String> {
            text.lines()
                .filter_map(|l| {
                    let (n, sym) = l.trim_start().split_once(": ")?;
                    n.bytes().all(|b| b.is_ascii_digit()).then(|| sym.to_string())
                })
                .collect()
        }

        #[test]
        fn d31_rust_backtrace_1_prints_rusts_short_form_without_godefers_frames() {
            // Three godefer functions, one a plain Rust frame in between: Rust's short form
            // shows the user's frames only (here fewer than 15; 65 before, in a debug build).
            let (status, out) = run_merged_with(&child_test(), "nested", "1");
            assert!(status.success(), "{status} {out}");
            let frames = frames(&out);
            for f in &frames {
                assert!(
                    !f.starts_with("godefer::")
                        && !f.contains("catch_unwind")
                        && !f.contains("__rust_try")
                        && !f.contains("short_backtrace"),
                    "{f} in\n{out}"
                );
            }
            for f in ["nested_c", "nested_b", "nested_a"] {
                assert!(
                    frames.iter().any(|s| s.ends_with(&format!("::{f}"))),
                    "no {f} in\n{out}"
                );
            }
            assert!(frames.len() < 15, "{} frames:\n{out}", frames.len());
            assert!(out.contains("run with `RUST_BACKTRACE=full` for a verbose backtrace"), "{out}");
        }

        #[test]
        fn d31_rust_backtrace_full_prints_every_frame() {
            let (status, out) = run_merged_with(&child_test(), "nested", "full");
            assert!(status.success(), "{status} {out}");
            let frames = frames(&out);
            assert!(frames.iter().any(|f| f.starts_with("godefer::frame::")), "{out}");
            assert!(frames.iter().any(|f| f.contains("__rust_begin_short_backtrace")), "{out}");
        }

        #[godefer::func]
        fn first_use() {
            defer!(println!("godefer in use"));
        }

        fn scenario_note_once() {
            // godefer's hook is installed by its first frame: from then on it knows when Rust's
            // hook printed the note. (A panic printed by Rust's hook before godefer's first use
            // is invisible to godefer: std's first-panic flag is private. Documented.)
            first_use();
            let _ = catch_unwind(|| panic!("plain first"));
            let _ = catch_unwind(interview);
            println!("done");
        }

        #[test]
        fn d31_backtrace_note_printed_once_per_process_as_rust_does() {
            let (status, out) = run_merged(&child_test(), "note_once");
            assert!(status.success(), "{status} {out}");
            let (_, headers) = normalize(&out);
            assert_eq!(headers.len(), 2, "{out}");
            assert_eq!(out.matches(NOTE).count(), 1, "{out}");
        }

        // ---- 25. A deferred panic during a panic never aborts; a Drop guard's does ----

        fn scenario_drop_guard() {
            let _ = catch_unwind(|| {
                let _guard = PanicOnDrop;
                panic!("first");
            });
            println!("not reached");
        }

        #[godefer::func]
        fn deferred_panic_during_panic() {
            defer!(|| panic!("deferred panic"));
            panic!("first");
        }

        fn scenario_no_abort() {
            let e = catch_unwind(deferred_panic_during_panic).unwrap_err();
            println!("survived {}", payload_msg(&*e));
        }

        #[test]
        fn c25_drop_guard_panicking_during_unwinding_aborts() {
            let (status, out) = run_merged(&child_test(), "drop_guard");
            assert!(!status.success(), "{status} {out}");
            #[cfg(unix)]
            {
                use std::os::unix::process::ExitStatusExt;
                assert_eq!(status.signal(), Some(6), "SIGABRT expected: {status} {out}");
            }
            assert!(!out.contains("not reached"), "{out}");
        }

        #[test]
        fn c25_deferred_panic_during_panic_does_not_abort() {
            let (text, _, _) = one_report(&child_test(), "no_abort");
            assert_eq!(
                text,
                format!(
                    "\nthread <T> panicked at <LOC>:\ndeferred panic\n\
                     this panic replaced earlier ones, oldest first:\n\tpanic: first\n{NOTE}\n\
                     survived deferred panic\n"
                )
            );
        }
    };
}

each_strategy!(cases);
