//! Runs every Rust port of the Go conformance programs under each godefer strategy and compares
//! it with what Go 1.19 printed: stdout byte for byte (`expected/NAME.out`) and the exit class
//! (`expected/NAME.exit`: `normal` is status 0; `panicked`, Go's status 2, is Rust's panic
//! status 101).
//!
//! Ports of behaviours where godefer deliberately differs from Go live in `deviations/` and are
//! not run; the suite says how many there are.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_conformance-ports");
/// The three strategies, then each with every function's body run as an async frame (the
/// mechanical async translation: `godefer::__private::as_async`).
const STRATEGIES: [&str; 6] = [
    "open-coded",
    "frame",
    "heap",
    "async-open-coded",
    "async-frame",
    "async-heap",
];
/// A port taking longer than this is killed and reported.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Rust's exit status for a panic that ends `main`.
const RUST_PANIC_STATUS: i32 = 101;

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

/// The file stems in `dir` with extension `ext`, sorted.
fn stems(dir: &Path, ext: &str) -> BTreeSet<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return BTreeSet::new();
    };
    entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some(ext))
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_string())
        .collect()
}

/// The cases the suite runs: the ports in `rust/`.
fn ported() -> BTreeSet<String> {
    stems(&dir("rust"), "rs")
}

fn deviations() -> BTreeSet<String> {
    stems(&dir("deviations"), "rs")
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Exit {
    Normal,
    Panicked,
}

impl Exit {
    fn of(status: ExitStatus) -> Result<Exit, String> {
        match status.code() {
            Some(0) => Ok(Exit::Normal),
            Some(RUST_PANIC_STATUS) => Ok(Exit::Panicked),
            _ => Err(format!("{status}")),
        }
    }
}

struct Expected {
    out: Vec<u8>,
    exit: Exit,
}

fn expected(name: &str) -> Expected {
    let base = dir("expected");
    let out = fs::read(base.join(format!("{name}.out")))
        .unwrap_or_else(|e| panic!("expected/{name}.out: {e}"));
    let exit = fs::read_to_string(base.join(format!("{name}.exit")))
        .unwrap_or_else(|e| panic!("expected/{name}.exit: {e}"));
    let exit = match exit.trim() {
        "normal" => Exit::Normal,
        "panicked" => Exit::Panicked,
        other => panic!("expected/{name}.exit: unknown exit class {other:?}"),
    };
    Expected { out, exit }
}

fn command(name: &str, strategy: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args([name, strategy])
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdin(Stdio::null());
    cmd
}

/// Waits for `child`, killing it after [`TIMEOUT`]. `None` if it had to be killed.
fn wait(child: &mut Child) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waiting for a port") {
            return Some(status);
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(2));
    }
}

struct Run {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// `None` when killed after the timeout.
    status: Option<ExitStatus>,
}

fn run(name: &str, strategy: &str) -> Run {
    let mut child = command(name, strategy)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning conformance-ports");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = wait(&mut child);
    Run {
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        status,
    }
}

/// Runs `job` on every item with a few threads; returns the non-`None` results in item order.
fn parallel<T: Sync, R: Send>(items: &[T], job: impl Fn(&T) -> Option<R> + Sync) -> Vec<R> {
    let threads = thread::available_parallelism()
        .map_or(2, |n| n.get() + 1)
        .min(4);
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                if let Some(r) = job(item) {
                    results.lock().unwrap().push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// A line diff of `want` and `got` (longest common subsequence), `-` for lines only Go printed
/// and `+` for lines only the port printed, with two lines of context around each change.
fn line_diff(want: &str, got: &str) -> String {
    const MAX_LINES: usize = 2000;
    const CONTEXT: usize = 2;
    const MAX_SHOWN: usize = 80;
    let a: Vec<&str> = want.split_inclusive('\n').collect();
    let b: Vec<&str> = got.split_inclusive('\n').collect();
    let show = |s: &str| {
        let mut s = s.to_string();
        if !s.ends_with('\n') {
            s.push_str("\\ (no newline at end)\n");
        }
        s
    };
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        let first = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        return format!(
            "    ({} lines expected, {} got; first difference at line {}:)\n    - {}    + {}",
            a.len(),
            b.len(),
            first + 1,
            a.get(first).map_or("(end)\n".to_string(), |s| show(s)),
            b.get(first).map_or("(end)\n".to_string(), |s| show(s)),
        );
    }
    // lcs[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    let near_change = |k: usize| {
        let lo = k.saturating_sub(CONTEXT);
        let hi = (k + CONTEXT + 1).min(ops.len());
        ops[lo..hi].iter().any(|(c, _)| *c != ' ')
    };
    let mut out = String::new();
    let mut shown = 0;
    let mut skipped = false;
    for (k, (c, line)) in ops.iter().enumerate() {
        if !near_change(k) {
            skipped = true;
            continue;
        }
        if skipped {
            out.push_str("    ...\n");
            skipped = false;
        }
        if shown == MAX_SHOWN {
            out.push_str("    ... (diff cut)\n");
            return out;
        }
        write!(out, "    {c} {}", show(line)).unwrap();
        shown += 1;
    }
    if skipped {
        out.push_str("    ...\n");
    }
    out
}

fn summary_line(text: String) {
    // Written to the real stderr, not through the test harness's capture, so the counts show in
    // every `cargo test` run.
    let _ = writeln!(std::io::stderr(), "{text}");
}

#[test]
fn ports_match_go_under_every_strategy() {
    let cases: Vec<String> = ported().into_iter().collect();
    assert!(!cases.is_empty(), "no ports in conformance/rust");
    let jobs: Vec<(String, &str)> = cases
        .iter()
        .flat_map(|c| STRATEGIES.iter().map(move |s| (c.clone(), *s)))
        .collect();
    let failures = parallel(&jobs, |(name, strategy)| {
        let want = expected(name);
        let got = run(name, strategy);
        let mut why = Vec::new();
        let got_exit = match got.status {
            None => Err(format!("killed after {TIMEOUT:?}")),
            Some(status) => Exit::of(status),
        };
        match &got_exit {
            Ok(exit) if *exit == want.exit => {}
            Ok(exit) => why.push(format!("exit: want {:?}, got {exit:?}", want.exit)),
            Err(e) => why.push(format!("exit: want {:?}, got {e}", want.exit)),
        }
        if got.stdout != want.out {
            why.push(format!(
                "stdout differs (- Go, + port):\n{}",
                line_diff(
                    &String::from_utf8_lossy(&want.out),
                    &String::from_utf8_lossy(&got.stdout)
                )
            ));
        }
        if why.is_empty() {
            return None;
        }
        let stderr = String::from_utf8_lossy(&got.stderr);
        let mut report = format!("{name} [{strategy}]: {}\n", why.join("\n"));
        if !stderr.is_empty() {
            report.push_str("    stderr of the port:\n");
            for line in stderr.lines().take(30) {
                writeln!(report, "      {line}").unwrap();
            }
        }
        Some((name.clone(), report))
    });
    let failing_cases: BTreeSet<&String> = failures.iter().map(|(n, _)| n).collect();
    let excluded = deviations();
    summary_line(format!(
        "conformance: {} cases x {} strategies: {} cases pass under all strategies, {} fail \
         ({} failing runs); {} excluded as deviations from Go{}",
        cases.len(),
        STRATEGIES.len(),
        cases.len() - failing_cases.len(),
        failing_cases.len(),
        failures.len(),
        excluded.len(),
        if excluded.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                excluded.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        }
    ));
    if !failures.is_empty() {
        let mut report = String::new();
        for (_, r) in &failures {
            report.push_str(r);
            report.push('\n');
        }
        panic!(
            "{} of {} runs differ from Go ({} cases):\n\n{report}",
            failures.len(),
            jobs.len(),
            failing_cases.len()
        );
    }
}

/// Go's chain of panics from `expected/NAME.stderr-go`, oldest first: the `panic: ...` lines
/// before the first empty line (`[recovered]` marks kept).
fn go_chain(name: &str) -> Vec<String> {
    let path = dir("expected").join(format!("{name}.stderr-go"));
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.trim_start_matches('\t').strip_prefix("panic: "))
        .map(str::to_string)
        .collect()
}

/// The chain of panics in godefer's report (`report` starts at its `thread '...' panicked at`
/// line), oldest first: the panics it lists as replaced, then its own message.
fn rust_chain(report: &str) -> Vec<String> {
    let mut lines = report.lines().skip(1);
    let mut message = Vec::new();
    let mut earlier = Vec::new();
    for line in lines.by_ref() {
        if line.starts_with("this panic replaced earlier ones") {
            earlier.extend(
                lines
                    .by_ref()
                    .map_while(|l| l.strip_prefix("\tpanic: "))
                    .map(str::to_string),
            );
            break;
        }
        if line.starts_with("note: ") || line.starts_with("stack backtrace:") {
            break;
        }
        message.push(line);
    }
    earlier.push(message.join("\n"));
    earlier
}

/// Compares the chain godefer reports with Go's (items 26, 27). Runtime errors carry Rust's own
/// messages (item 32), so only their places in the chain are compared.
fn chain_problem(name: &str, report: &str) -> Option<String> {
    let go = go_chain(name);
    let rust = rust_chain(report);
    let same = go.len() == rust.len()
        && go.iter().zip(&rust).all(|(g, r)| {
            g == r
                || (g.starts_with("runtime error: ")
                    && g.ends_with(" [recovered]") == r.ends_with(" [recovered]"))
        });
    (!same).then(|| {
        format!(
            "the report's chain of panics differs from Go's (oldest first):\n    Go:   {go:?}\n    \
             port: {rust:?}"
        )
    })
}

/// For a panicking port, what Go guarantees about ordering: every deferred call has run (and
/// printed) before the report. With stdout and stderr going to one file, all of the port's
/// stdout comes before godefer's report, which starts with Rust's `thread '...' panicked at`
/// (after an empty line). The report must also list the chain of panics Go's report lists.
#[test]
fn panic_report_follows_deferred_output() {
    let cases: Vec<String> = ported()
        .into_iter()
        .filter(|n| expected(n).exit == Exit::Panicked)
        .collect();
    assert!(!cases.is_empty(), "no panicking cases");
    let tmp = std::env::temp_dir().join(format!("godefer-conformance-{}", std::process::id()));
    fs::create_dir_all(&tmp).unwrap();
    let jobs: Vec<(String, &str)> = cases
        .iter()
        .flat_map(|c| STRATEGIES.iter().map(move |s| (c.clone(), *s)))
        .collect();
    let failures = parallel(&jobs, |(name, strategy)| {
        let want = expected(name);
        let path = tmp.join(format!("{name}.{strategy}.both"));
        let file = File::create(&path).unwrap();
        let mut child = command(name, strategy)
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .expect("spawning conformance-ports");
        let status = wait(&mut child);
        let both = fs::read(&path).unwrap();
        let _ = fs::remove_file(&path);
        let both = String::from_utf8_lossy(&both).into_owned();
        let report_at = both.match_indices("thread '").map(|(i, _)| i).find(|&i| {
            (i == 0 || both.as_bytes()[i - 1] == b'\n')
                && both[i..].lines().next().unwrap().contains("panicked at")
        });
        let problem = match (status.map(Exit::of), report_at) {
            (Some(Ok(Exit::Panicked)), Some(at)) => {
                // Rust's report starts with an empty line.
                let before = &both[..at];
                let before = before.strip_suffix('\n').unwrap_or(before);
                let want_out = String::from_utf8_lossy(&want.out);
                if before != want_out {
                    Some(format!(
                        "the output before the report is not exactly the expected stdout \
                         (- Go's stdout, + before the report):\n{}",
                        line_diff(&want_out, before)
                    ))
                } else {
                    chain_problem(name, &both[at..])
                }
            }
            (Some(Ok(Exit::Panicked)), None) => Some("no `thread '...' panicked at` report".into()),
            (status, _) => Some(format!("did not end with a panic: {status:?}")),
        };
        problem.map(|p| {
            let mut r = format!("{name} [{strategy}]: {p}\n    combined output:\n");
            for line in both.lines().take(40) {
                writeln!(r, "      {line}").unwrap();
            }
            r
        })
    });
    let _ = fs::remove_dir(&tmp);
    assert!(
        failures.is_empty(),
        "{} of {} runs:\n\n{}",
        failures.len(),
        jobs.len(),
        failures.join("\n")
    );
}

#[test]
fn every_go_program_has_one_port() {
    let go = stems(&dir("go"), "go");
    let rust = ported();
    let dev = deviations();
    assert!(!go.is_empty(), "no Go programs in conformance/go");
    let mut problems = Vec::new();
    for name in &go {
        match (rust.contains(name), dev.contains(name)) {
            (false, false) => problems.push(format!("go/{name}.go has no rust/{name}.rs")),
            (true, true) => {
                problems.push(format!("{name} is both in rust/ and deviations/; keep one"))
            }
            _ => {}
        }
        for ext in ["out", "exit"] {
            if !dir("expected").join(format!("{name}.{ext}")).is_file() {
                problems.push(format!("go/{name}.go has no expected/{name}.{ext}"));
            }
        }
    }
    for name in rust.iter().chain(&dev) {
        if !go.contains(name) {
            problems.push(format!("{name}.rs ports no go/{name}.go"));
        }
    }
    // The binary was built from the same rust/ directory.
    let out = Command::new(BIN)
        .arg("--list")
        .output()
        .expect("conformance-ports --list");
    assert!(out.status.success(), "conformance-ports --list failed");
    let built: BTreeSet<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    if built != rust {
        problems.push(format!(
            "conformance-ports was built with {:?}, rust/ holds {:?}",
            built.symmetric_difference(&rust).collect::<Vec<_>>(),
            rust.len()
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn report_chains_are_read_as_go_lists_them() {
    let report = "thread 'main' (7) panicked at src/x.rs:1:2:\nsecond panic\n\
                  this panic replaced earlier ones, oldest first:\n\tpanic: first panic [recovered]\n\
                  note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
    assert_eq!(
        rust_chain(report),
        ["first panic [recovered]", "second panic"]
    );
    let report = "thread 'main' panicked at src/x.rs:1:2:\nouter\nstack backtrace:\n";
    assert_eq!(rust_chain(report), ["outer"]);
    assert_eq!(
        go_chain("recover_then_repanic_unrecovered"),
        ["first panic [recovered]", "second panic"]
    );
    assert_eq!(
        go_chain("panic_chain_three_unrecovered"),
        ["first", "second", "third"]
    );
}
