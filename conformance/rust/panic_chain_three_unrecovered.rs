// Port of go/panic_chain_three_unrecovered.go (items 25, 26): first replaced by second then
// third, nobody recovers: every deferred call runs, and the report lists the chain oldest first.

#[godefer::func]
fn f() {
    defer!(println!("f's first defer runs last"));
    defer!(|| {
        println!("raising third");
        panic!("third");
    });
    defer!(|| {
        println!("raising second");
        panic!("second");
    });
    panic!("first");
}

#[godefer::func]
pub fn main() {
    defer!(println!("main's defer runs"));
    f();
}
