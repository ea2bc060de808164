// Port of go/deferred_results_discarded.go (item 9): the results of a deferred call are
// discarded.
// Port choices: Go's two results `(int, string)` are a tuple.

fn answer() -> i64 {
    println!("answer runs");
    42
}

fn pair() -> (i64, &'static str) {
    println!("pair runs");
    (7, "seven")
}

#[godefer::func]
fn f() -> i64 {
    defer!(answer());
    defer!(pair());
    1
}

pub fn main() {
    println!("f: {}", f());
}
