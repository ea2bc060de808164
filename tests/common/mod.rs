//! Helpers shared by the behaviour tests: a per-thread log of what deferred calls did, and the
//! runner of scenarios that need a process of their own (the panic report, hooks, exits).

// Each test file uses a part of this module.
#![allow(dead_code)]

use std::any::Any;
use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::process::{Command, ExitStatus};

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Appends to this thread's log (every test runs on a thread of its own).
pub fn p(s: impl ToString) {
    LOG.with(|l| l.borrow_mut().push(s.to_string()));
}

pub fn take_log() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

#[track_caller]
pub fn assert_log(expected: &[&str]) {
    assert_eq!(take_log(), expected);
}

/// The message of a `&str` or `String` panic payload.
pub fn payload_msg(e: &(dyn Any + Send)) -> String {
    if let Some(s) = e.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = e.downcast_ref::<String>() {
        s.clone()
    } else {
        "<not a string>".to_string()
    }
}

/// What a `recover()` returned, for the log.
pub fn shown(r: Option<godefer::Panic>) -> String {
    match r {
        Some(p) => format!("Some({p})"),
        None => "None".to_string(),
    }
}

/// The variable naming the scenario a child process runs.
pub const SCENARIO_VAR: &str = "GODEFER_TEST_SCENARIO";
/// Printed by a child before and after its scenario.
pub const BEGIN: &str = "<<<BEGIN>>>\n";
pub const END: &str = "<<<END>>>";

/// The name of the `child` test of the module at `module_path` (its `module_path!()`), as
/// `--exact` wants it: without the crate's name.
pub fn child_test_of(module_path: &str) -> String {
    let module = module_path.split_once("::").map_or(module_path, |(_, m)| m);
    format!("{module}::child")
}

/// The child process for `scenario` of the module whose `#[ignore]`d `child` test is `test`.
pub fn child(test: &str, scenario: &str) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([
        "--exact",
        test,
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(SCENARIO_VAR, scenario)
    .env("RUST_BACKTRACE", "0")
    .env_remove("RUST_LIB_BACKTRACE");
    c
}

/// What a child printed between the markers (to the end if it did not reach the end marker).
pub fn section(out: &str) -> String {
    let Some(at) = out.find(BEGIN) else {
        panic!("the child did not run the scenario:\n{out}");
    };
    let rest = &out[at + BEGIN.len()..];
    match rest.find(END) {
        Some(end) => rest[..end].to_string(),
        None => rest.to_string(),
    }
}

/// Runs a scenario with stdout and stderr on one pipe: its status and what it printed.
pub fn run_merged(test: &str, scenario: &str) -> (ExitStatus, String) {
    run_merged_with(test, scenario, "0")
}

/// As [`run_merged`], with `RUST_BACKTRACE` set to `backtrace`.
pub fn run_merged_with(test: &str, scenario: &str, backtrace: &str) -> (ExitStatus, String) {
    let (mut reader, writer) = std::io::pipe().unwrap();
    let mut cmd = child(test, scenario);
    cmd.env("RUST_BACKTRACE", backtrace);
    cmd.stdout(writer.try_clone().unwrap()).stderr(writer);
    let mut proc = cmd.spawn().unwrap();
    drop(cmd); // closes this process's write ends
    let mut out = String::new();
    reader.read_to_string(&mut out).unwrap();
    let status = proc.wait().unwrap();
    (status, section(&out))
}

/// Instantiates a file's cases (a `macro_rules!` named `$cases`) once per strategy: the
/// default choice (`open_coded`), at least frame records (`frame`) and heap records (`heap`).
macro_rules! each_strategy {
    ($cases:ident) => {
        mod open_coded {
            use super::*;
            $cases!();
        }

        mod frame {
            use super::*;
            use godefer::__private::as_frame as godefer;
            $cases!();
        }

        mod heap {
            use super::*;
            use godefer::__private::as_heap as godefer;
            $cases!();
        }
    };
}
pub(crate) use each_strategy;

/// A `Write` into a buffer whose flush fails with "disk full" when `.1` is set.
pub struct Sink<'a>(pub &'a RefCell<Vec<u8>>, pub bool);

impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        if self.1 {
            Err(io::Error::other("disk full"))
        } else {
            Ok(())
        }
    }
}
