// Port of go/recover_then_repanic_same_value_unrecovered.go (item 27): recover and re-raise the
// same value; nobody recovers it.
// Port choices: Go's `panic(r)` with the recovered value is `std::panic::resume_unwind` with the
// recovered payload (Rust's way to raise a payload again).

#[godefer::func]
fn f() {
    defer!(|| {
        let r = godefer::recover().expect("panicking");
        println!("recovered: {r} re-raising it");
        std::panic::resume_unwind(r.into_payload());
    });
    panic!("same value");
}

#[godefer::func]
pub fn main() {
    defer!(println!("main's defer runs"));
    f();
}
