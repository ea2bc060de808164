//! Go's `defer`, `panic` and `recover` for Rust, built the way Go builds them: a compile-time
//! lowering (the attribute [`#[godefer::func]`](func), which plays the part of Go's compiler) and
//! a small runtime (the part of Go's `runtime/panic.go`).
//!
//! ```toml
//! [dependencies]
//! godefer = "0.1"
//! ```
//!
//! ```
//! use std::cell::RefCell;
//!
//! #[godefer::func]
//! fn copy_all(paths: &[&str], log: &RefCell<Vec<String>>) -> Result<u64, String> {
//!     let mut copied = 0;
//!     for p in paths {
//!         let f = p.to_string(); // open(p)?
//!         defer!(move || log.borrow_mut().push(format!("close {f}"))); // at copy_all's exit
//!         copied += 1;
//!     }
//!     defer!(|ret: &mut Result<u64, String>| {
//!         if let Some(p) = godefer::recover() {
//!             *ret = Err(format!("recovered: {p}"));
//!         }
//!     });
//!     if paths.len() > 2 {
//!         panic!("too many files");
//!     }
//!     Ok(copied)
//! }
//!
//! let log = RefCell::new(Vec::new());
//! assert_eq!(copy_all(&["a", "b"], &log), Ok(2));
//! assert_eq!(*log.borrow(), ["close b", "close a"]); // last in, first out
//! assert_eq!(copy_all(&["a", "b", "c"], &log), Err("recovered: too many files".into()));
//! ```
//!
//! # Why not a `Drop` guard
//!
//! A guard (`scopeguard::defer!`) runs at the end of its *block*, cannot see or change the
//! function's result, cannot stop a panic, and aborts the process if its cleanup panics while the
//! thread unwinds. A `defer!` runs when the *function* returns (also when it is registered in a
//! loop or a branch), may read and change the result (`|ret|`), may `recover` a panic into a
//! normal return, and may panic itself: the new panic replaces the old one, as in Go, and the
//! remaining deferred calls still run.
//!
//! # `defer!` forms
//!
//! `defer!` is a statement of a `#[godefer::func]` body, anywhere in it (blocks, branches, match
//! arms, loops), bare or as `godefer::defer!`:
//!
//! | form | evaluated at the `defer!` | called at exit |
//! |---|---|---|
//! | `defer!(f(a, b))`, `defer!(path::f(a))`, `defer!((expr)(a))` | the callee, then each argument, in order, once | the call |
//! | `defer!(recv.m(a))` | the receiver (copied if `Copy`; else moved, unless it is a place and the `defer!` is at the top level: then used at exit), then the arguments | the method |
//! | `defer!(mac!(args))` | each argument; a named place is copied if `Copy`, else borrowed; identifiers captured by the format string likewise | the macro |
//! | `defer!(\|\| body)`, `defer!(move \|\| body)`, `defer! { body }` | the closure (Rust's capture rules) | the closure |
//! | `defer!(\|ret\| body)`, `defer!(\|ret: &mut R\| body)` | the closure | the closure, with `&mut` the function's result |
//!
//! Results of deferred calls are discarded. A panic while evaluating the operands registers
//! nothing. Go's value and pointer receivers map onto moved/copied receivers and references: to
//! defer a method on a non-`Copy` place you do not own (a field of `&self`, a `static`), take a
//! reference yourself: `defer!((&self.count).set(0))`, or use a closure.
//!
//! A closure inside the body that has `defer!` of its own is a frame of its own (Go's function
//! literal): its deferred calls run when it returns.
//!
//! # What a deferred call may use
//!
//! Go evaluates a deferred call's arguments at the `defer`, while a function literal reads its
//! variables when it runs and a method on a variable works on the variable. godefer follows that
//! for a `defer!` at the top level of the body, so the body goes on using what the deferred call
//! names, as the natural Rust code would:
//!
//! - a closure that is not `move` (`defer!(|| ..)`, `defer! { .. }`, `defer!(|ret| ..)`) is made
//!   where it runs, at exit: it reads and writes the locals it names then, and sees their final
//!   values;
//! - a method on a place (`defer!(tx.rollback())`, `defer!(self.close())`, `self.conn.m()`,
//!   `(*r).m()`, a static) evaluates its arguments at the `defer!` and uses the place at exit, the
//!   way the method takes it; a receiver whose type is `Copy` is copied at the `defer!` (Go's
//!   value receiver), and a receiver that is not a place (`m.lock().unwrap()`) is evaluated there;
//! - call arguments, a macro's arguments (a place there is copied if `Copy`, else borrowed) and a
//!   `move` closure are evaluated at the `defer!`, as in Go. Where Go would copy a value that Rust
//!   can only borrow (`defer!(println!("{s}"))` with `s: String`, then `s.push('!')`), the borrow
//!   checker says so at those two lines: clone it yourself, or defer a closure.
//!
//! ```
//! use std::cell::RefCell;
//!
//! struct Tx(RefCell<Vec<&'static str>>, bool);
//!
//! impl Tx {
//!     fn exec(&mut self, q: &'static str) { self.0.borrow_mut().push(q) }
//!     fn commit(&mut self) { self.1 = true }
//!     fn rollback(&self) { if !self.1 { self.0.borrow_mut().push("rollback") } }
//! }
//!
//! #[godefer::func]
//! fn transfer(fail: bool) -> Result<Vec<&'static str>, String> {
//!     let mut tx = Tx(RefCell::new(Vec::new()), false);
//!     let mut done = false;
//!     defer!(tx.rollback());                         // `tx` is used at exit
//!     defer!(|ret: &mut Result<Vec<&'static str>, String>| {
//!         if !done { *ret = Err(format!("rolled back: {:?}", tx.0.borrow())) }
//!     });
//!     tx.exec("debit");                              // the body goes on using `tx`
//!     if fail {
//!         return Ok(vec![]);
//!     }
//!     tx.exec("credit");
//!     tx.commit();
//!     done = true;                                   // seen by the closure at exit
//!     Ok(tx.0.borrow().clone())
//! }
//!
//! assert_eq!(transfer(false), Ok(vec!["debit", "credit"]));
//! assert_eq!(transfer(true), Err("rolled back: [\"debit\"]".to_string()));
//! ```
//!
//! A `defer!` in a nested block or loop outlives that block, and is made where it stands: what
//! it captures must be a top-level local declared before the statement holding it, or be moved
//! in; otherwise the borrow checker's error points at the capture. Its arguments are evaluated
//! there too:
//!
//! ```
//! use std::cell::Cell;
//!
//! #[godefer::func]
//! fn report(seen: &Cell<u32>) {
//!     let log = Cell::new(0);
//!     defer!(|| seen.set(log.get())); // reads `log` at exit, runs last
//!     log.set(1);
//!     for i in 1..=3 {
//!         // The arguments (`&log` and `i`) are evaluated now, the call happens at exit.
//!         defer!(add(&log, i));
//!     }
//! }
//!
//! fn add(log: &Cell<u32>, i: u32) {
//!     log.set(log.get() + i);
//! }
//!
//! let seen = Cell::new(0);
//! report(&seen);
//! assert_eq!(seen.get(), 7); // 1 + 3 + 2 + 1
//! ```
//!
//! # `return` and `?` inside macros
//!
//! Every `return` and `?` of the body is an exit of the function, also in the arguments of a
//! macro such as `println!("{}", f()?)` or `vec![a?, b?]`. A macro may put its arguments in a
//! closure, though, where a `return` is the closure's own; the macro cannot tell, so it leaves
//! that question to the compiler: an exit it rewrote inside a macro's arguments that ends up in
//! a closure, an `async` block or an item is a compile error at the `return` or `?` ("use of
//! unreachable label `'__godefer_exit_of_the_function`"), never an exit taken from wherever the
//! closure is called. Write such a closure outside the macro call, or the exit outside the
//! closure.
//!
//! # Results and `recover`
//!
//! Every exit (the tail expression, each `return`, each `?`, a panic) stores the result first,
//! then runs the deferred calls, newest first. A `|ret|` closure sees that result and may change
//! it (Go's named results). After [`recover`] stops a panic, the function returns what a deferred
//! closure stored in the result, else the *zero value* of its return type:
//! - `R::default()` if the return type implements `Default`;
//! - for a `Result<T, E>`, Go's zero of `(T, error)`, `(zero T, nil)`: `Ok(T::default())` when
//!   `T` implements `Default` (so `io::Result<()>` recovers into `Ok(())`, and a recovered
//!   `Result<u32, Box<dyn Error>>` into `Ok(0)`, unless a `|ret|` closure stores an error);
//!   else `Err(E::default())` when `E` does (a recovered `Result<Config, String>` is an error,
//!   never a made-up `Config`);
//! - the value of `#[godefer::func(zero = expr)]`, which names one for any other type.
//!
//! A closure with `defer!` of its own returns `()` or a value: for a value, the zero is known
//! only if the closure's return type is written (`|| -> u32 { .. }`). A `-> impl Trait` function
//! has none unless `zero = ...` names one.
//!
//! A function with a `|ret|` closure must have a zero value (it may run before there is a
//! result): otherwise it is a compile error. A function that recovers with no result and no zero
//! value panics at its exit with a message saying so; it never returns garbage.
//!
//! ```
//! #[derive(Debug, PartialEq)]
//! struct Config(u32); // no `Default`
//!
//! #[godefer::func]
//! fn load(text: &str) -> Result<Config, String> {
//!     defer!(|ret: &mut Result<Config, String>| {
//!         if let Some(p) = godefer::recover() {
//!             *ret = Err(format!("bad config: {p}"));
//!         }
//!     });
//!     Ok(Config(text.parse().expect("a number")))
//! }
//!
//! assert_eq!(load("7"), Ok(Config(7)));
//! assert!(load("x").unwrap_err().starts_with("bad config: a number"));
//! ```
//!
//! # Recovered panics as errors, and re-panicking
//!
//! A [`Panic`] is an error (`std::error::Error`, `Send + Sync`): `*ret = Err(p.into())` turns a
//! recovered panic into a `Box<dyn Error + Send + Sync>` (anyhow and eyre take it too), and its
//! `Display` is the panic's message, or the value for a payload of a basic type
//! (`panic_any(42)` shows `42`). Go code often recovers, looks, and panics again with the same
//! value (`panic(r)`): write `std::panic::panic_any(p)` or `p.resume()`. The panic goes on with
//! its original payload (a caller's `catch_unwind` gets the `&str` of `panic!("..")`, not a
//! `Panic`), and the report lists the recovered one before it, as Go does.
//!
//! ```
//! use std::error::Error;
//!
//! #[godefer::func]
//! fn parse(s: &str) -> Result<u8, Box<dyn Error + Send + Sync>> {
//!     defer!(|ret: &mut Result<u8, Box<dyn Error + Send + Sync>>| {
//!         if let Some(p) = godefer::recover() {
//!             match p.message() {
//!                 Some(m) if m.contains("overflow") => *ret = Err(p.into()),
//!                 _ => std::panic::panic_any(p), // not ours: it goes on
//!             }
//!         }
//!     });
//!     let n: u32 = s.parse()?;
//!     Ok(u8::try_from(n).map_err(|_| "overflow").unwrap())
//! }
//!
//! assert_eq!(parse("7").unwrap(), 7);
//! assert!(parse("x").is_err()); // the `?`: no panic
//! assert!(parse("300").unwrap_err().to_string().contains("overflow"));
//! ```
//!
//! # Cleanups on failure, or on success
//!
//! [`errdefer!`] registers a deferred call that runs only if the function is failing when its
//! turn comes: its panic is pending, or its result is an `Err` (Zig's `errdefer`, D's
//! `scope(failure)`, Go's `defer func() { if err != nil { .. } }()`); [`okdefer!`], only if it is
//! not. Same forms as `defer!`, and `errdefer!(|e: &mut E| ..)` for an `Err` result. Decided at
//! that moment, in LIFO order with the other deferred calls. [`panicking()`] says the first half
//! of it inside any deferred call.
//!
//! ```
//! #[godefer::func]
//! fn save(name: &str, ok: bool) -> Result<(), String> {
//!     println!("write {name}.tmp");
//!     godefer::errdefer!(println!("remove {name}.tmp")); // the write failed somewhere below
//!     godefer::okdefer!(println!("rename {name}.tmp to {name}"));
//!     if !ok {
//!         return Err("disk full".to_string());
//!     }
//!     Ok(())
//! }
//!
//! assert!(save("a", true).is_ok());   // write, rename
//! assert!(save("b", false).is_err()); // write, remove
//! ```
//!
//! # Goexit
//!
//! [`goexit()`] is Go's `runtime.Goexit` for a thread: every pending deferred call of the
//! thread's godefer functions runs, innermost first, and the thread ends (not a panic: `recover`
//! returns `None` in them, and nothing is reported). [`spawn`] starts a thread whose `join`
//! tells a `goexit` (`Ok(None)`) from a return (`Ok(Some(value))`) and a panic (`Err`).
//!
//! # `async fn`
//!
//! `#[godefer::func]` applies to `async fn` (free functions, methods, trait impls) as to sync
//! ones, and an `async` block or `async` closure with `defer!` of its own is a frame of its own
//! (Go's function literal). Every sync form works as in a sync function, with the same rules;
//! these forms are awaited at exit, in LIFO order with the sync ones:
//!
//! | form | evaluated at the `defer!` | awaited at exit |
//! |---|---|---|
//! | `defer!(async { .. })`, `defer!(async \|\| ..)` | nothing (top level: made at exit) | the block |
//! | `defer!(async move { .. })` | the block, capturing what it names | the block |
//! | `defer!(f(a).await)`, `defer!(recv.m(a).await)` | as `defer!(f(a))`, `defer!(recv.m(a))` | the call |
//! | `defer!(async \|ret\| ..)` | nothing | the closure, with `&mut` the result |
//!
//! A panic while the future is polled, in the body or in a deferred call, before or after an
//! `.await`, is caught; the deferred calls run (awaited ones awaited, the future polled on);
//! `recover()` works in them as in a sync frame, also after an `.await` of the deferred call
//! itself; unrecovered, the panic goes on from the `poll`, so a `JoinHandle` gets its payload.
//! The panic state belongs to the task, not to the thread: tasks interleaved on one thread, or
//! one task moved between threads between polls, never see each other's panics. The future is
//! `Send` when what it holds across its awaits is, so `tokio::spawn(f())` compiles. No
//! executor is needed or assumed.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//!
//! type Log = Arc<Mutex<Vec<String>>>;
//!
//! async fn flush(log: Log) {
//!     log.lock().unwrap().push("flushed".into());
//! }
//!
//! #[godefer::func]
//! async fn save(log: Log, data: &str) -> Result<usize, String> {
//!     defer!(flush(log.clone()).await);                       // awaited at exit
//!     defer!(|ret: &mut Result<usize, String>| {              // sync, may change the result
//!         if let Some(p) = godefer::recover() {
//!             *ret = Err(format!("recovered: {p}"));
//!         }
//!     });
//!     std::future::ready(()).await;
//!     if data.is_empty() {
//!         panic!("nothing to save");
//!     }
//!     Ok(data.len())
//! }
//!
//! // Any executor: here a minimal one.
//! fn block_on<F: std::future::Future>(f: F) -> F::Output {
//!     let mut f = std::pin::pin!(f);
//!     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//!     loop {
//!         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
//!             return v;
//!         }
//!     }
//! }
//!
//! let log = Log::default();
//! assert_eq!(block_on(save(log.clone(), "abc")), Ok(3));
//! assert_eq!(block_on(save(log.clone(), "")), Err("recovered: nothing to save".into()));
//! assert_eq!(*log.lock().unwrap(), ["flushed", "flushed"]);
//! ```
//!
//! ## Cancellation
//!
//! A future dropped before it completes (by `select!`, a timeout, an aborted task) is polled
//! no more, so its awaited deferred calls cannot run: they are dropped unstarted. The
//! deferred calls it registered *at their `defer!`* do run, newest first, exactly once, each
//! protected like any deferred call: `defer!(move || ..)`, calls and macros with their
//! arguments, `defer!` in a nested block or a loop. A `|ret|` closure runs only if the function
//! already has a result (it was returning); `errdefer!` runs (a cancellation is a failure) and
//! `okdefer!` does not. A top-level closure that is not `move`, or a method on a place, is made
//! at exit (it borrows what the body goes on using): it cannot run on cancellation. For a
//! cleanup that must run on cancellation, defer a `move` closure with what it needs (a clone
//! of an `Arc` or a handle), or keep it in a value's `Drop`.
//!
//! A deferred call that panics during a cancellation does not stop the others; once they ran,
//! the drop of the future panics with it (reported like any panic), unless the thread is
//! panicking already (a second panic would abort): then it is printed and dropped. A future
//! dropped while it was handling a panic (awaiting a deferred call) goes on with that panic
//! the same way. A deferred call run by a cancellation may `recover()` that panic, as at exit.
//! One that calls [`goexit()`] lets the others run, then the drop goes on with the [`Goexit`].
//!
//! `errdefer!` and `okdefer!` take the awaited forms too (`errdefer!(tx.rollback().await)`):
//! decided when their turn comes, then awaited. Limits, for now: an awaited deferred call cannot
//! be in a loop or a match guard, `errdefer!` takes no `async |e|` closure, and a function that
//! has an awaited deferred call is open-coded. `goexit()` in a future
//! runs its deferred calls (and its callers' in the same task), then leaves the `poll` as an
//! unwind with a [`Goexit`] payload: an executor sees a panicked task.
//!
//! # Debug builds
//!
//! In an unoptimised build, where tests run, calling a function with one `defer!` costs about
//! three times what a function with a `scopeguard` guard costs (the frame's entry and exit and
//! its catches are calls there, each with its own prologue). Where that matters, for godefer
//! functions in a test's hot loop, optimise godefer's own code and leave yours as it is
//! (breakpoints, backtraces and debug assertions in your crate are unchanged):
//!
//! ```toml
//! [profile.dev.package.godefer]
//! opt-level = 3
//! ```
//!
//! The same call then costs about 1.7 times the guard's (`benches/build_cost.py`).
//!
//! # Strategies
//!
//! The macro chooses one per function, all or nothing, as Go's compiler does:
//!
//! 1. **Open-coded**: at most 8 `defer!`, none in a loop, and exits x defers <= 15, where the
//!    *exits* are the `return`s and `?`s of the body plus one for its end. Deferred calls live in
//!    the function's own locals, a nested one in an `Option` whose tag is its bit of Go's
//!    `deferBits`; the code that runs them is generated where each scope ends. No allocation.
//! 2. **Frame records**: no `defer!` in a loop, over the open-coding limits: type-erased records
//!    declared in the function's own frame, linked into a list run newest first (Go 1.13's
//!    stack-allocated defers).
//! 3. **Heap records**: any `defer!` in a loop. Records come from a per-thread cache refilled
//!    from and spilled to a global pool by halves, like Go's per-P and central pools; a deferred
//!    call of up to three words is stored in the record, a larger one boxed. No allocation in
//!    steady state.
//!
//! `#[godefer::func(strategy = "frame")]` or `(strategy = "heap")` forces a more general one;
//! `(strategy = "open-coded")` where it cannot apply is a compile error. With
//! `GODEFER_DEBUG=defer` set while compiling, the macro prints one line per defer statement,
//! `file:line:col: open-coded defer` / `frame defer` / `heap defer`, like Go's
//! `-gcflags=-d=defer` (`GODEFER_DEBUG=expand` prints the lowered functions).
//!
//! ## What a function lowers to
//!
//! ```text
//! #[godefer::func]
//! fn f(a: Res) -> u32 {
//!     defer!(a.close());
//!     if verbose() { defer!(println!("bye")); }
//!     work()
//! }
//! ```
//!
//! Open-coded (simplified; the generated names are hygienic):
//!
//! ```text
//! fn f(a: Res) -> u32 {
//!     let frame = unsafe { Frame::<u32, _, _>::new(/* zero value */) }; // see its contract
//!     frame.start();
//!     frame.nest(|| {                              // catches a panic of this scope
//!         let recv = a;                            // receiver evaluated now
//!         let d0 = move || recv.close();           // the deferred call, in a local
//!         let mut s1 = None;                       // a nested defer: a slot
//!         frame.nest(|| {
//!             if verbose() { s1 = Some(move || println!("bye")); }
//!             frame.set_result(work());            // every exit stores the result
//!         });
//!         if let Some(f) = s1 { frame.run(f) }     // newest first
//!         frame.run(d0);
//!     });
//!     frame.finish("f")                            // the result, or the panic raised again
//! }
//! ```
//!
//! Frame records: each `defer!` fills a `StackRecord` declared in the frame and links it into a
//! list whose head is a local of its own (`frame.push_stack(&head, &rec, closure)`); each scope
//! ends with `frame.run_stack_down_to(&head, mark, &rec)`, which pops and runs the records
//! registered since its mark (calling the scope's own record directly when it is the only one).
//! `defer!`s that follow one another share a scope, as Go's frame strategy needs none: their
//! records are declared together, linked as the `defer!`s come, and run from the list after the
//! scope (`frame.run_down_to(&head, mark)`), when each one's operands move whole into its call
//! (nothing it holds could die before the record that holds it). Heap records: the same with
//! `frame.push_heap(&head, closure)`, which takes a record
//! from the pool (a token returned by it keeps the closure's borrows alive until the records
//! ran), and `run_heap_down_to`, which runs them under one catch and gives the emptied records
//! back to the pool together.
//!
//! On the happy path a frame writes nothing into itself: what a panic needs is initialised
//! only when the frame first catches one (or is entered while a deferred call is recovering),
//! and the outermost godefer frame of a thread notes on entry and exit, in a thread local,
//! that a godefer frame is active (the panic hook needs to know).
//!
//! The body is split into nested scopes at each top-level `defer!` (and at each top-level `let`
//! followed by a statement with a nested `defer!`): this is what lets a deferred call borrow the
//! locals declared before it. `return e` becomes `return frame.set_result(e)` and `e?` a `match`
//! that stores the converted error and returns (for `Result`, `Option`, `ControlFlow` and
//! `Poll`). A panic is caught once, by the innermost scope; the frame keeps it while the
//! enclosing scopes run their deferred calls, and [`recover`] takes it from there. A deferred
//! call's run catches its own panic too, except a run that ends a scope in which nothing can
//! be alive (its `defer!` opens the scope and its operands only move values into the deferred
//! call): the scope's catch, right outside, does the same (`frame.tail_run(d)`), and the build
//! compiles one catch less. In an unoptimised build (where tests run, and where a build's cost is
//! the number of generic functions instantiated per `defer!`), a scope and the run right after it
//! (`frame.nest_run(|| .., d)`) go to one catch in godefer's own code, compiled once, with both
//! closures type-erased: the happy path runs the scope and then the deferred call under that
//! catch, and the user's crate compiles no `catch_unwind` for them at all. What godefer's code
//! does per closure type (erase it, store a record, read it back) is written out by macros
//! rather than helper methods, each of which would be one more function to compile at every
//! `defer!`.
//!
//! # The panic report
//!
//! A recovered panic prints nothing. An unrecovered one is reported once, after the deferred
//! calls of every frame it crossed have run (Go's order), in Rust's form, followed by the panics
//! it replaced, oldest first, in Go's words:
//!
//! ```text
//! thread 'main' (4242) panicked at src/main.rs:9:5:
//! third
//! this panic replaced earlier ones, oldest first:
//!     panic: first [recovered]     (each earlier panic on a tab-indented line)
//!     panic: second
//! ```
//!
//! The panic then continues as an ordinary Rust panic with its original payload
//! (`catch_unwind`, `JoinHandle::join` and the test harness see it as usual). godefer installs a
//! panic hook the first time a `#[godefer::func]` function runs on a thread that is not
//! panicking; it keeps the hook installed before it and hands it every panic that does not
//! start inside a godefer frame. (A panicking thread cannot install a hook, and waiting for
//! another thread to do it could deadlock: if the process's first godefer function runs in a
//! `Drop` during unwinding or in a panic hook, its own panics are reported at once by the hook
//! that was there, Rust's usually, and the next godefer function installs godefer's.) A hook you
//! install later replaces godefer's: panics are then reported at once by your hook. Like Rust,
//! godefer adds the `RUST_BACKTRACE` note to the first report of the process only; a panic Rust
//! reported before godefer's first use is invisible to it, so that note may then appear twice.
//!
//! With `RUST_BACKTRACE` set, godefer's hook captures a backtrace at every panic inside a frame
//! (as Rust's hook does: whether a deferred call will recover the panic is not known yet), and
//! resolves its symbols only if it prints it. The capture walks the whole stack: a recovered
//! panic then costs two to three times what it costs without, still far less than a panic under
//! Rust's own hook, which captures and prints.
//!
//! # Soundness, and `__private`
//!
//! No safe program can reach undefined behaviour through godefer, whatever it defers, recovers,
//! forgets, or does in panic hooks and thread-local destructors; a user crate may
//! `#![forbid(unsafe_code)]` and still use `#[godefer::func]`. The macro's output calls the
//! runtime through `godefer::__private`, which is not public API: hidden from the docs, free to
//! change in any release, and not usable for anything but the macro's code. Its one entry
//! point that can break the runtime's invariants, the frame's constructor, is an `unsafe fn`
//! whose contract (where the frame lives, what runs while its deferred calls run, how records
//! nest) the lowering keeps; everything else there is sound to call by construction. The
//! generated `unsafe` block holds none of the user's tokens, and it is written in the expansion
//! itself, not in a hidden macro of godefer's: code that makes a frame the way the expansion
//! does has to write `unsafe` too.
//!
//! # Differences from Go
//!
//! - `recover` in a *plain* function (not `#[godefer::func]`), or a closure without `defer!`,
//!   called by a deferred closure recovers (Go: `nil`): godefer cannot see plain call
//!   boundaries. In a `#[godefer::func]` helper, or a closure with `defer!` of its own, it returns
//!   `None`, as in Go, except under a plain function that is itself the deferred call
//!   (`defer!(plain())` where `plain` calls the helper): there the helper sits where a
//!   `#[godefer::func]` deferred call would, and recovers.
//! - While a frame runs its deferred calls after a panic, `std::thread::panicking()` is `false`
//!   in them (the panic has been caught); `godefer::panicking()` tells (Go has no such notion).
//! - [`goexit()`] on the main thread ends the process with status 101 once the deferred calls
//!   ran, printing nothing (Go waits for the other goroutines, then dies of a deadlock).
//! - `panic = "abort"`: deferred calls run on every normal exit, but a panic aborts at once, as in
//!   any Rust program built that way.
//! - `std::process::exit` runs no deferred call, like Go's `os.Exit`.

#![warn(missing_docs)]

// The macro's output names `::godefer`; this lets the crate's own tests use it.
extern crate self as godefer;

mod frame;
mod future;
mod panic;
mod question;
mod record;
mod report;
mod state;
mod zero;

#[cfg(test)]
mod tests;

#[doc(hidden)]
#[path = "private.rs"]
#[allow(missing_docs)]
pub mod __private;

pub use crate::panic::{goexit, panicking, recover, spawn, Goexit, Location, Panic};
/// Lowers a function (or method) with `defer!` statements, as Go's compiler lowers `defer`:
/// see the [crate docs](crate) for the forms and rules. Applies to free functions, methods with
/// any `self`, generic functions, `unsafe fn`, `fn main` and `async fn` (see the crate docs'
/// "`async fn`"); closures and `async` blocks in the body that hold `defer!` of their own become
/// frames of their own.
///
/// # Arguments
///
/// Both optional, in any order: `#[godefer::func(strategy = "frame", zero = Vec::new())]`.
///
/// - `strategy = "open-coded" | "frame" | "heap"`: at least this strategy (see
///   [Strategies](crate#strategies)); a strategy that cannot apply (open-coded with nine
///   `defer!`, frame records with a `defer!` in a loop) is a compile error at the argument.
///   Results are the same whichever runs; only speed and memory differ.
/// - `zero = expr`: the value to return after a recover when no deferred closure stored one,
///   for a return type that has no zero of its own (no `Default`, and not a `Result` whose
///   `T` or `E` has one). Evaluated only then.
///
/// ```
/// #[derive(Debug, PartialEq)]
/// struct Config { retries: u32 } // no `Default`
///
/// #[godefer::func(zero = Config { retries: 3 })]
/// fn load(text: &str) -> Config {
///     defer!(|| {
///         godefer::recover(); // a bad file: fall back to the zero value
///     });
///     Config { retries: text.parse().unwrap() }
/// }
///
/// #[godefer::func(strategy = "heap")]
/// fn total(xs: &[u32]) -> u32 {
///     defer!(println!("summed {} values", xs.len()));
///     xs.iter().sum()
/// }
///
/// assert_eq!(load("5"), Config { retries: 5 });
/// assert_eq!(load("five"), Config { retries: 3 });
/// assert_eq!(total(&[1, 2, 3]), 6);
/// ```
///
/// A `|ret|` closure needs a zero value (it may run after a panic, before there is a result):
/// without one the function does not compile, and the error says to add `zero = ..`.
pub use godefer_macros::func;

/// Registers a deferred call that runs only if the function is failing when its turn comes:
/// its panic is pending (not recovered), or its result is an `Err`. Zig's `errdefer`, D's
/// `scope(failure)`. The same forms as [`defer!`], evaluated at the `errdefer!` as there, plus a
/// closure with one parameter, which runs only for an `Err` result and gets `&mut E`. Decided
/// when it would run, in LIFO order with the other deferred calls: a newer deferred call that
/// recovers the panic or rewrites the result changes the outcome. `None` is not a failure. In a
/// closure whose return type is not written, or a `-> impl Trait` function, the macro cannot
/// name the result's type: there only a panic counts. Only inside a
/// [`#[godefer::func]`](func) function.
///
/// ```
/// use std::cell::RefCell;
///
/// fn note(log: &RefCell<Vec<String>>, line: String) {
///     log.borrow_mut().push(line);
/// }
///
/// #[godefer::func]
/// fn create(log: &RefCell<Vec<String>>, name: &str, fail: bool) -> Result<usize, String> {
///     note(log, format!("create {name}"));
///     godefer::errdefer!(note(log, format!("remove {name}")));
///     godefer::errdefer!(|e: &mut String| e.push_str(" (cleaned up)"));
///     godefer::okdefer!(note(log, format!("keep {name}")));
///     if fail {
///         return Err(format!("writing {name} failed"));
///     }
///     Ok(name.len())
/// }
///
/// let log = RefCell::new(Vec::new());
/// assert_eq!(create(&log, "a", false), Ok(1));
/// assert_eq!(create(&log, "b", true), Err("writing b failed (cleaned up)".to_string()));
/// assert_eq!(*log.borrow(), ["create a", "keep a", "create b", "remove b"]);
/// ```
#[macro_export]
macro_rules! errdefer {
    ($($tt:tt)*) => {
        ::core::compile_error!(
            "`errdefer!` can only be used in the body of a `#[godefer::func]` function; add `#[godefer::func]` to the enclosing function"
        )
    };
}

/// Registers a deferred call that runs only if the function is not failing when its turn
/// comes: no pending panic, and a result that is no `Err` (the counterpart of [`errdefer!`]).
/// The same forms as [`defer!`] but `|ret|` closures. Only inside a
/// [`#[godefer::func]`](func) function.
#[macro_export]
macro_rules! okdefer {
    ($($tt:tt)*) => {
        ::core::compile_error!(
            "`okdefer!` can only be used in the body of a `#[godefer::func]` function; add `#[godefer::func]` to the enclosing function"
        )
    };
}

/// Not public API: a `defer!` in a `#[godefer::func]` function that does not parse (being
/// typed): the parser's error is the one to read, so this says nothing, and type-checks the
/// operands of a call, a method or a block in a closure never called. A closure's operands are
/// left alone (a `|ret|` parameter's type is the lowering's to give).
#[doc(hidden)]
#[macro_export]
macro_rules! __defer_unlowered {
    (@block $($body:tt)*) => {{
        let _ = || { $($body)* };
    }};
    (| $($closure:tt)*) => {{}};
    (|| $($closure:tt)*) => {{}};
    (move $($closure:tt)*) => {{}};
    ($($call:tt)*) => {{
        let _ = || {
            let _ = $($call)*;
        };
    }};
}

/// Registers a deferred call: only inside a [`#[godefer::func]`](func) function, which rewrites
/// it. Anywhere else it is a compile error.
///
/// Every form, in one function (deferred calls run newest first, when the function returns by
/// any path):
///
/// ```
/// use std::cell::RefCell;
///
/// fn log(out: &RefCell<Vec<String>>, line: &str) {
///     out.borrow_mut().push(line.to_string());
/// }
///
/// struct Conn<'a>(&'a RefCell<Vec<String>>);
///
/// impl Conn<'_> {
///     fn close(&self, why: &str) {
///         log(self.0, &format!("close: {why}"));
///     }
/// }
///
/// #[godefer::func]
/// fn every_form(out: &RefCell<Vec<String>>) -> u32 {
///     let conn = Conn(out);
///     let mut step = 1;
///     defer!(log(out, "a call"));                    // callee and arguments evaluated now
///     defer!(conn.close("done"));                     // method: `conn` used at exit
///     defer!(println!("step was {step} at the defer")); // macro: arguments captured now
///     defer!(|| log(out, &format!("closure sees step {step}"))); // reads `step` at exit
///     let tag = String::from("moved");
///     defer!(move || log(out, &tag));                 // `move`: captures now
///     defer! { log(out, "a block") }                  // a block: as a closure
///     defer!(|ret: &mut u32| *ret *= 10);             // gets `&mut` the result
///     step = 2;
///     step
/// }
///
/// let out = RefCell::new(Vec::new());
/// assert_eq!(every_form(&out), 20);
/// assert_eq!(
///     *out.borrow(),
///     ["a block", "moved", "closure sees step 2", "close: done", "a call"]
/// );
/// ```
///
/// Outside a `#[godefer::func]` function:
///
/// ```compile_fail
/// fn not_lowered() {
///     godefer::defer!(println!("never"));
/// }
/// ```
#[macro_export]
macro_rules! defer {
    ($($tt:tt)*) => {
        ::core::compile_error!(
            "`defer!` can only be used in the body of a `#[godefer::func]` function; add `#[godefer::func]` to the enclosing function"
        )
    };
}
