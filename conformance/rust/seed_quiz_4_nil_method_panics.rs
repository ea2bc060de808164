// Port of go/seed_quiz_4_nil_method_panics.go (seed 001, quiz 4): the method value t.Println is
// evaluated at the defer statement while t is still nil; assigning t afterwards does not help,
// and calling the method at exit dereferences nil: an unrecovered runtime panic.
// Port choices: the nil-able `*Test` is `Option<Rc<Test>>`; the method value `t.Println` is
// `method_value(t.clone())`, a closure holding the receiver as it is then; dereferencing nil is
// `unwrap` on `None`.

use std::rc::Rc;

#[derive(Default)]
struct Test {
    max: i64,
}

impl Test {
    fn println(&self) {
        println!("{}", self.max);
    }
}

/// Go's method value `t.Println`: the receiver is bound now.
fn method_value(t: Option<Rc<Test>>) -> impl FnOnce() {
    move || t.as_deref().unwrap().println()
}

fn defer_exec(f: impl FnOnce()) {
    println!("deferExec called");
    f();
}

#[godefer::func]
fn call() {
    let mut t: Option<Rc<Test>> = None;
    defer!(defer_exec(method_value(t.clone())));
    t = Some(Rc::new(Test::default()));
    println!("t assigned, Max = {}", t.as_ref().unwrap().max);
}

#[godefer::func]
pub fn main() {
    defer!(println!("main's defer runs"));
    call();
    println!("not reached");
}
