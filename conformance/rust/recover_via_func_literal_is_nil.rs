// Port of go/recover_via_func_literal_is_nil.go (item 17): recover called from a function
// literal that the deferred function calls returns nil; the panic goes on to the next deferred
// call.
// Port choices: the function literal `func() interface{} { return recover() }` is a local
// `#[godefer::func]` function, so godefer sees it as a function of its own called by the
// deferred closure (a plain Rust closure or helper without `defer!` would recover: a documented
// difference from Go). Go's `interface{}` is `Option<godefer::Panic>`.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f() {
    defer!(|| println!("direct {}", show(godefer::recover())));
    defer!(|| {
        #[godefer::func]
        fn literal() -> Option<godefer::Panic> {
            godefer::recover()
        }
        let r = literal();
        println!("via literal {}", show(r));
    });
    panic!("P");
}

pub fn main() {
    f();
    println!("main continues");
}
