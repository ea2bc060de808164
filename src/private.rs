//! Not public API: what the code `#[godefer::func]` generates calls. Anything here may change in
//! any release.
//!
//! The trust between generated code and the runtime is written down: [`Frame::new`] is
//! `unsafe`, and its contract covers every method of the frame and the records it links (the
//! macro keeps it, and holds no user token in that `unsafe` block); everything else here is
//! sound to call from any safe code, by construction. Item by item:
//!
//! | item | what misuse could do | why it cannot reach UB from safe code |
//! |---|---|---|
//! | [`Frame::new`] | a frame moved, forgotten or dropped out of order after it linked itself into the thread's lists; a method re-entered from a deferred call; records run out of order | `unsafe`: its contract (items 1-3) is the lowering's promise |
//! | [`Frame`]'s methods (`start`, `nest`, `run`, `run_ret`, `set_result`, `finish`, `mark`, `push_*`, `run_*_down_to`, `fill_slot*`, `ret_closure`) | as above | need a frame, which only `unsafe` code can make; a `\|ret\|` closure gets a local, so `set_result`, `finish` and `run_ret` never invalidate it |
//! | [`AsyncFrame::new`] | as [`Frame::new`], per poll; the frame shared with another thread (it is `Sync` for the future's own nested futures) | `unsafe`: its contract is the lowering's promise |
//! | [`AsyncFrame`]'s methods, [`Scope`], [`Nest`], [`RunAsync`], [`OnCancel`], [`RecordsGuard`], [`Call`], [`WithRet`], [`WithOutcome`], [`Cancel`] | as above | need an async frame, which only `unsafe` code can make |
//! | [`Head`], [`StackRecord`], [`Mark`], [`Keep`] | a dangling record in a list | inert without a frame: no public method touches a list |
//! | [`OptSlot`], [`UnitSlot`], [`ResultSlot`] | none | safe code only (`Cell`) |
//! | [`branch`], [`from_residual`], [`Branch`], [`FromResidual`], [`ControlFlow`] | none | safe code only: `?`'s two halves |
//! | [`Zero`], [`ZeroProbe`], [`ZeroSource`] and the zero traits, [`require_zero`] | a zero source of the user's own | safe code only: a zero is just a value |
//! | [`Capture`], [`CaptureCopy`], [`CaptureRef`], [`Snap`], [`SnapCopy`], [`SnapPlace`], [`discard`] | none | safe code only |
//! | [`keep_in_memory`] | none | an empty `asm!` that reads its operand's address and writes nothing |
//! | [`arm`], [`pool_counts`], [`POOL_CAPS`], [`as_frame`], [`as_heap`] | none | constants, counters, and the macro under other names |

pub use crate::frame::{Frame, Head, Keep, Mark, OptSlot, ResultSlot, UnitSlot};
pub use crate::future::{
    AsyncFrame, Call, Cancel, Nest, OnCancel, RecordsGuard, RunAsync, Scope, WithOutcome, WithRet,
};
pub use crate::question::{branch, from_residual, Branch, FromResidual};
pub use crate::record::StackRecord;
pub use crate::zero::{
    require_zero, ByAnyOutcome, ByDefault, ByErrDefault, ByNothing, ByOkDefault, ByResult,
    DefaultZero, ErrDefaultZero, NoOutcome, NoZero, OkDefaultZero, Outcome, OutcomeProbe,
    ResultOutcome, Zero, ZeroProbe, ZeroSource,
};
pub use core::ops::ControlFlow;

/// Discards the result of a deferred call (Go discards them too).
#[inline(always)]
pub fn discard<T>(_: T) {}

/// Keeps an open-coded deferred call's closure in memory until it runs, rather than its
/// captures in callee-saved registers across the body (the macro emits this when the body may
/// call functions and the closure captures values; see `MayCall` in the macro crate). Only a
/// hint to the optimiser: the closure's address is handed to an empty assembly block that may
/// read and write memory, so the closure is stored before it and, since any later call might
/// change it, loaded again when the deferred call runs. The macro emits it under
/// `#[cfg(not(debug_assertions))]`, evaluated in the user's crate: unoptimised, it would be one
/// more function to compile at each such `defer!`, for nothing (an optimised build with debug
/// assertions on loses the hint, which changes no behaviour).
#[inline(always)]
pub fn keep_in_memory<T>(value: &T) {
    #[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), not(miri)))]
    // SAFETY: an empty assembly block: it reads no register but its operand, writes nothing,
    // and touches neither the stack nor the flags. Not declaring `nomem` is the point: the
    // optimiser must assume it reads and writes `value`.
    unsafe {
        core::arch::asm!("/* {0} */", in(reg) value as *const T, options(nostack, preserves_flags));
    }
    // Elsewhere (and under miri, which runs no assembly) the same hint from `black_box`, at the
    // price of a stored pointer.
    #[cfg(not(all(any(target_arch = "x86_64", target_arch = "aarch64"), not(miri))))]
    core::hint::black_box(value);
}

/// How a deferred call may recover; see the crate's `state` module.
pub mod arm {
    pub const EXACT: u8 = crate::state::arm::EXACT;
    pub const CALL: u8 = crate::state::arm::CALL;
    pub const NEVER: u8 = crate::state::arm::NEVER;
    // The macro emits these values as literals (`mode_of` in the macro crate).
    const _: () = assert!(EXACT == 0 && CALL == 1 && NEVER == 2);
}

/// Records in this thread's heap-record cache and in the global pool, for tests.
pub fn pool_counts() -> (usize, usize) {
    crate::record::pool::counts()
}

/// The bounds of the two pools: (thread cache, global pool).
pub const POOL_CAPS: (usize, usize) = (
    crate::record::pool::LOCAL_CAP,
    crate::record::pool::GLOBAL_CAP,
);

/// A place named in a deferred macro call (`defer!(println!("{}", x))`), captured at the defer
/// statement: copied if `Copy`, else borrowed (so later changes cannot show, as in Go).
pub struct Capture<'a, T: ?Sized>(pub &'a T);

// Not derived: the derive would require `T: Copy`.
impl<T: ?Sized> Clone for Capture<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for Capture<'_, T> {}

pub trait CaptureCopy<T> {
    fn capture(self) -> T;
}

impl<T: Copy> CaptureCopy<T> for &Capture<'_, T> {
    #[inline(always)]
    fn capture(self) -> T {
        *self.0
    }
}

pub trait CaptureRef<'a, T: ?Sized> {
    fn capture(self) -> &'a T;
}

impl<'a, T: ?Sized> CaptureRef<'a, T> for Capture<'a, T> {
    #[inline(always)]
    fn capture(self) -> &'a T {
        self.0
    }
}

/// A method receiver named by a place, at the defer statement (`defer!(tx.rollback())`): its
/// value if its type is `Copy` (Go's value receiver, copied there), else `None`: the deferred
/// call then uses the place itself when it runs. The borrow ends with the statement.
pub struct Snap<'a, T>(pub &'a T);

// Not derived: the derive would require `T: Copy`.
impl<T> Clone for Snap<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Snap<'_, T> {}

pub trait SnapCopy<T> {
    fn snap(self) -> Option<T>;
}

impl<T: Copy> SnapCopy<T> for &Snap<'_, T> {
    #[inline(always)]
    fn snap(self) -> Option<T> {
        Some(*self.0)
    }
}

pub trait SnapPlace<T> {
    fn snap(self) -> Option<T>;
}

impl<T> SnapPlace<T> for Snap<'_, T> {
    #[inline(always)]
    fn snap(self) -> Option<T> {
        None
    }
}

/// `use godefer::__private::as_frame as godefer;` makes `#[godefer::func]` in that scope use at
/// least frame records (heap records where a `defer!` is in a loop): how the tests and the
/// conformance suite run every case under every strategy.
pub mod as_frame {
    pub use crate::*;
    pub use godefer_macros::func_at_least_frame as func;
}

/// As [`as_frame`], with heap records everywhere.
pub mod as_heap {
    pub use crate::*;
    pub use godefer_macros::func_at_least_heap as func;
}

/// As [`as_frame`], for the conformance suite's async translation: every `#[godefer::func]`
/// function's body runs as an async frame (with a yield point between its scopes) on a minimal
/// executor inside the function.
pub mod as_async {
    pub use crate::*;
    pub use godefer_macros::func_async_port as func;
}

/// [`as_async`] with at least frame records.
pub mod as_async_frame {
    pub use crate::*;
    pub use godefer_macros::func_async_port_at_least_frame as func;
}

/// [`as_async`] with heap records.
pub mod as_async_heap {
    pub use crate::*;
    pub use godefer_macros::func_async_port_at_least_heap as func;
}

/// Polls a future to completion on this thread, with a waker that does nothing: the
/// conformance suite's async translation (its futures are pending only at [`Yield`]s).
pub fn block_on<F: core::future::Future>(f: F) -> F::Output {
    let mut f = core::pin::pin!(f);
    let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
    loop {
        if let core::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// Pending once, then ready: a yield point of the conformance suite's async translation.
pub struct Yield(bool);

impl Yield {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Yield {
        Yield(false)
    }
}

impl core::future::Future for Yield {
    type Output = ();
    fn poll(
        mut self: core::pin::Pin<&mut Self>,
        cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<()> {
        if core::mem::replace(&mut self.0, true) {
            core::task::Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            core::task::Poll::Pending
        }
    }
}
