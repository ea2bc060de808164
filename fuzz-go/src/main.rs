//! `fuzz-go --seed S --count N [--start K] [--out DIR] [--strategy all|open-coded|frame|heap]
//! [--jobs J] [--target-dir DIR] [--batch B] [--skip-documented-differences] [--godefer DIR]`: generates programs
//! `K..K+N` of seed `S` as Go and as Rust (godefer); by batches of B programs (100 by default:
//! rustc needs about 1 GB per 100 programs), builds the Go programs of the batch as one binary
//! and the Rust programs as one crate, runs each program on both sides (the Rust side once per
//! strategy) and compares stdout and exit status.
//!
//! `fuzz-go --seed S --print K` prints program K of seed S (Go, then Rust) and exits.
//!
//! The Rust programs depend on the godefer of this repository, or of `--godefer DIR` (a copy, e.g.
//! `git archive HEAD | tar -x -C DIR`, to test a fixed version while the repository changes).
//!
//! Exit status: 0 if every program agreed, 1 on any mismatch, 2 on a usage or build error.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fuzz_go::{program, program_seed, render_go, render_rust, unified_diff, Limits, Program};

/// (CLI name, Rust module, the `use` that forces the strategy)
const STRATEGIES: [(&str, &str, &str); 3] = [
    ("open-coded", "open_coded", ""),
    (
        "frame",
        "frame",
        "use ::godefer::__private::as_frame as godefer;",
    ),
    (
        "heap",
        "heap",
        "use ::godefer::__private::as_heap as godefer;",
    ),
];

/// How long one program may run.
const TIMEOUT: Duration = Duration::from_secs(20);

struct Args {
    seed: u64,
    count: usize,
    start: usize,
    out: Option<PathBuf>,
    strategies: Vec<usize>,
    jobs: usize,
    target_dir: Option<PathBuf>,
    batch: usize,
    godefer: Option<PathBuf>,
    print: Option<usize>,
    avoid_known_bugs: bool,
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: fuzz-go --seed S --count N [--start K] [--out DIR] \
         [--strategy all|open-coded|frame|heap] [--jobs J] [--target-dir DIR] \
         [--batch B] [--skip-documented-differences] [--godefer DIR]\n       \
         fuzz-go --seed S --print K"
    );
    ExitCode::from(2)
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        seed: 1,
        count: 100,
        start: 0,
        out: None,
        strategies: vec![0, 1, 2],
        jobs: 2,
        target_dir: None,
        batch: 100,
        godefer: None,
        print: None,
        avoid_known_bugs: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} wants a value"));
        let num = |v: String| v.parse::<u64>().map_err(|e| format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--seed" => a.seed = num(value()?)?,
            "--count" => a.count = num(value()?)? as usize,
            "--start" => a.start = num(value()?)? as usize,
            "--jobs" => a.jobs = (num(value()?)? as usize).max(1),
            "--skip-documented-differences" => a.avoid_known_bugs = true,
            "--batch" => a.batch = (num(value()?)? as usize).max(1),
            "--print" => a.print = Some(num(value()?)? as usize),
            "--out" => a.out = Some(PathBuf::from(value()?)),
            "--godefer" => a.godefer = Some(PathBuf::from(value()?)),
            "--target-dir" => a.target_dir = Some(PathBuf::from(value()?)),
            "--strategy" => {
                let v = value()?;
                a.strategies = if v == "all" {
                    vec![0, 1, 2]
                } else {
                    let i = STRATEGIES
                        .iter()
                        .position(|s| s.0 == v)
                        .ok_or(format!("unknown strategy {v:?}"))?;
                    vec![i]
                };
            }
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    Ok(a)
}

/// The repository: the parent of this package's directory.
fn repo_root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let manifest = manifest.canonicalize().unwrap_or(manifest);
    manifest
        .parent()
        .expect("fuzz-go is in the repository")
        .to_path_buf()
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// What one run printed and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Outcome {
    stdout: String,
    /// `exit 0`, `exit 101`, `signal 6`, `timeout`...
    status: String,
    stderr: String,
}

fn run(mut cmd: Command) -> Outcome {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Outcome {
                stdout: String::new(),
                status: format!("spawn failed: {e}"),
                stderr: String::new(),
            }
        }
    };
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let started = Instant::now();
    let mut pause = Duration::from_micros(200);
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break describe(st),
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break "timeout".to_string();
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            Err(e) => break format!("wait failed: {e}"),
        }
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    Outcome {
        stdout,
        status,
        stderr,
    }
}

fn describe(st: std::process::ExitStatus) -> String {
    if let Some(c) = st.code() {
        return format!("exit {c}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(s) = st.signal() {
            return format!("signal {s}");
        }
    }
    "killed".to_string()
}

/// Runs a build command, echoing its output only if it fails.
fn build(mut cmd: Command, what: &str) -> Result<Duration, String> {
    let t = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(60).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "{what} failed ({}):\n{}\n{}",
            describe(out.status),
            String::from_utf8_lossy(&out.stdout),
            tail.join("\n")
        ));
    }
    Ok(t.elapsed())
}

fn go_sources(dir: &Path, progs: &[(usize, Program)]) -> Result<(), String> {
    write(&dir.join("go.mod"), "module fuzzprogs\n\ngo 1.19\n")?;
    let mut main = String::from(
        "package main\n\nimport (\n\t\"os\"\n\t\"strconv\"\n)\n\nvar progs = map[int]func(){\n",
    );
    for (k, p) in progs {
        write(&dir.join(format!("p{k}.go")), &render_go(p, Some(*k)))?;
        main.push_str(&format!("\t{k}: p{k}_main,\n"));
    }
    main.push_str(
        "}\n\n// progs K runs program K.\nfunc main() {\n\tk, err := strconv.Atoi(os.Args[1])\n\
         \tf, ok := progs[k]\n\tif err != nil || !ok {\n\t\tos.Exit(64)\n\t}\n\tf()\n}\n",
    );
    write(&dir.join("main.go"), &main)
}

fn rust_sources(
    dir: &Path,
    repo: &Path,
    progs: &[(usize, Program)],
    strategies: &[usize],
) -> Result<(), String> {
    let manifest = format!(
        "[package]\nname = \"progs\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ngodefer = {{ path = {:?} }}\n\n\
         [profile.dev]\ndebug = false\nincremental = false\n\n\
         # Not part of any enclosing workspace.\n[workspace]\n",
        repo.to_str().ok_or("the repository path is not UTF-8")?
    );
    write(&dir.join("Cargo.toml"), &manifest)?;
    // The repository's lock file: the same dependency versions, and no registry access needed.
    if let Ok(lock) = fs::read_to_string(repo.join("Cargo.lock")) {
        if !dir.join("Cargo.lock").exists() {
            write(&dir.join("Cargo.lock"), &lock)?;
        }
    }
    let mut main = String::from(
        "//! progs STRATEGY K runs program K with every `#[godefer::func]` using at least \
         STRATEGY.\n#![allow(warnings)]\n\n",
    );
    for (k, p) in progs {
        write(
            &dir.join(format!("src/progs/p{k}.rs")),
            &render_rust(p, false),
        )?;
    }
    for &s in strategies {
        let (_, module, forcing) = STRATEGIES[s];
        main.push_str(&format!("mod {module} {{\n"));
        for (k, _) in progs {
            main.push_str(&format!(
                "    pub mod p{k} {{ {forcing} include!(\"progs/p{k}.rs\"); }}\n"
            ));
        }
        main.push_str("    pub fn run(k: usize) -> bool {\n        match k {\n");
        for (k, _) in progs {
            main.push_str(&format!("            {k} => p{k}::main(),\n"));
        }
        main.push_str("            _ => return false,\n        }\n        true\n    }\n}\n\n");
    }
    main.push_str(
        "fn main() {\n    let args: Vec<String> = std::env::args().collect();\n    \
         let k: usize = args[2].parse().expect(\"a program number\");\n    \
         let ok = match args[1].as_str() {\n",
    );
    for &s in strategies {
        let (name, module, _) = STRATEGIES[s];
        main.push_str(&format!("        {name:?} => {module}::run(k),\n"));
    }
    main.push_str(
        "        _ => false,\n    };\n    if !ok {\n        std::process::exit(64);\n    }\n}\n",
    );
    write(&dir.join("src/main.rs"), &main)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("fuzz-go: {e}");
            return usage();
        }
    };
    let limits = Limits {
        avoid_known_bugs: args.avoid_known_bugs,
        ..Limits::default()
    };
    if let Some(k) = args.print {
        let p = program(program_seed(args.seed, k as u64), &limits);
        println!("// ---- Go ----\n{}", render_go(&p, None));
        println!("// ---- Rust ----\n{}", render_rust(&p, true));
        return ExitCode::SUCCESS;
    }
    match campaign(&args, &limits) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("fuzz-go: {e}");
            ExitCode::from(2)
        }
    }
}

/// Time spent, summed over the batches.
#[derive(Default)]
struct Times {
    gen: Duration,
    go: Duration,
    rust: Duration,
    run: Duration,
}

/// Runs the campaign; returns the number of mismatching programs.
fn campaign(args: &Args, limits: &Limits) -> Result<usize, String> {
    let t0 = Instant::now();
    let repo = match &args.godefer {
        Some(dir) => dir
            .canonicalize()
            .map_err(|e| format!("--godefer {}: {e}", dir.display()))?,
        None => repo_root(),
    };
    let target_base = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let target_dir = args
        .target_dir
        .clone()
        .unwrap_or_else(|| target_base.join("fuzz-go-progs"));
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| target_base.join("fuzz-go-work"));
    fs::create_dir_all(&out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    let out = out.canonicalize().map_err(|e| e.to_string())?;
    // Leftovers of an earlier campaign in the same directory.
    for entry in fs::read_dir(&out).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == "go" || name.starts_with("mismatch-") {
            fs::remove_dir_all(&path).map_err(|e| format!("removing {}: {e}", path.display()))?;
        }
    }

    let mut times = Times::default();
    let mut mismatches = 0;
    let mut lines = 0;
    let mut runs = 0;
    let end = args.start + args.count;
    let mut first = args.start;
    while first < end {
        let last = (first + args.batch).min(end);
        let t = Instant::now();
        let progs: Vec<(usize, Program)> = (first..last)
            .map(|k| (k, program(program_seed(args.seed, k as u64), limits)))
            .collect();
        times.gen += t.elapsed();
        let (m, l, r) = batch(args, &repo, &out, &target_dir, &progs, &mut times)?;
        mismatches += m;
        lines += l;
        runs += r;
        first = last;
    }
    println!(
        "fuzz: {} programs from seed {}, {} mismatches",
        args.count, args.seed, mismatches
    );
    println!(
        "fuzz: {} runs ({} strategies), {} lines of Go output compared; generate {:.1}s, \
         go build {:.1}s, cargo build {:.1}s, run {:.1}s, total {:.1}s; files in {}",
        runs,
        args.strategies.len(),
        lines,
        times.gen.as_secs_f64(),
        times.go.as_secs_f64(),
        times.rust.as_secs_f64(),
        times.run.as_secs_f64(),
        t0.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(mismatches)
}

/// Builds and runs one batch of programs (one Go binary, one Rust crate); returns the number of
/// mismatching programs, the lines Go printed and the number of runs.
fn batch(
    args: &Args,
    repo: &Path,
    out: &Path,
    target_dir: &Path,
    progs: &[(usize, Program)],
    times: &mut Times,
) -> Result<(usize, usize, usize), String> {
    let t = Instant::now();
    let go_dir = out.join("go");
    let rust_dir = out.join("rust");
    let _ = fs::remove_dir_all(&go_dir);
    let _ = fs::remove_dir_all(rust_dir.join("src"));
    go_sources(&go_dir, progs)?;
    rust_sources(&rust_dir, repo, progs, &args.strategies)?;
    times.gen += t.elapsed();

    let mut go = Command::new("go");
    go.args(["build", "-o", "progs", "."]).current_dir(&go_dir);
    times.go += build(go, "go build")?;

    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo
        .args(["build", "--quiet", "--manifest-path"])
        .arg(rust_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir)
        .env("CARGO_INCREMENTAL", "0");
    times.rust += build(cargo, "cargo build (the Rust programs)")?;
    let go_bin = go_dir.join("progs");
    let rust_bin = target_dir.join("debug/progs");

    // Every run: (program position, None = Go, Some(strategy)).
    let tasks: Vec<(usize, Option<usize>)> = (0..progs.len())
        .flat_map(|i| {
            std::iter::once((i, None)).chain(args.strategies.iter().map(move |&s| (i, Some(s))))
        })
        .collect();
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; tasks.len()]);
    let next = AtomicUsize::new(0);
    let t_run = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..args.jobs {
            scope.spawn(|| loop {
                let t = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(i, side)) = tasks.get(t) else {
                    break;
                };
                let k = progs[i].0.to_string();
                let cmd = match side {
                    None => {
                        let mut c = Command::new(&go_bin);
                        c.arg(&k);
                        c
                    }
                    Some(s) => {
                        let mut c = Command::new(&rust_bin);
                        c.arg(STRATEGIES[s].0).arg(&k).env("RUST_BACKTRACE", "0");
                        c
                    }
                };
                let o = run(cmd);
                results.lock().unwrap()[t] = Some(o);
            });
        }
    });
    times.run += t_run.elapsed();
    let results: Vec<Outcome> = results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|o| o.expect("every run done"))
        .collect();

    let per = 1 + args.strategies.len();
    let mut mismatches = 0;
    let mut lines = 0usize;
    for (i, (k, p)) in progs.iter().enumerate() {
        let go = &results[i * per];
        lines += go.stdout.lines().count();
        let mut bad = Vec::new();
        for (j, &s) in args.strategies.iter().enumerate() {
            let rs = &results[i * per + 1 + j];
            if rs.stdout != go.stdout || rs.status != go.status || go.status != "exit 0" {
                bad.push((s, rs));
            }
        }
        if bad.is_empty() {
            continue;
        }
        mismatches += 1;
        let dir = out.join(format!("mismatch-{k}"));
        write(&dir.join("main.go"), &render_go(p, None))?;
        write(&dir.join("main.rs"), &render_rust(p, true))?;
        write(&dir.join("go.out"), &go.stdout)?;
        write(
            &dir.join("go.status"),
            &format!("{}\n{}", go.status, go.stderr),
        )?;
        let mut names = Vec::new();
        for (s, rs) in bad {
            let name = STRATEGIES[s].0;
            names.push(name);
            write(&dir.join(format!("rust-{name}.out")), &rs.stdout)?;
            write(
                &dir.join(format!("rust-{name}.status")),
                &format!("{}\n{}", rs.status, rs.stderr),
            )?;
            let mut diff = unified_diff(
                &go.stdout,
                &rs.stdout,
                "go.out",
                &format!("rust-{name}.out"),
            );
            if rs.status != go.status {
                diff.push_str(&format!("exit: go {}, rust {}\n", go.status, rs.status));
            }
            write(&dir.join(format!("{name}.diff")), &diff)?;
        }
        println!(
            "mismatch: program {k} (seed {}, {}): {}",
            args.seed,
            names.join(", "),
            dir.display()
        );
    }
    Ok((mismatches, lines, tasks.len()))
}
