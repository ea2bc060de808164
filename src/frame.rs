//! The frame: what one call of a `#[godefer::func]` function keeps in its own stack frame.
//!
//! The macro emits `Frame::new` and `Frame::start` at the top of every lowered function (and a
//! [`Head`] for the record strategies), wraps the body in
//! [`Frame::nest`] scopes, runs deferred calls with [`Frame::run`] / [`Frame::run_ret`] (open-coded
//! defers), [`Frame::run_stack_down_to`] / [`Frame::run_down_to`] (frame records) or
//! [`Frame::run_heap_down_to`] (heap records), and ends with [`Frame::finish`], which returns the
//! result slot or raises the frame's panic again.
//!
//! A panic in the body is caught once, by the innermost `nest` around it, and kept in the frame
//! (`Cold::rec`); the enclosing scopes then return normally and run their deferred calls
//! with `recover` armed. No scope raises it again until `finish`.

#![allow(missing_docs)] // reached only through `__private`, which is not public API

use std::cell::{Cell, UnsafeCell};
use std::marker::PhantomData;
use std::mem::{ManuallyDrop, MaybeUninit};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::ptr;

use crate::panic::{Earlier, Ghost, Panic, PanicRecord};
use crate::record::{self, RecordHeader, StackRecord};
use crate::report;
use crate::state;
use crate::zero::ZeroSource;

/// Moves `$value` (an `$t`) into a `ManuallyDrop` local and type-erases it: `$value` becomes
/// its address and `call_erased::<$t>`, to be called once (or the `$t` leaks). The address is
/// that of a local of the block where `erase!` is used (shadowed, still alive): use it in that
/// block only. Written out by a
/// macro rather than a function: an unoptimised build compiles a generic function once per
/// closure type, at every `defer!` (a helper function measured 5% of the build-cost crate's
/// debug build).
macro_rules! erase {
    ($value:ident: $t:ty) => {
        let mut $value = ManuallyDrop::new($value);
        let $value = (
            &mut $value as *mut ManuallyDrop<$t> as *mut u8,
            call_erased::<$t> as unsafe fn(*mut u8),
        );
    };
}

/// Unoptimised, a scope `$body` (a `$b`) and the deferred call `$f` (an `$ft`) right after it,
/// both erased, under one catch in `$core` ([`FrameCore::nest_run_erased`]): what
/// [`FrameCore::nest_then`] and, one generic layer less, [`Frame::nest_run`] and
/// [`Frame::nest_tail_run`] do in a debug build.
#[cfg(debug_assertions)]
macro_rules! nest_run_erased {
    ($core:expr, $mode:expr, $body:ident: $b:ty, $f:ident: $ft:ty) => {{
        erase!($body: $b);
        erase!($f: $ft);
        // SAFETY: `$body` and `$f` are erased (see `erase!`); `nest_run_erased` calls each once.
        unsafe { $core.nest_run_erased($mode, $body.0, $body.1, $f.0, $f.1) };
    }};
}

/// The bits of [`Cold::flags`].
mod flag {
    /// Entered while something was armed: this frame counts levels (see `state`).
    pub const LEVELED: u8 = 1;
    /// A `recover` stopped a panic of this frame.
    pub const RECOVERED: u8 = 2;
    /// A deferred call runs with `recover` armed; `Cold::saved` holds what arming replaced.
    pub const ARMING: u8 = 4;
    /// `godefer::goexit()` crossed this frame: once its deferred calls ran, it goes on.
    pub const GOEXIT: u8 = 8;
    /// An async frame's future is being dropped before it completed (`crate::future`): its
    /// deferred calls run for a failure.
    pub const CANCELLED: u8 = 16;
}

/// What a frame keeps only once it needs a slow path: it caught a panic, or it was entered
/// while something was armed. Written when the frame registers itself as the thread's
/// innermost such frame (`state::Hot::special`), never before.
struct Cold {
    /// [`flag`] bits.
    flags: Cell<u8>,
    /// The level of this frame's body, when `LEVELED` (see `state`).
    level: Cell<u32>,
    /// The panic this frame is handling (null if none): a `Box<PanicRecord>` turned raw, owned
    /// by the frame.
    rec: Cell<*mut PanicRecord>,
    /// What the current deferred call recovered (see `FrameCore::recover`).
    ghost: Cell<Option<GhostBox>>,
    /// The frame registered before this one, put back on exit.
    prev: *const FrameCore,
    /// What arming `recover` for the running deferred call replaced, while `ARMING`.
    saved: Cell<state::Saved>,
}

/// A ghost where a frame keeps it. Unoptimised, boxed: a ghost is about 150 bytes, and such a
/// build copies the frame's uninitialised `Cold` twice when it makes a frame (see
/// `FrameCore::COLD`), a call to `memcpy` each while `Cold` held the ghost (184 bytes, 56
/// boxed: the debug 1-defer call 567 -> 511 instructions). Optimised, where making a frame
/// copies nothing, in place: boxed, a recovered panic was 2 to 6% slower there (an allocation,
/// or with a spare box kept per thread, as slow: code layout).
#[cfg(debug_assertions)]
type GhostBox = Box<Ghost>;
#[cfg(not(debug_assertions))]
type GhostBox = Ghost;

/// A ghost into its [`GhostBox`].
#[inline(always)]
fn ghost_box(ghost: Ghost) -> GhostBox {
    #[cfg(debug_assertions)]
    return Box::new(ghost);
    #[cfg(not(debug_assertions))]
    ghost
}

/// A ghost out of its [`GhostBox`].
#[cfg_attr(debug_assertions, allow(clippy::boxed_local))] // the box is the point
#[inline(always)]
fn ghost_unbox(ghost: GhostBox) -> Ghost {
    #[cfg(debug_assertions)]
    return *ghost;
    #[cfg(not(debug_assertions))]
    ghost
}

impl Cold {
    /// Drops the ghost, if there is one, where it lies: `Cell::take` would first move its
    /// 150 bytes out (measured: a `memmove` and a store-forwarding stall on every recovered
    /// panic, twice).
    fn drop_ghost(&self) {
        // SAFETY: a `Cell` lends no reference to its contents and `Cold` is never shared
        // between threads, so this is the only access to the ghost. Dropping one frees strings,
        // vectors and a backtrace: nothing that can reach this frame.
        let ghost = unsafe { &mut *self.ghost.as_ptr() };
        if ghost.is_some() {
            *ghost = None;
        }
    }

    /// Stores the ghost of a recovered panic (there is none: see `FrameCore::recover`), written
    /// in place rather than moved in by `Cell::set`.
    fn put_ghost(&self, ghost: Ghost) {
        // SAFETY: as in `drop_ghost`.
        let slot = unsafe { &mut *self.ghost.as_ptr() };
        debug_assert!(slot.is_none());
        *slot = Some(ghost_box(ghost));
    }
}

/// The part of a frame that does not depend on the return type: what `recover` and the records
/// reach through raw pointers.
///
/// Why this layout: on the happy path (no panic, nothing armed) a frame writes nothing at all
/// into itself. Stores were what the defer1 benchmark paid for (each one about 0.3 ns there,
/// more for thread-local ones), so everything a panic needs sits in [`Cold`], left
/// uninitialised until a slow path registers the frame in the thread's `state::Hot::special` list;
/// the happy path tests "is this frame (or any frame of the thread) registered" (one
/// thread-local load compared with the frame's address or zero) before and after each deferred
/// call, and asks about this frame only if so.
pub struct FrameCore {
    /// Initialised while this frame is registered (`state::Hot::special` points at it, or at a frame
    /// registered after it that is still running).
    cold: UnsafeCell<MaybeUninit<Cold>>,
    /// Debug builds only: the thread's `state::Hot` block, found once when the frame is made
    /// (an async frame finds it again at the start of each poll and of its cancellation, see
    /// [`FrameCore::enter_poll`]). Unoptimised, every thread-local access is a stack of calls
    /// (`LocalKey::with`, `try_with`, the accessor, the closures: about 120 instructions),
    /// which the happy path made six times a call; through this reference it is a load. A
    /// reference rather than a pointer: an unoptimised build checks the alignment of every
    /// pointer the crate dereferences. Release builds keep nothing: the optimiser makes each
    /// access one load relative to the thread pointer, which a stored field would only slow
    /// down.
    ///
    /// Between the polls of an async frame, the reference may be to the block of a thread
    /// that has ended since: it is never read then (see [`FrameCore::enter_poll`]).
    #[cfg(debug_assertions)]
    hot: Cell<&'static state::Hot>,
}

/// The newest pending record of a frame (frame and heap strategies), linked to older ones: a
/// local the macro declares after the frame in functions that use records, so an open-coded
/// frame has no list to initialise. Not public API.
pub struct Head(Cell<*const RecordHeader>);

impl Head {
    #[allow(clippy::new_without_default)]
    #[inline(always)]
    pub fn new() -> Head {
        Head(Cell::new(ptr::null()))
    }

    /// Whether no record was registered after `mark` (or all those ran).
    #[inline(always)]
    pub(crate) fn is_at(&self, mark: Mark) -> bool {
        self.0.get() == mark.0
    }

    /// The newest record.
    #[inline(always)]
    pub(crate) fn get(&self) -> *const RecordHeader {
        self.0.get()
    }

    /// Makes `rec` the newest record.
    #[inline(always)]
    pub(crate) fn set(&self, rec: *const RecordHeader) {
        self.0.set(rec);
    }
}

// SAFETY: a `Head` is a list of records that only a frame's methods follow, from the code of
// the frame that owns it (item 3 of `Frame::new`'s contract); no method usable without a frame
// reads or writes it. In an `async fn` the frame and its head are locals of one future, which
// one thread at a time polls or drops (see `AsyncFrame`), so moving it or sharing references to
// it with the thread that polls next races with nothing.
unsafe impl Send for Head {}
// SAFETY: as for `Send`.
unsafe impl Sync for Head {}

impl FrameCore {
    /// The slow-path state of a new frame: uninitialised. A constant, so that an unoptimised
    /// build copies it less: `UnsafeCell::new(MaybeUninit::uninit())` in the frame's
    /// initialiser copied its uninitialised bytes three times a call, the constant twice (into
    /// the core, the core into the frame: about 58 instructions of `memcpy` when `Cold` was 184
    /// bytes; since an unoptimised build boxes the ghost, 56 bytes, copied inline).
    #[allow(clippy::declare_interior_mutable_const)] // each use is a new frame's own state
    const COLD: UnsafeCell<MaybeUninit<Cold>> = UnsafeCell::new(MaybeUninit::uninit());

    /// The thread's `state::Hot` block (debug builds: the reference the frame keeps). That of
    /// the thread running the frame's code: a sync frame is made, used and dropped on one
    /// thread (it is not `Send`); an async frame's code runs only inside its polls and its
    /// cancellation, each of which starts with `enter_poll`, which finds the block of the
    /// thread running it.
    #[cfg(debug_assertions)]
    #[inline(always)]
    fn hot(&self) -> &state::Hot {
        self.hot.get()
    }

    /// Runs `f` on the thread's `state::Hot::special` (an optimised build's; an unoptimised one
    /// reads the block the frame keeps, written out where it is used).
    #[cfg(not(debug_assertions))]
    #[inline(always)]
    fn with_special<T>(&self, f: impl FnOnce(&Cell<*const FrameCore>) -> T) -> T {
        state::with_special(f)
    }

    /// Runs `f` on the thread's `state::Hot::top`.
    #[inline(always)]
    fn with_top<T>(&self, f: impl FnOnce(&Cell<usize>) -> T) -> T {
        #[cfg(debug_assertions)]
        return f(self.hot().top());
        #[cfg(not(debug_assertions))]
        state::with_top(f)
    }

    /// Whether any frame armed `recover` on this thread (`state::armed`).
    #[inline(always)]
    fn armed(&self) -> bool {
        #[cfg(debug_assertions)]
        return self.hot().armed();
        #[cfg(not(debug_assertions))]
        state::armed()
    }

    /// Whether this frame registered itself (see [`Cold`]). Only the innermost registered
    /// frame runs code, so "registered" is "the thread's registered frame is this one".
    #[inline(always)]
    fn registered(&self) -> bool {
        // Unoptimised, written out (see `FrameCore::any_registered`).
        #[cfg(debug_assertions)]
        return ptr::eq(self.hot.get().special().get(), self);
        #[cfg(not(debug_assertions))]
        self.with_special(
            #[inline(always)]
            |s| ptr::eq(s.get(), self),
        )
    }

    /// Whether this frame is not registered: the fast paths' test (null first, see
    /// [`FrameCore::any_registered`]).
    #[inline(always)]
    fn unregistered(&self) -> bool {
        !(self.any_registered() && self.registered())
    }

    /// Whether any frame of the thread is registered: false on the happy path, where it is a
    /// test of one thread local against zero, with no need for the frame's address (which
    /// costs registers kept across the deferred call). The slow paths it leads to ask
    /// [`FrameCore::registered`]: frames entered inside a recovering deferred call take them
    /// although not registered themselves. (A null test inside `registered` does not do it:
    /// the optimiser folds it into the address compare, measured 0.5 ns slower on defer1.)
    // `is_null` is a call of its own in an unoptimised build; a comparison is not.
    #[allow(clippy::cmp_null)]
    #[inline(always)]
    pub(crate) fn any_registered(&self) -> bool {
        // Unoptimised, written out on the block the frame keeps: it is inlined at every
        // deferred call and every scope's end, where each helper layer (the accessor, its
        // closure) spilled its arguments and reloaded them.
        #[cfg(debug_assertions)]
        return self.hot.get().special().get() != ptr::null();
        #[cfg(not(debug_assertions))]
        self.with_special(
            #[inline(always)]
            |s| s.get() != ptr::null(),
        )
    }

    /// The slow-path state. Only for a registered frame: one that is the innermost registered
    /// frame (`registered()`), or the frame `recover` reaches through the armed pointer (only a
    /// panicking, hence registered, frame arms; frames its deferred call entered may have
    /// registered after it).
    #[inline(always)]
    fn cold(&self) -> &Cold {
        // SAFETY: `register` initialised `cold` before it linked the frame into `state::Hot::special`,
        // and it stays initialised (and linked) until the frame's `Drop`; see above for why
        // every caller holds a registered frame.
        unsafe { (*self.cold.get()).assume_init_ref() }
    }

    /// Registers this frame as the thread's innermost slow-path frame, if it is not yet. Only
    /// from the frame's own code (its catches, its entry), where nothing registered after it is
    /// still running: the frames its body or deferred calls entered have exited before it
    /// catches their panics. Never from `recover`, which reaches a frame that may have frames
    /// registered after it, and is registered already.
    #[cold]
    #[inline(never)]
    fn register(&self, flags: u8, level: u32) {
        if self.registered() {
            return;
        }
        debug_assert!(
            !self.in_chain(),
            "godefer: a frame registered twice (internal error)"
        );
        let prev = state::with_special(|s| s.replace(self));
        // SAFETY: not registered, so nothing reads `cold` now and no reference into it
        // exists; after this write it is initialised.
        unsafe {
            (*self.cold.get()).write(Cold {
                flags: Cell::new(flags),
                level: Cell::new(level),
                rec: Cell::new(ptr::null_mut()),
                ghost: Cell::new(None),
                prev,
                saved: Cell::new(state::Saved::NONE),
            });
        }
    }

    /// [`Frame::start`]'s work. Out of line in an unoptimised build, where inlined into every
    /// lowered function it was a fifth of the function's own code (it is the same for every
    /// frame type).
    #[cfg(not(debug_assertions))]
    #[inline(always)]
    fn start(&self) {
        if self.enter_top() {
            self.enter_armed();
        }
    }

    /// The frame's `Drop`: out of line in an unoptimised build, as [`FrameCore::start`].
    #[cfg(not(debug_assertions))]
    #[inline(always)]
    fn exit(&self) {
        if self.any_registered() {
            self.exit_if_registered();
        }
        self.leave_top();
    }

    /// [`FrameCore::start`] of an unoptimised build: what [`FrameCore::enter_top`] and the
    /// test of `armed` do, written out on the thread's block the frame keeps. Unoptimised,
    /// each helper those go through (the thread-local accessors, their closures, the
    /// frame's address) spills its arguments and reloads them: written out, the entry is
    /// about half the instructions. `tests` run these (a debug build); the release versions
    /// are the same steps through the helpers.
    #[cfg(debug_assertions)]
    #[inline(never)]
    fn start(&self) {
        let hot = self.hot.get();
        let me = (self as *const Self).addr();
        let top = hot.top().get();
        if top <= state::top::NONE {
            hot.top().set(me);
            if top == state::top::FRESH {
                report::first_entry(me);
            }
            // Nothing is armed outside a frame: only a panicking frame's deferred call is.
            debug_assert!(!hot.armed());
        } else if hot.armed() {
            self.enter_armed();
        }
    }

    /// [`FrameCore::exit`] of an unoptimised build: [`FrameCore::any_registered`] and
    /// [`FrameCore::leave_top`] written out, as for [`FrameCore::start`].
    #[cfg(debug_assertions)]
    #[allow(clippy::cmp_null)] // `is_null` is a call of its own in an unoptimised build
    #[inline(never)]
    fn exit(&self) {
        let hot = self.hot.get();
        if hot.special().get() != ptr::null() {
            self.exit_if_registered();
        }
        let me = (self as *const Self).addr();
        let top = hot.top().get();
        let outermost = top & !state::top::MARKS == me;
        hot.top()
            .set(if outermost { state::top::NONE } else { top });
        if outermost && top != me {
            // A report waits for the outermost frame's exit, or the hook is still missing.
            report::outermost_exit(top);
        }
    }

    /// Whether this frame is in the thread's registered list at all (debug checks only).
    fn in_chain(&self) -> bool {
        let mut at = state::with_special(|s| s.get());
        while !at.is_null() {
            if ptr::eq(at, self) {
                return true;
            }
            // SAFETY: every frame in the list is registered, hence its `cold` initialised, and
            // alive (a frame unlinks itself in its `Drop`).
            at = unsafe { (*(*at).cold.get()).assume_init_ref().prev };
        }
        false
    }

    /// An async frame's poll starts (see `crate::future`): what [`Frame::start`] does at a sync
    /// frame's entry, and, if an earlier poll left the slow-path state behind (`kept`: a panic
    /// being handled, a ghost, flags), links the frame into the thread's list again, counting
    /// levels afresh for this poll. Only from the frame's own scope future, at the start of its
    /// poll, where nothing registered after it is running.
    #[inline(always)]
    pub(crate) fn enter_poll(&self, kept: bool) {
        // Written in place, not with `Cell::set`, which would read the reference it replaces:
        // after a move between threads, to a block that may be gone.
        #[cfg(debug_assertions)]
        // SAFETY: a `Cell` lends no reference to its contents, and only the thread polling the
        // frame uses it, which is this one.
        unsafe {
            self.hot.as_ptr().write(state::hot())
        };
        let armed = self.enter_top();
        if kept {
            self.relink(armed);
        } else if armed {
            self.enter_armed();
        }
    }

    /// The entry's half that concerns `state::Hot::top` (see [`Frame::start`]): if no frame of
    /// the thread is active, notes this one as the outermost (the thread's first frame also
    /// installs the panic hook). Returns whether something is armed, which is never the case
    /// outside a frame.
    #[inline(always)]
    fn enter_top(&self) -> bool {
        let me = self.addr();
        self.with_top(
            #[inline(always)]
            |t| {
                // Loaded only to branch on, and the stores put back no loaded value: consecutive
                // calls carry no data dependency through the thread-local state (see `state`).
                let top = t.get();
                if top <= state::top::NONE {
                    t.set(me);
                    if top == state::top::FRESH {
                        report::first_entry(me);
                    }
                    // Nothing is armed outside a frame: only a panicking frame's deferred call is.
                    debug_assert!(!self.armed());
                    false
                } else {
                    self.armed()
                }
            },
        )
    }

    /// [`FrameCore::enter_poll`] for a frame that kept its slow-path state.
    #[cold]
    #[inline(never)]
    fn relink(&self, armed: bool) {
        {
            let prev = state::with_special(|s| s.replace(self));
            // SAFETY: `kept`: an earlier poll initialised `cold` and `unlink_after_poll` unlinked the
            // frame, so nothing follows `prev` now. `prev` is the one field that is not a
            // `Cell`: written through the `UnsafeCell`, before any reference into `cold` is made.
            unsafe { (*(*self.cold.get()).as_mut_ptr()).prev = prev };
            let cold = self.cold();
            let flags = cold.flags.get() & !flag::LEVELED;
            if armed {
                let level = state::level().wrapping_add(2);
                state::set_level(level);
                cold.level.set(level);
                cold.flags.set(flags | flag::LEVELED);
            } else {
                cold.flags.set(flags);
            }
        }
    }

    /// An async frame's poll ends (`crate::future`'s `Leave`, which then calls
    /// [`FrameCore::leave_top`]) while some frame of the thread is registered: `done` if the
    /// frame will not be polled again (its result is out, or the poll unwinds). Unlinks the
    /// frame and gives back its levels, as a sync frame's exit does, but keeps the slow-path
    /// state unless `done`. Returns whether it kept it.
    #[cold]
    #[inline(never)]
    pub(crate) fn unlink_after_poll(&self, done: bool) -> bool {
        if !self.registered() {
            return false;
        }
        if done {
            self.exit_slow();
            return false;
        }
        let cold = self.cold();
        if cold.flags.get() & flag::LEVELED != 0 {
            state::set_level(cold.level.get().wrapping_sub(2));
        }
        state::with_special(|s| s.set(cold.prev));
        true
    }

    /// The exit's half that concerns `state::Hot::top` (see [`Frame`]'s `Drop`).
    #[inline(always)]
    pub(crate) fn leave_top(&self) {
        let me = self.addr();
        self.with_top(
            #[inline(always)]
            |t| {
                let top = t.get();
                let outermost = top & !state::top::MARKS == me;
                // Written as a store by every frame, of the same value unless this is the
                // outermost (the optimiser drops that store again, so no frame stores back a value
                // it loaded): one path to the return, where a branch around the store gave the
                // optimiser two, each with its own copy of the epilogue. A panic raised in the body
                // below them (the code of a `panic!` is placed after the return) makes the unwinder
                // interpret the unwind information of each epilogue it passes, twice per panic: one
                // copy less is about 500 instructions less per panic at depth 0 (callgrind,
                // panic_recover).
                t.set(if outermost { state::top::NONE } else { top });
                if outermost && top != me {
                    // A report waits for the outermost frame's exit, or the hook is still missing.
                    report::outermost_exit(top);
                }
            },
        );
    }

    /// An awaited deferred call (`crate::future`) is about to be polled: as before a sync
    /// deferred call, once per poll.
    #[inline]
    pub(crate) fn before_poll(&self, mode: u8) {
        if self.any_registered() {
            self.before_call(mode);
        }
    }

    /// An awaited deferred call's poll returned (or panicked): disarms as after a sync deferred
    /// call; the ghost of what it recovered stays until the call is over, for a panic it may
    /// raise in a later poll.
    pub(crate) fn after_poll(&self, result: std::thread::Result<bool>) -> bool {
        if self.any_registered() && self.registered() {
            let cold = self.cold();
            if cold.flags.get() & flag::ARMING != 0 {
                cold.flags.set(cold.flags.get() & !flag::ARMING);
                state::disarm(cold.saved.get());
            }
            if matches!(result, Ok(true)) {
                cold.drop_ghost();
            }
        }
        match result {
            Ok(ready) => ready,
            Err(payload) => {
                self.caught_from_deferred(payload);
                true
            }
        }
    }

    /// An async frame dropped before completing, entered for its drop (`crate::future`): the
    /// panic it holds, reported as an outermost frame reports it, and returned to be raised
    /// again from the drop; or, if the thread is panicking already (raising would abort),
    /// printed and dropped.
    pub(crate) fn cancelled_panic(
        &self,
        thread_panicking: bool,
    ) -> Option<Box<dyn std::any::Any + Send>> {
        if !self.registered() {
            return None;
        }
        let Some(record) = self.take_panic() else {
            // `goexit` from a deferred call the cancellation ran goes on from the drop, as it
            // would from a poll (during an unwind it is one already).
            let goexit = self.cold().flags.get() & flag::GOEXIT != 0;
            return (goexit && !thread_panicking)
                .then(|| Box::new(crate::panic::Goexit::new()) as Box<dyn std::any::Any + Send>);
        };
        let payload = report::leave(*record, thread_panicking || self.outermost());
        if thread_panicking {
            drop_payload(payload);
            return None;
        }
        Some(payload)
    }

    /// A panic escaped a scope of an async frame's body, in one of its polls: keep it.
    pub(crate) fn caught_in_poll(&self, payload: Box<dyn std::any::Any + Send>) {
        self.caught(payload);
    }

    /// A frame entered while something is armed counts levels: its body two levels deeper.
    #[cold]
    #[inline(never)]
    fn enter_armed(&self) {
        let level = state::level().wrapping_add(2);
        state::set_level(level);
        self.register(flag::LEVELED, level);
    }

    /// The frame's address, as `state::Hot::top` holds it.
    #[inline(always)]
    fn addr(&self) -> usize {
        ptr::from_ref(self).addr()
    }

    /// Whether this is the outermost active frame of the thread (see [`Frame::start`]).
    #[inline(always)]
    fn outermost(&self) -> bool {
        self.with_top(|t| t.get() & !state::top::MARKS == self.addr())
    }

    #[inline(always)]
    fn has(&self, bits: u8) -> bool {
        !self.unregistered() && self.cold().flags.get() & bits != 0
    }

    /// Panicking, or cancelled: what `errdefer!` counts as a failure besides an `Err`.
    #[inline(always)]
    fn failing(&self) -> bool {
        !self.unregistered() && {
            let cold = self.cold();
            !cold.rec.get().is_null() || cold.flags.get() & flag::CANCELLED != 0
        }
    }

    /// An async frame's future is dropped before it completed: marks the frame so that its
    /// deferred calls run as for a failure. Only while the frame is entered for the drop.
    pub(crate) fn mark_cancelled(&self) {
        self.register(0, 0);
        let cold = self.cold();
        cold.flags.set(cold.flags.get() | flag::CANCELLED);
    }

    /// Whether a `recover` stopped a panic of this frame (for `finish`'s message).
    #[cold]
    #[inline(never)]
    fn recovered(&self) -> bool {
        self.has(flag::RECOVERED)
    }

    /// Panicking, or `goexit` crossed the frame, once some frame of the thread is registered:
    /// `finish` does not return. Out of line (as [`FrameCore::recovered`]): called from
    /// generic code, so inlined it would be compiled in the user's crate, with the helpers it
    /// goes through, in an unoptimised build too.
    #[cold]
    #[inline(never)]
    fn leaving_registered(&self) -> bool {
        self.registered() && {
            let cold = self.cold();
            !cold.rec.get().is_null() || cold.flags.get() & flag::GOEXIT != 0
        }
    }

    /// `godefer::goexit()` unwound into this frame (from its body, or from a deferred call,
    /// whose panic it abandons, as Go's `Goexit` does): not a panic (`recover` returns `None`,
    /// nothing is reported); the deferred calls run, and `finish` goes on with it.
    #[cold]
    #[inline(never)]
    fn caught_goexit(&self) {
        self.register(0, 0);
        self.clear();
        let cold = self.cold();
        cold.flags.set(cold.flags.get() | flag::GOEXIT);
    }

    /// Takes the panic this frame is handling, if any. Only for a registered frame (see
    /// `cold`).
    fn take_panic(&self) -> Option<Box<PanicRecord>> {
        let rec = self.cold().rec.replace(ptr::null_mut());
        // SAFETY: a non-null `rec` is a pointer from `Box::into_raw` (`put_panic`), and
        // replacing it with null above gives up the frame's ownership of it.
        (!rec.is_null()).then(|| unsafe { Box::from_raw(rec) })
    }

    /// Stores the panic this frame is handling. Only for a registered frame (see `cold`).
    fn put_panic(&self, record: Box<PanicRecord>) {
        if let Some(old) = self.take_panic() {
            // Not reachable: the body stops at its first panic, and a deferred call's panic
            // takes the old one first. Keep the newest, as Go would.
            drop_payload(old.payload);
        }
        self.cold().rec.set(Box::into_raw(record));
    }

    /// Drops what a frame left behind: only when its exit unwinds for a reason other than its
    /// own panic (which `finish` took).
    #[cold]
    #[inline(never)]
    fn clear(&self) {
        self.cold().drop_ghost();
        if let Some(record) = self.take_panic() {
            drop_payload(record.payload);
        }
    }

    /// Raises the frame's panic again (or goes on with `goexit`), at the end of
    /// [`Frame::finish`]. Not generic, so compiled once, here: its drops of the panic's record
    /// (a backtrace, the chain of earlier panics) are not instantiated in every user crate.
    #[cold]
    #[inline(never)]
    fn raise(&self) -> ! {
        match self.take_panic() {
            Some(record) => resume_unwind(report::leave(*record, self.outermost())),
            // Not panicking: `goexit` goes on (a panic raised during it, and not recovered,
            // went first, as in Go).
            None => crate::panic::goexit(),
        }
    }

    /// The exit of a frame while some frame of the thread is registered.
    #[cold]
    #[inline(never)]
    fn exit_if_registered(&self) {
        if self.registered() {
            self.exit_slow();
        }
    }

    /// The exit of a registered frame: drops what it holds, gives back its levels, and
    /// unregisters.
    #[cold]
    #[inline(never)]
    fn exit_slow(&self) {
        let cold = self.cold();
        self.clear();
        if cold.flags.get() & flag::LEVELED != 0 {
            state::set_level(cold.level.get().wrapping_sub(2));
        }
        state::with_special(|s| s.set(cold.prev));
    }

    /// A panic escaped the body: keep it.
    #[cold]
    #[inline(never)]
    fn caught(&self, payload: Box<dyn std::any::Any + Send>) {
        if payload.is::<crate::panic::Goexit>() {
            return self.caught_goexit();
        }
        self.register(0, 0);
        let mut record = report::claim(payload);
        report::unwrap_repanic(&mut record);
        self.put_panic(record);
    }

    /// A deferred call panicked: the new panic replaces the one this frame was handling (or
    /// the one the call recovered before panicking, marked `[recovered]`), as in Go.
    #[cold]
    #[inline(never)]
    fn caught_from_deferred(&self, payload: Box<dyn std::any::Any + Send>) {
        if payload.is::<crate::panic::Goexit>() {
            return self.caught_goexit();
        }
        self.register(0, 0);
        let mut record = report::claim(payload);
        report::unwrap_repanic(&mut record);
        let mut chain = Vec::new();
        if let Some(ghost) = self.cold().ghost.take() {
            let Ghost {
                earlier,
                recovered: mut summary,
            } = ghost_unbox(ghost);
            chain = earlier;
            // The same payload raised again without the hook (`resume_unwind`) keeps its
            // origin.
            let addr = report::payload_addr(&*record.payload);
            if record.origin.is_none() && matches!(&summary.resumable, Some((a, _)) if *a == addr) {
                record.origin = summary.resumable.take().map(|(_, origin)| origin);
            }
            chain.push(summary);
        } else if let Some(old) = self.take_panic() {
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
        self.put_panic(record);
    }

    /// `recover` found this frame armed. The record's box becomes the `Panic`; the frame keeps
    /// what the report needs if the deferred call panics in turn (the [`Ghost`]): a recover
    /// allocates nothing.
    pub(crate) fn recover(&self) -> Option<Panic> {
        let mut record = self.take_panic()?;
        let cold = self.cold();
        cold.flags.set(cold.flags.get() | flag::RECOVERED);
        let mut summary = Earlier::of(&*record.payload, true);
        if let Some(origin) = record.origin.take() {
            record.location = origin.location;
            summary.resumable = Some((report::payload_addr(&*record.payload), origin));
        }
        // Arming ends at the first recover: one deferred call recovers at most one panic of
        // this frame, so no other ghost is held.
        cold.put_ghost(Ghost {
            earlier: std::mem::take(&mut record.earlier),
            recovered: summary,
        });
        Some(Panic::new(record))
    }

    /// Runs a deferred call. The happy path (no frame of the thread registered) is one
    /// thread-local test and the call under a `catch_unwind`; nothing else is compiled inline.
    /// Otherwise the call goes, type-erased, to [`FrameCore::run_call_slow`], out of line: the
    /// closure is moved into memory only on that path, and nothing of it is live after the call
    /// on either path, so the happy path keeps its captures in the argument registers.
    ///
    /// The slow path's work around the call (arming `recover`, counting levels) used to be
    /// inline around the one call, to keep the captures out of callee-saved registers; compiled
    /// inline at every deferred call, it was a third of the build's work for a three-defer
    /// function, debug or release (the build-cost crate's three-defer functions: debug 0.98 ->
    /// 0.65 s, release 1.04 -> 0.73 s of CPU). Release code got smaller and no slower: defer1
    /// 55 -> 52 instructions a call, three callee-saved registers pushed -> one.
    #[inline(always)]
    fn run_call<F: FnOnce()>(&self, f: F, mode: u8) {
        if self.any_registered() {
            return self.run_call_erased(f, mode);
        }
        // A frame registers itself only in its own slow paths, never while a deferred call of
        // its own runs, and every frame the call enters unregisters before it returns: after
        // a return, no frame is registered still.
        if let Err(payload) = catch(f) {
            self.caught_from_deferred(payload);
        }
    }

    /// [`FrameCore::run_call`] for the run that ends a scope of this frame with nothing of the
    /// scope alive (see [`Frame::tail_run`]): on the happy path the call has no catch of its
    /// own, and its panic unwinds to the scope's, which does what this one would have: the
    /// frame is not registered, so `caught` and `caught_from_deferred` are the same (no panic
    /// handled, nothing recovered before).
    #[inline(always)]
    fn run_call_tail<F: FnOnce()>(&self, f: F, mode: u8) {
        if self.any_registered() {
            return self.run_call_erased(f, mode);
        }
        f();
    }

    /// Hands the call, type-erased, to [`FrameCore::run_call_slow`].
    #[inline(always)]
    pub(crate) fn run_call_erased<F: FnOnce()>(&self, f: F, mode: u8) {
        // SAFETY: the frame's own core, alive while `self` is.
        unsafe { FrameCore::run_call_erased_at(ptr::from_ref(self).cast(), f, mode) };
    }

    /// [`FrameCore::run_call_erased`] for the frame at `frame`, type-erased: the runner of a
    /// heap record then dereferences nothing itself (each dereference of a raw place is
    /// checked in an unoptimised build, in every runner).
    ///
    /// # Safety
    /// `frame` points to a live frame's core (its [`Frame::erased`] address, or the core's own).
    #[inline(always)]
    pub(crate) unsafe fn run_call_erased_at<F: FnOnce()>(frame: *const (), f: F, mode: u8) {
        erase!(f: F);
        // SAFETY: the caller's promise for `frame`; `f` is erased (see `erase!`), and
        // `run_call_slow` calls it once.
        unsafe { FrameCore::run_call_slow_at(frame, mode, f.0, f.1) };
    }

    /// [`FrameCore::run_call_slow`] for the frame at `frame`.
    ///
    /// # Safety
    /// As [`FrameCore::run_call_erased_at`] for `frame`, and as [`FrameCore::run_call_slow`].
    #[cold]
    #[inline(never)]
    unsafe fn run_call_slow_at(
        frame: *const (),
        mode: u8,
        data: *mut u8,
        call: unsafe fn(*mut u8),
    ) {
        // SAFETY: the caller's promises.
        unsafe { (*frame.cast::<FrameCore>()).run_call_slow(mode, data, call) };
    }

    /// [`FrameCore::run_call`] while some frame of the thread is registered: arms `recover`
    /// if this frame is panicking, runs the call, disarms.
    ///
    /// # Safety
    ///
    /// `call(data)` may be called once, and must be for nothing to leak: this calls it once.
    #[cold]
    #[inline(never)]
    unsafe fn run_call_slow(&self, mode: u8, data: *mut u8, call: unsafe fn(*mut u8)) {
        self.before_call(mode);
        // SAFETY: the caller's promise.
        let result = catch(|| unsafe { call(data) });
        self.after_call(result);
    }

    /// [`Frame::nest`] and the run right after it ([`Frame::nest_run`]) in an unoptimised
    /// build, type-erased, under one catch: the body at `body`, then, if no frame of the
    /// thread is registered, the deferred call at `call` under the same catch (as
    /// [`Frame::tail_run`] leaves its panic to the scope's catch: with the frame not
    /// registered, the panic of either is kept the same way). Otherwise the call goes to
    /// [`FrameCore::run_call_slow`], as [`FrameCore::run_call`] sends it. One catch compiled
    /// for all the frames of the program, and one run on the happy path: an instance of
    /// `catch_unwind` and its helpers per scope and per deferred call was most of what an
    /// unoptimised build of a `defer!` cost, and each catch about 40 instructions a call.
    ///
    /// # Safety
    ///
    /// `run_body(body)` and `run(call)` may each be called once, and must be for nothing to
    /// leak: this calls each once.
    #[cfg(debug_assertions)]
    #[inline(never)]
    unsafe fn nest_run_erased(
        &self,
        mode: u8,
        body: *mut u8,
        run_body: unsafe fn(*mut u8),
        call: *mut u8,
        run: unsafe fn(*mut u8),
    ) {
        // One reference for the catch's closure to capture: an unoptimised build copies the
        // closure several times on its way into `catch_unwind`, a call to `memcpy` each once it
        // is bigger than a few words. Plain fields: each `Cell` access is a call there.
        struct Job<'a> {
            core: &'a FrameCore,
            body: *mut u8,
            run_body: unsafe fn(*mut u8),
            call: *mut u8,
            run: unsafe fn(*mut u8),
            ran: bool,
        }
        let mut job = Job {
            core: self,
            body,
            run_body,
            call,
            run,
            ran: false,
        };
        let at = &mut job;
        let result = catch(move || {
            // SAFETY: the caller's promise; called once.
            unsafe { (at.run_body)(at.body) };
            if !at.core.any_registered() {
                at.ran = true;
                // SAFETY: the caller's promise; called once (`ran` keeps the slow path off).
                unsafe { (at.run)(at.call) };
            }
        });
        let ran = job.ran;
        match result {
            Ok(()) if ran => {}
            Err(payload) if ran => self.caught_from_deferred(payload),
            Ok(()) => {
                // SAFETY: the caller's promise; not called above (`ran` is false).
                unsafe { self.run_call_slow(mode, call, run) };
            }
            Err(payload) => {
                self.caught(payload);
                // SAFETY: as above.
                unsafe { self.run_call_slow(mode, call, run) };
            }
        }
    }

    /// [`Frame::nest`]'s catch in an optimised build (unoptimised, `Frame::nest` goes to
    /// [`FrameCore::nest_erased`] itself: one generic layer less at every scope).
    #[cfg(not(debug_assertions))]
    #[inline(always)]
    fn nest<B: FnOnce()>(&self, body: B) {
        if let Err(payload) = catch(body) {
            self.caught(payload);
        }
    }

    /// A scope, then the run of the deferred call `f` right after it ([`Frame::nest_run`] and
    /// its forms; `TAIL`: the run is a [`Frame::tail_run`]). Optimised, exactly those two;
    /// unoptimised, both under one catch compiled once ([`FrameCore::nest_run_erased`], where
    /// a tail run and a plain one are the same). Unoptimised, `nest_run` and `nest_tail_run`
    /// erase their closures themselves (one generic layer less); the `_ret` and `_outcome`
    /// forms come here.
    #[inline(always)]
    fn nest_then<const TAIL: bool, B: FnOnce(), F: FnOnce()>(&self, body: B, f: F, mode: u8) {
        #[cfg(debug_assertions)]
        nest_run_erased!(self, mode, body: B, f: F);
        #[cfg(not(debug_assertions))]
        {
            self.nest(body);
            if TAIL {
                self.run_call_tail(f, mode);
            } else {
                self.run_call(f, mode);
            }
        }
    }

    /// [`Frame::nest`] in an unoptimised build: runs the scope at `data` under this crate's
    /// one catch.
    ///
    /// # Safety
    ///
    /// `call(data)` may be called once, and must be for nothing to leak: this calls it once.
    #[cfg(debug_assertions)]
    #[inline(never)]
    unsafe fn nest_erased(&self, data: *mut u8, call: unsafe fn(*mut u8)) {
        // SAFETY: the caller's promise.
        if let Err(payload) = catch(move || unsafe { call(data) }) {
            self.caught(payload);
        }
    }

    /// [`FrameCore::run_call`]'s work before the call, out of line: for the stack records'
    /// runners, which call it on their slow path before the deferred call, under the catch of
    /// [`Frame::run_down_to`] (which calls [`FrameCore::after_call`] after it). The runner of a
    /// record type is then the read of its call and the call: an instance per record type of
    /// the work around it, and of a catch, cost an unoptimised build more than the rest of the
    /// frame strategy's code.
    #[cold]
    #[inline(never)]
    pub(crate) fn before_call_out(&self, mode: u8) {
        if self.any_registered() {
            self.before_call(mode);
        }
    }

    /// [`FrameCore::before_call_out`] for the frame at `frame`, type-erased: a plain record's
    /// runner then dereferences nothing itself (each dereference of a raw place is checked in
    /// an unoptimised build, in every runner).
    ///
    /// # Safety
    /// `frame` is the [`Frame::erased`] address of a live frame (of any type): its core's.
    #[cold]
    #[inline(never)]
    pub(crate) unsafe fn before_call_at(frame: *const (), mode: u8) {
        // SAFETY: per this function's contract.
        let core = unsafe { &*frame.cast::<FrameCore>() };
        core.before_call_out(mode);
    }

    /// A registered frame is about to run a deferred call: counts its level, and arms
    /// `recover` for it if the frame is panicking (what it replaces is kept in `Cold`).
    #[inline(always)]
    fn before_call(&self, mode: u8) {
        if !self.registered() {
            return;
        }
        let cold = self.cold();
        // A deferred call runs one level below the body; a deferred `recover()` itself
        // (`NEVER`) at the body's level, as if the body called it: so in a frame that is itself
        // a deferred call of a panicking frame (Go's `defer func() { defer recover() }()`) it
        // recovers, as in Go. In the panicking frame itself arming `NEVER` disarms: nothing.
        if cold.flags.get() & flag::LEVELED != 0 {
            let below = if mode == state::arm::NEVER { 0 } else { 1 };
            state::set_level(cold.level.get().wrapping_add(below));
        }
        if !cold.rec.get().is_null() {
            cold.saved.set(state::arm(self, mode));
            cold.flags.set(cold.flags.get() | flag::ARMING);
        }
    }

    /// The deferred call of a registered frame returned (or panicked: `result`).
    #[cold]
    #[inline(never)]
    pub(crate) fn after_call(&self, result: std::thread::Result<()>) {
        if self.registered() {
            let cold = self.cold();
            if cold.flags.get() & flag::ARMING != 0 {
                cold.flags.set(cold.flags.get() & !flag::ARMING);
                state::disarm(cold.saved.get());
                if result.is_ok() {
                    cold.drop_ghost();
                }
            }
        }
        if let Err(payload) = result {
            self.caught_from_deferred(payload);
        }
    }
}

/// `catch_unwind` of a closure, with the call inlined: `AssertUnwindSafe`'s own `call_once` is
/// not always inlined, and left out of line it puts a machine frame of its own between the
/// body and the catch, which every panic then pays for in the unwinder.
#[inline(always)]
pub(crate) fn catch<T, F: FnOnce() -> T>(f: F) -> std::thread::Result<T> {
    let f = AssertUnwindSafe(f);
    catch_unwind(
        #[inline(always)]
        move || {
            let f = f;
            (f.0)()
        },
    )
}

/// Calls the closure at `data`, moving it out: how [`FrameCore::run_call`] hands a deferred
/// call to its out-of-line slow path, which then compiles once rather than once per closure.
///
/// # Safety
///
/// `data` points to a live `F` that nothing uses or drops afterwards (the caller keeps it in a
/// `ManuallyDrop`); so this is called at most once for it.
unsafe fn call_erased<F: FnOnce()>(data: *mut u8) {
    // SAFETY: the caller's promise: the `F` is read out once, and owned from here.
    let f = unsafe { ptr::read(data as *mut F) };
    f();
}

/// Drops a panic payload that nobody will see again. Its `Drop` may panic itself: that second
/// panic is caught and its payload dropped in turn (`std` aborts in the same spot for a joined
/// thread's payload; godefer never aborts, and leaks nothing: see [`drop_quietly`]).
fn drop_payload(payload: Box<dyn std::any::Any + Send>) {
    drop_quietly(payload);
}

/// Drops the `T` at `data` in place.
///
/// # Safety
/// `data` points to a live `T` that nothing uses or drops afterwards.
unsafe fn drop_erased<T>(data: *mut u8) {
    // SAFETY: the caller's promise.
    unsafe { ptr::drop_in_place(data as *mut T) }
}

/// Runs `drop(data)` under a catch, compiled once: what a generic caller would otherwise
/// compile a `catch_unwind` for per type, in the user's crate.
///
/// # Safety
/// As for `drop(data)`: `drop` is `drop_erased::<T>` and `data` a `T` it may drop.
#[cold]
#[inline(never)]
unsafe fn catch_drop(
    data: *mut u8,
    drop: unsafe fn(*mut u8),
) -> Result<(), Box<dyn std::any::Any + Send>> {
    // SAFETY: the caller's promise.
    catch(|| unsafe { drop(data) })
}

/// Drops `value` under a catch: its `Drop`'s panic, if any. Type-erased into [`catch_drop`],
/// so that the catch is compiled once, in godefer, not once per type in the user's crate.
#[cold]
fn drop_caught<T>(value: T) -> std::thread::Result<()> {
    let mut value = ManuallyDrop::new(value);
    // SAFETY: `value` is dropped here once (`drop_erased::<T>` on a `T`: `ManuallyDrop` is
    // transparent), and never used again.
    unsafe {
        catch_drop(
            &mut value as *mut ManuallyDrop<T> as *mut u8,
            drop_erased::<T>,
        )
    }
}

/// Drops a value whose `Drop` may panic where that panic has no place to go: the second
/// panic is caught, and its payload dropped the same way (a payload whose `Drop` panics in
/// turn, and so on, is given up after a few rounds: the last one is leaked rather than loop
/// for ever).
#[cold]
fn drop_quietly<T>(value: T) {
    if let Err(again) = drop_caught(value) {
        drop_payload_rounds(again);
    }
}

/// Drops a value's `Drop` panic's payload, and so on: the part of [`drop_quietly`] that does
/// not depend on the value's type, compiled once.
#[cold]
#[inline(never)]
fn drop_payload_rounds(mut again: Box<dyn std::any::Any + Send>) {
    for _ in 0..8 {
        match catch_unwind(AssertUnwindSafe(move || drop(again))) {
            Ok(()) => return,
            Err(next) => again = next,
        }
    }
    std::mem::forget(again);
}

/// One call of a `#[godefer::func]` function: its result slot, its zero value and its
/// `FrameCore`. Not public API: the macro creates it, with the unsafe [`Frame::new`], whose
/// contract every other method relies on; so the methods are safe to call for the code that made
/// that promise, and unreachable for any other safe code (the macro's frame is a hygienic local
/// that a user's code cannot name).
///
/// The zero value is a type (`Z`, zero-sized for every zero the macro names), not a function
/// pointer kept in the frame: one store less on every call.
pub struct Frame<R, Z, S> {
    core: FrameCore,
    slot: S,
    zero: Z,
    result: PhantomData<fn() -> R>,
}

/// Where a frame keeps its result until `finish` returns it. Not public API.
///
/// A type of the frame rather than a fixed `Cell<Option<R>>`: for a function returning `()`
/// the macro picks [`UnitSlot`], which is zero-sized, so such a frame initialises nothing.
pub trait ResultSlot<R> {
    fn empty() -> Self;
    fn set(&self, value: R);
    fn take(&self) -> Option<R>;
    /// Puts `value` in, returning what was there.
    fn replace(&self, value: R) -> Option<R>;
}

/// The result slot of a function with a result. Not public API.
pub struct OptSlot<R>(Cell<Option<R>>);

impl<R> ResultSlot<R> for OptSlot<R> {
    #[inline(always)]
    fn empty() -> Self {
        OptSlot(Cell::new(None))
    }

    #[inline(always)]
    fn set(&self, value: R) {
        self.0.set(Some(value));
    }

    #[inline(always)]
    fn take(&self) -> Option<R> {
        self.0.take()
    }

    #[inline(always)]
    fn replace(&self, value: R) -> Option<R> {
        self.0.replace(Some(value))
    }
}

/// The result slot of a function returning `()`: nothing to keep. Not public API.
pub struct UnitSlot(Cell<()>);

impl ResultSlot<()> for UnitSlot {
    #[inline(always)]
    fn empty() -> Self {
        UnitSlot(Cell::new(()))
    }

    #[inline(always)]
    fn set(&self, (): ()) {}

    #[inline(always)]
    fn take(&self) -> Option<()> {
        Some(())
    }

    #[inline(always)]
    fn replace(&self, (): ()) -> Option<()> {
        None
    }
}

impl<R, Z: ZeroSource<R>, S: ResultSlot<R>> Frame<R, Z, S> {
    /// The macro emits `let frame = unsafe { Frame::new(zero) }; frame.start();` first in every
    /// lowered function: the frame must be in its place before it may register.
    ///
    /// # Safety
    ///
    /// The frame is the lowering's, and the runtime links it and its records into thread-local
    /// lists that it later follows through raw pointers. The caller promises to use it as
    /// `#[godefer::func]`'s lowering does:
    ///
    /// 1. **Place and life.** [`Frame::start`] is called once, before any other method, where
    ///    the frame will stay: from then on it is not moved, and it is dropped (not forgotten
    ///    or leaked) before its storage is reused. Frames nest like the calls that own them: a
    ///    frame started while another frame of the thread is alive is dropped before it.
    /// 2. **No re-entry.** While a deferred call of this frame runs (inside [`Frame::run`],
    ///    [`Frame::tail_run`], [`Frame::nest_run`], [`Frame::nest_tail_run`], their
    ///    `_ret`/`_outcome` forms, or one of the
    ///    `*run_*_down_to` methods), no method of this frame is called, except
    ///    [`Frame::set_result`]. (`set_result`, `run_ret` and `finish` never invalidate what a
    ///    `|ret|` closure holds: it gets a local, not the slot.)
    /// 3. **Records** (frame and heap strategies). A [`Head`] is used with this frame only. A
    ///    [`StackRecord`] given to `push_stack` or `push_stack_ret` is given once, and stays
    ///    alive and in place until a `run_*_down_to` has run it. Every [`Keep`] that
    ///    `push_heap*` returns (or stores) is kept until its records ran: it carries their
    ///    borrows. A [`Mark`] comes from [`Frame::mark`] on the same head; runs nest like
    ///    scopes: `run_*_down_to(head, mark, ..)` is called while every record pushed since
    ///    `mark` is still pending, and runs them. Every pushed record runs before `finish`.
    #[inline(always)]
    pub unsafe fn new(zero: Z) -> Frame<R, Z, S> {
        Frame {
            core: FrameCore {
                cold: FrameCore::COLD,
                #[cfg(debug_assertions)]
                hot: Cell::new(state::hot()),
            },
            slot: S::empty(),
            zero,
            result: PhantomData,
        }
    }

    /// Enters the frame: if it is the thread's outermost active frame, notes its address in
    /// `state::Hot::top` (the panic hook asks whether a frame is active, and the outermost
    /// frame's exit puts it back); else counts levels if something is armed (see `state`).
    ///
    /// The address, rather than a flag kept in a local: the exit compares it with the frame's
    /// own address, which needs no register across the body (measured: one push and pop less
    /// per call on the defer1 benchmark).
    #[inline(always)]
    pub fn start(&self) {
        self.core.start();
    }

    /// Runs part of the body; a panic in it is kept by the frame. The macro wraps every part of
    /// the body after which deferred calls must still run in one of these. A caught panic
    /// links the frame into the thread's list: item 1 of [`Frame::new`]'s contract keeps it
    /// there, alive, until its `Drop`.
    #[inline(always)]
    pub fn nest<F: FnOnce()>(&self, body: F) {
        // Unoptimised, type-erased: the catch is compiled once, in `nest_erased`, rather than
        // once per scope in the user's crate (erased by `erase!`, a macro: see there).
        #[cfg(debug_assertions)]
        {
            erase!(body: F);
            // SAFETY: `body` is erased (see `erase!`); `nest_erased` calls it once.
            unsafe { self.core.nest_erased(body.0, body.1) };
        }
        #[cfg(not(debug_assertions))]
        self.core.nest(body);
    }

    /// [`Frame::nest`] of `body`, then [`Frame::run`] of `f`: what the macro emits for a
    /// `defer!` whose scope is the code after it (see `FrameCore::nest_then`).
    #[inline(always)]
    pub fn nest_run<const MODE: u8, B: FnOnce(), F: FnOnce()>(&self, body: B, f: F) {
        // Unoptimised, erased here rather than in `nest_then`: one generic layer less at each
        // `defer!` (the plain forms are most of them).
        #[cfg(debug_assertions)]
        nest_run_erased!(self.core, MODE, body: B, f: F);
        #[cfg(not(debug_assertions))]
        self.core.nest_then::<false, B, F>(body, f, MODE);
    }

    /// [`Frame::nest_run`] with [`Frame::tail_run`].
    #[inline(always)]
    pub fn nest_tail_run<const MODE: u8, B: FnOnce(), F: FnOnce()>(&self, body: B, f: F) {
        // As `nest_run` (unoptimised, a tail run is a plain one).
        #[cfg(debug_assertions)]
        nest_run_erased!(self.core, MODE, body: B, f: F);
        #[cfg(not(debug_assertions))]
        self.core.nest_then::<true, B, F>(body, f, MODE);
    }

    /// [`Frame::nest_run`] with [`Frame::run_ret`].
    #[inline(always)]
    pub fn nest_run_ret<const MODE: u8, B: FnOnce(), F: FnOnce(&mut R)>(&self, body: B, f: F) {
        self.core
            .nest_then::<false, B, _>(body, || self.with_result(f), MODE);
    }

    /// [`Frame::nest_run`] with [`Frame::run_outcome`].
    #[inline(always)]
    pub fn nest_run_outcome<const MODE: u8, B: FnOnce(), F: FnOnce(bool, Option<&mut R>)>(
        &self,
        body: B,
        f: F,
    ) {
        self.core
            .nest_then::<false, B, _>(body, || self.with_outcome(f), MODE);
    }

    /// [`Frame::nest_run`] with [`Frame::tail_run_outcome`].
    #[inline(always)]
    pub fn nest_tail_run_outcome<const MODE: u8, B: FnOnce(), F: FnOnce(bool, Option<&mut R>)>(
        &self,
        body: B,
        f: F,
    ) {
        self.core
            .nest_then::<true, B, _>(body, || self.with_outcome(f), MODE);
    }

    /// Stores the result: the tail expression, each `return` and each `?` that returns.
    #[inline(always)]
    pub fn set_result(&self, value: R) {
        self.slot.set(value);
    }

    /// Runs an open-coded deferred call. `MODE` says how it may recover (`state::arm`). Item 2
    /// of [`Frame::new`]'s contract: the call does not re-enter the frame (arming `recover`
    /// keeps what it replaced in the frame, once).
    #[inline(always)]
    pub fn run<const MODE: u8, F: FnOnce()>(&self, f: F) {
        self.core.run_call(f, MODE);
    }

    /// Runs an open-coded deferred closure that takes the result (`defer!(|ret| ...)`).
    #[inline(always)]
    pub fn run_ret<const MODE: u8, F: FnOnce(&mut R)>(&self, f: F) {
        self.core.run_call(|| self.with_result(f), MODE);
    }

    /// [`Frame::run`] for the run that ends a scope (a [`Frame::nest`] closure of this frame)
    /// in which nothing is alive any more: its last statement, in a scope opened by its
    /// `defer!`, whose operands only move values into the call (so the closure holds no local,
    /// no temporary, and nothing it took by value and left unmoved). A panic of the call then
    /// unwinds through nothing to the scope's catch, which keeps it as the run's own catch
    /// would have: so the happy path has none (one catch less to compile per such `defer!`).
    /// Used anywhere else, a panic of the call would unwind the body's locals or leave the
    /// frame's scopes unfinished: the macro emits it only there.
    #[inline(always)]
    pub fn tail_run<const MODE: u8, F: FnOnce()>(&self, f: F) {
        self.core.run_call_tail(f, MODE);
    }

    /// A heap record's `|ret|` closure while the frame is registered: what [`Frame::run_ret`]
    /// does then, with no thread-local test (the run loop made it), and no catch compiled for
    /// the record type (the slow path's is type-erased). (A plain call's runner goes to
    /// [`FrameCore::run_call_erased_at`].)
    #[inline(always)]
    pub(crate) fn run_ret_registered<const MODE: u8, F: FnOnce(&mut R)>(&self, f: F) {
        self.core.run_call_erased(|| self.with_result(f), MODE);
    }

    /// As [`Frame::run_ret_registered`], for an `errdefer!`/`okdefer!` closure.
    #[inline(always)]
    pub(crate) fn run_outcome_registered<const MODE: u8, F: FnOnce(bool, Option<&mut R>)>(
        &self,
        f: F,
    ) {
        self.core.run_call_erased(|| self.with_outcome(f), MODE);
    }

    /// A scope's own stack record's deferred call, taken out while the frame is not
    /// registered: what [`FrameCore::run_call`] does then, with no thread-local test (the
    /// caller made it).
    #[inline(always)]
    pub(crate) fn run_unregistered<F: FnOnce()>(&self, f: F) {
        if let Err(payload) = catch(f) {
            self.core.caught_from_deferred(payload);
        }
    }

    /// As [`Frame::run_unregistered`], for a `|ret|` closure.
    #[inline(always)]
    pub(crate) fn run_ret_unregistered<F: FnOnce(&mut R)>(&self, f: F) {
        if let Err(payload) = catch(|| self.with_result(f)) {
            self.core.caught_from_deferred(payload);
        }
    }

    /// Calls a `|ret|` closure with the result. The result is moved out of the slot into a
    /// local for the call and put back after it, also when the call panics (what it stored
    /// then stays, as Go keeps a named result). The closure never holds a reference into the
    /// slot, so nothing the frame does meanwhile (`set_result`, `finish`, another `run_ret`)
    /// can invalidate it: sound by construction, whatever the caller does.
    pub(crate) fn with_result<F: FnOnce(&mut R)>(&self, f: F) {
        let value = self.result_or_zero();
        self.lend(value, f);
    }

    /// The result, taken out of the slot, or the zero value, for a `|ret|` closure.
    pub(crate) fn result_or_zero(&self) -> R {
        match self.slot.take() {
            Some(value) => value,
            None => match self.zero.zero() {
                Some(zero) => zero,
                None => no_zero_for_closure(),
            },
        }
    }

    /// As [`Frame::with_result`], only if the function has a result (a cancelled `async fn`:
    /// see `crate::future`).
    pub(crate) fn with_result_if_any<F: FnOnce(&mut R)>(&self, f: F) {
        if let Some(value) = self.slot.take() {
            self.lend(value, f);
        }
    }

    /// Calls `f` with `value`, the result taken out of the slot, and puts it back after the
    /// call, by return or unwind (see [`Frame::with_result`]).
    #[inline(always)]
    fn lend(&self, value: R, f: impl FnOnce(&mut R)) {
        let mut back = PutBack {
            slot: &self.slot,
            value: ManuallyDrop::new(value),
            result: PhantomData,
        };
        f(&mut back.value);
    }

    /// Calls an `errdefer!`/`okdefer!` closure with what it decides on: whether the frame's
    /// panic is pending, and the result, if there is one (moved out for the call and put back,
    /// as for a `|ret|` closure; no zero value is needed).
    pub(crate) fn with_outcome<F: FnOnce(bool, Option<&mut R>)>(&self, f: F) {
        let panicking = self.core.failing();
        match self.slot.take() {
            Some(value) => self.lend(value, |result| f(panicking, Some(result))),
            None => f(panicking, None),
        }
    }

    /// Whether an awaited `errdefer!`/`okdefer!` call runs: `gate` decides on the outcome as
    /// [`Frame::with_outcome`] gives it.
    #[inline]
    pub fn outcome_gate<G: FnOnce(bool, Option<&mut R>) -> bool>(&self, gate: G) -> bool {
        let mut go = false;
        self.with_outcome(|failing, result| go = gate(failing, result));
        go
    }

    /// Runs an open-coded `errdefer!`/`okdefer!` closure (see [`Frame::with_outcome`]).
    #[inline(always)]
    pub fn run_outcome<const MODE: u8, F: FnOnce(bool, Option<&mut R>)>(&self, f: F) {
        self.core.run_call(|| self.with_outcome(f), MODE);
    }

    /// [`Frame::run_outcome`] where [`Frame::tail_run`] applies.
    #[inline(always)]
    pub fn tail_run_outcome<const MODE: u8, F: FnOnce(bool, Option<&mut R>)>(&self, f: F) {
        self.core.run_call_tail(|| self.with_outcome(f), MODE);
    }

    /// As [`Frame::run_unregistered`], for an `errdefer!`/`okdefer!` closure.
    #[inline(always)]
    pub(crate) fn run_outcome_unregistered<F: FnOnce(bool, Option<&mut R>)>(&self, f: F) {
        if let Err(payload) = catch(|| self.with_outcome(f)) {
            self.core.caught_from_deferred(payload);
        }
    }

    /// Gives an `errdefer!`/`okdefer!` closure its signature where it is made.
    #[inline(always)]
    pub fn outcome_closure<F: FnOnce(bool, Option<&mut R>)>(&self, f: F) -> F {
        f
    }

    /// Fills the slot of a nested open-coded `errdefer!`/`okdefer!`.
    #[inline(always)]
    pub fn fill_slot_outcome<F: FnOnce(bool, Option<&mut R>)>(&self, slot: &mut Option<F>, f: F) {
        *slot = Some(f);
    }

    /// Registers an `errdefer!`/`okdefer!` closure in a record of the function's own frame.
    #[inline(always)]
    pub fn push_stack_outcome<const MODE: u8, F: FnOnce(bool, Option<&mut R>)>(
        &self,
        head: &Head,
        rec: &StackRecord<F>,
        f: F,
    ) {
        record::push_stack_record!(
            rec,
            f,
            F,
            record::run_stack_outcome::<R, Z, S, F, MODE>,
            head
        );
    }

    /// Registers an `errdefer!`/`okdefer!` closure in a pooled heap record.
    #[inline(always)]
    pub fn push_heap_outcome<const MODE: u8, F: FnOnce(bool, Option<&mut R>)>(
        &self,
        head: &Head,
        f: F,
    ) -> Keep<F> {
        let rec = record::HeapRecord::fill::<F>(f);
        link(head, rec, record::run_heap_outcome::<R, Z, S, F, MODE>);
        Keep(PhantomData)
    }

    /// [`Frame::push_heap_outcome`] for a nested block or loop.
    #[inline(always)]
    pub fn push_heap_outcome_into<const MODE: u8, F: FnOnce(bool, Option<&mut R>)>(
        &self,
        head: &Head,
        keep: &mut Option<Keep<F>>,
        f: F,
    ) {
        *keep = Some(self.push_heap_outcome::<MODE, F>(head, f));
    }

    /// [`Frame::run_stack_outcome_down_to`] where [`Frame::tail_run`] applies.
    #[inline(always)]
    pub fn tail_run_stack_outcome_down_to<F: FnOnce(bool, Option<&mut R>)>(
        &self,
        head: &Head,
        mark: Mark,
        rec: &StackRecord<F>,
    ) {
        match self.take_own(head, mark, rec) {
            Some(f) => self.with_outcome(f),
            None => self.run_down_to(head, mark),
        }
    }

    /// As [`Frame::run_stack_down_to`], for a record holding an `errdefer!`/`okdefer!` closure.
    #[inline(always)]
    pub fn run_stack_outcome_down_to<F: FnOnce(bool, Option<&mut R>)>(
        &self,
        head: &Head,
        mark: Mark,
        rec: &StackRecord<F>,
    ) {
        match self.take_own(head, mark, rec) {
            Some(f) => self.run_outcome_unregistered(f),
            None => self.run_down_to(head, mark),
        }
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
    pub fn mark(&self, head: &Head) -> Mark {
        Mark(head.0.get())
    }

    /// Registers a deferred call in a record of the function's own frame (frame strategy).
    /// Relies on item 3 of [`Frame::new`]'s contract: `rec` stays put until it has run.
    #[inline(always)]
    pub fn push_stack<const MODE: u8, F: FnOnce()>(&self, head: &Head, rec: &StackRecord<F>, f: F) {
        record::push_stack_record!(rec, f, F, record::run_stack::<F, MODE>, head);
    }

    /// Registers a deferred `|ret|` closure in a record of the function's own frame.
    #[inline(always)]
    pub fn push_stack_ret<const MODE: u8, F: FnOnce(&mut R)>(
        &self,
        head: &Head,
        rec: &StackRecord<F>,
        f: F,
    ) {
        record::push_stack_record!(rec, f, F, record::run_stack_ret::<R, Z, S, F, MODE>, head);
    }

    /// Registers a deferred call in a pooled heap record (heap strategy). The returned token
    /// carries `F`'s borrows: the macro keeps it until the records are run (item 3 of
    /// [`Frame::new`]'s contract).
    #[inline(always)]
    pub fn push_heap<const MODE: u8, F: FnOnce()>(&self, head: &Head, f: F) -> Keep<F> {
        let rec = record::HeapRecord::fill::<F>(f);
        link(head, rec, record::run_heap::<F, MODE>);
        Keep(PhantomData)
    }

    /// Registers a deferred `|ret|` closure in a pooled heap record.
    #[inline(always)]
    pub fn push_heap_ret<const MODE: u8, F: FnOnce(&mut R)>(&self, head: &Head, f: F) -> Keep<F> {
        let rec = record::HeapRecord::fill::<F>(f);
        link(head, rec, record::run_heap_ret::<R, Z, S, F, MODE>);
        Keep(PhantomData)
    }

    /// [`Frame::push_heap`] for a `defer!` in a nested block or loop: the token goes to the
    /// slot declared where the records run.
    #[inline(always)]
    pub fn push_heap_into<const MODE: u8, F: FnOnce()>(
        &self,
        head: &Head,
        keep: &mut Option<Keep<F>>,
        f: F,
    ) {
        *keep = Some(self.push_heap::<MODE, F>(head, f));
    }

    /// [`Frame::push_heap_ret`] for a `defer!` in a nested block or loop.
    #[inline(always)]
    pub fn push_heap_ret_into<const MODE: u8, F: FnOnce(&mut R)>(
        &self,
        head: &Head,
        keep: &mut Option<Keep<F>>,
        f: F,
    ) {
        *keep = Some(self.push_heap_ret::<MODE, F>(head, f));
    }

    /// Runs every stack record registered after `mark`, newest first (Go's `deferreturn`).
    /// Relies on item 3 of [`Frame::new`]'s contract: every record since `mark` is pending
    /// and alive.
    ///
    /// One `catch_unwind` around the whole run rather than one per record: while the frame is
    /// not registered, each runner just calls its deferred call (a tail call), and a panic of
    /// one ends up here, registers the frame, and the rest run through the slow path: one
    /// catch per record, here, around a runner that arms `recover` before the call. Keeping
    /// nothing alive across the deferred call in the runner saves it a prologue and epilogue
    /// per record; catching here rather than in the runner compiles the catch once per frame
    /// type rather than once per record type (nine-defer functions 2570 -> 2093 bytes of
    /// `.text`, and less for an unoptimised build to compile).
    ///
    /// Out of line: one instance per frame type. After a top-level `defer!` it is the slow
    /// path ([`Frame::run_stack_down_to`] runs the scope's own record itself), and inlined at
    /// each of those it was most of a frame-strategy function's code: the build-cost crate's
    /// nine-defer functions 3674 -> 2609 bytes of `.text` each, and the defer9 shape ran
    /// faster, not slower (about 14.5 -> 12.3 ns a call, interleaved runs of one binary each;
    /// 5 instructions a call more).
    #[inline(never)]
    pub fn run_down_to(&self, head: &Head, mark: Mark) {
        let frame = self.erased();
        if self.core.unregistered() {
            // SAFETY: see `pop_records` and `run_record`; the frame is not registered, and
            // cannot become so before a deferred call panics, which ends this run.
            match catch(|| unsafe { pop_records(head, mark, |rec| run_record(rec, frame, true)) }) {
                Ok(()) => return,
                Err(payload) => self.core.caught_from_deferred(payload),
            }
        }
        // The frame is registered now: each record runs under a catch of its own, its runner
        // arming `recover` for it (`before_call_out`), and `after_call` disarms after it.
        // SAFETY: as above; the runners take the slow path.
        unsafe {
            pop_records(head, mark, |rec| {
                let result = catch(|| run_record(rec, frame, false));
                self.core.after_call(result);
            })
        }
    }

    /// Runs the records of a group (frame records of adjacent `defer!`s, pushed in one scope)
    /// down to `mark`, after that scope: what [`Frame::run_down_to`] does. `own` is the group's
    /// records, newest first, each in a [`Frame::run_own`] (or its `_ret`/`_outcome` form):
    /// an optimised build calls it, under one catch, while the frame is not registered, so the
    /// deferred calls are called directly, with no runner; after a panic of one of them, the
    /// rest go through `run_down_to`'s slow path. An unoptimised build leaves `own` alone (so
    /// it is type-checked but compiled to nothing) and runs the list: the same calls in the
    /// same order, for less code to compile.
    #[inline(always)]
    pub fn run_group<G: FnOnce()>(&self, head: &Head, mark: Mark, own: G) {
        #[cfg(debug_assertions)]
        {
            // Not `drop(own)`: a generic function to compile per group. `own` only borrows the
            // frame, the head and the records (no drop glue), so when it goes is moot.
            let _ = own;
            self.run_down_to(head, mark);
        }
        #[cfg(not(debug_assertions))]
        {
            if self.core.any_registered() {
                return self.run_down_to(head, mark);
            }
            // Not registered: nothing registers the frame before a deferred call panics,
            // which ends this run.
            if let Err(payload) = catch(own) {
                self.core.caught_from_deferred(payload);
            }
            // After a panic, the records left; and any `own` did not name (none: the macro
            // names them all), so that none is lost.
            if !head.is_at(mark) {
                self.run_down_to(head, mark);
            }
        }
    }

    /// In [`Frame::run_group`]'s `own`: calls `rec`'s deferred call if `rec` is the newest
    /// record (it was pushed, and has not run), unlinking it first; else nothing (its `defer!`
    /// was not reached: a registration before it panicked).
    #[inline(always)]
    pub fn run_own<F: FnOnce()>(&self, head: &Head, rec: &StackRecord<F>) {
        if let Some(f) = self.take_newest(head, rec) {
            f();
        }
    }

    /// As [`Frame::run_own`], for a `|ret|` closure.
    #[inline(always)]
    pub fn run_own_ret<F: FnOnce(&mut R)>(&self, head: &Head, rec: &StackRecord<F>) {
        if let Some(f) = self.take_newest(head, rec) {
            self.with_result(f);
        }
    }

    /// As [`Frame::run_own`], for an `errdefer!`/`okdefer!` closure.
    #[inline(always)]
    pub fn run_own_outcome<F: FnOnce(bool, Option<&mut R>)>(
        &self,
        head: &Head,
        rec: &StackRecord<F>,
    ) {
        if let Some(f) = self.take_newest(head, rec) {
            self.with_outcome(f);
        }
    }

    /// The deferred call of `rec`, unlinked, if it is the newest record of `head`.
    #[inline(always)]
    fn take_newest<F>(&self, head: &Head, rec: &StackRecord<F>) -> Option<F> {
        if head.0.get() != rec as *const StackRecord<F> as *const RecordHeader {
            return None;
        }
        record::unlink_newest(head);
        // SAFETY: `rec` was the newest record: linked by `push_stack*` (item 3 of
        // `Frame::new`'s contract), so filled and not run; unlinked now, it runs once, here.
        Some(unsafe { rec.take() })
    }

    /// [`Frame::run_down_to`] at the end of the scope of a top-level `defer!` whose record is
    /// `rec`: when that record is the only one to run and the frame is not registered (always,
    /// unless the frame caught a panic or was entered while something was armed), its deferred
    /// call is read out and called here, with no indirect call through the runner and no loop
    /// (defer9: 19.2 -> 16.4 ns in a quick run). Otherwise the general run.
    #[inline(always)]
    pub fn run_stack_down_to<F: FnOnce()>(&self, head: &Head, mark: Mark, rec: &StackRecord<F>) {
        match self.take_own(head, mark, rec) {
            Some(f) => self.run_unregistered(f),
            None => self.run_down_to(head, mark),
        }
    }

    /// [`Frame::run_stack_down_to`] where [`Frame::tail_run`] applies: the scope's own record,
    /// taken out while the frame is not registered, is called with no catch of its own (its
    /// panic reaches the scope's catch with the record unlinked already).
    #[inline(always)]
    pub fn tail_run_stack_down_to<F: FnOnce()>(
        &self,
        head: &Head,
        mark: Mark,
        rec: &StackRecord<F>,
    ) {
        match self.take_own(head, mark, rec) {
            Some(f) => f(),
            None => self.run_down_to(head, mark),
        }
    }

    /// As [`Frame::run_stack_down_to`], for a record holding a `|ret|` closure.
    #[inline(always)]
    pub fn run_stack_ret_down_to<F: FnOnce(&mut R)>(
        &self,
        head: &Head,
        mark: Mark,
        rec: &StackRecord<F>,
    ) {
        match self.take_own(head, mark, rec) {
            Some(f) => self.run_ret_unregistered(f),
            None => self.run_down_to(head, mark),
        }
    }

    /// Whether `rec` is the newest record of `head` and the frame is not registered: the test
    /// of [`Frame::take_own`]. Out of line in an unoptimised build, where inlined at each
    /// scope's end it compiled the frame's thread-local tests once per record: the build-cost
    /// crate's nine-defer functions, about 1.7 -> 1.55 s of CPU.
    #[cfg_attr(debug_assertions, inline(never))]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn owns_top(&self, head: &Head, rec: *const RecordHeader) -> bool {
        head.0.get() == rec && self.core.unregistered()
    }

    /// The deferred call of a scope's own record, unlinked, if it is the only record to run and
    /// the frame is not registered (see [`Frame::run_stack_down_to`]).
    #[inline(always)]
    fn take_own<F>(&self, head: &Head, mark: Mark, rec: &StackRecord<F>) -> Option<F> {
        if !self.owns_top(head, rec as *const StackRecord<F> as *const RecordHeader) {
            return None;
        }
        // `push_stack` linked `rec` in front of `mark`: unlinking it leaves the list at the mark.
        head.0.set(mark.0);
        // SAFETY: `rec` was filled by `push_stack` and was the head of the list: unlinked now,
        // it runs once, by the caller.
        Some(unsafe { rec.take() })
    }

    /// [`Frame::run_down_to`] for heap records: the records go to a chain as they are popped,
    /// which gives them back to the pool in one splice at the end instead of one by one (two
    /// thread-local stores per record less).
    ///
    /// As for stack records, one catch around the whole run while the frame is not registered
    /// (each runner then only calls its deferred call), and after a panic the rest run through
    /// the slow path, which catches for each: no catch is compiled per record type, and the
    /// loop tests the thread-local state once rather than before each record.
    #[inline]
    pub fn run_heap_down_to(&self, head: &Head, mark: Mark) {
        let mut used = record::pool::Chain::new();
        let frame = self.erased();
        // Each record goes to `used` before its runner reads the call out of it: a runner that
        // panics leaves its record there all the same. A runner reads only the call, which
        // `add` does not touch, and the records stay allocated (owned by nobody) until `used`
        // gives them back, after the last call.
        let mut run = |fast: bool| {
            // SAFETY: see `pop_records` and `run_record`; `fast` only while the frame is not
            // registered: it cannot become so before a deferred call panics, which ends the
            // fast run.
            unsafe {
                pop_records(head, mark, |rec| {
                    used.add(rec);
                    run_record(rec, frame, fast);
                })
            }
        };
        if self.core.unregistered() {
            match catch(|| run(true)) {
                Ok(()) => {}
                Err(payload) => {
                    self.core.caught_from_deferred(payload);
                    run(false);
                }
            }
        } else {
            run(false);
        }
        used.give();
    }

    /// Ends the call: the result, or the frame's panic raised again. The macro emits this last.
    #[inline]
    pub fn finish(&self, name: &'static str) -> R {
        if self.core.any_registered() {
            return self.finish_registered(name);
        }
        match self.slot.take() {
            Some(value) => value,
            None => match self.zero.zero() {
                Some(zero) => zero,
                None => no_result(name, false),
            },
        }
    }

    /// [`Frame::finish`] once some frame of the thread is registered: out of line, one copy
    /// per frame type (the lowered functions' exits shared it; inlined, it was about 20
    /// bytes of each function's cold code).
    #[cold]
    #[inline(never)]
    fn finish_registered(&self, name: &'static str) -> R {
        if self.core.leaving_registered() {
            self.raise_again();
        }
        match self.slot.take() {
            Some(value) => value,
            None => match self.zero.zero() {
                Some(zero) => zero,
                None => no_result(name, self.core.recovered()),
            },
        }
    }

    #[cold]
    #[inline(never)]
    fn raise_again(&self) -> ! {
        // A result stored before the panic (or by a deferred call) is dropped here, not by the
        // unwind that follows: a `Drop` that panicked there would abort the process. Its panic
        // replaces the frame's, with the frame's in its chain, as a deferred call's would.
        if let Some(value) = self.slot.take() {
            if let Err(payload) = drop_caught(value) {
                self.core.caught_from_deferred(payload);
            }
        }
        self.core.raise()
    }
}

impl<R, Z, S> Frame<R, Z, S> {
    /// The address a record's runner gets: the core's, derived from the whole frame's (so
    /// [`Frame::from_erased`] may go back to the frame). A runner of a plain call reaches the
    /// core without knowing the frame's type (`FrameCore::before_call_at`,
    /// `FrameCore::run_call_erased_at`); the others know it.
    #[inline(always)]
    pub(crate) fn erased(&self) -> *const () {
        (self as *const Self)
            .cast::<u8>()
            .wrapping_add(std::mem::offset_of!(Self, core))
            .cast()
    }

    /// The frame whose [`Frame::erased`] address `at` is.
    ///
    /// # Safety
    /// `at` came from `erased` on a frame of this type that is still alive, and no mutable
    /// reference to it exists.
    #[inline(always)]
    pub(crate) unsafe fn from_erased<'a>(at: *const ()) -> &'a Self {
        let frame = at
            .cast::<u8>()
            .wrapping_sub(std::mem::offset_of!(Self, core))
            .cast::<Self>();
        // SAFETY: per this function's contract, the pointer is the frame's own address, with
        // its provenance.
        unsafe { &*frame }
    }

    /// The frame's core, for the async frame (`crate::future`).
    #[inline(always)]
    pub(crate) fn core(&self) -> &FrameCore {
        &self.core
    }

    /// Drops an async frame's fields, without the exit a sync frame's `Drop` makes: an async
    /// frame is entered and left by each poll (`crate::future`), never linked in between.
    ///
    /// # Safety
    /// Called once, from the async frame's `Drop`, on a frame it never drops otherwise.
    #[inline(always)]
    pub(crate) unsafe fn drop_unlinked(this: &mut ManuallyDrop<Self>) {
        // SAFETY: the caller drops the frame this once, and never through its `Drop`; the core
        // owns nothing (its slow-path state was dropped by the last `unlink_after_poll` or by the
        // async frame's drop before this).
        unsafe {
            ptr::drop_in_place(&mut this.slot);
            ptr::drop_in_place(&mut this.zero);
        }
    }
}

impl<R, Z, S> Drop for Frame<R, Z, S> {
    #[inline(always)]
    fn drop(&mut self) {
        self.core.exit();
    }
}

/// Puts a `|ret|` closure's result back into the slot when the call ends, by return or unwind
/// (see [`Frame::with_result`]).
struct PutBack<'a, R, S: ResultSlot<R>> {
    slot: &'a S,
    value: ManuallyDrop<R>,
    result: PhantomData<fn() -> R>,
}

impl<R, S: ResultSlot<R>> Drop for PutBack<'_, R, S> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: `value` is taken once, here, and never used after.
        let value = unsafe { ManuallyDrop::take(&mut self.value) };
        if let Some(stray) = self.slot.replace(value) {
            // Something stored a result while the closure held it. Generated code never does
            // (see `Frame::new`'s contract): the closure's value wins, and the stray one is
            // dropped where its own panic cannot abort the process, even mid-unwind.
            drop_quietly(stray);
        }
    }
}

/// Links a heap record `fill` just filled in front of `head`, with its runner. Out of line in
/// an unoptimised build: one copy of its checked raw writes rather than one per `defer!`.
#[cfg_attr(debug_assertions, inline(never))]
#[cfg_attr(not(debug_assertions), inline(always))]
fn link(head: &Head, rec: *mut RecordHeader, run: record::Runner) {
    // SAFETY: `rec` was just taken from the pool and filled; nothing else points to it.
    unsafe {
        (*rec).next = head.0.get();
        (*rec).run = run;
    }
    head.0.set(rec);
}

/// Pops the records registered after `mark`, newest first, and hands each to `run`, unlinked,
/// to be run once ([`run_record`]).
///
/// # Safety
/// Every record linked into `head` is live until it runs: stack records are locals the macro
/// declares in a scope that encloses the call, heap records belong to the pool until their runner
/// gives them back.
#[inline(always)]
unsafe fn pop_records(head: &Head, mark: Mark, mut run: impl FnMut(*mut RecordHeader)) {
    loop {
        let rec = head.0.get();
        if rec == mark.0 {
            break;
        }
        // SAFETY: per this function's contract, `rec` is live.
        unsafe { head.0.set((*rec).next) };
        run(rec.cast_mut());
    }
}

/// Calls the runner of a record [`pop_records`] popped.
///
/// # Safety
/// `rec` came from `pop_records` and has not run; `frame` is the frame it was registered with,
/// and `fast` only if that frame is not registered.
#[inline(always)]
unsafe fn run_record(rec: *mut RecordHeader, frame: *const (), fast: bool) {
    // SAFETY: per this function's contract.
    unsafe { ((*rec).run)(rec, frame, fast) }
}

/// The position of the newest record when a scope started. Not public API.
#[derive(Clone, Copy)]
pub struct Mark(*const RecordHeader);

// SAFETY: an address compared with a `Head`'s, never followed by itself (see `Head`).
unsafe impl Send for Mark {}
// SAFETY: as for `Send`.
unsafe impl Sync for Mark {}

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
