// Port of go/block_scope_if_switch_for.go (item 2): defers inside if, switch, a bare block and
// a loop body all run when the function returns, after everything the function printed.
// Port choices: the switch is a `match`.

#[godefer::func]
fn f(n: i64) {
    if n > 0 {
        defer!(println!("deferred in if"));
        println!("if ends");
    }
    match n {
        1 => {
            defer!(println!("deferred in case 1"));
            println!("case 1 ends");
        }
        _ => {
            defer!(println!("deferred in default"));
            println!("default ends");
        }
    }
    {
        defer!(println!("deferred in block"));
        println!("block ends");
    }
    for i in 0..2 {
        defer!(println!("deferred in loop {}", i));
        println!("loop iteration ends {i}");
    }
    println!("function body ends");
}

pub fn main() {
    f(1);
    println!("---");
    f(2);
}
