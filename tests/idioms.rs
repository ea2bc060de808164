//! The defer/recover idioms of Go's standard library that issue 13 started from, written as a
//! Rust user writes them with godefer (no `zero =`, no `move`, no helper types), each checked
//! for what it does, under each strategy:
//!
//! | Go idiom (where) | godefer | the Rust twin without godefer |
//! |---|---|---|
//! | recover into `err` (`encoding/json`'s `d.unmarshal`) | a `\|ret\|` closure sets the `Err` | `catch_unwind`, then map the payload |
//! | re-panic what is not ours (`encoding/json`, `go/parser`) | `p.resume()` or `panic_any(p)` | `resume_unwind(payload)` |
//! | `defer errRecover(&err)` (`text/template`) | `defer!(\|ret\| err_recover(ret))` | `catch_unwind` around the body |
//! | `defer p.catchPanic(arg, verb)` (`fmt`) | `defer!(self.catch_panic(arg, verb))` in a `&mut self` method | `catch_unwind`, the method after it |
//! | bailout (`go/parser`'s `parseFile`) | recover a marker type, sort the errors after | `catch_unwind` + `downcast` |
//! | `defer tx.rollback()` unless committed (`database/sql`) | `defer!(tx.rollback())`, `tx` used by the body | `scopeguard::guard(tx, ..)`, used through the guard, defused with `into_inner` on commit |
//! | `defer release(err)` (`database/sql`) | `defer!(\|\| release(&err))`: reads `err` at exit | a guard cannot read a local the body assigns later: a `Cell` |
//! | close and merge the error (`os`, `io` users) | `defer!(\|ret\| ..)` flushes `f`, which the body wrote to | a `flush()` on every return path (a guard cannot change the result) |
//! | `defer trace.StartRegion(ctx, "x").End()` (`runtime/trace`) | `defer!(start_region("x").end())`: the region starts at the `defer!` | `let _r = start_region("x");` with a `Drop` |
//! | `defer wg.Done()` (`sync`) | `defer!(wg.done())` | a guard over `&wg` |
//! | defers in a loop (`for f := range files { defer f.Close() }`) | `defer!` in the loop: all run at the function's end | a `Vec` of guards, or a guard over a `Vec` |
//!
//! The "before" of the issue (4 better, 2 equal, 7 worse than the twins) came from the first
//! lowering, which captured every deferred closure and receiver at the `defer!`: `tx.rollback()`
//! borrowed `tx` across the body, a closure could not read `ok` or `err` as the body left them,
//! and `io::Result<()>` needed `zero =`. Each case below is one of those programs.

use std::cell::{Cell, RefCell};
use std::io::{self, Write};
use std::panic::{catch_unwind, panic_any, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

mod common;
use common::*;

/// `encoding/json`'s error type, raised with `panic_any` deep in the decoder.
#[derive(Debug)]
struct JsonError(String);

/// `go/parser`'s bailout marker.
struct Bailout;

/// A transaction: `rollback` takes `&self`, `exec` and `commit` take `&mut self`.
struct Tx {
    done: bool,
    log: Vec<&'static str>,
}

impl Tx {
    fn rollback(&self) {
        if self.done {
            p("no rollback");
        } else {
            p(format!("rollback {:?}", self.log));
        }
    }
}

/// `runtime/trace`'s region: started when made, ended by `end`.
struct Region(&'static str);

fn start_region(name: &'static str) -> Region {
    p(format!("start {name}"));
    Region(name)
}

impl Region {
    fn end(self) {
        p(format!("end {}", self.0));
    }
}

/// `sync.WaitGroup`'s `Done`, counted.
struct WaitGroup(AtomicUsize);

impl WaitGroup {
    fn done(&self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

macro_rules! cases {
    () => {
        /// `encoding/json`: the decoder panics with its own error type; `unmarshal` recovers it
        /// into its error result and lets anything else go on.
        #[godefer::func]
        fn unmarshal(input: &str) -> Result<u32, String> {
            defer!(|ret: &mut Result<u32, String>| {
                if let Some(p) = godefer::recover() {
                    match p.downcast::<JsonError>() {
                        Ok(e) => *ret = Err(e.0),
                        Err(p) => p.resume(),
                    }
                }
            });
            match input {
                "bad" => panic_any(JsonError("invalid character 'b'".to_string())),
                "bug" => panic!("index out of range"),
                _ => Ok(input.len() as u32),
            }
        }

        #[test]
        fn json_recovers_its_error_into_the_result_and_repanics_the_rest() {
            assert_eq!(unmarshal("12"), Ok(2));
            assert_eq!(unmarshal("bad"), Err("invalid character 'b'".to_string()));
            let bug = catch_unwind(|| unmarshal("bug")).unwrap_err();
            assert_eq!(payload_msg(&*bug), "index out of range"); // the original payload
        }

        /// `text/template`'s `errRecover(errp *error)`, deferred by every entry point.
        fn err_recover(ret: &mut Result<String, String>) {
            if let Some(p) = godefer::recover() {
                match p.message() {
                    Some(m) if m.starts_with("template:") => *ret = Err(m.to_string()),
                    _ => panic_any(p), // Go's `panic(e)`: the original panic goes on
                }
            }
        }

        #[godefer::func]
        fn execute(name: &str) -> Result<String, String> {
            defer!(|ret| err_recover(ret));
            if name.is_empty() {
                panic!("template: no template name");
            }
            if name == "nil" {
                panic!("nil map");
            }
            Ok(format!("<{name}>"))
        }

        #[test]
        fn template_err_recover_is_a_helper_the_deferred_closure_calls() {
            assert_eq!(execute("x"), Ok("<x>".to_string()));
            assert_eq!(execute(""), Err("template: no template name".to_string()));
            let other = catch_unwind(|| execute("nil")).unwrap_err();
            assert_eq!(payload_msg(&*other), "nil map");
        }

        /// A printer whose verbs may panic (`fmt`'s `pp`): one per strategy's module.
        struct Printer {
            out: String,
        }

        impl Printer {
            /// `fmt`'s `catchPanic`: a verb's panic becomes text in the output.
            fn catch_panic(&mut self, arg: &str, verb: char) {
                if let Some(p) = godefer::recover() {
                    let msg = p.message().unwrap_or("?").to_string();
                    self.out.push_str(&format!("%!{verb}(PANIC={arg}: {msg})"));
                }
            }

            /// A `&mut self` method that defers a method of `self` and goes on using `self`.
            #[godefer::func]
            fn print_arg(&mut self, arg: &str, verb: char) {
                defer!(self.catch_panic(arg, verb));
                self.out.push('[');
                if arg == "nil" {
                    panic!("nil pointer dereference");
                }
                self.out.push_str(arg);
                self.out.push(']');
            }
        }

        #[test]
        fn fmt_catch_panic_is_a_method_on_self_the_body_keeps_using() {
            let mut pr = Printer { out: String::new() };
            pr.print_arg("a", 'v');
            pr.print_arg("nil", 's');
            assert_eq!(pr.out, "[a][%!s(PANIC=nil: nil pointer dereference)");
        }

        /// `go/parser`: errors are collected; too many bail out with a marker panic, which the
        /// entry point recovers before it sorts and returns what it has.
        #[godefer::func]
        fn parse_file(src: &str, max: usize) -> Result<(), Vec<String>> {
            let mut errors: Vec<String> = Vec::new();
            defer!(|ret: &mut Result<(), Vec<String>>| {
                if let Some(p) = godefer::recover() {
                    if !p.is::<Bailout>() {
                        p.resume();
                    }
                }
                errors.sort();
                if !errors.is_empty() {
                    *ret = Err(std::mem::take(&mut errors));
                }
            });
            for (i, c) in src.chars().enumerate() {
                if c == '!' {
                    errors.push(format!("{i}: unexpected !"));
                    if errors.len() >= max {
                        panic_any(Bailout);
                    }
                }
            }
            Ok(())
        }

        #[test]
        fn parser_bailout_recovers_a_marker_and_returns_the_errors_so_far() {
            assert_eq!(parse_file("ab", 2), Ok(()));
            assert_eq!(
                parse_file("a!b", 2),
                Err(vec!["1: unexpected !".to_string()])
            );
            assert_eq!(
                parse_file("!!!!", 2),
                Err(vec![
                    "0: unexpected !".to_string(),
                    "1: unexpected !".to_string()
                ])
            );
        }

        /// `database/sql`: the transaction rolls back on every path that did not commit.
        #[godefer::func]
        fn transfer(fail: bool) -> Result<(), String> {
            let mut tx = Tx {
                done: false,
                log: Vec::new(),
            };
            defer!(tx.rollback());
            tx.log.push("debit");
            if fail {
                return Err("credit failed".to_string());
            }
            tx.log.push("credit");
            tx.done = true;
            Ok(())
        }

        #[test]
        fn sql_rollback_uses_the_transaction_the_body_changed() {
            assert_eq!(transfer(false), Ok(()));
            assert_eq!(transfer(true), Err("credit failed".to_string()));
            assert_log(&["no rollback", "rollback [\"debit\"]"]);
        }

        /// `database/sql`'s `defer release(err)` in a closure: the connection goes back with
        /// the error the body ended with.
        #[godefer::func]
        fn query(released: &Cell<Option<bool>>, fail: bool) -> u32 {
            let release = |err: &Option<String>| released.set(Some(err.is_none()));
            let mut err: Option<String> = None;
            defer!(|| release(&err));
            if fail {
                err = Some("bad connection".to_string());
                return 0;
            }
            7
        }

        #[test]
        fn sql_release_reads_the_error_the_body_left() {
            let released = Cell::new(None);
            assert_eq!(query(&released, false), 7);
            assert_eq!(released.get(), Some(true));
            assert_eq!(query(&released, true), 0);
            assert_eq!(released.get(), Some(false));
        }

        /// Close and merge the error: the writer the body wrote to is flushed at exit, and a
        /// flush error becomes the result unless the body failed first. `io::Result<()>` needs
        /// no `zero =` (Go's zero value: `Ok(())`).
        #[godefer::func]
        fn save(disk: &RefCell<Vec<u8>>, full: bool, lines: &[&str]) -> io::Result<()> {
            let mut f = io::BufWriter::new(Sink(disk, full));
            defer!(|ret: &mut io::Result<()>| {
                if let Err(e) = f.flush() {
                    if ret.is_ok() {
                        *ret = Err(e);
                    }
                }
            });
            for line in lines {
                if line.is_empty() {
                    return Err(io::Error::other("empty line"));
                }
                writeln!(f, "{line}")?;
            }
            Ok(())
        }

        #[test]
        fn close_and_merge_the_error_of_the_writer_the_body_used() {
            let disk = RefCell::new(Vec::new());
            assert!(save(&disk, false, &["a", "b"]).is_ok());
            assert_eq!(disk.borrow().as_slice(), b"a\nb\n");
            let full = save(&RefCell::new(Vec::new()), true, &["a"]).unwrap_err();
            assert_eq!(full.to_string(), "disk full");
            let empty = save(&RefCell::new(Vec::new()), true, &["a", ""]).unwrap_err();
            assert_eq!(empty.to_string(), "empty line"); // the body's error wins
        }

        /// `defer trace.StartRegion(ctx, "x").End()`: the receiver is a temporary, so the region
        /// starts at the `defer!` and ends at exit.
        #[godefer::func]
        fn traced() {
            defer!(start_region("work").end());
            p("working");
        }

        #[test]
        fn trace_region_starts_at_the_defer_and_ends_at_exit() {
            traced();
            assert_log(&["start work", "working", "end work"]);
        }

        /// `defer wg.Done()` in each worker.
        #[godefer::func]
        fn worker(wg: &WaitGroup, n: u32) -> u32 {
            defer!(wg.done());
            if n == 0 {
                panic!("no work");
            }
            n * 2
        }

        #[test]
        fn wait_group_done_runs_on_every_exit() {
            let wg = WaitGroup(AtomicUsize::new(3));
            assert_eq!(worker(&wg, 1), 2);
            assert_eq!(worker(&wg, 2), 4);
            assert!(catch_unwind(AssertUnwindSafe(|| worker(&wg, 0))).is_err());
            assert_eq!(wg.0.load(Ordering::SeqCst), 0);
        }

        /// Defers in a loop run when the function returns, newest first.
        #[godefer::func]
        fn open_all(files: &[&'static str]) -> usize {
            let mut opened = 0;
            for f in files {
                p(format!("open {f}"));
                defer!(p(format!("close {f}")));
                opened += 1;
            }
            p("all open");
            opened
        }

        #[test]
        fn defers_in_a_loop_run_at_the_function_end_newest_first() {
            assert_eq!(open_all(&["a", "b", "c"]), 3);
            assert_log(&[
                "open a", "open b", "open c", "all open", "close c", "close b", "close a",
            ]);
        }
    };
}

each_strategy!(cases);
