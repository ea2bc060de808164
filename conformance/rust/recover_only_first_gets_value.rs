// Port of go/recover_only_first_gets_value.go (item 20): only the first recover gets the value;
// a second call and every later deferred call get nil.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f() {
    defer!(|| println!("earlier deferred call: {}", show(godefer::recover())));
    defer!(|| {
        println!("first recover: {}", show(godefer::recover()));
        println!("second recover: {}", show(godefer::recover()));
    });
    panic!("only once");
}

pub fn main() {
    f();
    println!("main continues");
}
