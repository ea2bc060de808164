// Mid-typing: the body does not parse. The user sees the parser's error at their token and
// nothing from godefer (no "cannot find macro `defer`"); the `defer!`'s operands are still
// type-checked (`cleanup(x, 1)` has one argument too many), and the rest of the file is too.
fn cleanup(_: u32) {}

#[godefer::func]
fn typing(x: u32) -> u32 {
    defer!(cleanup(x, 1));
    defer! { cleanup(x) }
    defer!(|ret| *ret += 1);
    let y = x +
}

fn main() {
    let _ = typing(1);
    let _: String = 5;
}
