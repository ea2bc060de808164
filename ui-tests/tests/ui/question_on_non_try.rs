// `?` on a value that is neither a `Result` nor an `Option`.
#[godefer::func]
fn f(n: u32) -> Result<u32, String> {
    defer!(println!("done"));
    let m = n?;
    Ok(m)
}

fn main() {
    let _ = f(1);
}
