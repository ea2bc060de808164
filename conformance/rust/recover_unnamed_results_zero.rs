// Port of go/recover_unnamed_results_zero.go (item 16): after a recovered panic, unnamed results
// are the zero values.
// Port choices: the results `(int, string, bool)` are a tuple; `%q` of a string is `{:?}`.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f() -> (i64, String, bool) {
    defer!(|| println!("recovered: {}", show(godefer::recover())));
    let x = 5;
    if x > 0 {
        panic!("p");
    }
    (x, "never".to_string(), true)
}

pub fn main() {
    let (n, s, ok) = f();
    println!("{n} {s:?} {ok}");
}
