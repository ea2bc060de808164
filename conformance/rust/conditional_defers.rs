// Port of go/conditional_defers.go (item 12): only defer statements that executed are
// registered. With n = 8 the panic runs 4 2 1.
// Port choices: `panic(fmt.Sprint("n = ", n))` is `panic!` with the formatted message.

fn add(v: i64) {
    println!("deferred add {v}");
}

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn f(n: i64) {
    defer!(|| println!("recovered: {}", show(godefer::recover())));
    defer!(add(1));
    if n > 5 {
        defer!(add(2));
        if n > 8 {
            defer!(add(3));
        } else {
            defer!(add(4));
        }
    }
    panic!("n = {n}");
}

pub fn main() {
    for n in [3, 8, 9] {
        f(n);
        println!("---");
    }
}
