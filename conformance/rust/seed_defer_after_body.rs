// Port of go/seed_defer_after_body.go (seed 001): a deferred call runs after the body, just
// before the function returns.

#[godefer::func]
pub fn main() {
    defer!(println!("this is a defer"));
    println!("this is a test");
}
