//! Defer records for the frame and heap strategies, and the pools heap records come from.
//!
//! A record is a [`RecordHeader`] (a link to the next older record and a type-erased runner)
//! followed by the deferred call. The frame keeps a list of them, newest first, and
//! [`Frame::run_down_to`](crate::frame::Frame::run_down_to) pops and runs them, as Go's
//! `deferreturn` pops `g._defer`.
//!
//! - [`StackRecord`]: a local the macro declares in the lowered function (Go 1.13's
//!   stack-allocated `_defer`). Used when no `defer!` is in a loop but open-coding does not
//!   apply.
//! - [`HeapRecord`]: taken from a per-thread cache, refilled from and spilled to a global pool
//!   by halves under a lock (Go's per-P `deferpool` and `sched.deferpool`). Used when a `defer!`
//!   is in a loop, since then the number of records is unknown. A deferred call of up to
//!   [`INLINE_WORDS`] words is stored inline; a larger one is boxed.
//!
//! Why these numbers: three words hold the captures of `defer!(f(a, b, c))` with word-sized
//! arguments (the callee of a path call is a zero-sized function item), and keep a record at 40
//! bytes. The thread cache holds 32 records (one cache refill serves a loop of 16 defers without
//! touching the lock); the global pool keeps at most 1024 so a burst on one thread cannot pin
//! memory for ever. Under miri both shrink so the refill and spill paths run in small tests.

#![allow(missing_docs)] // reached only through `__private`, which is not public API

use std::cell::UnsafeCell;
use std::mem::{self, MaybeUninit};
use std::ptr;
use std::sync::Mutex;

use crate::frame::{Frame, FrameCore, Head, ResultSlot};
use crate::zero::ZeroSource;

/// The type-erased part of every record.
#[repr(C)]
pub struct RecordHeader {
    pub(crate) next: *const RecordHeader,
    /// Runs the deferred call stored after the header; the second argument is the frame's
    /// `Frame::erased` address. The third says the frame is not registered, so the runner may
    /// skip the slow path: it then only calls the deferred call (its caller catches panics, see
    /// `Frame::run_down_to` and `Frame::run_heap_down_to`).
    pub(crate) run: Runner,
}

pub(crate) type Runner = unsafe fn(*const RecordHeader, *const (), bool);

unsafe fn never_filled(_: *const RecordHeader, _: *const (), _: bool) {
    unreachable!("godefer::record: a record ran before it was filled")
}

/// A defer record in the lowered function's own frame. Not public API: the macro declares one
/// per `defer!` statement under the frame strategy.
#[repr(C)]
pub struct StackRecord<F> {
    pub(crate) header: UnsafeCell<RecordHeader>,
    pub(crate) call: UnsafeCell<MaybeUninit<F>>,
}

// SAFETY: a stack record holds a deferred call `F` and the header linking it into its frame's
// `Head`; only the frame's methods reach either, from the code of the frame that declared it.
// In an `async fn` it is a local of the future, which one thread at a time polls or drops (see
// `AsyncFrame`), so it may move with the future when the call it holds may.
unsafe impl<F: Send> Send for StackRecord<F> {}
// SAFETY: as for `Send`: a shared reference to a stack record is only ever used by the frame's
// methods, from the code of the one future that owns the record (a nested scope's future holds
// one across its awaits), which one thread at a time polls or drops; outside this crate a
// shared reference to one allows nothing (its methods are the crate's). The call it holds may
// run on whichever thread polls next, hence `F: Send`.
unsafe impl<F: Send> Sync for StackRecord<F> {}

impl<F> StackRecord<F> {
    /// An empty record: what the macro declares (a constant, so that an unoptimised build
    /// compiles no function for it, at every `defer!`).
    #[allow(clippy::declare_interior_mutable_const)] // each use is a new record
    pub const NEW: Self = StackRecord {
        header: UnsafeCell::new(RecordHeader {
            next: ptr::null(),
            run: never_filled,
        }),
        call: UnsafeCell::new(MaybeUninit::uninit()),
    };

    /// Takes the deferred call out of a record the caller has just unlinked.
    ///
    /// # Safety
    /// The record was filled, and is run once: it was unlinked from its list and no runner
    /// will see it.
    #[inline(always)]
    pub(crate) unsafe fn take(&self) -> F {
        // SAFETY: per this function's contract; `call` holds an `F` (`MaybeUninit` and
        // `UnsafeCell` are transparent).
        unsafe { ptr::read(self.call.get() as *mut F) }
    }
}

/// Stores the deferred call `$f` (an `$t`) in the stack record `$rec` and links the record in
/// front of `$head`, with its runner `$run`.
///
/// The call first: nothing runs while this holds it, so an unoptimised build compiles no path
/// that would drop it on an unwind. No raw place is dereferenced in this generic code (an
/// unoptimised build checks each one, at every `defer!`): the call goes through a pointer
/// write, the header through [`link_stack`], compiled once. A macro, so that an unoptimised
/// build compiles no function of its own for it at every `defer!`.
macro_rules! push_stack_record {
    ($rec:expr, $f:expr, $t:ty, $run:expr, $head:expr) => {{
        let rec: &$crate::record::StackRecord<$t> = $rec;
        let f: $t = $f; // outside the `unsafe` block below
        // SAFETY: the macro fills each stack record at most once (no frame-strategy `defer!` is
        // in a loop), and nothing reads it before `run_down_to` runs it; `call` holds a `$t`
        // (`MaybeUninit` and `UnsafeCell` are transparent).
        unsafe { ::std::ptr::write(rec.call.get() as *mut $t, f) };
        $crate::record::link_stack(
            &rec.header,
            rec as *const $crate::record::StackRecord<$t> as *const $crate::record::RecordHeader,
            $run,
            $head,
        );
    }};
}
pub(crate) use push_stack_record;

/// Writes the header of a stack record that is not linked yet (`header`, at `rec`), and links
/// it in front of `head`. Out of line in an unoptimised build: one copy of its checked raw
/// write rather than one per `defer!`.
#[cfg_attr(debug_assertions, inline(never))]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn link_stack(
    header: &UnsafeCell<RecordHeader>,
    rec: *const RecordHeader,
    run: Runner,
    head: &Head,
) {
    // SAFETY: the record is not linked: nothing else reads or writes its header.
    unsafe {
        *header.get() = RecordHeader {
            next: head.get(),
            run,
        }
    };
    head.set(rec);
}

/// Unlinks the newest record of `head` (there is one).
#[inline(always)]
pub(crate) fn unlink_newest(head: &Head) {
    let rec = head.get();
    // SAFETY: the caller found a record at the head: linked, hence live (item 3 of
    // `Frame::new`'s contract), and only the frame's code reads its header.
    head.set(unsafe { (*rec).next });
}

/// Reads the deferred call (an `$t`) out of the stack record at `$rec`, in its runner: `$rec`
/// is the header of a filled, not yet run `StackRecord<$t>` (read once here). A macro, so that
/// an unoptimised build compiles no function of its own for it per record type.
macro_rules! stack_call {
    ($rec:expr, $t:ty) => {{
        // No dereference of a raw place (checked at each, in an unoptimised build): the call's
        // address from the record's.
        let at = ($rec as *const u8).wrapping_add(::std::mem::offset_of!(
            $crate::record::StackRecord<$t>,
            call
        )) as *const $t;
        // SAFETY: per the runner's contract: `StackRecord` is `repr(C)`, `$rec` its address,
        // with provenance over the whole record (the runner's `rec` is derived from the whole
        // record, not from its header field: see `push_stack_record!`).
        unsafe { ::std::ptr::read(at) }
    }};
}

/// The runner of a stack record holding a plain deferred call.
///
/// # Safety
/// `rec` is the header of a filled, not yet run `StackRecord<F>`, and `frame` the
/// `Frame::erased` address of the frame (of any type) it was registered with.
pub(crate) unsafe fn run_stack<F: FnOnce(), const MODE: u8>(
    rec: *const RecordHeader,
    frame: *const (),
    fast: bool,
) {
    if !fast {
        // SAFETY: per this function's contract, `frame` is a live frame's `Frame::erased`.
        unsafe { FrameCore::before_call_at(frame, MODE) };
    }
    let f = stack_call!(rec, F);
    f();
}

/// The runner of a stack record holding a `|ret|` closure.
///
/// # Safety
/// As [`run_stack`].
pub(crate) unsafe fn run_stack_ret<
    R,
    Z: ZeroSource<R>,
    S: ResultSlot<R>,
    F: FnOnce(&mut R),
    const MODE: u8,
>(
    rec: *const RecordHeader,
    frame: *const (),
    fast: bool,
) {
    if !fast {
        // SAFETY: as in `run_stack`.
        unsafe { FrameCore::before_call_at(frame, MODE) };
    }
    // SAFETY: per this function's contract.
    let frame = unsafe { Frame::<R, Z, S>::from_erased(frame) };
    let f = stack_call!(rec, F);
    frame.with_result(f);
}

/// The runner of a stack record holding an `errdefer!`/`okdefer!` closure.
///
/// # Safety
/// As [`run_stack`].
pub(crate) unsafe fn run_stack_outcome<
    R,
    Z: ZeroSource<R>,
    S: ResultSlot<R>,
    F: FnOnce(bool, Option<&mut R>),
    const MODE: u8,
>(
    rec: *const RecordHeader,
    frame: *const (),
    fast: bool,
) {
    if !fast {
        // SAFETY: as in `run_stack`.
        unsafe { FrameCore::before_call_at(frame, MODE) };
    }
    // SAFETY: per this function's contract.
    let frame = unsafe { Frame::<R, Z, S>::from_erased(frame) };
    let f = stack_call!(rec, F);
    frame.with_outcome(f);
}

/// Words of deferred call stored inline in a heap record.
pub const INLINE_WORDS: usize = 3;

/// A pooled defer record.
#[repr(C)]
pub(crate) struct HeapRecord {
    header: RecordHeader,
    storage: MaybeUninit<[usize; INLINE_WORDS]>,
}

const fn fits_inline<F>() -> bool {
    mem::size_of::<F>() <= mem::size_of::<[usize; INLINE_WORDS]>()
        && mem::align_of::<F>() <= mem::align_of::<usize>()
}

impl HeapRecord {
    /// Takes a record from the pool and stores `f` in it; the caller links it, with its
    /// runner (`frame::link`, compiled once: its raw writes are checked in an unoptimised
    /// build, where this code is compiled at every `defer!`).
    #[inline(always)]
    pub(crate) fn fill<F>(f: F) -> *mut RecordHeader {
        let rec = pool::take();
        // SAFETY: `rec` is an empty record the pool just gave us, owned by nobody else; `F`
        // fits the storage when `fits_inline` says so, else the storage holds a box pointer.
        unsafe {
            let storage = ptr::addr_of_mut!((*rec).storage).cast::<u8>();
            if const { fits_inline::<F>() } {
                ptr::write(storage as *mut F, f);
            } else {
                ptr::write(storage as *mut *mut F, Box::into_raw(Box::new(f)));
            }
        }
        rec.cast()
    }

    /// Moves the deferred call out. The record is then empty; `Frame::run_heap_down_to` gives it
    /// back to the pool after the call.
    ///
    /// # Safety
    /// `rec` was returned by `fill::<F>` and was not taken since.
    #[inline(always)]
    unsafe fn take<F>(rec: *const RecordHeader) -> F {
        let rec = rec.cast::<HeapRecord>();
        // SAFETY: per this function's contract, the storage holds an `F` (or a box of one)
        // written by `fill::<F>` and not yet read.
        unsafe {
            let storage = ptr::addr_of!((*rec).storage).cast::<u8>();
            if const { fits_inline::<F>() } {
                ptr::read(storage as *const F)
            } else {
                *Box::from_raw(ptr::read(storage as *const *mut F))
            }
        }
    }
}

/// The runner of a heap record holding a plain deferred call.
///
/// # Safety
/// `rec` was filled by `HeapRecord::fill::<F>` and not run yet; `frame` is its frame's
/// `Frame::erased` address, and `fast` only if that frame is not registered.
pub(crate) unsafe fn run_heap<F: FnOnce(), const MODE: u8>(
    rec: *const RecordHeader,
    frame: *const (),
    fast: bool,
) {
    // SAFETY: per this function's contract.
    let f = unsafe { HeapRecord::take::<F>(rec) };
    if fast {
        f();
    } else {
        // SAFETY: per this function's contract, `frame` is a live frame's `Frame::erased`.
        unsafe { FrameCore::run_call_erased_at(frame, f, MODE) };
    }
}

/// The runner of a heap record holding a `|ret|` closure.
///
/// # Safety
/// As [`run_heap`].
pub(crate) unsafe fn run_heap_ret<
    R,
    Z: ZeroSource<R>,
    S: ResultSlot<R>,
    F: FnOnce(&mut R),
    const MODE: u8,
>(
    rec: *const RecordHeader,
    frame: *const (),
    fast: bool,
) {
    // SAFETY: per this function's contract.
    let (f, frame) = unsafe {
        (
            HeapRecord::take::<F>(rec),
            Frame::<R, Z, S>::from_erased(frame),
        )
    };
    if fast {
        frame.with_result(f);
    } else {
        frame.run_ret_registered::<MODE, F>(f);
    }
}

/// The runner of a heap record holding an `errdefer!`/`okdefer!` closure.
///
/// # Safety
/// As [`run_heap`].
pub(crate) unsafe fn run_heap_outcome<
    R,
    Z: ZeroSource<R>,
    S: ResultSlot<R>,
    F: FnOnce(bool, Option<&mut R>),
    const MODE: u8,
>(
    rec: *const RecordHeader,
    frame: *const (),
    fast: bool,
) {
    // SAFETY: per this function's contract.
    let (f, frame) = unsafe {
        (
            HeapRecord::take::<F>(rec),
            Frame::<R, Z, S>::from_erased(frame),
        )
    };
    if fast {
        frame.with_outcome(f);
    } else {
        frame.run_outcome_registered::<MODE, F>(f);
    }
}

pub(crate) mod pool {
    //! The two-level pool of empty heap records: a per-thread cache and a global pool, both
    //! intrusive lists linked through the records' own `next` field (Go's `p.deferpool` and
    //! `sched.deferpool`). The thread cache lives in a thread local without a destructor, so the
    //! hot path is a few loads and stores; a second thread local, registered on the first
    //! refill, frees the cache when the thread ends.
    //!
    //! Why free rather than hand the cache to the global pool at thread exit: records are 40
    //! bytes, so neighbours share cache lines, and records a dead thread handed over end up
    //! split between the threads that refill next, which then write to the same lines. Measured
    //! on loop10 with threads started per batch (the `threads` benchmark): 2 threads ran 5x
    //! slower per call than one; freed at exit, each new thread allocates its first records
    //! from its own allocator arena, and 2 threads run as fast as one. Records spilled from a
    //! full cache during a thread's life still go to the global pool, for threads that take
    //! more records than they give back.

    use super::*;
    use std::cell::Cell;

    /// Records one thread keeps.
    pub const LOCAL_CAP: usize = if cfg!(miri) { 4 } else { 32 };
    /// Records the global pool keeps; beyond that, spilled records are freed.
    pub const GLOBAL_CAP: usize = if cfg!(miri) { 8 } else { 1024 };

    /// A list of empty records.
    pub(crate) struct List {
        head: Cell<*mut HeapRecord>,
        len: Cell<usize>,
        /// The thread ended: its cache no longer keeps records.
        closed: Cell<bool>,
    }

    // SAFETY: a list owns empty records (no deferred call inside, only a header and
    // uninitialised storage); the global list is only reached through its `Mutex`.
    unsafe impl Send for List {}

    impl List {
        pub(crate) const fn new() -> List {
            List {
                head: Cell::new(ptr::null_mut()),
                len: Cell::new(0),
                closed: Cell::new(false),
            }
        }

        pub(crate) fn len(&self) -> usize {
            self.len.get()
        }

        #[inline]
        fn pop(&self) -> Option<*mut HeapRecord> {
            let rec = self.head.get();
            if rec.is_null() {
                return None;
            }
            // SAFETY: a listed record is an empty record this list owns.
            self.head
                .set(unsafe { (*rec).header.next }.cast_mut().cast());
            self.len.set(self.len.get() - 1);
            Some(rec)
        }

        #[inline]
        fn push(&self, rec: *mut HeapRecord) {
            // SAFETY: `rec` is an empty record handed to this list, owned by nobody else.
            unsafe { (*rec).header.next = self.head.get().cast_const().cast() };
            self.head.set(rec);
            self.len.set(self.len.get() + 1);
        }
    }

    pub(crate) type Global = Mutex<List>;

    static GLOBAL: Global = Mutex::new(List::new());

    thread_local! {
        static LOCAL: List = const { List::new() };
        static EXIT: ExitGuard = const { ExitGuard };
    }

    /// Frees the thread's cache when the thread ends (see the module's docs for why).
    struct ExitGuard;

    impl Drop for ExitGuard {
        fn drop(&mut self) {
            let _ = LOCAL.try_with(|l| {
                l.closed.set(true);
                while let Some(rec) = l.pop() {
                    free(rec);
                }
            });
        }
    }

    fn alloc() -> *mut HeapRecord {
        Box::into_raw(Box::new(HeapRecord {
            header: RecordHeader {
                next: ptr::null(),
                run: never_filled,
            },
            storage: MaybeUninit::uninit(),
        }))
    }

    fn free(rec: *mut HeapRecord) {
        // SAFETY: every record comes from `alloc` and is freed once, when no list keeps it.
        drop(unsafe { Box::from_raw(rec) });
    }

    fn lock(global: &Global) -> std::sync::MutexGuard<'_, List> {
        // The pool's invariants hold between statements; a poisoned lock is still usable.
        global.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves records beyond `keep` to the global pool, freeing what it has no room for.
    fn spill(local: &List, keep: usize, global: &Global) {
        if local.len() <= keep {
            return;
        }
        let g = lock(global);
        while local.len() > keep {
            let Some(rec) = local.pop() else { break };
            if g.len() < GLOBAL_CAP {
                g.push(rec);
            } else {
                free(rec);
            }
        }
    }

    /// An empty record: from this thread's cache, else half a cache from the global pool, else
    /// a new allocation.
    #[inline]
    pub(crate) fn take() -> *mut HeapRecord {
        LOCAL.with(|l| take_from(l, &GLOBAL))
    }

    #[inline]
    pub(crate) fn take_from(local: &List, global: &Global) -> *mut HeapRecord {
        match local.pop() {
            Some(rec) => rec,
            None => refill(local, global),
        }
    }

    #[cold]
    fn refill(local: &List, global: &Global) -> *mut HeapRecord {
        if std::ptr::eq(global, &GLOBAL) {
            // The cache is about to hold records: make sure the thread gives them back.
            let _ = EXIT.try_with(|_| ());
        }
        if local.closed.get() {
            // Thread teardown (a thread-local destructor that runs after `ExitGuard`'s): the
            // cache keeps nothing any more, so take one record and leave the rest pooled.
            // Moving half a cache here would strand those records in a list nobody frees.
            return lock(global).pop().unwrap_or_else(alloc);
        }
        {
            let g = lock(global);
            let n = g.len().min(LOCAL_CAP / 2);
            for _ in 0..n {
                if let Some(rec) = g.pop() {
                    local.push(rec);
                }
            }
        }
        local.pop().unwrap_or_else(alloc)
    }

    /// Gives an emptied record back: to this thread's cache, spilling half of a full cache to
    /// the global pool first.
    #[inline]
    pub(crate) fn give_to(local: &List, rec: *mut HeapRecord, global: &Global) {
        if local.closed.get() {
            // Thread teardown: the cache is gone, and so goes this record.
            free(rec);
            return;
        }
        if local.len() >= LOCAL_CAP {
            spill(local, LOCAL_CAP / 2, global);
        }
        local.push(rec);
    }

    /// Emptied records on their way back to this thread's cache, linked through `next`.
    pub(crate) struct Chain {
        first: *mut HeapRecord,
        last: *mut HeapRecord,
        len: usize,
    }

    impl Chain {
        #[inline(always)]
        pub(crate) fn new() -> Chain {
            Chain {
                first: ptr::null_mut(),
                last: ptr::null_mut(),
                len: 0,
            }
        }

        /// Adds a record owned by nobody else, emptied or about to be (its runner reads only
        /// the call stored after the header, which this does not touch).
        #[inline(always)]
        pub(crate) fn add(&mut self, rec: *mut RecordHeader) {
            let rec = rec.cast::<HeapRecord>();
            // SAFETY: `rec` is an emptied record handed to this chain.
            unsafe { (*rec).header.next = self.first.cast_const().cast() };
            if self.first.is_null() {
                self.last = rec;
            }
            self.first = rec;
            self.len += 1;
        }

        /// Gives the records to this thread's cache in one splice, or one by one (spilling to
        /// the global pool) when they would overfill it.
        #[inline(always)]
        pub(crate) fn give(self) {
            if self.len == 0 {
                return;
            }
            LOCAL.with(|l| {
                if !l.closed.get() && l.len() + self.len <= LOCAL_CAP {
                    // SAFETY: `last` ends the chain; the records are handed to the list.
                    unsafe { (*self.last).header.next = l.head.get().cast_const().cast() };
                    l.head.set(self.first);
                    l.len.set(l.len() + self.len);
                } else {
                    self.give_slowly(l);
                }
            });
        }

        #[cold]
        #[inline(never)]
        fn give_slowly(self, local: &List) {
            let mut at = self.first;
            while !at.is_null() {
                // SAFETY: a chained record, read before it is handed on.
                let next = unsafe { (*at).header.next }.cast_mut().cast::<HeapRecord>();
                give_to(local, at, &GLOBAL);
                at = next;
            }
        }
    }

    /// Empties a private pool (tests).
    #[cfg(test)]
    pub(crate) fn free_all(local: &List, global: &Global) {
        while let Some(rec) = local.pop() {
            free(rec);
        }
        let g = lock(global);
        while let Some(rec) = g.pop() {
            free(rec);
        }
    }

    /// Records in this thread's cache and in the global pool.
    pub fn counts() -> (usize, usize) {
        (LOCAL.with(List::len), lock(&GLOBAL).len())
    }
}
