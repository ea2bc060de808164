// Safe code cannot get a frame: godefer has no hidden macro that makes one without `unsafe` (the
// expansion of `#[godefer::func]` writes its own `unsafe` block). An earlier `__frame!` did, and
// a frame misused from safe code (shared with another thread, moved, forgotten) is UB.
#![forbid(unsafe_code)]

fn main() {
    godefer::__frame!(frame: godefer::__private::Frame<(), _, godefer::__private::UnitSlot> = ());
}
