//! Nothing here: `tests/ui.rs` holds godefer's compile-fail tests (one mistake per file in
//! `tests/ui/`, with the compiler's error in its `.stderr`). A package of their own so that
//! `cargo run --example tour` in godefer does not build trybuild.
