// The result is handed to the closure as `&mut`, never by value.
#[godefer::func]
fn f() -> i32 {
    defer!(|r: i32| println!("{r}"));
    1
}

fn main() {
    f();
}
