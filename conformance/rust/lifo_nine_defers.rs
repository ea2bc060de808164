// Port of go/lifo_nine_defers.go (items 1, 14): nine straight-line defers (more than Go
// open-codes; godefer likewise) still run LIFO, and a second call of the same function does the
// same.

#[godefer::func]
fn nine(tag: &str) {
    defer!(println!("{} {}", tag, 1));
    defer!(println!("{} {}", tag, 2));
    defer!(println!("{} {}", tag, 3));
    defer!(println!("{} {}", tag, 4));
    defer!(println!("{} {}", tag, 5));
    defer!(println!("{} {}", tag, 6));
    defer!(println!("{} {}", tag, 7));
    defer!(println!("{} {}", tag, 8));
    defer!(println!("{} {}", tag, 9));
    println!("{tag} body");
}

pub fn main() {
    nine("first");
    nine("second");
}
