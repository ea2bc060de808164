// Port of go/panic_replaced_chain_three_recovered.go (item 25): first is replaced by second,
// second by third; the recover gets third and nothing else.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f() {
    defer!(|| {
        println!("recovered: {}", show(godefer::recover()));
        println!("again: {}", show(godefer::recover()));
    });
    defer!(|| panic!("third"));
    defer!(|| panic!("second"));
    panic!("first");
}

pub fn main() {
    f();
    println!("main continues");
}
