// Port of go/goexit_runs_defers.go (item 35): `godefer::goexit()` runs the thread's deferred
// calls, innermost first, and ends it; `recover()` returns `None` in them; a panic raised by one
// and recovered by another does not cancel the Goexit; a Goexit from a deferred call of a
// panicking function abandons the panic.
// Port choices: goroutines are threads started with `godefer::spawn` and joined (Go's channel);
// the statements after `runtime.Goexit()` in `a` and `b` are left out (`goexit` returns `!`).

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn a() {
    defer!(println!("a: recover in a Goexit: {}", show(godefer::recover())));
    defer!(|| println!("a: deferred recover: {}", show(godefer::recover())));
    defer!(println!("a: deferred runs"));
    godefer::goexit();
}

#[godefer::func]
fn b() {
    defer!(println!("b: outer deferred runs"));
    defer!(|| println!("b: recovered: {}", show(godefer::recover())));
    defer!(|| panic!("b: panic during Goexit"));
    godefer::goexit();
}

#[godefer::func]
fn c() {
    defer!(println!("c: remaining deferred runs"));
    defer!(|| println!("c: recover after the Goexit: {}", show(godefer::recover())));
    defer!(|| godefer::goexit());
    panic!("c: abandoned");
}

#[godefer::func]
fn middle(f: fn()) {
    defer!(println!("middle: deferred runs"));
    f();
    println!("middle: not reached");
}

#[godefer::func]
fn goroutine(name: &'static str, f: fn()) {
    defer!(println!("{name}: goroutine's deferred runs"));
    middle(f);
    println!("{name}: not reached");
}

fn run(name: &'static str, f: fn()) {
    let ended = godefer::spawn(move || goroutine(name, f)).join();
    assert!(matches!(ended, Ok(None)), "{name} did not end by goexit");
}

pub fn main() {
    run("a", a);
    run("b", b);
    run("c", c);
    println!("main: done");
}
