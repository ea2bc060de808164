//! The `?` operator inside a lowered body. A `?` that fails must store its converted error in
//! the frame's result slot and leave the body, so the macro rewrites `e?` to a match on
//! [`Branch::branch`] and [`FromResidual::from_residual`], this crate's stable stand-ins for
//! `std::ops::Try`, implemented for the types `?` works on in stable Rust. Not public API.

#![allow(missing_docs)] // reached only through `__private`, which is not public API

use std::convert::Infallible;
use std::ops::ControlFlow;
use std::task::Poll;

#[diagnostic::on_unimplemented(
    message = "the `?` operator can only be applied to values that implement `Try`",
    label = "the `?` operator cannot be applied to type `{Self}`"
)]
pub trait Branch {
    type Output;
    type Residual;
    fn branch(self) -> ControlFlow<Self::Residual, Self::Output>;
}

#[diagnostic::on_unimplemented(
    message = "the `?` operator cannot convert this value into the function's result `{Self}`",
    label = "the function returns `{Self}`",
    note = "`?` on a `Result` needs a function returning a `Result` whose error type implements \
            `From` of this error; on an `Option`, a function returning an `Option`"
)]
pub trait FromResidual<Residual> {
    fn from_residual(residual: Residual) -> Self;
}

/// `Branch::branch` as a function: one obligation, so one error for a `?` on a wrong type.
#[inline(always)]
pub fn branch<T: Branch>(value: T) -> ControlFlow<T::Residual, T::Output> {
    value.branch()
}

/// `FromResidual::from_residual` as a function, spanned on the `?`.
#[inline(always)]
pub fn from_residual<R: FromResidual<Residual>, Residual>(residual: Residual) -> R {
    R::from_residual(residual)
}

impl<T, E> Branch for Result<T, E> {
    type Output = T;
    type Residual = Result<Infallible, E>;
    #[inline(always)]
    fn branch(self) -> ControlFlow<Self::Residual, T> {
        match self {
            Ok(v) => ControlFlow::Continue(v),
            Err(e) => ControlFlow::Break(Err(e)),
        }
    }
}

impl<T, E, F: From<E>> FromResidual<Result<Infallible, E>> for Result<T, F> {
    #[inline(always)]
    fn from_residual(residual: Result<Infallible, E>) -> Self {
        match residual {
            Err(e) => Err(From::from(e)),
            Ok(never) => match never {},
        }
    }
}

impl<T> Branch for Option<T> {
    type Output = T;
    type Residual = Option<Infallible>;
    #[inline(always)]
    fn branch(self) -> ControlFlow<Self::Residual, T> {
        match self {
            Some(v) => ControlFlow::Continue(v),
            None => ControlFlow::Break(None),
        }
    }
}

impl<T> FromResidual<Option<Infallible>> for Option<T> {
    #[inline(always)]
    fn from_residual(_: Option<Infallible>) -> Self {
        None
    }
}

impl<B, C> Branch for ControlFlow<B, C> {
    type Output = C;
    type Residual = ControlFlow<B, Infallible>;
    #[inline(always)]
    fn branch(self) -> ControlFlow<Self::Residual, C> {
        match self {
            ControlFlow::Continue(c) => ControlFlow::Continue(c),
            ControlFlow::Break(b) => ControlFlow::Break(ControlFlow::Break(b)),
        }
    }
}

impl<B, C> FromResidual<ControlFlow<B, Infallible>> for ControlFlow<B, C> {
    #[inline(always)]
    fn from_residual(residual: ControlFlow<B, Infallible>) -> Self {
        match residual {
            ControlFlow::Break(b) => ControlFlow::Break(b),
            ControlFlow::Continue(never) => match never {},
        }
    }
}

impl<T, E> Branch for Poll<Result<T, E>> {
    type Output = Poll<T>;
    type Residual = Result<Infallible, E>;
    #[inline(always)]
    fn branch(self) -> ControlFlow<Self::Residual, Poll<T>> {
        match self {
            Poll::Ready(Ok(v)) => ControlFlow::Continue(Poll::Ready(v)),
            Poll::Ready(Err(e)) => ControlFlow::Break(Err(e)),
            Poll::Pending => ControlFlow::Continue(Poll::Pending),
        }
    }
}

impl<T, E> Branch for Poll<Option<Result<T, E>>> {
    type Output = Poll<Option<T>>;
    type Residual = Result<Infallible, E>;
    #[inline(always)]
    fn branch(self) -> ControlFlow<Self::Residual, Poll<Option<T>>> {
        match self {
            Poll::Ready(Some(Ok(v))) => ControlFlow::Continue(Poll::Ready(Some(v))),
            Poll::Ready(Some(Err(e))) => ControlFlow::Break(Err(e)),
            Poll::Ready(None) => ControlFlow::Continue(Poll::Ready(None)),
            Poll::Pending => ControlFlow::Continue(Poll::Pending),
        }
    }
}
