// The lowering's one `unsafe` block (the frame's construction) holds none of the user's tokens:
// an unsafe operation written in the body, a `defer!` or the `zero = ..` argument still needs
// an `unsafe` block of the user's own.
#[godefer::func(zero = *p)]
fn read(p: *const u32) -> u32 {
    defer!(println!("{}", *p));
    *p
}

fn main() {
    let x = 1;
    read(&x);
}
