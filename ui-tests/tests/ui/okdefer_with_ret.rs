// `okdefer!` runs only when the result is no error: a closure taking the result belongs to
// `defer!(|ret| ..)`.
#[godefer::func]
fn f() -> Result<u32, String> {
    godefer::okdefer!(|ret: &mut Result<u32, String>| *ret = Ok(2));
    Ok(1)
}

fn main() {
    let _ = f();
}
