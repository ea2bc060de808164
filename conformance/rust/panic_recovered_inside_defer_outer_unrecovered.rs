// Port of go/panic_recovered_inside_defer_outer_unrecovered.go (item 28): a panic raised and
// recovered inside a deferred call; the outer panic is never recovered and the report names it
// alone.
// Port choices: the function literal called at once is a closure called at once.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f() {
    defer!(|| {
        (|| {
            defer!(|| println!("inner recovered: {}", show(godefer::recover())));
            panic!("inner");
        })();
        println!("deferred call finished");
    });
    panic!("outer");
}

#[godefer::func]
pub fn main() {
    defer!(println!("main's defer runs"));
    f();
}
