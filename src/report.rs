//! The panic report, printed Go's way: after the deferred calls ran.
//!
//! Rust prints a panic from the panic hook, before anything unwinds. Go prints it after every
//! deferred call of every frame it crossed has run, and not at all if a deferred call recovers
//! it. godefer gets Go's order with a hook that, for a panic raised while a godefer frame is
//! active on the thread, keeps what the report needs (the [`Origin`]) instead of printing. The
//! frame that catches the panic takes the origin into its [`PanicRecord`]. When the panic leaves
//! the outermost godefer frame unrecovered, that frame prints the report; a frame with godefer
//! frames above it passes the origin up through `IN_FLIGHT`, matched by the payload's address
//! (the payload box travels through `resume_unwind` unchanged).
//!
//! Panics on threads with no godefer frame active go to the hook that was installed before
//! godefer's, untouched. Nothing is lost when code of yours catches a panic between two godefer
//! frames: the kept origin is printed at the next godefer event on the thread (the next panic,
//! or the outermost godefer frame's exit).

use std::any::{Any, TypeId};
use std::backtrace::{Backtrace, BacktraceStatus};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt::Write as _;
use std::io::Write as _;
use std::panic::PanicHookInfo;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::panic::{is_string_like, message_of, Earlier, Location, PanicRecord};
use crate::state;

/// What the report of a panic needs beyond its payload, taken by the hook where it started.
pub(crate) struct Origin {
    pub(crate) location: Option<Location>,
    /// Boxed: a `Backtrace` is large, and an origin is moved several times on every panic
    /// (into the kept list, the frame's record, the report); boxed, only a panic that captures
    /// a backtrace pays for it.
    backtrace: Option<Box<Backtrace>>,
    /// The payload's type and, for string payloads, its message: used to check that a kept
    /// origin belongs to the payload a frame caught.
    payload_type: TypeId,
    /// Borrowed for `&'static str` payloads (`panic!("literal")`): no copy.
    payload_message: Option<Cow<'static, str>>,
}

impl Origin {
    /// The origin of the panic the hook was called for.
    #[inline(always)]
    fn of(info: &PanicHookInfo<'_>) -> Origin {
        Origin {
            location: info.location().map(|l| Location {
                file: intern_file(l.file()),
                line: l.line(),
                column: l.column(),
            }),
            backtrace: capture_backtrace(),
            payload_type: info.payload().type_id(),
            payload_message: static_or_owned(info.payload()),
        }
    }
}

/// A panic raised again by a frame that has godefer frames above it.
struct InFlight {
    payload_addr: usize,
    origin: Option<Origin>,
    earlier: Vec<Earlier>,
}

#[derive(Default)]
struct Cold {
    /// The origins the hook kept and no frame took yet, oldest first. Usually one; more when a
    /// `Drop` that runs during unwinding panics and catches its own panic.
    kept: Vec<Origin>,
    in_flight: Option<InFlight>,
}

thread_local! {
    static COLD: RefCell<Cold> = RefCell::new(Cold::default());
}

static INSTALLED: AtomicBool = AtomicBool::new(false);
static INSTALL_LOCK: Mutex<()> = Mutex::new(());
/// Kept origins beyond this many are printed at once, oldest first.
const MAX_KEPT: usize = 8;
static FIRST_NOTE: AtomicBool = AtomicBool::new(true);

/// The first godefer frame of a thread (its `top` was `FRESH`, now the frame's address `me`):
/// installs godefer's panic hook in front of the current one, once per process. If the thread
/// is panicking, it cannot now (see [`install_hook`]): the frame then carries
/// [`state::top::HOOKLESS`], and its exit makes the thread fresh again for a later try.
#[cold]
#[inline(never)]
pub(crate) fn first_entry(me: usize) {
    if !INSTALLED.load(Ordering::Acquire) && !install_hook() {
        state::with_top(|t| t.set(me | state::top::HOOKLESS));
    }
}

/// The exit of an outermost frame whose address carries marks: prints what waits, and makes
/// the thread fresh again while the hook is missing. `top` is what the frame found; the frame
/// already stored `NONE`.
#[cold]
#[inline(never)]
pub(crate) fn outermost_exit(top: usize) {
    if top & state::top::HOOKLESS != 0 && !INSTALLED.load(Ordering::Acquire) {
        state::with_top(|t| t.set(state::top::FRESH));
    }
    if top & state::top::STALE != 0 {
        flush_stale();
    }
}

/// Installs the hook; false if it cannot now.
///
/// `set_hook` panics on a panicking thread, and from another thread it waits for std's hook
/// lock, which a panic hook holds while it runs: a first godefer frame entered in a panic hook
/// (a user's hook calling a `#[godefer::func]`) or in a `Drop` during unwinding cannot install
/// the hook, and must not wait for a helper thread to do it (issue 12: a helper joined from a
/// hook deadlocked, and one left waiting for the lock blocked every other thread's panic, since
/// a waiting writer holds off new readers). So it does not install then: panics in that frame
/// are reported at once by the hook installed before (Rust's, usually), and the next outermost
/// frame that is not panicking installs it.
#[cold]
fn install_hook() -> bool {
    if std::thread::panicking() {
        return false;
    }
    let _lock = INSTALL_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    if INSTALLED.load(Ordering::Acquire) {
        return true;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !keep_origin(info) {
            // Rust's hook prints the backtrace note with the first panic it reports.
            FIRST_NOTE.store(false, Ordering::Relaxed);
            previous(info);
        }
    }));
    INSTALLED.store(true, Ordering::Release);
    true
}

/// The hook's work: returns false if the panic is not godefer's business.
fn keep_origin(info: &PanicHookInfo<'_>) -> bool {
    // Under `panic = "abort"` nothing runs after the hook: report at once.
    if cfg!(panic = "abort") {
        return false;
    }
    if !state::in_frame() {
        return false;
    }
    // Built where it is pushed: an origin moved through locals first cost a store-forwarding
    // stall per panic (perf, panic_recover).
    let oldest = COLD.try_with(|c| {
        let mut c = c.borrow_mut();
        c.kept.push(Origin::of(info));
        (c.kept.len() > MAX_KEPT).then(|| c.kept.remove(0))
    });
    match oldest {
        Ok(Some(oldest)) => print_kept(&oldest),
        Ok(None) => {}
        // Thread teardown destroyed the cold state: keep the origin where no destructor runs.
        Err(_) => keep_in_teardown(Origin::of(info)),
    }
    state::mark_stale();
    true
}

thread_local! {
    /// The last file name this thread interned. Panics in a loop come from the same few places.
    static LAST_FILE: Cell<&'static str> = const { Cell::new("") };
}

/// Every file name interned so far (see [`intern_file`]).
static FILES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// A `'static` copy of a panic location's file name, one per distinct name per process.
///
/// The names come from `std::panic::Location`, which only the compiler creates (for
/// `#[track_caller]` and `panic!`), so there are as many as source files with panics in them:
/// leaking one copy of each is bounded. (A name's API lifetime is shorter than the program's,
/// and a library unloaded with `dlclose` takes its names with it: hence a copy, and a compare
/// by content, not by address.) The thread's last name is tried first, without the lock.
fn intern_file(file: &str) -> &'static str {
    if let Ok(last) = LAST_FILE.try_with(Cell::get) {
        if last == file {
            return last;
        }
    }
    let name = {
        let mut files = FILES.lock().unwrap_or_else(|e| e.into_inner());
        match files.iter().find(|f| **f == file) {
            Some(f) => *f,
            None => {
                let f: &'static str = Box::leak(file.into());
                files.push(f);
                f
            }
        }
    };
    let _ = LAST_FILE.try_with(|last| last.set(name));
    name
}

thread_local! {
    /// The kept origin of a panic raised after thread teardown destroyed `COLD` (a godefer frame
    /// run by a thread-local destructor): a raw pointer, so no destructor of its own.
    static TEARDOWN_KEPT: Cell<*mut Origin> = const { Cell::new(std::ptr::null_mut()) };
}

fn keep_in_teardown(origin: Origin) {
    let new = Box::into_raw(Box::new(origin));
    let old = TEARDOWN_KEPT.with(|k| k.replace(new));
    if !old.is_null() {
        // SAFETY: the slot holds only pointers from `Box::into_raw`, each taken out once.
        let old = unsafe { Box::from_raw(old) };
        print_kept(&old);
    }
}

fn take_teardown_kept(payload: &(dyn Any + Send)) -> Option<Origin> {
    let kept = TEARDOWN_KEPT.with(|k| k.replace(std::ptr::null_mut()));
    if kept.is_null() {
        return None;
    }
    // SAFETY: as in `keep_in_teardown`.
    let kept = *unsafe { Box::from_raw(kept) };
    if kept.matches(payload) {
        Some(kept)
    } else {
        print_kept(&kept);
        None
    }
}

fn static_or_owned(payload: &(dyn Any + Send)) -> Option<Cow<'static, str>> {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        Some(Cow::Borrowed(*s))
    } else {
        payload
            .downcast_ref::<String>()
            .map(|s| Cow::Owned(s.clone()))
    }
}

fn thread_label() -> String {
    let current = std::thread::current();
    let name = current.name().unwrap_or("<unnamed>");
    match os_thread_id() {
        Some(tid) => format!("'{name}' ({tid})"),
        None => format!("'{name}'"),
    }
}

#[cfg(target_os = "linux")]
fn os_thread_id() -> Option<u64> {
    // SAFETY: `gettid` has no preconditions and cannot fail.
    let tid = unsafe { libc::gettid() };
    u64::try_from(tid).ok()
}

#[cfg(not(target_os = "linux"))]
fn os_thread_id() -> Option<u64> {
    None
}

/// Rust's short form of a backtrace printed in full: the frames between std's markers
/// (`__rust_end_short_backtrace`, where the panic machinery ends, and
/// `__rust_begin_short_backtrace`, where the thread's code starts), without godefer's runtime
/// (its catches and runners, and std's `catch_unwind` under them) and without the closures of
/// the lowering (the scopes and wrappers of a `#[godefer::func]`, which the debug info places
/// on the attribute's line, like the function itself), renumbered from 0.
fn short_backtrace(full: &str) -> String {
    // (symbol line, its `at` lines)
    let mut frames: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in full.lines() {
        match line.trim_start().split_once(": ") {
            Some((n, symbol)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                frames.push((symbol, Vec::new()));
            }
            _ => {
                if let Some(last) = frames.last_mut() {
                    last.1.push(line);
                }
            }
        }
    }
    let start = frames
        .iter()
        .rposition(|(sym, _)| sym.contains("__rust_end_short_backtrace"))
        .map_or(0, |i| i + 1);
    let end = frames
        .iter()
        .position(|(sym, _)| sym.contains("__rust_begin_short_backtrace"))
        .filter(|&e| e >= start)
        .unwrap_or(frames.len());
    let runtime = |sym: &str| {
        [
            "godefer::frame::",
            "godefer::report::",
            "godefer::panic::",
            "godefer::record::",
            "std::panicking::catch_unwind",
            "std::panic::catch_unwind",
            "__rust_try",
        ]
        .iter()
        .any(|p| sym.starts_with(p))
    };
    let at = |lines: &[&str]| lines.first().map(|l| l.trim().to_string());
    let kept: Vec<&(&str, Vec<&str>)> = frames[start..end]
        .iter()
        .enumerate()
        .filter(|&(i, (sym, lines))| {
            if runtime(sym) {
                return false;
            }
            // A closure of the lowering: on the same line as the function it belongs to.
            let Some(owner) = sym.find("::{{closure}}").map(|k| &sym[..k]) else {
                return true;
            };
            let here = at(lines);
            let owner_at = frames[start + i + 1..end]
                .iter()
                .find(|(s, _)| *s == owner)
                .and_then(|(_, l)| at(l));
            here.is_none() || here != owner_at
        })
        .map(|(_, f)| f)
        .collect();
    let mut out = String::new();
    for (n, (sym, lines)) in kept.iter().enumerate() {
        let _ = writeln!(out, "{n:>4}: {sym}");
        for l in lines {
            let _ = writeln!(out, "{l}");
        }
    }
    out
}

fn capture_backtrace() -> Option<Box<Backtrace>> {
    let bt = Backtrace::capture();
    (bt.status() == BacktraceStatus::Captured).then(|| Box::new(bt))
}

/// Builds the record of a panic a frame just caught: with the origin passed up by an inner
/// frame, or the one the hook kept, or none (a panic godefer's hook did not see).
pub(crate) fn claim(payload: Box<dyn Any + Send>) -> Box<PanicRecord> {
    // The common case, one kept origin and it is this panic's, moves the origin once: from the
    // kept list straight into the record's box.
    let mut record = crate::panic::new_record(PanicRecord {
        payload,
        origin: None,
        earlier: Vec::new(),
        location: None,
    });
    let fast = COLD.try_with(|c| {
        let mut c = c.borrow_mut();
        let c = &mut *c;
        if c.in_flight.is_some() || c.kept.len() != 1 || !c.kept[0].matches(&*record.payload) {
            return false;
        }
        record.origin = c.kept.pop();
        state::clear_stale();
        true
    });
    if fast == Ok(true) {
        return record;
    }
    let addr = payload_addr(&*record.payload);
    let taken = COLD.try_with(|c| {
        let mut c = c.borrow_mut();
        let in_flight = c.in_flight.take();
        // The newest kept origin of this payload's kind is this panic's; newer ones belong to
        // panics that code outside godefer caught, older ones may still be unwinding.
        let at = c.kept.iter().rposition(|k| k.matches(&*record.payload));
        let (origin, newer) = match at {
            Some(i) => {
                let newer = c.kept.split_off(i + 1);
                (c.kept.pop(), newer)
            }
            None => (None, Vec::new()),
        };
        // Nothing left waiting: the outermost frame's exit need not look (see `flush_stale`).
        if c.kept.is_empty() {
            state::clear_stale();
        }
        (in_flight, origin, newer)
    });
    let (in_flight, origin, newer) =
        taken.unwrap_or_else(|_| (None, take_teardown_kept(&*record.payload), Vec::new()));
    for k in &newer {
        print_kept(k);
    }
    if let Some(f) = in_flight {
        if f.payload_addr == addr {
            record.origin = f.origin;
            record.earlier = f.earlier;
            return record;
        }
        print_in_flight(f);
    }
    record.origin = origin;
    record
}

/// Go's `panic(r)` of a recovered value, written `std::panic::panic_any(p)` with the recovered
/// [`Panic`](crate::Panic) `p`: the panic goes on with `p`'s original payload (what callers'
/// `catch_unwind` and `JoinHandle::join` then get, and what the report prints), from where it
/// was raised again. A record whose payload is no `Panic` is left alone.
pub(crate) fn unwrap_repanic(record: &mut PanicRecord) {
    if !record.payload.is::<crate::Panic>() {
        return;
    }
    let payload = std::mem::replace(&mut record.payload, Box::new(()));
    let Ok(panic) = payload.downcast::<crate::Panic>() else {
        unreachable!("godefer::report::unwrap_repanic: the payload is a `Panic`")
    };
    let inner = panic.into_payload();
    if let Some(origin) = &mut record.origin {
        origin.payload_type = (*inner).type_id();
        origin.payload_message = static_or_owned(&*inner);
    }
    record.payload = inner;
}

impl Origin {
    fn matches(&self, payload: &(dyn Any + Send)) -> bool {
        self.payload_type == payload.type_id()
            && (!is_string_like(self.payload_type)
                || self.payload_message.as_deref() == message_of(payload))
    }
}

pub(crate) fn payload_addr(payload: &(dyn Any + Send)) -> usize {
    (payload as *const (dyn Any + Send)).cast::<u8>() as usize
}

/// The panic leaves a frame unrecovered. The outermost godefer frame prints the report; an inner
/// one passes what the report needs to the frame that catches the payload next.
pub(crate) fn leave(record: PanicRecord, outermost: bool) -> Box<dyn Any + Send> {
    let PanicRecord {
        payload,
        origin,
        earlier,
        ..
    } = record;
    if outermost {
        let message = message_of(&*payload).unwrap_or("Box<dyn Any>");
        // No origin: godefer's hook did not see the panic start (another hook replaced it and
        // printed the panic already, or `resume_unwind` raised it, which Rust does not report).
        if let Some(origin) = &origin {
            print_report(origin, message, &earlier);
        }
        return payload;
    }
    let f = InFlight {
        payload_addr: payload_addr(&*payload),
        origin,
        earlier,
    };
    if let Err(f) = COLD.try_with(|c| c.borrow_mut().in_flight.replace(f)) {
        let _ = f;
    }
    state::mark_stale();
    payload
}

/// Prints whatever the cold state still holds: called by the outermost frame on exit when a
/// panic godefer kept the origin of was caught by code outside godefer.
#[cold]
pub(crate) fn flush_stale() {
    let taken = COLD.try_with(|c| {
        let mut c = c.borrow_mut();
        // Usually empty: leave the vector (and its buffer, reused by the next panic) in place.
        let kept = if c.kept.is_empty() {
            Vec::new()
        } else {
            std::mem::take(&mut c.kept)
        };
        (kept, c.in_flight.take())
    });
    let teardown = TEARDOWN_KEPT.with(|k| k.replace(std::ptr::null_mut()));
    if !teardown.is_null() {
        // SAFETY: as in `keep_in_teardown`.
        print_kept(&*unsafe { Box::from_raw(teardown) });
    }
    if let Ok((kept, in_flight)) = taken {
        for k in &kept {
            print_kept(k);
        }
        if let Some(f) = in_flight {
            print_in_flight(f);
        }
    }
}

fn print_in_flight(f: InFlight) {
    if let Some(origin) = &f.origin {
        let message = origin.payload_message.as_deref().unwrap_or("Box<dyn Any>");
        print_report(origin, message, &f.earlier);
    }
}

fn print_kept(origin: &Origin) {
    let message = origin.payload_message.as_deref().unwrap_or("Box<dyn Any>");
    print_report(origin, message, &[]);
}

/// Rust's report (thread, location, message, backtrace note) followed by the panics this one
/// replaced, oldest first, in Go's words.
fn print_report(origin: &Origin, message: &str, earlier: &[Earlier]) {
    let mut out = String::new();
    // The report is printed on the thread the panic started on: name it now, not per panic.
    let _ = write!(out, "\nthread {} panicked at ", thread_label());
    match &origin.location {
        Some(l) => {
            let _ = writeln!(out, "{l}:");
        }
        None => out.push_str("<unknown>:\n"),
    }
    let _ = writeln!(out, "{message}");
    if !earlier.is_empty() {
        out.push_str("this panic replaced earlier ones, oldest first:\n");
        for e in earlier {
            let mark = if e.recovered { " [recovered]" } else { "" };
            let _ = writeln!(out, "\tpanic: {}{mark}", e.message);
        }
    }
    match &origin.backtrace {
        Some(bt) => {
            let full = bt.to_string();
            if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v == "full") {
                let _ = writeln!(out, "stack backtrace:\n{full}");
            } else {
                let _ = write!(out, "stack backtrace:\n{}", short_backtrace(&full));
                out.push_str(
                    "note: Some details are omitted, run with `RUST_BACKTRACE=full` for a \
                     verbose backtrace.\n",
                );
            }
        }
        None => {
            if FIRST_NOTE.swap(false, Ordering::Relaxed) {
                out.push_str(
                    "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n",
                );
            }
        }
    }
    // The report is the one thing godefer prints; a closed stderr loses it, as it would lose
    // Rust's own.
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
}
