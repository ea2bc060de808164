//! The zero value of a return type: what a function that recovered from a panic returns when no
//! deferred closure stored a result (Go's zero-valued results).
//!
//! The macro asks for it with autoref specialisation at the definition of each lowered function,
//! so a bound in scope counts (`fn f<T: Default>() -> T` has a zero, `fn f<T>() -> T` has none):
//! 1. `R: Default`: `R::default()`;
//! 2. `R` is `Result<T, E>` with `T: Default`: `Ok(T::default())`, Go's zero of `(T, error)`
//!    (the zero `T` and a nil error);
//! 3. `R` is `Result<T, E>` with `E: Default`: `Err(E::default())`;
//! 4. otherwise none, unless `#[godefer::func(zero = ...)]` names one.

#![allow(missing_docs)] // reached only through `__private`, which is not public API

use std::marker::PhantomData;

/// A zero value (or its absence) for the frame: a type, zero-sized for the zeros the macro
/// finds itself, so the frame stores nothing for it. Not public API.
pub trait ZeroSource<R> {
    fn zero(&self) -> Option<R>;
}

/// A zero value named with `#[godefer::func(zero = ...)]`: a closure. Not public API.
pub struct Zero<F>(pub F);

/// `R::default()`. Not public API.
pub struct DefaultZero<R>(PhantomData<fn() -> R>);

/// `Ok(T::default())`. Not public API.
pub struct OkDefaultZero<R>(PhantomData<fn() -> R>);

/// `Err(E::default())`. Not public API.
pub struct ErrDefaultZero<R>(PhantomData<fn() -> R>);

/// No zero value. Not public API.
pub struct NoZero<R>(PhantomData<fn() -> R>);

impl<R> NoZero<R> {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NoZero(PhantomData)
    }
}

impl<R, F: Fn() -> R> ZeroSource<R> for Zero<F> {
    #[inline(always)]
    fn zero(&self) -> Option<R> {
        Some((self.0)())
    }
}

impl<R: Default> ZeroSource<R> for DefaultZero<R> {
    #[inline(always)]
    fn zero(&self) -> Option<R> {
        Some(R::default())
    }
}

impl<T: Default, E> ZeroSource<Result<T, E>> for OkDefaultZero<Result<T, E>> {
    #[inline(always)]
    fn zero(&self) -> Option<Result<T, E>> {
        Some(Ok(T::default()))
    }
}

impl<T, E: Default> ZeroSource<Result<T, E>> for ErrDefaultZero<Result<T, E>> {
    #[inline(always)]
    fn zero(&self) -> Option<Result<T, E>> {
        Some(Err(E::default()))
    }
}

impl<R> ZeroSource<R> for NoZero<R> {
    #[inline(always)]
    fn zero(&self) -> Option<R> {
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

impl<R, F: Fn() -> R> HasZero<R> for Zero<F> {}
impl<R: Default> HasZero<R> for DefaultZero<R> {}
impl<T: Default, E> HasZero<Result<T, E>> for OkDefaultZero<Result<T, E>> {}
impl<T, E: Default> HasZero<Result<T, E>> for ErrDefaultZero<Result<T, E>> {}

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
    fn zero_source(&self) -> DefaultZero<R>;
}

impl<R: Default> ByDefault<R> for &&&ZeroProbe<R> {
    #[inline(always)]
    fn zero_source(&self) -> DefaultZero<R> {
        DefaultZero(PhantomData)
    }
}

pub trait ByOkDefault<R> {
    fn zero_source(&self) -> OkDefaultZero<R>;
}

impl<T: Default, E> ByOkDefault<Result<T, E>> for &&ZeroProbe<Result<T, E>> {
    #[inline(always)]
    fn zero_source(&self) -> OkDefaultZero<Result<T, E>> {
        OkDefaultZero(PhantomData)
    }
}

pub trait ByErrDefault<R> {
    fn zero_source(&self) -> ErrDefaultZero<R>;
}

impl<T, E: Default> ByErrDefault<Result<T, E>> for &ZeroProbe<Result<T, E>> {
    #[inline(always)]
    fn zero_source(&self) -> ErrDefaultZero<Result<T, E>> {
        ErrDefaultZero(PhantomData)
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

/// Whether a result is an error, for `errdefer!` and `okdefer!`: `Err(_)` of a `Result`, never
/// for any other type. Found, like the zero value, by autoref specialisation. Not public API.
pub trait Outcome<R> {
    fn is_err(&self, result: &R) -> bool;
}

/// The outcome of a `Result`. Not public API.
#[derive(Clone, Copy)]
pub struct ResultOutcome;

/// The outcome of any other type: never an error. Not public API.
#[derive(Clone, Copy)]
pub struct NoOutcome;

impl<T, E> Outcome<Result<T, E>> for ResultOutcome {
    #[inline(always)]
    fn is_err(&self, result: &Result<T, E>) -> bool {
        result.is_err()
    }
}

impl<R> Outcome<R> for NoOutcome {
    #[inline(always)]
    fn is_err(&self, _: &R) -> bool {
        false
    }
}

/// The probe for [`Outcome`]. Not public API.
pub struct OutcomeProbe<R>(PhantomData<fn() -> R>);

impl<R> OutcomeProbe<R> {
    #[allow(clippy::new_without_default)]
    #[inline(always)]
    pub fn new() -> Self {
        OutcomeProbe(PhantomData)
    }
}

pub trait ByResult {
    fn outcome(&self) -> ResultOutcome;
}

impl<T, E> ByResult for &OutcomeProbe<Result<T, E>> {
    #[inline(always)]
    fn outcome(&self) -> ResultOutcome {
        ResultOutcome
    }
}

pub trait ByAnyOutcome {
    fn outcome(&self) -> NoOutcome;
}

impl<R> ByAnyOutcome for OutcomeProbe<R> {
    #[inline(always)]
    fn outcome(&self) -> NoOutcome {
        NoOutcome
    }
}
