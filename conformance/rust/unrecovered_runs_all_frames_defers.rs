// Port of go/unrecovered_runs_all_frames_defers.go (item 31): every deferred call of every frame
// runs before the report of an unrecovered panic, innermost frame first.

#[godefer::func]
fn c() {
    defer!(println!("c defer"));
    panic!("deep failure");
}

#[godefer::func]
fn b() {
    defer!(println!("b defer 1"));
    defer!(println!("b defer 2"));
    c();
}

#[godefer::func]
fn a() {
    for i in 0..2 {
        defer!(println!("a loop defer {}", i));
    }
    b();
}

#[godefer::func]
pub fn main() {
    defer!(println!("main defer"));
    println!("main starts");
    a();
}
