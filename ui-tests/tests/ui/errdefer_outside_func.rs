// `errdefer!` outside a `#[godefer::func]` function.
fn f() {
    godefer::errdefer!(println!("never"));
}

fn main() {
    f();
}
