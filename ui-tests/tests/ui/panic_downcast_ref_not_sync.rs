// A `Panic` is `Sync` (it can be shared, and sent on as a `Box<dyn Error + Send + Sync>`), so
// `downcast_ref` hands out only `Sync` payloads: a `Cell` would let two threads race through
// one shared `Panic`. It is reached by value instead (`downcast`, `into_payload`).
use std::cell::Cell;

fn peek(p: &godefer::Panic) -> Option<&Cell<u32>> {
    p.downcast_ref::<Cell<u32>>()
}

fn main() {
    let _ = peek;
}
