//! The zero value of a return type: what a function that recovered from a panic returns when no
//! deferred closure stored a result (Go's zero-valued results).
//!
//! The macro asks for it with autoref specialisation at the definition of each lowered function,
//! so a bound in scope counts (`fn f<T: Default>() -> T` has a zero, `fn f<T>() -> T` has none):
//! 1. `R: Default`: `R::default()`;
//! 2. `R` is `Result<T, E>` with `E: Default`: `Err(E::default())`, never a made-up success;
//! 3. otherwise none, unless `#[godefer::func(zero = ...)]` names one.

#![allow(missing_docs)] // reached only through `__private`, which is not public API

use std::marker::PhantomData;

/// A zero value (or its absence) for the frame. Not public API.
pub trait ZeroSource<R> {
    fn zero_fn(self) -> Option<fn() -> R>;
}

/// A known zero value. Not public API.
pub struct Zero<R>(pub fn() -> R);

/// No zero value. Not public API.
pub struct NoZero<R>(PhantomData<fn() -> R>);

impl<R> NoZero<R> {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NoZero(PhantomData)
    }
}

impl<R> ZeroSource<R> for Zero<R> {
    #[inline(always)]
    fn zero_fn(self) -> Option<fn() -> R> {
        Some(self.0)
    }
}

impl<R> ZeroSource<R> for NoZero<R> {
    #[inline(always)]
    fn zero_fn(self) -> Option<fn() -> R> {
        None
    }
}

/// Required of the zero source of a function with a `|ret|` deferred closure, which may run
/// before the function has a result. Not public API.
#[diagnostic::on_unimplemented(
    message = "`{R}` has no zero value for a deferred `|ret|` closure to start from",
    label = "this deferred closure may run after a panic, before the function has a result",
    note = "implement `Default` for the return type, return a `Result` whose error type \
            implements `Default`, or name a zero value with `#[godefer::func(zero = ...)]`"
)]
pub trait HasZero<R> {}

impl<R> HasZero<R> for Zero<R> {}

/// Checks at compile time that a function with `|ret|` closures has a zero value. Not public API.
#[inline(always)]
pub fn require_zero<R, Z: HasZero<R>>(zero: Z) -> Z {
    zero
}

/// The autoref-specialisation probe. Not public API.
pub struct ZeroProbe<R>(PhantomData<fn() -> R>);

impl<R> ZeroProbe<R> {
    #[allow(clippy::new_without_default)]
    #[inline(always)]
    pub fn new() -> Self {
        ZeroProbe(PhantomData)
    }
}

pub trait ByDefault<R> {
    fn zero_source(&self) -> Zero<R>;
}

impl<R: Default> ByDefault<R> for &&ZeroProbe<R> {
    #[inline(always)]
    fn zero_source(&self) -> Zero<R> {
        Zero(R::default)
    }
}

pub trait ByErrDefault<R> {
    fn zero_source(&self) -> Zero<R>;
}

impl<T, E: Default> ByErrDefault<Result<T, E>> for &ZeroProbe<Result<T, E>> {
    #[inline(always)]
    fn zero_source(&self) -> Zero<Result<T, E>> {
        Zero(|| Err(E::default()))
    }
}

pub trait ByNothing<R> {
    fn zero_source(&self) -> NoZero<R>;
}

impl<R> ByNothing<R> for ZeroProbe<R> {
    #[inline(always)]
    fn zero_source(&self) -> NoZero<R> {
        NoZero::new()
    }
}
