// Generates, into OUT_DIR/cases.rs, one module per port in `rust/` per strategy and the dispatch
// table the `conformance-ports` binary runs them from:
//
//     pub mod open_coded { pub mod NAME { include!(".../rust/NAME.rs"); } ... }
//     pub mod frame { pub mod NAME { use ::godefer::__private::as_frame as godefer; include!(..); } }
//     pub mod heap { pub mod NAME { use ::godefer::__private::as_heap as godefer; include!(..); } }
//     pub static CASES: &[Case] = &[Case { name: "NAME", mains: [open_coded::NAME::main, ..] }, ..];
//
// The `use ... as godefer` shadows the extern crate inside the module, so every
// `#[godefer::func]` of the port is the lenient attribute forcing at least that strategy.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

/// (module, the `use` that forces the strategy)
const STRATEGIES: [(&str, &str); 6] = [
    ("open_coded", ""),
    (
        "frame",
        "#[allow(unused_imports)] use ::godefer::__private::as_frame as godefer;",
    ),
    (
        "heap",
        "#[allow(unused_imports)] use ::godefer::__private::as_heap as godefer;",
    ),
    (
        "async_open_coded",
        "#[allow(unused_imports)] use ::godefer::__private::as_async as godefer;",
    ),
    (
        "async_frame",
        "#[allow(unused_imports)] use ::godefer::__private::as_async_frame as godefer;",
    ),
    (
        "async_heap",
        "#[allow(unused_imports)] use ::godefer::__private::as_async_heap as godefer;",
    ),
];

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let dir = manifest.join("rust");
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rerun-if-changed=build.rs");

    let mut cases: Vec<(String, PathBuf)> = Vec::new();
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 file name")
            .to_string();
        assert!(
            is_module_name(&name),
            "{}: a port's file name must be a lowercase Rust identifier",
            path.display()
        );
        cases.push((name, path));
    }
    cases.sort();

    let mut out = String::new();
    for (module, forcing) in STRATEGIES {
        writeln!(out, "pub mod {module} {{").unwrap();
        for (name, path) in &cases {
            writeln!(
                out,
                "    pub mod {name} {{ {forcing} include!({}); }}",
                literal(path)
            )
            .unwrap();
        }
        writeln!(out, "}}").unwrap();
    }
    writeln!(out, "pub static CASES: &[Case] = &[").unwrap();
    for (name, _) in &cases {
        let mains: Vec<String> = STRATEGIES
            .iter()
            .map(|(module, _)| format!("{module}::{name}::main"))
            .collect();
        writeln!(
            out,
            "    Case {{ name: {name:?}, mains: [{}] }},",
            mains.join(", ")
        )
        .unwrap();
    }
    writeln!(out, "];").unwrap();

    let dest = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR")).join("cases.rs");
    fs::write(&dest, out).unwrap_or_else(|e| panic!("writing {}: {e}", dest.display()));
}

fn is_module_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z' | '_'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

fn literal(path: &Path) -> String {
    format!("{:?}", path.to_str().expect("UTF-8 path"))
}
