// Port of go/panic_chain_across_frames_unrecovered.go (items 25, 26, 31): main panics with
// first; one deferred call runs a cleanup function that panics with second (its own defer runs),
// an earlier one panics with third; nobody recovers and the report lists the whole chain.

#[godefer::func]
fn cleanup() {
    defer!(println!("cleanup's defer runs"));
    println!("cleanup raises second");
    panic!("second");
}

#[godefer::func]
pub fn main() {
    defer!(println!("main's first defer runs last"));
    defer!(|| {
        println!("raising third");
        panic!("third");
    });
    defer!(cleanup());
    panic!("first");
}
