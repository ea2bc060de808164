// `?` on a `Result` whose error type does not convert into the function's.
#[godefer::func]
fn f(s: &str) -> Result<u32, String> {
    defer!(println!("done"));
    let m: u32 = s.parse()?;
    Ok(m)
}

fn main() {
    let _ = f("1");
}
