// Port of go/func_literal_nested_frames.go (item 10): nested function literals each run their
// own defers when they return.
// Port choices: a Go function literal called at once is a closure called at once; the literal
// with the named result `v` declares its return type and receives it in its deferred closure.

#[godefer::func]
pub fn main() {
    defer!(println!("main defer"));
    (|| {
        defer!(println!("outer literal defer"));
        (|| {
            defer!(println!("inner literal defer"));
            println!("inner literal body");
        })();
        println!("outer literal body after inner");
    })();
    let r = (|| -> i64 {
        defer!(|v: &mut i64| *v += 5);
        10
    })();
    println!("literal returned {r}");
}
