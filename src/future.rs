//! The frame of an `async fn`: a sync [`Frame`] that lives inside the future and is entered
//! once per poll.
//!
//! A sync frame is entered when its function is called and left when it returns; the thread's
//! state (`state`) links it meanwhile. A future is polled many times, maybe on several threads,
//! with other tasks polled between its polls on the same thread, so its frame is entered at the
//! start of each poll and left at the end of it ([`FrameCore::enter_poll`],
//! `Leave`): between polls no thread-local state points at it, and the panic
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
//! The `defer!`s that are an open-coded body's first statements are hoisted when they cannot
//! hold anything of the body (the macro's `Emit::hoistable`): their guards ([`OnCancel`]), in
//! one tuple, newest first, are locals of the `async fn`
//! itself, declared before the body's future, and [`AsyncFrame::scope`] runs them (its `exit`)
//! once the body is over, by its end or by a panic it caught. The code after such a `defer!`
//! needs no scope, hence no future, of its own.
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
use std::future::Future;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::frame::{catch, Frame, FrameCore, Head, Mark, ResultSlot};
use crate::zero::ZeroSource;

/// The frame of one call of an `async fn` lowered by `#[godefer::func]`. Not public API: made
/// by the macro with the unsafe [`AsyncFrame::new`]; the [`Frame`] methods the lowering calls
/// between awaits are reached through `Deref`.
#[repr(C)]
pub struct AsyncFrame<R, Z, S> {
    /// An earlier poll left the frame's slow-path state initialised (see `frame::Cold`).
    kept: Cell<bool>,
    /// Dropped by the async frame's `Drop`, without the sync frame's exit.
    frame: ManuallyDrop<Frame<R, Z, S>>,
}

// SAFETY: an `AsyncFrame` is a hygienic local of the future the macro generates; only that
// future's code reaches it (through `&AsyncFrame` held by its own nested futures), and a future
// is polled by one thread at a time (`Pin<&mut Self>`), so the frame is never used by two
// threads at once. Between polls no thread-local state points at it or at anything it owns
// (`Leave` unlinks it and gives back what it armed), and what it owns across polls (the
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
    #[inline(always)]
    fn drop(&mut self) {
        // `kept` can only change on the slow path: a frame that kept its state is registered
        // again by the next poll's entry, and one that did not keeps nothing unless it
        // registered (both pass `any_registered`).
        let core = self.frame.frame.core();
        if core.any_registered() {
            self.frame.kept.set(core.unlink_after_poll(self.done));
        }
        core.leave_top();
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
            frame: ManuallyDrop::new(unsafe { Frame::new(zero) }),
            kept: Cell::new(false),
        }
    }

    #[inline(always)]
    fn core(&self) -> &FrameCore {
        self.frame.core()
    }

    /// The whole body: polls it with the frame entered, then ends the call as
    /// [`Frame::finish`] does (the result, or the frame's panic raised again from the poll).
    ///
    /// `exit` runs the deferred calls of the body's outermost scope whose guards are locals of
    /// the `async fn` rather than of the body (see [`OnCancel`]): once the body is over, by its
    /// end or by a panic, in the same poll. It gets the frame rather than capturing it (one
    /// reference less stored in the future).
    ///
    /// `name` gives the function's name for the report of a panic that escapes: a closure
    /// rather than the string itself, so that the future stores nothing for it.
    #[inline(always)]
    pub fn scope<B: Future<Output = ()>, E: Fn(&Self), N: Fn() -> &'static str>(
        &self,
        body: B,
        exit: E,
        name: N,
    ) -> Scope<'_, R, Z, S, B, E, N> {
        Scope {
            frame: self,
            body,
            exit,
            name,
        }
    }

    #[inline(always)]
    fn poll_scope<B: Future<Output = ()>>(
        &self,
        body: Pin<&mut B>,
        exit: &impl Fn(&Self),
        cx: &mut Context<'_>,
        name: &impl Fn() -> &'static str,
    ) -> Poll<R> {
        self.core().enter_poll(self.kept.get());
        let mut leave = Leave {
            frame: self,
            done: true,
        };
        // The body is the frame's outermost scope: its panics are the frame's (the scopes
        // nested in it catch theirs).
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
        exit(self);
        let result = self.frame.finish(name());
        drop(leave);
        Poll::Ready(result)
    }

    /// A scope of the body (the async twin of [`Frame::nest`]): a panic in any of its polls is
    /// kept by the frame, and the scope is over.
    #[inline(always)]
    pub fn nest_async<B: Future<Output = ()>>(&self, body: B) -> Nest<'_, R, Z, S, B> {
        Nest { frame: self, body }
    }

    /// Runs an awaited deferred call: each of its polls as a sync deferred call runs (`recover`
    /// armed during each while the frame is panicking; `MODE` as for [`Frame::run`]), a panic
    /// ending it.
    #[inline(always)]
    pub fn run_async<const MODE: u8, F: Future<Output = ()>>(
        &self,
        call: F,
    ) -> RunAsync<'_, R, Z, S, F, MODE> {
        RunAsync { frame: self, call }
    }

    /// Runs an awaited deferred closure that takes the result (`defer!(async |ret| ..)`): the
    /// result is moved out of the slot into the call's future and put back when it is over
    /// (a panic of the call is caught before that).
    pub async fn run_async_ret<const MODE: u8, F: AsyncFnOnce(&mut R)>(&self, f: F) {
        let mut value = self.frame.result_or_zero();
        self.run_async::<MODE, _>(f(&mut value)).await;
        self.frame.set_result(value);
    }

    /// Runs what a cancellation guard held, entered in the frame as a poll would be: as the
    /// exit would have run it.
    fn run_cancelled<const MODE: u8>(&self, f: impl FnOnce()) {
        self.cancelling(|| self.frame.run::<MODE, _>(f));
    }

    /// Runs `f` entered in the frame as a poll would be (a cancellation's work).
    fn cancelling(&self, f: impl FnOnce()) {
        self.core().enter_poll(self.kept.get());
        let leave = Leave {
            frame: self,
            done: false,
        };
        self.core().mark_cancelled();
        f();
        drop(leave);
    }

    /// Guards the records registered after `mark` (frame and heap strategies) until they run;
    /// if the future is dropped first, the guard's drop runs them (see [`RecordsGuard`]).
    #[inline(always)]
    pub fn records_guard<'a>(&'a self, head: &'a Head, mark: Mark) -> RecordsGuard<'a, R, Z, S> {
        RecordsGuard {
            frame: self,
            head,
            mark,
            heap: false,
        }
    }

    /// As [`AsyncFrame::records_guard`], for heap records.
    #[inline(always)]
    pub fn heap_records_guard<'a>(
        &'a self,
        head: &'a Head,
        mark: Mark,
    ) -> RecordsGuard<'a, R, Z, S> {
        RecordsGuard {
            frame: self,
            head,
            mark,
            heap: true,
        }
    }

    /// Guards a deferred call registered at its `defer!` until it runs (see [`OnCancel`]).
    /// `MODE`: how it may recover, if the cancellation runs it while the future was handling
    /// a panic.
    #[inline(always)]
    pub fn on_cancel<const MODE: u8, F: FnOnce()>(
        &self,
        f: F,
    ) -> OnCancel<'_, R, Z, S, Call<MODE, F>> {
        OnCancel {
            frame: self,
            call: GuardCell(Cell::new(Some(Call(f)))),
        }
    }

    /// As [`AsyncFrame::on_cancel`], for a `|ret|` closure.
    #[inline(always)]
    pub fn on_cancel_ret<const MODE: u8, F: FnOnce(&mut R)>(
        &self,
        f: F,
    ) -> OnCancel<'_, R, Z, S, WithRet<MODE, F>> {
        OnCancel {
            frame: self,
            call: GuardCell(Cell::new(Some(WithRet(f)))),
        }
    }

    /// As [`AsyncFrame::on_cancel`], for an `errdefer!`/`okdefer!` closure.
    #[inline(always)]
    pub fn on_cancel_outcome<const MODE: u8, F: FnOnce(bool, Option<&mut R>)>(
        &self,
        f: F,
    ) -> OnCancel<'_, R, Z, S, WithOutcome<MODE, F>> {
        OnCancel {
            frame: self,
            call: GuardCell(Cell::new(Some(WithOutcome(f)))),
        }
    }

    /// Fills the guard of a `defer!` in a nested block.
    #[inline(always)]
    pub fn fill_cancel<const MODE: u8, F: FnOnce()>(
        &self,
        slot: &OnCancel<'_, R, Z, S, Call<MODE, F>>,
        f: F,
    ) {
        slot.call.0.set(Some(Call(f)));
    }

    /// As [`AsyncFrame::fill_cancel`], for a `|ret|` closure.
    #[inline(always)]
    pub fn fill_cancel_ret<const MODE: u8, F: FnOnce(&mut R)>(
        &self,
        slot: &OnCancel<'_, R, Z, S, WithRet<MODE, F>>,
        f: F,
    ) {
        slot.call.0.set(Some(WithRet(f)));
    }

    /// As [`AsyncFrame::fill_cancel`], for an `errdefer!`/`okdefer!` closure.
    #[inline(always)]
    pub fn fill_cancel_outcome<const MODE: u8, F: FnOnce(bool, Option<&mut R>)>(
        &self,
        slot: &OnCancel<'_, R, Z, S, WithOutcome<MODE, F>>,
        f: F,
    ) {
        slot.call.0.set(Some(WithOutcome(f)));
    }

    /// An empty guard, for the slot of a `defer!` in a nested block (filled by
    /// [`AsyncFrame::fill_cancel`]).
    #[inline(always)]
    pub fn cancel_slot<D: Cancel<R, Z, S>>(&self) -> OnCancel<'_, R, Z, S, D> {
        OnCancel {
            frame: self,
            call: GuardCell(Cell::new(None)),
        }
    }
}

impl<R, Z, S> Drop for AsyncFrame<R, Z, S> {
    fn drop(&mut self) {
        /// Drops the frame's fields last, also when `drop_kept` raises a panic.
        struct Fields<R, Z, S>(*mut ManuallyDrop<Frame<R, Z, S>>);
        impl<R, Z, S> Drop for Fields<R, Z, S> {
            fn drop(&mut self) {
                // SAFETY: the pointer is to the async frame's own frame, alive until its
                // `Drop` returns, which drops the frame only here, once; nothing else uses the
                // frame any more when this runs.
                unsafe { Frame::drop_unlinked(&mut *self.0) };
            }
        }
        let fields = Fields(&raw mut self.frame);
        if self.kept.get() {
            self.drop_kept();
        }
        drop(fields);
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

/// A `FnOnce()` deferred call, which recovers as `MODE` says. Not public API.
pub struct Call<const MODE: u8, F>(F);
/// A `|ret|` closure. Not public API.
pub struct WithRet<const MODE: u8, F>(F);
/// An `errdefer!`/`okdefer!` closure. Not public API.
pub struct WithOutcome<const MODE: u8, F>(F);

impl<R, Z: ZeroSource<R>, S: ResultSlot<R>, const MODE: u8, F: FnOnce()> Cancel<R, Z, S>
    for Call<MODE, F>
{
    fn cancel(self, frame: &AsyncFrame<R, Z, S>) {
        frame.run_cancelled::<MODE>(self.0);
    }
}

impl<R, Z: ZeroSource<R>, S: ResultSlot<R>, const MODE: u8, F: FnOnce(&mut R)> Cancel<R, Z, S>
    for WithRet<MODE, F>
{
    fn cancel(self, frame: &AsyncFrame<R, Z, S>) {
        // Only with a result: a cancelled call has none unless it was returning.
        frame.run_cancelled::<MODE>(|| frame.frame.with_result_if_any(self.0));
    }
}

impl<R, Z, S, const MODE: u8, F> Cancel<R, Z, S> for WithOutcome<MODE, F>
where
    Z: ZeroSource<R>,
    S: ResultSlot<R>,
    F: FnOnce(bool, Option<&mut R>),
{
    fn cancel(self, frame: &AsyncFrame<R, Z, S>) {
        // A cancelled call did not complete: a failure (the frame is marked cancelled).
        frame.run_cancelled::<MODE>(|| frame.frame.with_outcome(self.0));
    }
}

/// Holds a deferred call registered at its `defer!` in an `async fn` until it runs; if the
/// future is dropped first (cancelled), the guard's drop runs it (see the module's docs). Not
/// public API.
///
/// Filled and emptied through shared references: a guard of the body's outermost scope is a
/// local of the `async fn` itself, declared before the body's future (which fills it) and
/// emptied by the code [`AsyncFrame::scope`] runs once the body is over, so that a panic of
/// the body, which ends the body's future, leaves it in place (see `Emit::hoistable` in the
/// macro).
pub struct OnCancel<'a, R, Z, S, D: Cancel<R, Z, S>> {
    frame: &'a AsyncFrame<R, Z, S>,
    call: GuardCell<Option<D>>,
}

/// The cell of a guard: `Sync` when what it holds is `Send`, so that a future whose code holds
/// `&OnCancel` across an await is `Send` when the call is. (A bound on `OnCancel` itself would
/// bring `Cancel`'s bounds into every `Send` check: for a result type with a lifetime, a future
/// that is `Send` must then prove them for every lifetime, which it cannot.)
struct GuardCell<T>(Cell<T>);

// SAFETY: a guard is a hygienic local of the future the macro generates, made only by the
// frame's methods (so only with a frame made by the unsafe `AsyncFrame::new`), and reached only
// by that future's code, which one thread at a time polls or drops: shared references to its
// cell never let two threads use it at once. What it holds may be taken, run or dropped by
// whichever thread polls next, hence `T: Send`.
unsafe impl<T: Send> Sync for GuardCell<T> {}

impl<R, Z, S, D: Cancel<R, Z, S>> OnCancel<'_, R, Z, S, D> {
    /// The call, for the frame to run at exit; `None` if the `defer!` was not reached.
    #[inline(always)]
    pub fn take(&self) -> Option<D> {
        self.call.0.take()
    }
}

impl<const MODE: u8, F> Call<MODE, F> {
    #[inline(always)]
    pub fn get(self) -> F {
        self.0
    }
}

impl<const MODE: u8, F> WithRet<MODE, F> {
    #[inline(always)]
    pub fn get(self) -> F {
        self.0
    }
}

impl<const MODE: u8, F> WithOutcome<MODE, F> {
    #[inline(always)]
    pub fn get(self) -> F {
        self.0
    }
}

impl<R, Z, S, D: Cancel<R, Z, S>> Drop for OnCancel<'_, R, Z, S, D> {
    #[inline(always)]
    fn drop(&mut self) {
        if self.call.0.get_mut().is_some() {
            self.cancelled();
        }
    }
}

impl<R, Z, S, D: Cancel<R, Z, S>> OnCancel<'_, R, Z, S, D> {
    #[cold]
    #[inline(never)]
    fn cancelled(&mut self) {
        if let Some(call) = self.call.0.take() {
            call.cancel(self.frame);
        }
    }
}

/// Runs the records registered after its mark if they are still pending when it is dropped: the
/// future was dropped (cancelled) before the scope that runs them ended. Declared after the
/// scope's records and `Keep` slots, so it is dropped before them (and before what their calls
/// borrow, which the `Keep`s make outlive them), and inner scopes' guards before outer ones:
/// newest first. Not public API.
pub struct RecordsGuard<'a, R, Z: ZeroSource<R>, S: ResultSlot<R>> {
    frame: &'a AsyncFrame<R, Z, S>,
    head: &'a Head,
    mark: Mark,
    /// Heap records (else frame records).
    heap: bool,
}

impl<R, Z: ZeroSource<R>, S: ResultSlot<R>> RecordsGuard<'_, R, Z, S> {
    /// The scope's run ran the records: the guard has nothing left to do (and must not look at
    /// the list again: an outer scope's run goes on past its mark).
    #[inline(always)]
    pub fn done(self) {
        std::mem::forget(self);
    }
}

impl<R, Z: ZeroSource<R>, S: ResultSlot<R>> Drop for RecordsGuard<'_, R, Z, S> {
    fn drop(&mut self) {
        // Every record after the mark is pending (the scope's run, which would have ended the
        // guard, did not happen), unless none was registered.
        if self.head.is_at(self.mark) {
            return;
        }
        let (head, mark) = (self.head, self.mark);
        if self.heap {
            self.frame
                .cancelling(|| self.frame.frame.run_heap_down_to(head, mark));
        } else {
            self.frame
                .cancelling(|| self.frame.frame.run_down_to(head, mark));
        }
    }
}

/// The future of [`AsyncFrame::scope`]. Not public API.
pub struct Scope<'a, R, Z, S, B, E, N> {
    frame: &'a AsyncFrame<R, Z, S>,
    body: B,
    exit: E,
    name: N,
}

/// The future of [`AsyncFrame::nest_async`]. Not public API.
pub struct Nest<'a, R, Z, S, B> {
    frame: &'a AsyncFrame<R, Z, S>,
    body: B,
}

/// The future of [`AsyncFrame::run_async`]. Not public API.
pub struct RunAsync<'a, R, Z, S, F, const MODE: u8> {
    frame: &'a AsyncFrame<R, Z, S>,
    call: F,
}

// The three futures pin their inner future structurally: it is only ever reached through
// `Pin::new_unchecked` on a pinned `self`, never moved out, and none of them has a `Drop` (nor
// is `Unpin` unless the inner future is, by the auto trait), so the pin promise holds for it.

impl<R, Z, S, B, E, N> Future for Scope<'_, R, Z, S, B, E, N>
where
    Z: ZeroSource<R>,
    S: ResultSlot<R>,
    B: Future<Output = ()>,
    E: Fn(&AsyncFrame<R, Z, S>),
    N: Fn() -> &'static str,
{
    type Output = R;

    // Inline: the one call site is the `.await` of the function that made it.
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        // SAFETY: structural pinning of `body` (see above); `frame`, `exit` and `name` are not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above.
        let body = unsafe { Pin::new_unchecked(&mut this.body) };
        this.frame.poll_scope(body, &this.exit, cx, &this.name)
    }
}

impl<R, Z, S, B: Future<Output = ()>> Future for Nest<'_, R, Z, S, B> {
    type Output = ();

    // Inline: the one call site is the `.await` of the function that made it.
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: structural pinning of `body` (see above).
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above.
        let body = unsafe { Pin::new_unchecked(&mut this.body) };
        match catch(|| body.poll(cx)) {
            Ok(poll) => poll,
            Err(payload) => {
                this.frame.frame.core().caught_in_poll(payload);
                Poll::Ready(())
            }
        }
    }
}

impl<R, Z, S, F: Future<Output = ()>, const MODE: u8> Future for RunAsync<'_, R, Z, S, F, MODE> {
    type Output = ();

    // Inline: the one call site is the `.await` of the function that made it.
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: structural pinning of `call` (see above).
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above.
        let call = unsafe { Pin::new_unchecked(&mut this.call) };
        let core = this.frame.frame.core();
        core.before_poll(MODE);
        let result = catch(|| call.poll(cx).is_ready());
        if core.after_poll(result) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
