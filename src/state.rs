//! The per-thread state: Go keeps it in the goroutine (`g._defer`, `g._panic`); godefer keeps
//! the hot part in one `const`-initialised thread local of `Cell`s (no destructor, so access is
//! a single thread-pointer-relative load or store and never fails, not even during thread
//! teardown) and the cold part, touched only while panicking, in a lazily initialised one
//! accessed with `try_with`.
//!
//! # Levels
//!
//! Every godefer frame takes two levels: its body runs at `level` and its deferred calls run at
//! `level + 1`; the frames its body calls start at `level + 2`. `recover` compares the current
//! level with the level the panicking frame armed: that is how it tells a direct call from the
//! deferred call (which recovers) from a call made through a `#[godefer::func]` helper (which
//! does not), the rule Go enforces by comparing argument pointers.

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

pub(crate) struct Hot {
    /// The level of the code running now (0: no godefer frame on this thread).
    pub(crate) level: Cell<u32>,
    /// The panicking frame whose deferred call is running now, or null.
    pub(crate) armed: Cell<*const FrameCore>,
    /// The level at which `recover` takes the armed frame's panic.
    pub(crate) armed_level: Cell<u32>,
    /// Also two levels deeper (see [`arm::CALL`]).
    pub(crate) armed_call: Cell<bool>,
    /// A report is waiting in the cold state (see `report::flush_stale`).
    pub(crate) stale: Cell<bool>,
}

thread_local! {
    pub(crate) static HOT: Hot = const {
        Hot {
            level: Cell::new(0),
            armed: Cell::new(ptr::null()),
            armed_level: Cell::new(0),
            armed_call: Cell::new(false),
            stale: Cell::new(false),
        }
    };
}

/// What [`Hot`] held before a frame armed it; put back by [`ArmGuard`]'s `Drop`.
pub(crate) struct ArmGuard {
    armed: *const FrameCore,
    level: u32,
    call: bool,
}

impl ArmGuard {
    /// Arms `recover` for a deferred call of `core` running at `level`.
    pub(crate) fn arm(core: *const FrameCore, level: u32, mode: u8) -> ArmGuard {
        HOT.with(|h| {
            let saved = ArmGuard {
                armed: h.armed.get(),
                level: h.armed_level.get(),
                call: h.armed_call.get(),
            };
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
            h.armed_level.set(self.level);
            h.armed_call.set(self.call);
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
        if level == at || (h.armed_call.get() && level == at + 2) {
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
