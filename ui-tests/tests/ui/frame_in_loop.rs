// Frame records (Go 1.13's stack-allocated `_defer`) hold one defer that runs at most once per
// call: a defer in a loop needs heap records.
#[godefer::func(strategy = "frame")]
fn f() {
    for i in 0..3 {
        defer!(println!("{i}"));
    }
}

fn main() {
    f();
}
