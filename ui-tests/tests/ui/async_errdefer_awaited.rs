#[godefer::func]
async fn f() -> Result<(), String> {
    // An awaited `errdefer!` with the error as a parameter is not there yet.
    errdefer!(async |e: &mut String| e.push('!'));
    Ok(())
}

fn main() {
    let _ = f();
}
