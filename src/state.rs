//! The per-thread state: Go keeps it in the goroutine (`g._defer`, `g._panic`); godefer keeps
//! the hot part in one `const`-initialised thread local of `Cell`s (no destructor, so access is
//! a single thread-pointer-relative load or store and never fails, not even during thread
//! teardown) and the cold part, touched only while panicking, in a lazily initialised one
//! accessed with `try_with`.
//!
//! # What the happy path touches
//!
//! A frame entered while nothing is armed, the common case, reads `top` and `armed` and, if it
//! is the outermost godefer frame of the thread, stores a constant into `top` on entry and on
//! exit. None of these stores depends on a value loaded before: a frame called in a tight loop
//! carries no store-to-load chain from one call to the next. (Keeping a nesting counter here
//! instead, loaded and stored again by every frame, put a store-forwarding round trip, about
//! 1.3 ns, on every call: measured on the defer1 benchmark.)
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

/// The values of [`Hot::top`].
pub(crate) mod top {
    /// No godefer frame has run on this thread yet: the panic hook may still be missing.
    pub const FRESH: u8 = 0;
    /// No godefer frame is active on this thread.
    pub const NONE: u8 = 1;
    /// A godefer frame is active on this thread.
    pub const LIVE: u8 = 2;
    /// As `LIVE`, and a report is waiting in the cold state (see `report::flush_stale`): the
    /// outermost frame prints it on exit.
    pub const STALE: u8 = 3;
}

pub(crate) struct Hot {
    /// Whether a godefer frame is active on this thread: one of [`top`].
    pub(crate) top: Cell<u8>,
    /// The panicking frame whose deferred call is running now, or null.
    pub(crate) armed: Cell<*const FrameCore>,
    /// The level at which `recover` takes the armed frame's panic.
    pub(crate) armed_level: Cell<u32>,
    /// Also two levels deeper (see [`arm::CALL`]).
    pub(crate) armed_call: Cell<bool>,
    /// The level of the code running now; meaningful only while something is armed.
    pub(crate) level: Cell<u32>,
    /// The innermost frame that took a slow path (caught a panic, or was entered while
    /// something was armed), linked to the ones before it; null if none. See `frame::Cold`.
    pub(crate) special: Cell<*const FrameCore>,
}

thread_local! {
    pub(crate) static HOT: Hot = const {
        Hot {
            top: Cell::new(top::FRESH),
            armed: Cell::new(ptr::null()),
            armed_level: Cell::new(0),
            armed_call: Cell::new(false),
            level: Cell::new(0),
            special: Cell::new(ptr::null()),
        }
    };
}

/// What [`Hot`] held before a frame armed it; put back by [`ArmGuard`]'s `Drop`.
pub(crate) struct ArmGuard {
    armed: *const FrameCore,
    armed_level: u32,
    call: bool,
    level: u32,
}

impl ArmGuard {
    /// Arms `recover` for a deferred call of `core`, counting levels from a fresh one.
    pub(crate) fn arm(core: *const FrameCore, mode: u8) -> ArmGuard {
        HOT.with(|h| {
            let saved = ArmGuard {
                armed: h.armed.get(),
                armed_level: h.armed_level.get(),
                call: h.armed_call.get(),
                level: h.level.get(),
            };
            let level = saved.level.wrapping_add(1);
            h.level.set(level);
            if mode == arm::NEVER {
                h.armed.set(ptr::null());
            } else {
                h.armed.set(core);
                h.armed_level.set(level);
                h.armed_call.set(mode == arm::CALL);
            }
            saved
        })
    }
}

impl Drop for ArmGuard {
    fn drop(&mut self) {
        HOT.with(|h| {
            h.armed.set(self.armed);
            h.armed_level.set(self.armed_level);
            h.armed_call.set(self.call);
            h.level.set(self.level);
        });
    }
}

/// Whether any frame armed `recover` on this thread.
#[inline]
pub(crate) fn armed() -> bool {
    HOT.with(|h| !h.armed.get().is_null())
}

/// The armed frame, if `recover` called at the current level may take its panic. Disarms it:
/// only the first `recover` gets the panic.
pub(crate) fn take_armed() -> *const FrameCore {
    HOT.with(|h| {
        let core = h.armed.get();
        if core.is_null() {
            return core;
        }
        let level = h.level.get();
        let at = h.armed_level.get();
        if level == at || (h.armed_call.get() && level == at.wrapping_add(2)) {
            h.armed.set(ptr::null());
            core
        } else {
            ptr::null()
        }
    })
}

#[inline]
pub(crate) fn level() -> u32 {
    HOT.with(|h| h.level.get())
}

#[inline]
pub(crate) fn set_level(level: u32) {
    HOT.with(|h| h.level.set(level));
}

/// Whether a godefer frame is active on this thread (false during thread teardown's last
/// moments, when even this state may be gone).
pub(crate) fn in_frame() -> bool {
    HOT.try_with(|h| h.top.get() >= top::LIVE).unwrap_or(false)
}

/// Notes that a report waits in the cold state, for the outermost frame to print on exit.
pub(crate) fn mark_stale() {
    let _ = HOT.try_with(|h| {
        if h.top.get() == top::LIVE {
            h.top.set(top::STALE);
        }
    });
}
