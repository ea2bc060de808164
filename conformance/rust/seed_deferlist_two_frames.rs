// Port of go/seed_deferlist_two_frames.go (seed 000): main defers 1, 2, 3 and calls test, which
// defers its own print. test's defer runs when test returns; main's run 3 2 1 when main returns.

#[godefer::func]
fn test() {
    defer!(println!("xxx"));
    println!("test body");
}

#[godefer::func]
pub fn main() {
    defer!(println!("{}", 1));
    defer!(println!("{}", 2));
    defer!(println!("{}", 3));
    test();
    println!("main body after test");
}
