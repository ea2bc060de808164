// `?` on an `Option` in a function that returns a `Result`.
#[godefer::func]
fn f(n: Option<u32>) -> Result<u32, String> {
    defer!(println!("done"));
    let m = n?;
    Ok(m)
}

fn main() {
    let _ = f(None);
}
