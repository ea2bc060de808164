//! Choosing the strategy of a frame, all or nothing, as Go's compiler does.

use proc_macro2::Span;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Strategy {
    /// The deferred calls live in the function's own locals and the code that runs them is
    /// generated at each scope's end (Go 1.14's open-coded defers).
    OpenCoded,
    /// Type-erased records in the function's own frame, run from a list (Go 1.13's
    /// stack-allocated `_defer`).
    Frame,
    /// Pooled heap records (Go's `deferproc` with `newdefer`).
    Heap,
}

impl Strategy {
    pub fn describe(self) -> &'static str {
        match self {
            Strategy::OpenCoded => "open-coded defer",
            Strategy::Frame => "frame defer",
            Strategy::Heap => "heap defer",
        }
    }
}

/// Go's limits for open-coding.
pub const MAX_OPEN_CODED: usize = 8;
pub const MAX_EXITS_TIMES_DEFERS: usize = 15;

/// What the plan looks at.
pub struct Shape {
    pub defers: usize,
    pub in_loop: bool,
    /// `return`s and `?`s of the frame, plus one for the end of the body.
    pub exits: usize,
}

/// The strategy for a frame: the most specific that applies, or the one the user forced.
/// `strict` is false for closures inside the function, which take the forced strategy where it
/// applies and the next more general one where it does not.
pub fn choose(
    shape: &Shape,
    forced: Option<(Strategy, Span)>,
    strict: bool,
) -> Result<Strategy, syn::Error> {
    let natural = if shape.in_loop {
        Strategy::Heap
    } else if shape.defers <= MAX_OPEN_CODED && shape.exits * shape.defers <= MAX_EXITS_TIMES_DEFERS
    {
        Strategy::OpenCoded
    } else {
        Strategy::Frame
    };
    let Some((wanted, span)) = forced else {
        return Ok(natural);
    };
    if wanted >= natural || !strict {
        return Ok(wanted.max(natural));
    }
    let why = if shape.in_loop {
        "a `defer!` is in a loop or a match guard (it may run more than once), which needs heap records".to_string()
    } else {
        format!(
            "open-coding needs at most {MAX_OPEN_CODED} `defer!` and exit points x defers <= \
             {MAX_EXITS_TIMES_DEFERS}; this function has {} `defer!` and {} exit point{}",
            shape.defers,
            shape.exits,
            if shape.exits == 1 { "" } else { "s" }
        )
    };
    Err(syn::Error::new(
        span,
        format!("strategy `{}` cannot apply here: {why}", name(wanted)),
    ))
}

fn name(s: Strategy) -> &'static str {
    match s {
        Strategy::OpenCoded => "open-coded",
        Strategy::Frame => "frame",
        Strategy::Heap => "heap",
    }
}
