// After a recovered panic the function returns what a `|ret|` closure left in the result, which
// starts from the zero value of the return type: `Point` has none.
struct Point {
    x: i32,
    y: i32,
}

#[godefer::func]
fn origin() -> Point {
    defer!(|p: &mut Point| p.x += 1);
    Point { x: 0, y: 0 }
}

fn main() {
    let p = origin();
    let _ = (p.x, p.y);
}
