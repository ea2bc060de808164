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

use std::cell::{RefCell, UnsafeCell};
use std::mem::{self, MaybeUninit};
use std::ptr;
use std::sync::Mutex;

use crate::frame::Frame;

/// The type-erased part of every record.
#[repr(C)]
pub struct RecordHeader {
    pub(crate) next: *const RecordHeader,
    /// Runs the deferred call stored after the header; the second argument is the `Frame<R>`.
    pub(crate) run: unsafe fn(*const RecordHeader, *const ()),
}

unsafe fn never_filled(_: *const RecordHeader, _: *const ()) {
    unreachable!("godefer::record: a record ran before it was filled")
}

/// A defer record in the lowered function's own frame. Not public API: the macro declares one
/// per `defer!` statement under the frame strategy.
#[repr(C)]
pub struct StackRecord<F> {
    header: UnsafeCell<RecordHeader>,
    call: UnsafeCell<MaybeUninit<F>>,
}

impl<F> StackRecord<F> {
    #[allow(clippy::new_without_default)]
    #[inline(always)]
    pub fn new() -> Self {
        StackRecord {
            header: UnsafeCell::new(RecordHeader {
                next: ptr::null(),
                run: never_filled,
            }),
            call: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    #[inline(always)]
    pub(crate) fn fill(
        &self,
        f: F,
        run: unsafe fn(*const RecordHeader, *const ()),
        next: *const RecordHeader,
    ) {
        // SAFETY: the macro fills each stack record at most once (no frame-strategy `defer!` is
        // in a loop), and nothing reads it before `run_down_to` runs it.
        unsafe {
            (*self.call.get()).write(f);
            *self.header.get() = RecordHeader { next, run };
        }
    }

    /// The record's address as a header pointer. Derived from the whole record, not from the
    /// header field, so the runner may reach the call stored after the header.
    #[inline(always)]
    pub(crate) fn header(&self) -> *const RecordHeader {
        (self as *const Self).cast()
    }
}

/// The runner of a stack record holding a plain deferred call.
///
/// # Safety
/// `rec` is the header of a filled, not yet run `StackRecord<F>`, and `frame` the `Frame<R>` it
/// was registered with.
pub(crate) unsafe fn run_stack<R, F: FnOnce(), const MODE: u8>(
    rec: *const RecordHeader,
    frame: *const (),
) {
    // SAFETY: per this function's contract; the record is `repr(C)` with the header first, and
    // is run once, so its call is read once.
    let (f, frame) = unsafe {
        let rec = rec.cast::<StackRecord<F>>();
        (
            (*(*rec).call.get()).assume_init_read(),
            &*frame.cast::<Frame<R>>(),
        )
    };
    frame.run::<MODE, F>(f);
}

/// The runner of a stack record holding a `|ret|` closure.
///
/// # Safety
/// As [`run_stack`].
pub(crate) unsafe fn run_stack_ret<R, F: FnOnce(&mut R), const MODE: u8>(
    rec: *const RecordHeader,
    frame: *const (),
) {
    // SAFETY: as in `run_stack`.
    let (f, frame) = unsafe {
        let rec = rec.cast::<StackRecord<F>>();
        (
            (*(*rec).call.get()).assume_init_read(),
            &*frame.cast::<Frame<R>>(),
        )
    };
    frame.run_ret::<MODE, F>(f);
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
    /// Takes a record from the pool and stores `f` in it.
    #[inline(always)]
    pub(crate) fn fill<F>(
        f: F,
        run: unsafe fn(*const RecordHeader, *const ()),
    ) -> *mut RecordHeader {
        let rec = pool::take();
        // SAFETY: `rec` is an empty record the pool just gave us, owned by nobody else; `F`
        // fits the storage when `fits_inline` says so, else the storage holds a box pointer.
        unsafe {
            let storage = ptr::addr_of_mut!((*rec).storage).cast::<u8>();
            if fits_inline::<F>() {
                storage.cast::<F>().write(f);
            } else {
                storage.cast::<*mut F>().write(Box::into_raw(Box::new(f)));
            }
            (*rec).header.run = run;
        }
        rec.cast()
    }

    /// Moves the deferred call out and gives the record back to the pool.
    ///
    /// # Safety
    /// `rec` was returned by `fill::<F>` and was not taken since.
    #[inline(always)]
    unsafe fn take<F>(rec: *const RecordHeader) -> F {
        let rec = rec.cast::<HeapRecord>().cast_mut();
        // SAFETY: per this function's contract, the storage holds an `F` (or a box of one)
        // written by `fill::<F>` and not yet read.
        let f = unsafe {
            let storage = ptr::addr_of!((*rec).storage).cast::<u8>();
            if fits_inline::<F>() {
                storage.cast::<F>().read()
            } else {
                *Box::from_raw(storage.cast::<*mut F>().read())
            }
        };
        pool::give(rec);
        f
    }
}

/// The runner of a heap record holding a plain deferred call.
///
/// # Safety
/// `rec` was filled by `HeapRecord::fill::<F>` and not run yet; `frame` is its `Frame<R>`.
pub(crate) unsafe fn run_heap<R, F: FnOnce(), const MODE: u8>(
    rec: *const RecordHeader,
    frame: *const (),
) {
    // SAFETY: per this function's contract.
    let (f, frame) = unsafe { (HeapRecord::take::<F>(rec), &*frame.cast::<Frame<R>>()) };
    frame.run::<MODE, F>(f);
}

/// The runner of a heap record holding a `|ret|` closure.
///
/// # Safety
/// As [`run_heap`].
pub(crate) unsafe fn run_heap_ret<R, F: FnOnce(&mut R), const MODE: u8>(
    rec: *const RecordHeader,
    frame: *const (),
) {
    // SAFETY: per this function's contract.
    let (f, frame) = unsafe { (HeapRecord::take::<F>(rec), &*frame.cast::<Frame<R>>()) };
    frame.run_ret::<MODE, F>(f);
}

pub(crate) mod pool {
    //! The two-level pool of empty heap records.

    use super::*;

    /// Records one thread keeps.
    pub const LOCAL_CAP: usize = if cfg!(miri) { 4 } else { 32 };
    /// Records the global pool keeps; beyond that, spilled records are freed.
    pub const GLOBAL_CAP: usize = if cfg!(miri) { 8 } else { 1024 };

    /// An empty record owned by the global pool.
    pub(crate) struct Empty(*mut HeapRecord);

    // SAFETY: an empty record holds no deferred call, only a header and uninitialised storage;
    // moving its ownership to another thread is moving a plain allocation.
    unsafe impl Send for Empty {}

    pub(crate) type Global = Mutex<Vec<Empty>>;

    static GLOBAL: Global = Mutex::new(Vec::new());

    struct Local {
        records: Vec<*mut HeapRecord>,
    }

    impl Drop for Local {
        /// A thread that ends gives its records to the global pool.
        fn drop(&mut self) {
            spill(&mut self.records, 0, &GLOBAL);
        }
    }

    thread_local! {
        static LOCAL: RefCell<Local> = const { RefCell::new(Local { records: Vec::new() }) };
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
        // SAFETY: every record comes from `alloc` and is freed once, when no pool keeps it.
        drop(unsafe { Box::from_raw(rec) });
    }

    fn lock(global: &Global) -> std::sync::MutexGuard<'_, Vec<Empty>> {
        // The pool's invariants hold between statements; a poisoned lock is still usable.
        global.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves records beyond `keep` to the global pool, freeing what it has no room for.
    fn spill(records: &mut Vec<*mut HeapRecord>, keep: usize, global: &Global) {
        if records.len() <= keep {
            return;
        }
        let mut g = lock(global);
        while records.len() > keep {
            let Some(rec) = records.pop() else { break };
            if g.len() < GLOBAL_CAP {
                g.push(Empty(rec));
            } else {
                free(rec);
            }
        }
    }

    /// An empty record: from this thread's cache, else half a cache from the global pool, else
    /// a new allocation.
    #[inline]
    pub(crate) fn take() -> *mut HeapRecord {
        LOCAL
            .try_with(|l| take_from(&mut l.borrow_mut().records, &GLOBAL))
            .unwrap_or_else(|_| alloc())
    }

    #[inline]
    pub(crate) fn take_from(
        records: &mut Vec<*mut HeapRecord>,
        global: &Global,
    ) -> *mut HeapRecord {
        match records.pop() {
            Some(rec) => rec,
            None => refill(records, global),
        }
    }

    #[cold]
    fn refill(records: &mut Vec<*mut HeapRecord>, global: &Global) -> *mut HeapRecord {
        if records.capacity() < LOCAL_CAP {
            records.reserve_exact(LOCAL_CAP);
        }
        {
            let mut g = lock(global);
            let n = g.len().min(LOCAL_CAP / 2);
            let at = g.len() - n;
            records.extend(g.drain(at..).map(|e| e.0));
        }
        records.pop().unwrap_or_else(alloc)
    }

    /// Gives an emptied record back: to this thread's cache, spilling half of a full cache to
    /// the global pool first.
    #[inline]
    pub(crate) fn give(rec: *mut HeapRecord) {
        let kept = LOCAL.try_with(|l| give_to(&mut l.borrow_mut().records, rec, &GLOBAL));
        if kept.is_err() {
            // The thread's cache is gone (thread teardown).
            let mut one = vec![rec];
            spill(&mut one, 0, &GLOBAL);
        }
    }

    #[inline]
    pub(crate) fn give_to(
        records: &mut Vec<*mut HeapRecord>,
        rec: *mut HeapRecord,
        global: &Global,
    ) {
        if records.len() >= LOCAL_CAP {
            spill(records, LOCAL_CAP / 2, global);
        }
        if records.capacity() < LOCAL_CAP {
            records.reserve_exact(LOCAL_CAP);
        }
        records.push(rec);
    }

    /// Empties a private pool (tests).
    #[cfg(test)]
    pub(crate) fn free_all(records: &mut Vec<*mut HeapRecord>, global: &Global) {
        records.drain(..).for_each(free);
        lock(global).drain(..).for_each(|e| free(e.0));
    }

    /// Records in this thread's cache and in the global pool.
    pub fn counts() -> (usize, usize) {
        let local = LOCAL.try_with(|l| l.borrow().records.len()).unwrap_or(0);
        (local, lock(&GLOBAL).len())
    }
}
