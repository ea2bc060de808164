//! The `#[godefer::func]` lowering: Go's compiler pass for `defer`, as an attribute macro.
//!
//! Pipeline, one module per stage: [`args`] parses the attribute, [`ast`] finds the `defer!`
//! statements of each frame and parses them into sites, [`valid`] checks them, [`plan`] chooses
//! the strategy as Go's compiler does, [`rewrite`] redirects `return` and `?` into the result
//! slot, [`expand`] emits the lowered body. Errors are spanned on the user's tokens and the
//! function is expanded anyway, so one mistake gives one error.

mod args;
mod ast;
mod expand;
mod fmt_args;
mod plan;
mod rewrite;
mod valid;

use proc_macro::TokenStream;

/// The attribute `#[godefer::func]`: its documentation is with its re-export in the `godefer`
/// crate.
#[proc_macro_attribute]
pub fn func(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::func(args.into(), input.into(), None).into()
}

/// Not public API: `func` with every frame using at least frame records (heap records where a
/// `defer!` is in a loop). Tests and the conformance suite run each case under each strategy
/// with it.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn func_at_least_frame(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::func(args.into(), input.into(), Some(plan::Strategy::Frame)).into()
}

/// Not public API: `func` with every frame using heap records.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn func_at_least_heap(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::func(args.into(), input.into(), Some(plan::Strategy::Heap)).into()
}

/// Not public API: the conformance suite's async translation of a sync function (its body
/// lowered as an `async fn`'s, with yield points, run by a minimal executor inside it).
#[doc(hidden)]
#[proc_macro_attribute]
pub fn func_async_port(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::func_async_port(args.into(), input.into(), None).into()
}

/// Not public API: `func_async_port` with at least frame records.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn func_async_port_at_least_frame(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::func_async_port(args.into(), input.into(), Some(plan::Strategy::Frame)).into()
}

/// Not public API: `func_async_port` with heap records.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn func_async_port_at_least_heap(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::func_async_port(args.into(), input.into(), Some(plan::Strategy::Heap)).into()
}
