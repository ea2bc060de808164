//! The interview question of the seed article (001): what does this print?
//!
//! ```go
//! func defer_call() {
//!     defer func() { fmt.Println("打印前") }()
//!     defer func() { fmt.Println("打印中") }()
//!     defer func() { fmt.Println("打印后") }()
//!
//!     panic("触发异常")
//! }
//!
//! func main() {
//!     defer_call()
//! }
//!
//! // 打印后
//! // 打印中
//! // 打印前
//! // panic: 触发异常
//! ```
//!
//! The panic does not skip the deferred calls: they all run, last registered first, and only
//! then is the panic reported. The strings mean "printed before", "printed in the middle" and
//! "printed after": the order in which they were registered, not the order they print in.
//!
//! Run it with `cargo run --example interview`: stdout has the three lines, then stderr the
//! report of the panic (`thread 'main' ... panicked at examples/interview.rs:..: 触发异常`), and
//! the process exits with status 101, Rust's status for a panic in `main` (Go's is 2).

#[godefer::func]
fn defer_call() {
    defer!(println!("打印前"));
    defer!(println!("打印中"));
    defer!(println!("打印后"));

    panic!("触发异常");
}

fn main() {
    defer_call();
}
