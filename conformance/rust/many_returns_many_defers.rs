// Port of go/many_returns_many_defers.go (items 1, 8, 14): eight defers with several return
// statements (more exits x defers than Go open-codes; godefer likewise) and eight defers with one
// return behave alike.
// Port choices: the named result `s` is the returned `String`, received by the deferred
// closures as `&mut`.

#[godefer::func]
fn many_returns(n: i64) -> String {
    defer!(|s: &mut String| s.push('1'));
    defer!(|s: &mut String| s.push('2'));
    defer!(|s: &mut String| s.push('3'));
    defer!(|s: &mut String| s.push('4'));
    defer!(|s: &mut String| s.push('5'));
    defer!(|s: &mut String| s.push('6'));
    defer!(|s: &mut String| s.push('7'));
    defer!(|s: &mut String| s.push('8'));
    if n == 0 {
        return "zero:".to_string();
    }
    if n == 1 {
        return "one:".to_string();
    }
    "many:".to_string()
}

#[godefer::func]
fn one_return() -> String {
    defer!(|s: &mut String| s.push('1'));
    defer!(|s: &mut String| s.push('2'));
    defer!(|s: &mut String| s.push('3'));
    defer!(|s: &mut String| s.push('4'));
    defer!(|s: &mut String| s.push('5'));
    defer!(|s: &mut String| s.push('6'));
    defer!(|s: &mut String| s.push('7'));
    defer!(|s: &mut String| s.push('8'));
    "single:".to_string()
}

pub fn main() {
    println!("{}", many_returns(0));
    println!("{}", many_returns(1));
    println!("{}", many_returns(2));
    println!("{}", one_return());
}
