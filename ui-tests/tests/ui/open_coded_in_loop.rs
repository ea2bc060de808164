// Go open-codes no defer that is in a loop: each iteration needs a record of its own.
#[godefer::func(strategy = "open-coded")]
fn f() {
    for i in 0..3 {
        defer!(println!("{i}"));
    }
}

fn main() {
    f();
}
