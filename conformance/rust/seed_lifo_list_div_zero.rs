// Port of go/seed_lifo_list_div_zero.go (seed 001 as written): defer test(0) divides 100 by a
// zero variable when it runs. cccc runs first, then test(0) panics (runtime error), the
// remaining defers bbbb and aaaa still run, and the unrecovered panic ends the process.

fn test(x: i64) {
    let result = 100 / x;
    println!("result = {result}");
}

#[godefer::func]
pub fn main() {
    defer!(println!("aaaaaaaaaaaaaa"));
    defer!(println!("bbbbbbbbbbbbbb"));
    defer!(test(0));
    defer!(println!("ccccccccccccccc"));
    println!("main body done");
}
