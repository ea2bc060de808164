// A defer runs when the function returns (Go: function scope), after the block's locals are
// gone: it cannot borrow them.
#[godefer::func(strategy = "heap")]
fn f() {
    {
        let s = String::from("block local");
        defer!(|| println!("{}", s.len()));
    }
    println!("body");
}

fn main() {
    f();
}
