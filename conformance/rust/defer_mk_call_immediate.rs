// Port of go/defer_mk_call_immediate.go (item 5): `defer mk()()` calls mk at the defer
// statement and defers the function it returns.
// Port choices: mk returns a boxed closure (Go's `func()` value).

fn mk(tag: &'static str) -> Box<dyn Fn()> {
    println!("mk called with {tag}");
    Box::new(move || println!("made function runs: {tag}"))
}

#[godefer::func]
fn f() {
    defer!(mk("first")());
    println!("body after first defer");
    defer!(mk("second")());
    println!("body ends");
}

pub fn main() {
    f();
}
