//! Compile-fail tests: each file in `tests/ui/` is one mistake, and its `.stderr` is the one
//! error the compiler reports for it. Regenerate with `TRYBUILD=overwrite cargo test --test ui`
//! and read every `.stderr` before committing it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
