// Port of go/seed_div_zero_runtime_panic.go (seed 000, test): x / y with y == 0 held in a
// variable is a runtime panic; the deferred print still runs before the unrecovered panic is
// reported.
// Port choices: `y` goes through `std::hint::black_box`, as Go's compiler does not see the
// variable's value (rustc would reject a division by a known zero at compile time).

#[godefer::func]
fn test() {
    defer!(println!("haha..."));
    let (x, y) = (5, std::hint::black_box(0));
    let z = x / y;
    println!("{z}");
}

#[godefer::func]
pub fn main() {
    defer!(println!("main's defer runs"));
    test();
    println!("not reached");
}
