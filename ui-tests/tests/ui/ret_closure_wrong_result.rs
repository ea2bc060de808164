// A `|ret|` closure that stores a value of the wrong type: the error points at the value.
#[godefer::func]
fn f() -> Result<u32, String> {
    defer!(|ret| *ret = Ok("not a number"));
    Ok(1)
}

fn main() {
    let _ = f();
}
