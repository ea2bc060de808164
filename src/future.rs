//! The frame of an `async fn`: a sync [`Frame`] that lives inside the future and is entered
//! once per poll.
//!
//! A sync frame is entered when its function is called and left when it returns; the thread's
//! state (`state`) links it meanwhile. A future is polled many times, maybe on several threads,
//! with other tasks polled between its polls on the same thread, so its frame is entered at the
//! start of each poll and left at the end of it ([`FrameCore::enter_poll`],
//! [`FrameCore::leave_poll`]): between polls no thread-local state points at it, and the panic
//! it is handling, what its deferred call recovered and its flags stay in the frame, that is in
//! the task. So `recover` and the panic state belong to the task, never to the thread.
//!
//! The macro lowers an `async fn` as it lowers a sync one, with each scope an `async` block
//! awaited through [`AsyncFrame::nest_async`] (which catches the panics of each of its polls)
//! rather than a closure, the whole body in [`AsyncFrame::scope`] (which enters and leaves the
//! frame around each poll and returns the result), and awaited deferred calls
//! (`defer!(async { .. })`, `defer!(f(x).await)`) run by [`AsyncFrame::run_async`], which arms
//! `recover` for each of their polls. Sync deferred calls are run by the [`Frame`] methods, from
//! inside a poll.
//!
//! # Cancellation
//!
//! A future dropped before it completes is not polled again: its awaited deferred calls cannot
//! run. The sync ones registered at their `defer!` sit in guards ([`OnCancel`]) that the
//! future's drop drops newest first (the drop order of an `async` block's locals); each guard
//! still holding its call runs it, entered in the frame as a poll would be, with `recover`
//! returning `None` (nobody would get the result), a `|ret|` closure only if the function has a
//! result, and `errdefer!` as for a failure. A panic of one of them becomes the frame's panic,
//! as in a poll; the next ones still run; when the frame itself is dropped (last) its panic
//! goes on as the panic of the drop, or is printed if the thread is panicking already (a panic
//! in a `Drop` during unwinding would abort).

#![allow(missing_docs)] // reached only through `__private`, which is not public API

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::ops::Deref;
use std::pin::{pin, Pin};
use std::task::{Context, Poll};

use crate::frame::{catch, Frame, FrameCore, ResultSlot};
use crate::state;
use crate::zero::ZeroSource;

/// The frame of one call of an `async fn` lowered by `#[godefer::func]`. Not public API: made
/// by the macro with the unsafe [`AsyncFrame::new`]; the [`Frame`] methods the lowering calls
/// between awaits are reached through `Deref`.
pub struct AsyncFrame<R, Z, S> {
    frame: Frame<R, Z, S>,
    /// An earlier poll left the frame's slow-path state initialised (see `frame::Cold`).
    kept: Cell<bool>,
}

// SAFETY: an `AsyncFrame` is a hygienic local of the future the macro generates; only that
// future's code reaches it (through `&AsyncFrame` held by its own nested futures), and a future
// is polled by one thread at a time (`Pin<&mut Self>`), so the frame is never used by two
// threads at once. Between polls no thread-local state points at it or at anything it owns
// (`leave_poll` unlinks it and gives back what it armed), and what it owns across polls (the
// result, the zero source, the panic it handles: payloads are `Send`) may go to another thread
// when `R`, `Z` and `S` may. The raw pointers in its slow-path state point into the thread's
// state only during a poll.
unsafe impl<R: Send, Z: Send, S: Send> Send for AsyncFrame<R, Z, S> {}
// SAFETY: as for `Send`: the references to the frame are all held by the one future that owns
// it, which one thread at a time polls or drops.
unsafe impl<R: Send, Z: Send, S: Send> Sync for AsyncFrame<R, Z, S> {}

impl<R, Z, S> Deref for AsyncFrame<R, Z, S> {
    type Target = Frame<R, Z, S>;

    #[inline(always)]
    fn deref(&self) -> &Frame<R, Z, S> {
        &self.frame
    }
}

/// Leaves the frame at the end of a poll, also when the poll unwinds (then for good).
struct Leave<'a, R, Z, S> {
    frame: &'a AsyncFrame<R, Z, S>,
    done: bool,
}

impl<R, Z, S> Drop for Leave<'_, R, Z, S> {
    fn drop(&mut self) {
        let kept = self.frame.frame.core().leave_poll(self.done);
        self.frame.kept.set(kept);
    }
}

impl<R, Z: ZeroSource<R>, S: ResultSlot<R>> AsyncFrame<R, Z, S> {
    /// The macro emits `let frame = unsafe { AsyncFrame::new(zero) };` first in every lowered
    /// `async fn`, then awaits [`AsyncFrame::scope`] on it.
    ///
    /// # Safety
    ///
    /// [`Frame::new`]'s contract, with "entered" meaning "inside a poll of `scope`": the frame
    /// is a local of the future that awaits `scope` on it, used only by that future's code (the
    /// [`Frame`] methods only from inside `scope`'s polls), never moved (it is pinned with its
    /// future) and dropped, not forgotten, unless the future is; no method of the frame is
    /// called while a deferred call of it runs (item 2), and records are used as item 3 says,
    /// every pushed record run before `scope` completes.
    #[inline(always)]
    pub unsafe fn new(zero: Z) -> AsyncFrame<R, Z, S> {
        AsyncFrame {
            // SAFETY: the caller keeps `Frame::new`'s contract, per poll (see above).
            frame: unsafe { Frame::new(zero) },
            kept: Cell::new(false),
        }
    }

    #[inline(always)]
    fn core(&self) -> &FrameCore {
        self.frame.core()
    }

    /// The whole body: polls it with the frame entered, then ends the call as
    /// [`Frame::finish`] does (the result, or the frame's panic raised again from the poll).
    pub async fn scope<B: Future<Output = ()>>(&self, body: B, name: &'static str) -> R {
        let mut body = pin!(body);
        poll_fn(|cx| self.poll_scope(body.as_mut(), cx, name)).await
    }

    fn poll_scope<B: Future<Output = ()>>(
        &self,
        body: Pin<&mut B>,
        cx: &mut Context<'_>,
        name: &'static str,
    ) -> Poll<R> {
        self.core().enter_poll(self.kept.get());
        let mut leave = Leave {
            frame: self,
            done: true,
        };
        let poll = match catch(|| body.poll(cx)) {
            Ok(poll) => poll,
            Err(payload) => {
                self.core().caught_in_poll(payload);
                Poll::Ready(())
            }
        };
        if poll.is_pending() {
            leave.done = false;
            return Poll::Pending;
        }
        let result = self.frame.finish(name);
        drop(leave);
        Poll::Ready(result)
    }

    /// A scope of the body (the async twin of [`Frame::nest`]): a panic in any of its polls is
    /// kept by the frame, and the scope is over.
    pub async fn nest_async<B: Future<Output = ()>>(&self, body: B) {
        let mut body = pin!(body);
        poll_fn(|cx| match catch(|| body.as_mut().poll(cx)) {
            Ok(poll) => poll,
            Err(payload) => {
                self.core().caught_in_poll(payload);
                Poll::Ready(())
            }
        })
        .await
    }

    /// Runs an awaited deferred call: each of its polls as a sync deferred call runs (`recover`
    /// armed during each while the frame is panicking; `MODE` as for [`Frame::run`]), a panic
    /// ending it.
    pub async fn run_async<const MODE: u8, F: Future<Output = ()>>(&self, call: F) {
        let mut call = pin!(call);
        poll_fn(|cx| {
            self.core().before_poll(MODE);
            let result = catch(|| call.as_mut().poll(cx).is_ready());
            if self.core().after_poll(result) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await
    }

    /// Runs an awaited deferred closure that takes the result (`defer!(async |ret| ..)`): the
    /// result is moved out of the slot into the call's future and put back when it is over
    /// (a panic of the call is caught before that).
    pub async fn run_async_ret<const MODE: u8, F: AsyncFnOnce(&mut R)>(&self, f: F) {
        let mut value = self.frame.result_or_zero();
        self.run_async::<MODE, _>(f(&mut value)).await;
        self.frame.set_result(value);
    }

    /// Runs what a cancellation guard held, entered in the frame as a poll would be, with
    /// `recover` returning `None`.
    fn run_cancelled(&self, f: impl FnOnce()) {
        self.core().enter_poll(self.kept.get());
        let leave = Leave {
            frame: self,
            done: false,
        };
        self.frame.run::<{ state::arm::NEVER }, _>(f);
        drop(leave);
    }

    /// Guards a deferred call registered at its `defer!` until it runs (see [`OnCancel`]).
    #[inline(always)]
    pub fn on_cancel<F: FnOnce()>(&self, f: F) -> OnCancel<'_, R, Z, S, Call<F>> {
        OnCancel {
            frame: self,
            call: Some(Call(f)),
        }
    }

    /// As [`AsyncFrame::on_cancel`], for a `|ret|` closure.
    #[inline(always)]
    pub fn on_cancel_ret<F: FnOnce(&mut R)>(&self, f: F) -> OnCancel<'_, R, Z, S, WithRet<F>> {
        OnCancel {
            frame: self,
            call: Some(WithRet(f)),
        }
    }

    /// As [`AsyncFrame::on_cancel`], for an `errdefer!`/`okdefer!` closure.
    #[inline(always)]
    pub fn on_cancel_outcome<F: FnOnce(bool, Option<&mut R>)>(
        &self,
        f: F,
    ) -> OnCancel<'_, R, Z, S, WithOutcome<F>> {
        OnCancel {
            frame: self,
            call: Some(WithOutcome(f)),
        }
    }

    /// Fills the guard of a `defer!` in a nested block.
    #[inline(always)]
    pub fn fill_cancel<F: FnOnce()>(&self, slot: &mut OnCancel<'_, R, Z, S, Call<F>>, f: F) {
        slot.call = Some(Call(f));
    }

    /// As [`AsyncFrame::fill_cancel`], for a `|ret|` closure.
    #[inline(always)]
    pub fn fill_cancel_ret<F: FnOnce(&mut R)>(
        &self,
        slot: &mut OnCancel<'_, R, Z, S, WithRet<F>>,
        f: F,
    ) {
        slot.call = Some(WithRet(f));
    }

    /// As [`AsyncFrame::fill_cancel`], for an `errdefer!`/`okdefer!` closure.
    #[inline(always)]
    pub fn fill_cancel_outcome<F: FnOnce(bool, Option<&mut R>)>(
        &self,
        slot: &mut OnCancel<'_, R, Z, S, WithOutcome<F>>,
        f: F,
    ) {
        slot.call = Some(WithOutcome(f));
    }

    /// An empty guard, for the slot of a `defer!` in a nested block (filled by
    /// [`AsyncFrame::fill_cancel`]).
    #[inline(always)]
    pub fn cancel_slot<D: Cancel<R, Z, S>>(&self) -> OnCancel<'_, R, Z, S, D> {
        OnCancel {
            frame: self,
            call: None,
        }
    }
}

impl<R, Z, S> Drop for AsyncFrame<R, Z, S> {
    fn drop(&mut self) {
        if self.kept.get() {
            self.drop_kept();
        }
    }
}

impl<R, Z, S> AsyncFrame<R, Z, S> {
    /// The future was dropped with the frame holding slow-path state: a panic it was handling
    /// when cancelled, or one a deferred call run by the cancellation raised. Not lost: raised
    /// again from the drop, or, if the thread is panicking already, printed.
    #[cold]
    fn drop_kept(&self) {
        let core = self.frame.core();
        core.enter_poll(true);
        let leave = Leave {
            frame: self,
            done: true,
        };
        if let Some(payload) = core.cancelled_panic(std::thread::panicking()) {
            std::panic::resume_unwind(payload);
        }
        drop(leave);
    }
}

/// What a cancellation guard runs: a deferred call of one of the three kinds. Not public API.
pub trait Cancel<R, Z, S> {
    /// Runs the call as the cancellation of `frame` runs it.
    fn cancel(self, frame: &AsyncFrame<R, Z, S>);
}

/// A `FnOnce()` deferred call. Not public API.
pub struct Call<F>(F);
/// A `|ret|` closure. Not public API.
pub struct WithRet<F>(F);
/// An `errdefer!`/`okdefer!` closure. Not public API.
pub struct WithOutcome<F>(F);

impl<R, Z: ZeroSource<R>, S: ResultSlot<R>, F: FnOnce()> Cancel<R, Z, S> for Call<F> {
    fn cancel(self, frame: &AsyncFrame<R, Z, S>) {
        frame.run_cancelled(self.0);
    }
}

impl<R, Z: ZeroSource<R>, S: ResultSlot<R>, F: FnOnce(&mut R)> Cancel<R, Z, S> for WithRet<F> {
    fn cancel(self, frame: &AsyncFrame<R, Z, S>) {
        // Only with a result: a cancelled call has none unless it was returning.
        frame.run_cancelled(|| frame.frame.with_result_if_any(self.0));
    }
}

impl<R, Z: ZeroSource<R>, S: ResultSlot<R>, F: FnOnce(bool, Option<&mut R>)> Cancel<R, Z, S>
    for WithOutcome<F>
{
    fn cancel(self, frame: &AsyncFrame<R, Z, S>) {
        // A cancelled call did not complete: a failure.
        frame.run_cancelled(|| frame.frame.with_outcome_as(true, self.0));
    }
}

/// Holds a deferred call registered at its `defer!` in an `async fn` until it runs; if the
/// future is dropped first (cancelled), the guard's drop runs it (see the module's docs). Not
/// public API.
pub struct OnCancel<'a, R, Z, S, D: Cancel<R, Z, S>> {
    frame: &'a AsyncFrame<R, Z, S>,
    call: Option<D>,
}

impl<R, Z, S, D: Cancel<R, Z, S>> OnCancel<'_, R, Z, S, D> {
    /// The call, for the frame to run at exit; `None` if the `defer!` was not reached.
    #[inline(always)]
    pub fn take(&mut self) -> Option<D> {
        self.call.take()
    }
}

impl<F> Call<F> {
    #[inline(always)]
    pub fn get(self) -> F {
        self.0
    }
}

impl<F> WithRet<F> {
    #[inline(always)]
    pub fn get(self) -> F {
        self.0
    }
}

impl<F> WithOutcome<F> {
    #[inline(always)]
    pub fn get(self) -> F {
        self.0
    }
}

impl<R, Z, S, D: Cancel<R, Z, S>> Drop for OnCancel<'_, R, Z, S, D> {
    fn drop(&mut self) {
        if let Some(call) = self.call.take() {
            call.cancel(self.frame);
        }
    }
}
