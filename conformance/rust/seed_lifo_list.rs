// Port of go/seed_lifo_list.go (seed 001): the LIFO list, with test(1) so that no division by
// zero happens. Registered aaaa, bbbb, test(1), cccc; they run cccc, test, bbbb, aaaa.

fn test(x: i64) {
    let result = 100 / x;
    println!("result = {result}");
}

#[godefer::func]
pub fn main() {
    defer!(println!("aaaaaaaaaaaaaa"));
    defer!(println!("bbbbbbbbbbbbbb"));
    defer!(test(1));
    defer!(println!("ccccccccccccccc"));
    println!("main body done");
}
