// Go open-codes at most 8 defers per function (one bit each in the 8-bit `deferBits`).
#[godefer::func(strategy = "open-coded")]
fn f() {
    defer!(println!("1"));
    defer!(println!("2"));
    defer!(println!("3"));
    defer!(println!("4"));
    defer!(println!("5"));
    defer!(println!("6"));
    defer!(println!("7"));
    defer!(println!("8"));
    defer!(println!("9"));
}

fn main() {
    f();
}
