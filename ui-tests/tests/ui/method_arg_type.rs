// A type error in a deferred method call's argument points at the argument.
struct Tx;

impl Tx {
    fn rollback(&self, _reason: &str) {}
}

#[godefer::func]
fn f(tx: Tx) {
    defer!(tx.rollback(42));
}

fn main() {
    f(Tx);
}
