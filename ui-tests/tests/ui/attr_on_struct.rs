#[godefer::func]
struct Conn {
    open: bool,
}

fn main() {
    let _ = Conn { open: true }.open;
}
