// Port of go/every_return_path_runs_defers.go (item 8): every exit path sets the result first,
// then runs the defers.
// Port choices: the named result `s` is the returned `String`, received by the deferred closure
// as `&mut`; `s = "prime or one"; return` returns that value.

#[godefer::func]
fn classify(n: i64) -> String {
    defer!(|s: &mut String| *s = format!("[{s}]"));
    if n < 0 {
        return "negative".to_string();
    }
    if n == 0 {
        return "zero".to_string();
    }
    for i in 2..n {
        if n % i == 0 {
            return "composite".to_string();
        }
    }
    "prime or one".to_string()
}

pub fn main() {
    for n in [-5, 0, 1, 7, 9] {
        println!("{} {}", n, classify(n));
    }
}
