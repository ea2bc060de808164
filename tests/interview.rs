//! Runs `examples/interview.rs`, the interview question of the seed article, and checks what a
//! terminal shows: the three deferred lines in Go's order, then the report of the panic, and
//! exit status 101.

use std::fs::File;
use std::process::{Command, Stdio};

#[test]
fn interview_prints_the_deferred_lines_then_the_report() {
    let out_path =
        std::env::temp_dir().join(format!("godefer-interview-{}.txt", std::process::id()));
    let out = File::create(&out_path).expect("create the output file");
    // stdout and stderr to one file, as both go to one terminal. The child inherits
    // CARGO_TARGET_DIR when it is set, so it reuses this build.
    let status = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", "interview"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("clone the output file"))
        .stderr(out)
        .status()
        .expect("run `cargo run --example interview`");
    let text = std::fs::read_to_string(&out_path).expect("read the output file");
    let _ = std::fs::remove_file(&out_path);

    assert_eq!(status.code(), Some(101), "exit status; output:\n{text}");

    let lines: Vec<&str> = text.lines().collect();
    let position = |from: usize, what: &dyn Fn(&str) -> bool| {
        (from..lines.len())
            .find(|&i| what(lines[i]))
            .unwrap_or_else(|| panic!("line not found after line {from}; output:\n{text}"))
    };
    let after = position(0, &|l| l == "打印后");
    let middle = position(after + 1, &|l| l == "打印中");
    let before = position(middle + 1, &|l| l == "打印前");
    let report = position(before + 1, &|l| {
        l.starts_with("thread 'main'") && l.contains("panicked at examples/interview.rs:")
    });
    let message = position(report + 1, &|l| l.contains("触发异常"));
    assert_eq!(
        message,
        report + 1,
        "the message follows the report line:\n{text}"
    );

    // Nothing of the report comes before the deferred lines, and each line prints once.
    assert!(
        !lines[..before].iter().any(|l| l.contains("panicked")),
        "the report came before a deferred line:\n{text}"
    );
    for line in ["打印后", "打印中", "打印前"] {
        assert_eq!(
            lines.iter().filter(|l| **l == line).count(),
            1,
            "{line} printed once:\n{text}"
        );
    }
}
