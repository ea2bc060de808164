//! The frame: what one call of a `#[godefer::func]` function keeps in its own stack frame.
//!
//! The macro emits `Frame::enter` at the top of every lowered function, wraps the body in
//! [`Frame::nest`] scopes, runs deferred calls with [`Frame::run`] / [`Frame::run_ret`] (open-coded
//! defers) or [`Frame::run_down_to`] (records), and ends with [`Frame::finish`], which returns the
//! result slot or raises the frame's panic again.
//!
//! A panic in the body is caught once, by the innermost `nest` around it, and kept in the frame
//! (`FrameCore::panic`); the enclosing scopes then return normally and run their deferred calls
//! with `recover` armed. No scope raises it again until `finish`.

#![allow(missing_docs)] // reached only through `__private`, which is not public API

use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::ptr;

use crate::panic::{Earlier, Panic, PanicRecord};
use crate::record::{self, RecordHeader, StackRecord};
use crate::report;
use crate::state::{self, ArmGuard};
use crate::zero::ZeroSource;

/// The part of a frame that does not depend on the return type: what `recover` and the records
/// reach through raw pointers.
pub struct FrameCore {
    /// The level of this frame's body (see `state`).
    level: u32,
    /// The panic this frame is handling, if any. `ManuallyDrop`, as is `recovered_in_call`, so
    /// the frame has no drop glue: `Frame`'s `Drop` empties both in a cold path when needed.
    panic: ManuallyDrop<Cell<Option<Box<PanicRecord>>>>,
    /// The panics this frame's current deferred call recovered, with the ones they replaced:
    /// if the call panics again, the new panic's report lists them (`[recovered]`). The record
    /// `recover` took, without its payload (see `FrameCore::recover`).
    recovered_in_call: ManuallyDrop<Cell<Option<Box<PanicRecord>>>>,
    /// Whether a `recover` stopped a panic of this frame.
    recovered: Cell<bool>,
    /// The newest pending record (frame and heap strategies), linked to older ones.
    head: Cell<*const RecordHeader>,
}

impl FrameCore {
    #[inline]
    fn panicking(&self) -> bool {
        // SAFETY: `panic` is only accessed through `Cell` methods and this read; no reference to
        // its contents outlives a method of `FrameCore`, and the frame never leaves its thread.
        unsafe { (*self.panic.as_ptr()).is_some() }
    }

    #[inline]
    fn holds_something(&self) -> bool {
        // SAFETY: as in `panicking`.
        self.panicking() || unsafe { (*self.recovered_in_call.as_ptr()).is_some() }
    }

    /// Drops what a frame left behind: only when its exit unwinds for a reason other than its
    /// own panic (which `finish` took).
    #[cold]
    #[inline(never)]
    fn clear(&self) {
        drop(self.recovered_in_call.take());
        if let Some(record) = self.panic.take() {
            drop_payload(record.payload);
        }
    }

    /// A panic escaped the body: keep it.
    #[cold]
    #[inline(never)]
    fn caught(&self, payload: Box<dyn std::any::Any + Send>) {
        let record = report::claim(payload);
        if let Some(old) = self.panic.replace(Some(record)) {
            // Not reachable: the body stops at its first panic. Keep the newest, as Go would.
            drop_payload(old.payload);
        }
    }

    /// A deferred call panicked: the new panic replaces the one this frame was handling (or
    /// the one the call recovered before panicking, marked `[recovered]`), as in Go.
    #[cold]
    #[inline(never)]
    fn caught_from_deferred(&self, payload: Box<dyn std::any::Any + Send>) {
        let mut record = report::claim(payload);
        let mut chain = Vec::new();
        if let Some(ghost) = self.recovered_in_call.take() {
            let PanicRecord {
                earlier, recovered, ..
            } = *ghost;
            chain = earlier;
            if let Some(mut summary) = recovered {
                // The same payload raised again without the hook (`resume_unwind`) keeps its
                // origin.
                let addr = report::payload_addr(&*record.payload);
                if record.origin.is_none()
                    && matches!(&summary.resumable, Some((a, _)) if *a == addr)
                {
                    record.origin = summary.resumable.take().map(|(_, origin)| origin);
                }
                chain.push(summary);
            }
        } else if let Some(old) = self.panic.take() {
            let PanicRecord {
                payload, earlier, ..
            } = *old;
            chain = earlier;
            chain.push(Earlier::of(&*payload, false));
            drop_payload(payload);
        }
        if !chain.is_empty() {
            chain.append(&mut record.earlier);
            record.earlier = chain;
        }
        self.panic.set(Some(record));
    }

    /// Runs one deferred call while this frame is panicking: `recover` is armed for it.
    #[cold]
    #[inline(never)]
    fn run_armed<F: FnOnce()>(&self, f: F, mode: u8) {
        let result = {
            let _armed = ArmGuard::arm(self, self.level + 1, mode);
            catch_unwind(AssertUnwindSafe(f))
        };
        match result {
            Ok(()) => drop(self.recovered_in_call.take()),
            Err(payload) => self.caught_from_deferred(payload),
        }
    }

    /// `recover` found this frame armed. The record's box stays with the frame, emptied of its
    /// payload, as the summary the report needs if the deferred call panics in turn: a recover
    /// allocates nothing.
    pub(crate) fn recover(&self) -> Option<Panic> {
        let mut record = self.panic.take()?;
        self.recovered.set(true);
        let location = record.origin.as_ref().and_then(|o| o.location.clone());
        let payload = std::mem::replace(&mut record.payload, Box::new(()));
        let mut summary = Earlier::of(&*payload, true);
        if let Some(origin) = record.origin.take() {
            summary.resumable = Some((report::payload_addr(&*payload), origin));
        }
        record.recovered = Some(summary);
        // Arming ends at the first recover: one deferred call recovers at most one panic of
        // this frame, so this slot is empty.
        drop(self.recovered_in_call.replace(Some(record)));
        Some(Panic::new(payload, location))
    }

    #[inline]
    fn run_call<F: FnOnce()>(&self, f: F, mode: u8) {
        state::set_level(self.level + 1);
        if self.panicking() {
            self.run_armed(f, mode);
        } else if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
            self.caught_from_deferred(payload);
        }
    }
}

/// Drops a panic payload that nobody will see again. Its `Drop` may panic itself: that second
/// panic is caught and its payload leaked (`std` aborts in the same spot for a joined thread's
/// payload; godefer never aborts).
fn drop_payload(payload: Box<dyn std::any::Any + Send>) {
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(again);
    }
}

/// One call of a `#[godefer::func]` function: its result slot, its zero value and its
/// [`FrameCore`]. Not public API: the macro creates it.
pub struct Frame<R> {
    core: FrameCore,
    slot: Cell<Option<R>>,
    zero: Option<fn() -> R>,
}

impl<R> Frame<R> {
    /// The macro emits this first in every lowered function.
    #[inline]
    pub fn enter(zero: impl ZeroSource<R>) -> Frame<R> {
        let saved = state::level();
        if saved == 0 {
            report::ensure_hook();
        }
        state::set_level(saved + 2);
        Frame {
            core: FrameCore {
                level: saved + 2,
                panic: ManuallyDrop::new(Cell::new(None)),
                recovered_in_call: ManuallyDrop::new(Cell::new(None)),
                recovered: Cell::new(false),
                head: Cell::new(ptr::null()),
            },
            slot: Cell::new(None),
            zero: zero.zero_fn(),
        }
    }

    /// Runs part of the body; a panic in it is kept by the frame. The macro wraps every part of
    /// the body after which deferred calls must still run in one of these.
    #[inline(always)]
    pub fn nest<F: FnOnce()>(&self, body: F) {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(body)) {
            self.core.caught(payload);
        }
    }

    /// Stores the result: the tail expression, each `return` and each `?` that returns.
    #[inline(always)]
    pub fn set_result(&self, value: R) {
        self.slot.set(Some(value));
    }

    /// Runs an open-coded deferred call. `MODE` says how it may recover (`state::arm`).
    #[inline(always)]
    pub fn run<const MODE: u8, F: FnOnce()>(&self, f: F) {
        self.core.run_call(f, MODE);
    }

    /// Runs an open-coded deferred closure that takes the result (`defer!(|ret| ...)`).
    #[inline(always)]
    pub fn run_ret<const MODE: u8, F: FnOnce(&mut R)>(&self, f: F) {
        self.core.run_call(|| self.with_result(f), MODE);
    }

    fn with_result<F: FnOnce(&mut R)>(&self, f: F) {
        // SAFETY: only the frame's own methods touch `slot`, and none of them runs while a
        // deferred call does (the body is over, `finish` comes after every deferred call); the
        // `&mut` ends before this function returns or unwinds. Writing through the cell instead
        // of a local keeps what the closure stored even if it panics, as Go keeps a named result.
        let slot = unsafe { &mut *self.slot.as_ptr() };
        let value = match slot {
            Some(value) => value,
            None => slot.insert(match self.zero {
                Some(zero) => zero(),
                None => no_zero_for_closure(),
            }),
        };
        f(value);
    }

    /// Fills the slot of an open-coded `defer!` in a nested block. A call rather than an
    /// assignment so that a capture that does not live long enough is reported on the closure.
    #[inline(always)]
    pub fn fill_slot<F: FnOnce()>(&self, slot: &mut Option<F>, f: F) {
        *slot = Some(f);
    }

    /// As [`Frame::fill_slot`], for a `|ret|` closure.
    #[inline(always)]
    pub fn fill_slot_ret<F: FnOnce(&mut R)>(&self, slot: &mut Option<F>, f: F) {
        *slot = Some(f);
    }

    /// Gives a `|ret|` closure its signature (`&mut R`) at the defer statement, where it is
    /// created, so its parameter type need not be written.
    #[inline(always)]
    pub fn ret_closure<F: FnOnce(&mut R)>(&self, f: F) -> F {
        f
    }

    /// The current newest record: the macro takes a mark before registering and runs the
    /// records down to it at the end of the scope.
    #[inline(always)]
    pub fn mark(&self) -> Mark {
        Mark(self.core.head.get())
    }

    /// Registers a deferred call in a record of the function's own frame (frame strategy).
    #[inline(always)]
    pub fn push_stack<const MODE: u8, F: FnOnce()>(&self, rec: &StackRecord<F>, f: F) {
        rec.fill(f, record::run_stack::<R, F, MODE>, self.core.head.get());
        self.core.head.set(rec.header());
    }

    /// Registers a deferred `|ret|` closure in a record of the function's own frame.
    #[inline(always)]
    pub fn push_stack_ret<const MODE: u8, F: FnOnce(&mut R)>(&self, rec: &StackRecord<F>, f: F) {
        rec.fill(f, record::run_stack_ret::<R, F, MODE>, self.core.head.get());
        self.core.head.set(rec.header());
    }

    /// Registers a deferred call in a pooled heap record (heap strategy). The returned token
    /// carries `F`'s borrows: the macro keeps it until the records are run.
    #[inline(always)]
    pub fn push_heap<const MODE: u8, F: FnOnce()>(&self, f: F) -> Keep<F> {
        let rec = record::HeapRecord::fill::<F>(f, record::run_heap::<R, F, MODE>);
        self.link(rec);
        Keep(PhantomData)
    }

    /// Registers a deferred `|ret|` closure in a pooled heap record.
    #[inline(always)]
    pub fn push_heap_ret<const MODE: u8, F: FnOnce(&mut R)>(&self, f: F) -> Keep<F> {
        let rec = record::HeapRecord::fill::<F>(f, record::run_heap_ret::<R, F, MODE>);
        self.link(rec);
        Keep(PhantomData)
    }

    /// [`Frame::push_heap`] for a `defer!` in a nested block or loop: the token goes to the
    /// slot declared where the records run.
    #[inline(always)]
    pub fn push_heap_into<const MODE: u8, F: FnOnce()>(&self, keep: &mut Option<Keep<F>>, f: F) {
        *keep = Some(self.push_heap::<MODE, F>(f));
    }

    /// [`Frame::push_heap_ret`] for a `defer!` in a nested block or loop.
    #[inline(always)]
    pub fn push_heap_ret_into<const MODE: u8, F: FnOnce(&mut R)>(
        &self,
        keep: &mut Option<Keep<F>>,
        f: F,
    ) {
        *keep = Some(self.push_heap_ret::<MODE, F>(f));
    }

    #[inline(always)]
    fn link(&self, rec: *mut RecordHeader) {
        // SAFETY: `rec` was just taken from the pool and filled; nothing else points to it.
        unsafe { (*rec).next = self.core.head.get() };
        self.core.head.set(rec);
    }

    /// Runs every record registered after `mark`, newest first (Go's `deferreturn`).
    #[inline]
    pub fn run_down_to(&self, mark: Mark) {
        loop {
            let rec = self.core.head.get();
            if rec == mark.0 {
                break;
            }
            // SAFETY: every record linked into `head` is live until it runs: stack records are
            // locals the macro declares in a scope that encloses this call, heap records belong
            // to the pool until their runner gives them back. Each runs once: it is unlinked
            // before its runner is called.
            unsafe {
                self.core.head.set((*rec).next);
                ((*rec).run)(rec, (self as *const Frame<R>).cast());
            }
        }
    }

    /// Ends the call: the result, or the frame's panic raised again. The macro emits this last.
    #[inline]
    pub fn finish(&self, name: &'static str) -> R {
        if self.core.panicking() {
            self.raise_again();
        }
        match self.slot.take() {
            Some(value) => value,
            None => match self.zero {
                Some(zero) => zero(),
                None => no_result(name, self.core.recovered.get()),
            },
        }
    }

    #[cold]
    #[inline(never)]
    fn raise_again(&self) -> ! {
        let record = self.core.panic.take();
        let outermost = self.core.level == 2;
        match record {
            Some(record) => resume_unwind(report::leave(*record, outermost)),
            None => unreachable!("godefer::Frame::raise_again: the frame is not panicking"),
        }
    }
}

impl<R> Drop for Frame<R> {
    #[inline]
    fn drop(&mut self) {
        if self.core.holds_something() {
            self.core.clear();
        }
        let saved = self.core.level - 2;
        state::set_level(saved);
        if saved == 0 && state::HOT.with(|h| h.stale.get()) {
            report::flush_stale();
        }
    }
}

/// The position of the newest record when a scope started. Not public API.
#[derive(Clone, Copy)]
pub struct Mark(*const RecordHeader);

/// Carries the borrows of a deferred call stored in a heap record until the macro's scope runs
/// it, so the borrow checker sees them as it would for a local. Not public API.
#[must_use]
pub struct Keep<F>(PhantomData<F>);

impl<F> Keep<F> {
    /// The macro calls this after the scope's records ran: the borrows end here.
    #[inline(always)]
    pub fn release(self) {}

    /// As [`Keep::release`], for the slot of a `defer!` in a nested block or loop.
    #[inline(always)]
    pub fn release_slot(_: Option<Self>) {}
}

#[cold]
#[inline(never)]
fn no_result(name: &str, recovered: bool) -> ! {
    if recovered {
        panic!(
            "godefer: `{name}` recovered from a panic but has no result to return: its return \
             type has no zero value; store one from a deferred closure (`defer!(|ret| *ret = \
             ...)`) or name one with `#[godefer::func(zero = ...)]`"
        )
    }
    panic!("godefer: `{name}` returned without a result and its return type has no zero value")
}

#[cold]
#[inline(never)]
fn no_zero_for_closure() -> ! {
    panic!(
        "godefer: a deferred `|ret|` closure ran before the function had a result, and its \
         return type has no zero value; name one with `#[godefer::func(zero = ...)]`"
    )
}
