// Port of go/loop_defers_modify_result.go (items 3, 8): deferred literals registered in a loop
// each change the named result; they run in reverse so the digits come out reversed.
// Port choices: the named result `r` is the return value, received by the deferred closures as
// `&mut`; Go's parameter `v`, given `i` at the defer statement, is `i` moved into the closure at
// the `defer!`.

#[godefer::func]
fn digits(n: i64) -> i64 {
    for i in 1..=n {
        defer!(move |r: &mut i64| {
            *r = *r * 10 + i;
            println!("step {i} r = {r}");
        });
    }
    0
}

#[godefer::func]
fn counted(n: i64) -> i64 {
    for _ in 0..n {
        defer!(|r: &mut i64| *r += 1);
    }
    1000
}

pub fn main() {
    println!("digits(5): {}", digits(5));
    println!("counted(0): {}", counted(0));
    println!("counted(37): {}", counted(37));
}
