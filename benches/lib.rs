//! Nothing here: the benchmarks are the `[[bench]]` targets beside this file (`defer.rs`,
//! `alloc_check.rs`, `panic_ratio.rs`, `steadiness.rs`), run by `bash benches/compare`.
