// Port of go/recover_in_helper_of_deferred_literal.go (items 17 and 19): a closure literal
// called in `defer!`'s call expression is Go's function literal, the deferred function itself:
// `recover` works in its body, and a `#[godefer::func]` helper it calls gets `None`.
// Port choices: Go's `fmt.Println(..., recover())` prints `<nil>` for no panic; `show` does so.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn helper(tag: String) {
    println!("{tag} helper: {}", show(godefer::recover()));
}

#[godefer::func]
fn with_argument() {
    defer!(|| println!("withArgument recovered: {}", show(godefer::recover())));
    defer!((|x: i64| helper(format!("withArgument x={x}")))(1));
    panic!("boom");
}

#[godefer::func]
fn without_argument() {
    defer!(|| println!("withoutArgument recovered: {}", show(godefer::recover())));
    defer!((|| helper("withoutArgument".to_string()))());
    panic!("boom2");
}

#[godefer::func]
fn in_the_literal() {
    defer!(|| println!("inTheLiteral later: {}", show(godefer::recover())));
    defer!((|x: i64| println!("inTheLiteral literal: {} {x}", show(godefer::recover())))(7));
    panic!("boom3");
}

pub fn main() {
    with_argument();
    without_argument();
    in_the_literal();
}
