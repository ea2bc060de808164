// Mid-typing inside `defer!(..)`: the error is at the user's token, and only that.
fn cleanup(_: u32) {}

#[godefer::func]
fn typing(x: u32) -> u32 {
    defer!(cleanup(x.));
    x
}

fn main() {
    let _ = typing(1);
}
