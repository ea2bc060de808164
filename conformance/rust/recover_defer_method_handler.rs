// Port of go/recover_defer_method_handler.go (items 17, 6): a deferred method call whose method
// calls recover directly recovers; the receiver was fixed at the defer statement.
// Port choices: Go's `*Guard` is `Rc<Guard>`; the pointer receiver evaluated at the defer
// statement is `Rc::clone(&g)` evaluated at the `defer!`. The method is a `#[godefer::func]`, the
// deferred function itself.

use std::rc::Rc;

struct Guard {
    name: String,
}

impl Guard {
    #[godefer::func]
    fn handle(&self) {
        if let Some(r) = godefer::recover() {
            println!("{} recovered: {r}", self.name);
        }
    }
}

#[godefer::func]
fn f() {
    let mut g = Rc::new(Guard {
        name: "guard one".to_string(),
    });
    defer!(Rc::clone(&g).handle());
    g = Rc::new(Guard {
        name: "guard two".to_string(),
    });
    println!("current guard is {}", g.name);
    panic!("method");
}

pub fn main() {
    f();
    println!("main continues");
}
