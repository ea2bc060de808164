//! The per-thread state: Go keeps it in the goroutine (`g._defer`, `g._panic`); godefer keeps
//! the hot part in `const`-initialised thread locals of `Cell`s (no destructor, so access is a
//! single thread-pointer-relative load or store and never fails, not even during thread
//! teardown) and the cold part, touched only while panicking, in a lazily initialised one
//! accessed with `try_with` (in `report`).
//!
//! # What the happy path touches
//!
//! One thread-local block, [`Hot`]. A frame loads `top`; the outermost godefer frame of the
//! thread stores its own address there on entry and puts [`top::NONE`] back on exit (it knows
//! it is the outermost by finding its address there), any other frame tests `armed` instead.
//! Before each deferred call and at exit a frame compares `special` with its address or zero.
//! None of the stores depends on a value loaded before: a frame called in a tight loop carries
//! no store-to-load chain from one call to the next. (Keeping a nesting counter here instead,
//! loaded and stored again by every frame, put a store-forwarding round trip, about 1.3 ns, on
//! every call: measured on the defer1 benchmark.)
//!
//! # Levels
//!
//! `recover` must tell a direct call from the deferred call (which recovers) from a call made
//! through a `#[godefer::func]` helper (which does not): Go compares argument pointers. godefer
//! counts levels, but only while something is armed, because only then can a `recover` succeed:
//! arming a deferred call sets `level` afresh, a frame entered while something is armed takes
//! two levels (its body at `level + 2`, its deferred calls one deeper) and gives them back on
//! exit, and `recover` compares `level` with the level of the armed call. A frame entered while
//! nothing is armed leaves `level` alone: any arming that happens during its life starts and
//! ends inside it, and counts from wherever `level` stands.

use std::cell::Cell;
use std::ptr;

use crate::frame::FrameCore;

/// How a deferred call may use `recover` when the runtime runs it during a panic.
pub(crate) mod arm {
    /// The deferred function is the closure itself: `recover` works at the deferred-call level.
    pub const EXACT: u8 = 0;
    /// The deferred call is a call (`defer!(f(x))`) or a closure with defers of its own: the
    /// callee may be a `#[godefer::func]` frame, whose body runs two levels deeper.
    pub const CALL: u8 = 1;
    /// `defer!(recover())`: as in Go, the deferred `recover` itself recovers nothing.
    pub const NEVER: u8 = 2;
}

/// The values of [`Hot::top`]: besides these, the address of the outermost active frame of
/// the thread (its `FrameCore`; a frame knows it is the outermost by finding its own address
/// there on exit), plus [`top::STALE`] while a report waits and [`top::HOOKLESS`] while the
/// panic hook is missing.
pub(crate) mod top {
    /// No godefer frame has run on this thread yet: the panic hook may still be missing.
    pub const FRESH: usize = 0;
    /// No godefer frame is active on this thread.
    pub const NONE: usize = 2;
    /// Added to the outermost frame's address while a report waits in the cold state (see
    /// `report::flush_stale`): the outermost frame prints it on exit. A frame is aligned to at
    /// least 4 bytes (asserted below), so the bit is free and no address is `FRESH` or `NONE`.
    pub const STALE: usize = 1;
    /// Added to the outermost frame's address when godefer's panic hook could not be installed
    /// at its entry (the thread was panicking: see `report::first_entry`): its exit makes the
    /// thread [`FRESH`] again, so the next outermost frame tries again. Bit 1 of an address is
    /// free too (alignment, asserted below); `NONE` is a value, not a bit, and no address.
    pub const HOOKLESS: usize = 2;
    /// The marks an outermost frame's address may carry.
    pub const MARKS: usize = STALE | HOOKLESS;

    const _: () = assert!(std::mem::align_of::<crate::frame::FrameCore>() >= 4);
}

// One thread local for the three words the happy path touches, rather than one each: the
// address of a thread local in a library crate comes from the GOT (initial-exec TLS, turned
// into a constant by the linker), which the optimiser loads once and keeps in a callee-saved
// register across the deferred calls; one block costs one such register, three cost three
// (measured on the defer1 benchmark: two pushes and pops less per call).
thread_local! {
    pub(crate) static HOT: Hot = const {
        Hot {
            top: Cell::new(top::FRESH),
            special: Cell::new(ptr::null()),
            armed: Cell::new(ptr::null()),
        }
    };
    /// The levels (see the module's docs); touched only while something is armed.
    pub(crate) static LEVELS: Levels = const {
        Levels {
            armed_level: Cell::new(0),
            armed_call: Cell::new(false),
            level: Cell::new(0),
        }
    };
}

pub(crate) struct Hot {
    /// The address of the thread's outermost active godefer frame (with [`top::STALE`] added
    /// while a report waits), or [`top::FRESH`] or [`top::NONE`].
    top: Cell<usize>,
    /// The innermost frame that took a slow path (caught a panic, or was entered while
    /// something was armed), linked to the ones before it; null if none. See `frame::Cold`.
    special: Cell<*const FrameCore>,
    /// The panicking frame whose deferred call is running now, or null.
    armed: Cell<*const FrameCore>,
}

#[cfg(debug_assertions)]
impl Hot {
    #[inline(always)]
    pub(crate) fn top(&self) -> &Cell<usize> {
        &self.top
    }

    #[inline(always)]
    pub(crate) fn special(&self) -> &Cell<*const FrameCore> {
        &self.special
    }

    // A comparison: `is_null` is a call of its own in an unoptimised build.
    #[allow(clippy::cmp_null)]
    #[inline(always)]
    pub(crate) fn armed(&self) -> bool {
        self.armed.get() != ptr::null()
    }
}

/// The thread's [`Hot`] block, which a frame keeps in debug builds (see
/// `frame::FrameCore::hot`). `'static` stands for "as long as the thread runs": `HOT` is
/// `const`-initialised and has no destructor, so its storage stays in place, and usable, until
/// the thread's end, after every destructor that could reach it. The reference cannot leave the
/// thread: `Hot` is not `Sync`, so `&Hot` is not `Send`.
///
/// The lifetime is extended by a `transmute` rather than through a raw pointer, whose
/// dereference an unoptimised build checks (once per frame).
#[cfg(debug_assertions)]
pub(crate) fn hot() -> &'static Hot {
    // SAFETY: see above: the block lives, in place, for all code that can run on this thread;
    // only the lifetime changes.
    match HOT.try_with(|h| unsafe { std::mem::transmute::<&Hot, &'static Hot>(h) }) {
        Ok(hot) => hot,
        // `try_with` rather than `with` (which is `try_with` and an `expect`): one layer of
        // unoptimised calls less. It cannot fail, for the reason above.
        Err(_) => unreachable!("godefer: the thread's state is gone (internal error)"),
    }
}

/// Runs `f` on the thread's [`Hot::top`].
#[inline(always)]
pub(crate) fn with_top<T>(f: impl FnOnce(&Cell<usize>) -> T) -> T {
    HOT.with(|h| f(&h.top))
}

/// Runs `f` on the thread's [`Hot::special`].
#[inline(always)]
pub(crate) fn with_special<T>(f: impl FnOnce(&Cell<*const FrameCore>) -> T) -> T {
    HOT.with(|h| f(&h.special))
}

/// Runs `f` on the thread's [`Hot::armed`].
#[inline(always)]
fn with_armed<T>(f: impl FnOnce(&Cell<*const FrameCore>) -> T) -> T {
    HOT.with(|h| f(&h.armed))
}

pub(crate) struct Levels {
    /// The level at which `recover` takes the armed frame's panic.
    armed_level: Cell<u32>,
    /// Also two levels deeper (see [`arm::CALL`]).
    armed_call: Cell<bool>,
    /// The level of the code running now; meaningful only while something is armed.
    level: Cell<u32>,
}

/// What the state held before a frame armed `recover` for one of its deferred calls; put
/// back by [`disarm`] when the call is over.
#[derive(Clone, Copy)]
pub(crate) struct Saved {
    armed: *const FrameCore,
    armed_level: u32,
    call: bool,
    level: u32,
}

impl Saved {
    pub(crate) const NONE: Saved = Saved {
        armed: ptr::null(),
        armed_level: 0,
        call: false,
        level: 0,
    };
}

/// Arms `recover` for a deferred call of `core`, counting levels from a fresh one.
#[inline(always)]
pub(crate) fn arm(core: *const FrameCore, mode: u8) -> Saved {
    let armed = with_armed(|a| a.get());
    LEVELS.with(|h| {
        let saved = Saved {
            armed,
            armed_level: h.armed_level.get(),
            call: h.armed_call.get(),
            level: h.level.get(),
        };
        let level = saved.level.wrapping_add(1);
        h.level.set(level);
        if mode == arm::NEVER {
            with_armed(|a| a.set(ptr::null()));
        } else {
            with_armed(|a| a.set(core));
            h.armed_level.set(level);
            h.armed_call.set(mode == arm::CALL);
        }
        saved
    })
}

/// Puts back what [`arm`] replaced.
pub(crate) fn disarm(saved: Saved) {
    with_armed(|a| a.set(saved.armed));
    LEVELS.with(|h| {
        h.armed_level.set(saved.armed_level);
        h.armed_call.set(saved.call);
        h.level.set(saved.level);
    });
}

/// Whether any frame armed `recover` on this thread.
#[inline]
pub(crate) fn armed() -> bool {
    with_armed(|a| !a.get().is_null())
}

/// The armed frame, if `recover` called at the current level may take its panic. Disarms it:
/// only the first `recover` gets the panic.
pub(crate) fn take_armed() -> *const FrameCore {
    let core = peek_armed();
    if !core.is_null() {
        with_armed(|a| a.set(ptr::null()));
    }
    core
}

/// The armed frame, if `recover` called at the current level would take its panic; armed
/// means its panic is still pending (the first `recover` disarms it).
pub(crate) fn peek_armed() -> *const FrameCore {
    let core = with_armed(|a| a.get());
    if core.is_null() {
        return core;
    }
    let direct = LEVELS.with(|h| {
        let level = h.level.get();
        let at = h.armed_level.get();
        level == at || (h.armed_call.get() && level == at.wrapping_add(2))
    });
    if direct {
        core
    } else {
        ptr::null()
    }
}

#[inline]
pub(crate) fn level() -> u32 {
    LEVELS.with(|h| h.level.get())
}

#[inline]
pub(crate) fn set_level(level: u32) {
    LEVELS.with(|h| h.level.set(level));
}

/// Whether a godefer frame is active on this thread.
pub(crate) fn in_frame() -> bool {
    with_top(|t| t.get() > top::NONE)
}

/// Notes that no report waits in the cold state any more.
pub(crate) fn clear_stale() {
    with_top(|t| {
        if t.get() > top::NONE {
            t.set(t.get() & !top::STALE);
        }
    });
}

/// Notes that a report waits in the cold state, for the outermost frame to print on exit.
pub(crate) fn mark_stale() {
    with_top(|t| {
        if t.get() > top::NONE {
            t.set(t.get() | top::STALE);
        }
    });
}
