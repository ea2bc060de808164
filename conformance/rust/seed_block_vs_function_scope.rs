// Port of go/seed_block_vs_function_scope.go (seeds 001, 003): a defer inside a block runs when
// the function returns, not when the block ends.

#[godefer::func]
pub fn main() {
    {
        defer!(println!("defer runs"));
        println!("block ends");
    }
    println!("main ends");
}
