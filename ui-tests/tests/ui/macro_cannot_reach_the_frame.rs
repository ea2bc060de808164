// A `macro_rules!` can take apart the tokens it is given. The `return` and `?` the lowering
// rewrites inside a macro's arguments carry the result as a value, never the frame's name: a
// macro that looks for the frame finds nothing to grab (before, `grab!` below returned a
// reference to the frame, and its methods broke the runtime's invariants from safe code).
macro_rules! grab {
    (return $frame:ident . $($rest:tt)*) => { &$frame };
    (break $label:lifetime $frame:ident . $($rest:tt)*) => { &$frame };
}

#[godefer::func]
fn f() -> u32 {
    let frame = grab!(return 0);
    let _ = frame;
    1
}

fn main() {
    f();
}
