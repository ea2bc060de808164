//! `conformance-ports NAME STRATEGY` runs the Rust port of the Go conformance program NAME
//! (`conformance/rust/NAME.rs`) with every `#[godefer::func]` in it using at least STRATEGY
//! (`open-coded`, `frame` or `heap`). The port runs in this process, on the main thread, so an
//! unrecovered panic ends it as it would end the port built on its own (status 101).
//!
//! `conformance-ports --list` prints the names of the ports built in, one a line.

use std::process::ExitCode;

/// One port: its name and its `main` under each of [`STRATEGIES`].
struct Case {
    name: &'static str,
    mains: [fn(); 6],
}

/// The strategy names, in the order of [`Case::mains`].
const STRATEGIES: [&str; 6] = [
    "open-coded",
    "frame",
    "heap",
    "async-open-coded",
    "async-frame",
    "async-heap",
];

mod cases {
    use super::Case;
    include!(concat!(env!("OUT_DIR"), "/cases.rs"));
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag] if flag == "--list" => {
            for case in cases::CASES {
                println!("{}", case.name);
            }
            ExitCode::SUCCESS
        }
        [name, strategy] => {
            let Some(case) = cases::CASES.iter().find(|c| c.name == name) else {
                eprintln!("conformance-ports: no port named {name:?}");
                return ExitCode::from(64);
            };
            let Some(i) = STRATEGIES.iter().position(|s| s == strategy) else {
                eprintln!(
                    "conformance-ports: unknown strategy {strategy:?} (want one of {})",
                    STRATEGIES.join(", ")
                );
                return ExitCode::from(64);
            };
            (case.mains[i])();
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: conformance-ports NAME ([async-](open-coded|frame|heap))\n       conformance-ports --list");
            ExitCode::from(64)
        }
    }
}
