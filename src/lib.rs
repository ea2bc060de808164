//! Go's `defer`, `panic` and `recover` for Rust, built the way Go builds them: a compile-time
//! lowering (the attribute [`func`]) and a small runtime.
//!
//! See the README for the overview.

#![warn(missing_docs)]

// The macro's output names `::godefer`; this lets the crate's own tests use it.
extern crate self as godefer;

mod frame;
mod panic;
mod question;
mod record;
mod report;
mod state;
mod zero;

#[cfg(test)]
mod tests;

#[doc(hidden)]
#[path = "private.rs"]
#[allow(missing_docs)]
pub mod __private;

pub use crate::panic::{recover, Location, Panic};
pub use godefer_macros::func;

/// Registers a deferred call: only inside a [`#[godefer::func]`](func) function, which rewrites
/// it. Anywhere else it is a compile error.
///
/// ```compile_fail
/// fn not_lowered() {
///     godefer::defer!(println!("never"));
/// }
/// ```
#[macro_export]
macro_rules! defer {
    ($($tt:tt)*) => {
        ::core::compile_error!(
            "`defer!` can only be used in the body of a `#[godefer::func]` function; add `#[godefer::func]` to the enclosing function"
        )
    };
}
