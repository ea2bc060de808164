// Port of go/os_exit_skips_defers.go (item 34): os.Exit runs no deferred call, in this frame or
// any caller's.
// Port choices: `os.Exit(0)` is `std::process::exit(0)`.

#[godefer::func]
fn leave() {
    defer!(println!("leave's defer never runs"));
    println!("exiting with status 0");
    std::process::exit(0);
}

#[godefer::func]
pub fn main() {
    defer!(println!("main's defer never runs"));
    println!("main starts");
    leave();
    println!("not reached");
}
