//! The recovered value ([`Panic`]), the record a frame keeps while it runs its deferred calls
//! during a panic ([`PanicRecord`]), and [`recover`].

use std::any::{Any, TypeId};
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::mem::{ManuallyDrop, MaybeUninit};

use crate::report::Origin;
use crate::state;

/// Where a panic started: the file, line and column of the `panic!` (or of the call that
/// panicked, for `#[track_caller]` functions such as `unwrap`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    // Interned (see `report::intern_file`): a `Location` is copied on every recovered panic
    // (the hook's origin, the `Panic`, the frame's ghost), and a plain copy costs nothing where
    // a shared `Arc<str>` cost an atomic increment and decrement each time.
    pub(crate) file: &'static str,
    pub(crate) line: u32,
    pub(crate) column: u32,
}

impl Location {
    /// The source file.
    pub fn file(&self) -> &str {
        self.file
    }
    /// The line, from 1.
    pub fn line(&self) -> u32 {
        self.line
    }
    /// The column, from 1.
    pub fn column(&self) -> u32 {
        self.column
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A panic stopped by [`recover`]: Go's `recover()` value.
///
/// It holds the very payload the panic was raised with, so a value given to
/// [`std::panic::panic_any`] comes back unchanged:
///
/// ```
/// #[godefer::func]
/// fn parse(input: &str) -> Result<u32, String> {
///     defer!(|ret: &mut Result<u32, String>| {
///         if let Some(p) = godefer::recover() {
///             match p.downcast_ref::<u32>() {
///                 Some(code) => *ret = Err(format!("code {code}")),
///                 None => *ret = Err(p.to_string()),
///             }
///         }
///     });
///     if input.is_empty() {
///         std::panic::panic_any(7_u32);
///     }
///     input.parse().map_err(|_| panic!("not a number: {input}"))
/// }
///
/// assert_eq!(parse(""), Err("code 7".to_string()));
/// assert_eq!(parse("x"), Err("not a number: x".to_string()));
/// assert_eq!(parse("12"), Ok(12));
/// ```
pub struct Panic {
    // The box of the frame's record of the panic, handed over as it is: `Option<Panic>` is one
    // pointer, returned in a register, so `recover()` when nothing panics is a thread-local
    // test and a zero, and dropping that `None` a test, with no stack slot and no registers
    // saved around the call (measured: 0.27 ns less per `recover` in a deferred call). And a
    // recover allocates nothing. `ManuallyDrop`: dropping a `Panic` gives the box back for the
    // next panic's record (see `recycle`).
    rec: ManuallyDrop<Box<PanicRecord>>,
}

// SAFETY: a shared `&Panic` reaches the payload (which is `Send` but perhaps not `Sync`) only
// through `downcast_ref::<T>` with `T: Sync`, `is` (a type id), `message` (a `&str` out of a
// `&'static str` or `String` payload) and `Display`/`Debug` (which read payloads of basic types,
// all `Sync`, through the same downcasts); every other access takes `self` by value or `&mut`.
// The rest of the record (origin, location, earlier panics: strings, numbers and a
// `std::backtrace::Backtrace`) is `Sync` itself.
unsafe impl Sync for Panic {}

/// A recovered panic is an error: `?` converts it into `Box<dyn Error + Send + Sync>` (what
/// anyhow and eyre take too). Its `Display` is the panic's message.
impl std::error::Error for Panic {}

impl Drop for Panic {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: `rec` is taken once, here, and never used again.
        recycle(unsafe { ManuallyDrop::take(&mut self.rec) });
    }
}

impl Panic {
    pub(crate) fn new(rec: Box<PanicRecord>) -> Panic {
        Panic {
            rec: ManuallyDrop::new(rec),
        }
    }

    fn into_record(self) -> Box<PanicRecord> {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped or used again: `rec` is taken exactly once.
        unsafe { ManuallyDrop::take(&mut this.rec) }
    }

    /// The message of a `&str` or `String` payload (what `panic!` raises).
    pub fn message(&self) -> Option<&str> {
        message_of(&*self.rec.payload)
    }

    /// A reference to the payload if it is a `T`. `T: Sync`, because a `Panic` is `Sync` (it
    /// can be shared, and sent on as an error): a payload that is not `Sync` (a `Cell`, say) is
    /// reached by value, with [`Panic::downcast`] or [`Panic::into_payload`].
    pub fn downcast_ref<T: Any + Sync>(&self) -> Option<&T> {
        self.rec.payload.downcast_ref()
    }

    /// The payload if it is a `T`; otherwise the `Panic` back.
    pub fn downcast<T: Any>(self) -> Result<Box<T>, Panic> {
        if !self.rec.payload.is::<T>() {
            return Err(self);
        }
        match self.into_record().payload.downcast() {
            Ok(payload) => Ok(payload),
            Err(_) => unreachable!("godefer::Panic::downcast: the payload is a `T`"),
        }
    }

    /// Whether the payload is a `T`.
    pub fn is<T: Any>(&self) -> bool {
        self.rec.payload.is::<T>()
    }

    /// Raises the panic again, as Go's `panic(r)` of a recovered value: it goes on with its
    /// original payload (what a caller's `catch_unwind` or `JoinHandle::join` gets), and
    /// godefer's report shows it as a new panic that replaced the recovered one. Same as
    /// `std::panic::panic_any(p)`, which godefer unwraps in the same way when it reaches a
    /// `#[godefer::func]` frame, but this also unwraps it where no godefer frame is left to
    /// see it (then no hook reports it, as with `std::panic::resume_unwind`).
    ///
    /// ```
    /// #[godefer::func]
    /// fn only_io_errors(fail: &str) -> Result<(), String> {
    ///     defer!(|ret: &mut Result<(), String>| {
    ///         if let Some(p) = godefer::recover() {
    ///             match p.message() {
    ///                 Some(m) if m.starts_with("io:") => *ret = Err(m.to_string()),
    ///                 _ => p.resume(), // not ours: let it go on
    ///             }
    ///         }
    ///     });
    ///     panic!("{fail}")
    /// }
    ///
    /// assert_eq!(only_io_errors("io: disk full"), Err("io: disk full".to_string()));
    /// let other = std::panic::catch_unwind(|| only_io_errors("index out of range"));
    /// assert_eq!(
    ///     other.unwrap_err().downcast_ref::<String>().map(String::as_str),
    ///     Some("index out of range"), // the original payload
    /// );
    /// ```
    pub fn resume(self) -> ! {
        std::panic::resume_unwind(self.into_payload())
    }

    /// The payload, as `std::panic::catch_unwind` would have returned it.
    pub fn into_payload(self) -> Box<dyn Any + Send> {
        self.into_record().payload
    }

    /// Where the panic started, when godefer saw it start (it does unless another panic hook
    /// replaced godefer's, or the panic was raised with `std::panic::resume_unwind`).
    pub fn location(&self) -> Option<&Location> {
        self.rec.location.as_ref()
    }
}

/// The payload as text: a string's message, or a value of a basic type as Go prints a
/// recovered value (`panic_any(42_i64)` shows `42`, as `fmt.Println(recover())` does); anything
/// else is `Box<dyn Any>`, as in Rust's own panic message.
impl fmt::Display for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_payload(&*self.rec.payload, f)
    }
}

impl fmt::Debug for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Panic");
        match self.message() {
            Some(m) => d.field("message", &m),
            None => d.field("payload", &format_args!("{self}")),
        };
        d.field("location", &self.rec.location).finish()
    }
}

/// Writes a payload of a basic type with its `Display`, else `Box<dyn Any>`.
fn fmt_payload(payload: &(dyn Any + Send), f: &mut fmt::Formatter<'_>) -> fmt::Result {
    macro_rules! basic {
        ($($t:ty),* $(,)?) => {
            $(
                if let Some(v) = payload.downcast_ref::<$t>() {
                    return fmt::Display::fmt(v, f);
                }
            )*
        };
    }
    basic!(
        &'static str,
        String,
        Box<str>,
        std::borrow::Cow<'static, str>,
        i8,
        i16,
        i32,
        i64,
        i128,
        isize,
        u8,
        u16,
        u32,
        u64,
        u128,
        usize,
        f32,
        f64,
        bool,
        char,
    );
    f.write_str("Box<dyn Any>")
}

pub(crate) fn message_of(payload: &(dyn Any + Send)) -> Option<&str> {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        Some(s)
    } else if let Some(s) = payload.downcast_ref::<String>() {
        Some(s)
    } else {
        None
    }
}

pub(crate) fn is_string_like(ty: TypeId) -> bool {
    ty == TypeId::of::<&'static str>() || ty == TypeId::of::<String>()
}

/// An earlier panic that a later one replaced, as the report lists it.
pub(crate) struct Earlier {
    pub(crate) message: Cow<'static, str>,
    pub(crate) recovered: bool,
    /// For a recovered panic: its payload's address and origin, so that raising the same payload
    /// again (`resume_unwind(p.into_payload())`, which the panic hook does not see) is reported
    /// from where it first started.
    pub(crate) resumable: Option<(usize, Origin)>,
}

/// The panic a frame holds between catching it and either handing it to `recover` or raising
/// it again at the frame's exit.
pub(crate) struct PanicRecord {
    pub(crate) payload: Box<dyn Any + Send>,
    pub(crate) origin: Option<Origin>,
    /// The panics this one replaced, oldest first.
    pub(crate) earlier: Vec<Earlier>,
    /// Set when `recover` hands the record over as a [`Panic`] (the origin stays with the
    /// frame, for the report, should the deferred call panic in turn).
    pub(crate) location: Option<Location>,
}

/// An allocation for a [`PanicRecord`], its contents dropped: what the last dropped [`Panic`]
/// left, so that a panic that is caught and recovered in a loop allocates nothing beyond what
/// Rust's own unwinding does (the payload and the exception).
struct Spare(Cell<*mut PanicRecord>);

impl Drop for Spare {
    fn drop(&mut self) {
        let spare = self.0.replace(std::ptr::null_mut());
        if !spare.is_null() {
            // SAFETY: a spare comes from `Box::into_raw` of a `Box<PanicRecord>` whose contents
            // were dropped: freed as the same layout, without dropping anything.
            drop(unsafe { Box::from_raw(spare.cast::<MaybeUninit<PanicRecord>>()) });
        }
    }
}

thread_local! {
    static SPARE: Spare = const { Spare(Cell::new(std::ptr::null_mut())) };
}

/// A box for a new record: the spare allocation if there is one.
#[inline(always)]
pub(crate) fn new_record(record: PanicRecord) -> Box<PanicRecord> {
    let spare = SPARE
        .try_with(|s| s.0.replace(std::ptr::null_mut()))
        .unwrap_or(std::ptr::null_mut());
    if spare.is_null() {
        return Box::new(record);
    }
    // SAFETY: the spare is an allocation with the layout of a `PanicRecord` (from
    // `Box::into_raw`), owned by nobody, its contents dropped: writing a record makes it a box
    // again.
    unsafe {
        spare.write(record);
        Box::from_raw(spare)
    }
}

/// Drops a record's contents and keeps its allocation as the spare.
#[inline(never)]
fn recycle(record: Box<PanicRecord>) {
    let raw = Box::into_raw(record);
    // Frees the allocation if a payload's `Drop` panics below (nothing is dropped twice, and
    // nothing leaks); forgotten once the contents are dropped.
    struct Free(*mut PanicRecord);
    impl Drop for Free {
        fn drop(&mut self) {
            // SAFETY: as in `Spare::drop`: the contents were dropped (their `drop_in_place`
            // is what unwinds), only the memory is left.
            drop(unsafe { Box::from_raw(self.0.cast::<MaybeUninit<PanicRecord>>()) });
        }
    }
    let free = Free(raw);
    // SAFETY: `raw` owns a live record; after this its contents are dropped and it is only
    // memory.
    unsafe { std::ptr::drop_in_place(raw) };
    std::mem::forget(free);
    let kept = SPARE.try_with(|s| {
        s.0.get().is_null() && {
            s.0.set(raw);
            true
        }
    });
    if kept != Ok(true) {
        // SAFETY: as in `Spare::drop`.
        drop(unsafe { Box::from_raw(raw.cast::<MaybeUninit<PanicRecord>>()) });
    }
}

/// What a frame keeps of a panic its deferred call recovered, for the report should that call
/// panic in turn: the chain the recovered panic carried, and its own line, `[recovered]`.
pub(crate) struct Ghost {
    pub(crate) earlier: Vec<Earlier>,
    pub(crate) recovered: Earlier,
}

impl Earlier {
    /// The report line of a panic with this payload once a later one replaces it.
    pub(crate) fn of(payload: &(dyn Any + Send), recovered: bool) -> Earlier {
        let message = if let Some(s) = payload.downcast_ref::<&'static str>() {
            Cow::Borrowed(*s)
        } else if let Some(s) = payload.downcast_ref::<String>() {
            Cow::Owned(s.clone())
        } else {
            Cow::Borrowed("Box<dyn Any>")
        };
        Earlier {
            message,
            recovered,
            resumable: None,
        }
    }
}

/// Go's `runtime.Goexit` for a thread: runs every pending deferred call of the thread's godefer
/// functions, innermost first, and ends the thread. Not a panic: `recover()` returns `None` in
/// those deferred calls, and nothing is reported. A panic raised by one of them and recovered by
/// another does not cancel it; one left unrecovered goes on as a panic (reported as usual). Called
/// in a deferred call of a panicking function, it abandons that panic, as Go does. Plain Rust
/// frames in between drop their locals, as in any unwind.
///
/// It unwinds with a [`Goexit`] payload, so the thread's `JoinHandle::join` returns
/// `Err(payload)` with `payload.is::<godefer::Goexit>()`; [`spawn`] starts a thread for which a
/// `goexit` is a normal end (`join` returns `Ok(None)`). On the main thread (Go: the program
/// waits for its other goroutines, then dies of a deadlock) the process exits with status 101
/// after the deferred calls ran, as a panic escaping `main` does, but prints nothing.
///
/// ```
/// #[godefer::func]
/// fn worker(log: std::sync::mpsc::Sender<&'static str>) -> u32 {
///     defer!(log.send("cleanup ran"));
///     godefer::goexit();
/// }
///
/// let (tx, rx) = std::sync::mpsc::channel();
/// let ended = godefer::spawn(move || worker(tx)).join().unwrap();
/// assert_eq!(ended, None); // ended by goexit, not by returning
/// assert_eq!(rx.recv().unwrap(), "cleanup ran");
/// ```
pub fn goexit() -> ! {
    std::panic::resume_unwind(Box::new(Goexit::new()))
}

/// The payload a thread ended by [`goexit`] unwinds with (what its `JoinHandle::join` returns
/// in `Err`): `payload.is::<godefer::Goexit>()` tells a Goexit from a panic.
#[derive(Debug)]
pub struct Goexit {
    _private: (),
}

impl Goexit {
    pub(crate) fn new() -> Goexit {
        Goexit { _private: () }
    }
}

/// Starts a thread for which [`goexit`] is a normal end: its `join` returns `Ok(Some(value))`
/// when the closure returns, `Ok(None)` when the thread called `goexit`, and `Err(payload)` when
/// it panicked, as `std::thread::spawn`'s does.
pub fn spawn<F, T>(f: F) -> std::thread::JoinHandle<Option<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    std::thread::spawn(
        move || match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(value) => Some(value),
            Err(payload) if payload.is::<Goexit>() => None,
            Err(payload) => std::panic::resume_unwind(payload),
        },
    )
}

/// Whether the function whose deferred call is running is panicking: true exactly where
/// [`recover`] would stop a panic now (in a deferred call of a panicking function, called
/// directly, before any `recover` took the panic), false everywhere else, and after a
/// `recover`. `std::thread::panicking()` cannot tell: godefer has caught the panic by then.
///
/// A cleanup that runs only on failure (Zig's `errdefer`, D's `scope(failure)`):
///
/// ```
/// use std::cell::RefCell;
///
/// #[godefer::func]
/// fn step(log: &RefCell<Vec<&'static str>>, fail: bool) {
///     defer!(|| {
///         if godefer::panicking() {
///             log.borrow_mut().push("undo"); // only when the step panics
///         }
///     });
///     log.borrow_mut().push("do");
///     if fail {
///         panic!("step failed");
///     }
/// }
///
/// let log = RefCell::new(Vec::new());
/// step(&log, false);
/// let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| step(&log, true)));
/// assert_eq!(*log.borrow(), ["do", "do", "undo"]);
/// ```
pub fn panicking() -> bool {
    state::armed() && !state::peek_armed().is_null()
}

/// Go's `recover()`: stops the panic of the frame whose deferred call is running and returns
/// its value.
///
/// Returns `Some` only when all of these hold, as in Go:
/// - a `#[godefer::func]` frame is panicking and running its deferred calls;
/// - `recover` is called directly by the deferred call: in the deferred closure's body, or in
///   the body of the function the deferred call calls (`defer!(handler())`), not in a
///   `#[godefer::func]` function that the deferred call calls in turn;
/// - no earlier `recover` took this panic.
///
/// After a recover the frame runs its remaining deferred calls and returns normally, with the
/// result a deferred closure stored (`defer!(|ret| ...)`) or else the zero value of its return
/// type.
///
/// ```
/// use std::cell::RefCell;
///
/// #[godefer::func]
/// fn safe_div(a: i32, b: i32, log: &RefCell<Vec<String>>) -> i32 {
///     defer!(|| {
///         if let Some(p) = godefer::recover() {
///             log.borrow_mut().push(format!("recovered: {p}"));
///         }
///     });
///     a / b
/// }
///
/// let log = RefCell::new(Vec::new());
/// assert_eq!(safe_div(7, 2, &log), 3);
/// assert_eq!(safe_div(1, 0, &log), 0); // the zero value of `i32`
/// assert_eq!(*log.borrow(), ["recovered: attempt to divide by zero"]);
/// assert!(godefer::recover().is_none()); // nothing is panicking here
/// ```
///
/// One difference from Go, for helpers that are not `#[godefer::func]` functions: godefer
/// cannot see plain call boundaries, so `recover` in a plain function (or a closure without
/// `defer!`) called by the deferred closure also recovers (Go returns `nil` there). Mark such
/// helpers `#[godefer::func]` to get Go's rule.
#[inline]
pub fn recover() -> Option<Panic> {
    // The common case, nothing armed on this thread, is one thread-local load.
    if !state::armed() {
        return None;
    }
    recover_armed()
}

#[cold]
#[inline(never)]
fn recover_armed() -> Option<Panic> {
    let core = state::take_armed();
    if core.is_null() {
        return None;
    }
    // SAFETY: a frame arms `recover` only for the duration of one deferred call it runs
    // (`state::arm` in `FrameCore::before_call`, `state::disarm` in `after_call`, both around
    // the call inside `run_call`, which borrows the frame); so a non-null armed pointer points
    // at a live `FrameCore` on this thread's stack.
    let core = unsafe { &*core };
    core.recover()
}
