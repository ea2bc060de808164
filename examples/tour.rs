//! A guided tour of godefer: the scenarios of the Go articles this crate started from, one
//! section each, with the Go code it mirrors in the comments.
//!
//! Run it with `cargo run --example tour`.

use std::cell::Cell;
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn section(title: &str, what: &str) {
    println!();
    println!("== {title} ==");
    println!("{what}");
}

// ---------------------------------------------------------------------------------------------
// LIFO order.

/// Go:
/// ```go
/// func lifo() {
///     defer fmt.Println("1")
///     defer fmt.Println("2")
///     defer fmt.Println("3")
///     fmt.Println("body")
/// }
/// ```
#[godefer::func]
fn lifo() {
    defer!(println!("  1"));
    defer!(println!("  2"));
    defer!(println!("  3"));
    println!("  body");
}

// ---------------------------------------------------------------------------------------------
// Defers in a loop.

/// Go: `for i := 0; i < 5; i++ { defer fmt.Println(i) }`. Each iteration registers a call with
/// its own copy of `i`; they all run when the function returns.
#[godefer::func]
fn in_a_loop() {
    for i in 0..5 {
        defer!(println!("  {i}"));
    }
    println!("  loop done");
}

// ---------------------------------------------------------------------------------------------
// Block scope vs function scope.

/// Go:
/// ```go
/// func main() {
///     {
///         defer fmt.Println("defer runs")
///         fmt.Println("block ends")
///     }
///     fmt.Println("main ends")
/// }
/// ```
#[godefer::func]
fn block_scope() {
    {
        defer!(println!("  defer runs"));
        println!("  block ends");
    }
    println!("  function ends");
}

// ---------------------------------------------------------------------------------------------
// The loop pitfall: 10000 "files" opened in a loop, each closed by a defer.

/// Counts the open files, and the most that were open at once.
#[derive(Default)]
struct Disk {
    open: Cell<usize>,
    max_open: Cell<usize>,
}

/// A file handle: `Copy`, like Go's `*os.File`, so a deferred `f.close()` copies it.
#[derive(Clone, Copy)]
struct File<'d> {
    disk: &'d Disk,
    size: usize,
}

impl Disk {
    /// Go: `os.Open(path)`.
    fn open(&self, path: &str) -> File<'_> {
        self.open.set(self.open.get() + 1);
        self.max_open.set(self.max_open.get().max(self.open.get()));
        File {
            disk: self,
            size: path.len(),
        }
    }
}

impl File<'_> {
    fn read(&self) -> usize {
        self.size
    }

    /// Go: `f.Close()`.
    fn close(self) {
        self.disk.open.set(self.disk.open.get() - 1);
    }
}

/// Go:
/// ```go
/// for i := 0; i < 10000; i++ {
///     path := fmt.Sprintf("./log/%d.txt", i)
///     f, err := os.Open(path)
///     ...
///     defer f.Close()
/// }
/// ```
/// Every `Close` waits for the function to return: all 10000 files are open at once.
#[godefer::func]
fn open_all_pitfall(disk: &Disk, n: usize) -> usize {
    let mut bytes = 0;
    for i in 0..n {
        let f = disk.open(&format!("./log/{i}.txt"));
        defer!(f.close());
        bytes += f.read();
    }
    bytes
}

/// The fix from the article: a function literal per iteration, so each `defer` belongs to it and
/// runs when it returns.
/// ```go
/// for i := 0; i < 10000; i++ {
///     func() {
///         f, err := os.Open(fmt.Sprintf("./log/%d.txt", i))
///         ...
///         defer f.Close()
///     }()
/// }
/// ```
/// A closure with a `defer!` of its own is a frame of its own, like Go's function literal.
#[godefer::func]
fn open_all_fixed(disk: &Disk, n: usize) -> usize {
    let mut bytes = 0;
    let mut read_one = |i: usize| {
        let f = disk.open(&format!("./log/{i}.txt"));
        defer!(f.close());
        bytes += f.read();
    };
    for i in 0..n {
        read_one(i);
    }
    bytes
}

// ---------------------------------------------------------------------------------------------
// Arguments are evaluated at the defer statement; a closure reads variables at exit.

/// Go:
/// ```go
/// a, b := 10, 20
/// defer fmt.Printf("a = %d, b = %d\n", a, b)
/// a, b = 111, 222
/// ```
#[godefer::func]
fn arguments_now() {
    let mut a = 10;
    let mut b = 20;
    defer!(println!("  deferred call:    a = {}, b = {}", a, b));
    a = 111;
    b = 222;
    println!("  outside:          a = {a}, b = {b}");
}

/// Go:
/// ```go
/// a, b := 10, 20
/// defer func() { fmt.Printf("a = %d, b = %d\n", a, b) }()
/// a, b = 111, 222
/// ```
/// A Rust closure that reads variables changed after it was made borrows them, so they are
/// `Cell`s here.
#[godefer::func]
fn closure_at_exit() {
    let a = Cell::new(10);
    let b = Cell::new(20);
    defer!(|| println!("  deferred closure: a = {}, b = {}", a.get(), b.get()));
    a.set(111);
    b.set(222);
    println!("  outside:          a = {}, b = {}", a.get(), b.get());
}

// ---------------------------------------------------------------------------------------------
// Named results and the three steps of `return`.

/// Go:
/// ```go
/// func increase(d int) (ret int) {
///     defer func() { ret++ }()
///     return d
/// }
/// ```
/// A deferred closure with one parameter gets `&mut` the function's result: Go's named result.
#[godefer::func]
fn increase(d: i32) -> i32 {
    defer!(|ret: &mut i32| *ret += 1);
    d
}

/// Go: `func deferWithReturn1() (res int) { defer func() { res++ }(); return -100 }`
#[godefer::func]
fn defer_with_return1() -> i32 {
    defer!(|res: &mut i32| *res += 1);
    -100
}

/// Go's deferred `func(res int) { res++ }`: it works on a copy. Its result is discarded.
fn add_one_to_copy(mut res: i32) -> i32 {
    res += 1;
    res
}

/// Go: `func deferWithReturn2() (res int) { defer func(res int) { res++ }(res); return -100 }`
#[godefer::func]
fn defer_with_return2() -> i32 {
    // Go's `res` at the defer statement: the zero value, copied into the deferred call.
    let res = 0;
    defer!(add_one_to_copy(res));
    -100
}

/// Go's deferred `func(res *int) { *res++ }`.
fn add_one_through_pointer(res: &mut i32) {
    *res += 1;
}

/// Go: `func deferWithReturn3() (res int) { defer func(res *int) { *res++ }(&res); return -100 }`
#[godefer::func]
fn defer_with_return3() -> i32 {
    defer!(|res: &mut i32| add_one_through_pointer(res));
    -100
}

// ---------------------------------------------------------------------------------------------
// Value vs pointer receivers.

#[derive(Clone, Copy)]
struct Test {
    value: i32,
}

impl Test {
    /// Go: `func (t Test) print() { println(t.value) }`
    fn print(self) {
        println!("  value receiver:   {}", self.value);
    }
}

/// Go: `test := Test{}; defer test.print(); test.value += 1`: the receiver is copied at the
/// defer statement.
#[godefer::func]
fn value_receiver() {
    let mut test = Test { value: 0 };
    defer!(test.print());
    test.value += 1;
}

/// Not `Copy`: Go's `*Test`, the method works on the variable itself.
struct Counter {
    value: i32,
}

impl Counter {
    /// Go: `func (t *Test) print() { println(t.value) }`
    fn print(&self) {
        println!("  pointer receiver: {}", self.value);
    }
}

/// The same with a pointer receiver: a receiver that is a variable, and not `Copy`, is used by
/// the deferred call at exit, so it sees the change, and the body goes on using it meanwhile.
#[godefer::func]
fn pointer_receiver() {
    let mut test = Counter { value: 0 };
    defer!(test.print());
    test.value += 1;
}

/// Go:
/// ```go
/// tx := db.Begin()
/// defer func() { if !committed { tx.Rollback() } }()
/// ```
/// A closure deferred at the top of the body reads its variables when it runs, like Go's
/// function literal: the body sets `committed` after the defer.
#[godefer::func]
fn transfer(amount: i32) -> Result<i32, String> {
    let mut committed = false;
    let mut ledger = vec![100];
    defer!(|| if !committed {
        println!("  rollback of {ledger:?}")
    });
    ledger.push(-amount);
    if amount > 100 {
        return Err(format!("{amount} is more than the balance"));
    }
    committed = true;
    Ok(ledger.iter().sum())
}

/// Go: `defer fmt.Println("worker: cleanup"); runtime.Goexit()` in a goroutine: the deferred
/// calls of every frame run, innermost first, and the thread ends (not a panic: `recover` gets
/// `None`, nothing is reported).
#[godefer::func]
fn worker_step(id: u32) {
    defer!(println!("  worker {id}: step's deferred call"));
    if id == 2 {
        godefer::goexit();
    }
}

#[godefer::func]
fn worker(id: u32) -> u32 {
    defer!(|| println!(
        "  worker {id}: cleanup (recover gives {:?})",
        godefer::recover().map(|p| p.to_string())
    ));
    worker_step(id);
    id * 10
}

/// Zig's `errdefer` (Go: `defer func() { if err != nil { os.Remove(name) } }()`): a deferred
/// call that runs only if the function is failing when its turn comes, by an `Err` result or a
/// panic; `okdefer!` only if it is not.
#[godefer::func]
fn create_file(name: &str, fail: Option<&str>) -> Result<usize, String> {
    println!("  create {name}");
    godefer::errdefer!(println!("  remove {name} (creating it failed)"));
    godefer::okdefer!(println!("  keep {name}"));
    match fail {
        Some("error") => return Err(format!("{name}: disk full")),
        Some(_) => panic!("bug while writing {name}"),
        None => {}
    }
    Ok(name.len())
}

/// Go: `defer func() { if r := recover(); r != nil { if isOurs(r) { err = .. } else { panic(r) } } }()`:
/// `panic_any(p)` of a recovered `Panic` goes on with the original panic.
#[godefer::func]
fn only_parse_errors(text: &str) -> Result<u8, Box<dyn std::error::Error + Send + Sync>> {
    defer!(
        |ret: &mut Result<u8, Box<dyn std::error::Error + Send + Sync>>| {
            if let Some(p) = godefer::recover() {
                if p.message().is_some_and(|m| m.starts_with("parse:")) {
                    *ret = Err(p.into()); // a recovered panic is an error
                } else {
                    std::panic::panic_any(p); // not ours: it goes on
                }
            }
        }
    );
    match text {
        "" => panic!("not a parse error"),
        _ => Ok(text.parse().unwrap_or_else(|e| panic!("parse: {e}"))),
    }
}

// ---------------------------------------------------------------------------------------------
// Unlocking a mutex.

/// A lock with explicit `lock` and `unlock`, like Go's `sync.Mutex`.
#[derive(Default)]
struct TinyLock {
    held: Cell<bool>,
}

impl TinyLock {
    fn lock(&self) {
        assert!(!self.held.get(), "TinyLock: already locked");
        self.held.set(true);
    }
    fn unlock(&self) {
        self.held.set(false);
    }
}

/// Go:
/// ```go
/// func deposit(amount int) (err error) {
///     mu.Lock()
///     defer mu.Unlock()
///     defer func() { if p := recover(); p != nil { err = fmt.Errorf("%v", p) } }()
///     if amount < 0 { panic(...) }
///     balance += amount
///     return nil
/// }
/// ```
#[godefer::func]
fn deposit(lock: &TinyLock, balance: &Cell<i64>, amount: i64) -> Result<i64, String> {
    lock.lock();
    defer!(lock.unlock());
    defer!(|ret: &mut Result<i64, String>| {
        if let Some(p) = godefer::recover() {
            *ret = Err(p.to_string());
        }
    });
    if amount < 0 {
        panic!("negative deposit: {amount}");
    }
    balance.set(balance.get() + amount);
    Ok(balance.get())
}

/// With `std::sync::Mutex` the guard is the lock: handing it to a deferred call keeps the mutex
/// locked until the function returns.
#[godefer::func]
fn with_std_mutex(m: &Mutex<u32>) {
    let mut guard = m.lock().unwrap();
    *guard += 1;
    defer!(drop(guard));
    println!("  inside: locked = {}", m.try_lock().is_err());
}

// ---------------------------------------------------------------------------------------------
// Timing.

/// Go's pitfall `defer log.Println("took", time.Since(start))` evaluates `time.Since(start)` at
/// the defer statement; `defer func() { log.Println("took", time.Since(start)) }()` measures the
/// whole function.
#[godefer::func]
fn timed(work: Duration) {
    let start = Instant::now();
    defer!(println!(
        "  argument form took {} ms",
        start.elapsed().as_millis()
    ));
    defer!(|| println!("  closure form took  {} ms", start.elapsed().as_millis()));
    std::thread::sleep(work);
}

// ---------------------------------------------------------------------------------------------
// Recover into an error.

/// Go:
/// ```go
/// func parse(s string) (n int, err error) {
///     defer func() {
///         if p := recover(); p != nil { err = fmt.Errorf("recovered: %v", p) }
///     }()
///     ...
/// }
/// ```
#[godefer::func]
fn parse_percent(s: &str) -> Result<u8, String> {
    defer!(|ret: &mut Result<u8, String>| {
        if let Some(p) = godefer::recover() {
            *ret = Err(format!("recovered: {p}"));
        }
    });
    let n: u32 = s.trim().parse().map_err(|e| format!("not a number: {e}"))?;
    // A bug that panics: `u8::try_from(..).unwrap()` on 256 and above.
    let n = u8::try_from(n).unwrap();
    assert!(n <= 100, "{n} is more than 100 percent");
    Ok(n)
}

/// Without a `|ret|` closure a recovering function returns the zero value of its result type,
/// as Go does with unnamed results.
#[godefer::func]
fn safe_div(a: i32, b: i32) -> i32 {
    defer!(|| {
        if let Some(p) = godefer::recover() {
            println!("  safe_div({a}, {b}) recovered: {p}");
        }
    });
    a / b
}

// ---------------------------------------------------------------------------------------------
// A panicking cleanup.

/// Go:
/// ```go
/// func cleanup() (err error) {
///     defer func() { if p := recover(); p != nil { err = fmt.Errorf("%v", p) } }()
///     defer func() { panic("cleanup failed") }()
///     panic("work failed")
/// }
/// ```
/// The deferred call panics while "work failed" is running: the new panic replaces it, the
/// earlier deferred call recovers it.
#[godefer::func]
fn cleanup_panics() -> Result<(), String> {
    defer!(|ret: &mut Result<(), String>| {
        if let Some(p) = godefer::recover() {
            *ret = Err(format!("recovered: {p}"));
        }
    });
    defer!(|| panic!("cleanup failed"));
    panic!("work failed");
}

// ---------------------------------------------------------------------------------------------
// The interview question.

/// Go:
/// ```go
/// func defer_call() {
///     defer func() { fmt.Println("before") }()
///     defer func() { fmt.Println("middle") }()
///     defer func() { fmt.Println("after") }()
///     panic("trigger")
/// }
/// ```
#[godefer::func]
fn defer_call() {
    defer!(println!("  before"));
    defer!(println!("  middle"));
    defer!(println!("  after"));
    panic!("trigger");
}

// ---------------------------------------------------------------------------------------------
// async fn: awaited deferred calls, recover across awaits, cancellation.

/// A connection whose `close` is async, as a database client's would be.
struct Conn {
    name: &'static str,
}

impl Conn {
    async fn close(&self) {
        Yield(false).await;
        println!("  {}: closed (awaited at exit)", self.name);
    }
}

#[godefer::func]
async fn query(name: &'static str, sql: &str) -> Result<usize, String> {
    let conn = Conn { name };
    defer!(conn.close().await);
    defer!(|ret: &mut Result<usize, String>| {
        if let Some(p) = godefer::recover() {
            *ret = Err(format!("recovered: {p}"));
        }
    });
    defer!(move || println!("  {name}: sync cleanup (runs on cancellation too)"));
    Yield(false).await;
    if sql.is_empty() {
        panic!("empty query");
    }
    Yield(false).await;
    Ok(sql.len())
}

/// Pending once, then ready: a point where a task gives way.
struct Yield(bool);

impl std::future::Future for Yield {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            std::task::Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}

/// Any executor works; the tour polls by hand, and stops after `max_polls` (a cancellation).
fn poll_up_to<F: std::future::Future>(f: F, max_polls: usize) -> Option<F::Output> {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    for _ in 0..max_polls {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return Some(v);
        }
    }
    None
}

fn main() {
    println!("A tour of godefer: Go's defer, panic and recover in Rust.");

    section(
        "LIFO",
        "Deferred calls run when the function returns, the last registered first.",
    );
    lifo();

    section(
        "Defers in a loop",
        "Each iteration registers one call, with the value of `i` at that time: 4 3 2 1 0.",
    );
    in_a_loop();

    section(
        "Block scope vs function scope",
        "A defer in a block runs when the function returns, not when the block ends.",
    );
    block_scope();

    section(
        "The loop pitfall",
        "Opening 10000 files in a loop with a defer each keeps them all open until the return.",
    );
    let disk = Disk::default();
    open_all_pitfall(&disk, 10_000);
    println!(
        "  defer in the loop:    at most {} open at once, {} open after the return",
        disk.max_open.get(),
        disk.open.get()
    );
    let disk = Disk::default();
    open_all_fixed(&disk, 10_000);
    println!(
        "  defer in a closure:   at most {} open at once, {} open after the return",
        disk.max_open.get(),
        disk.open.get()
    );

    section(
        "Arguments now, closures later",
        "A deferred call's arguments are evaluated at the defer; a closure reads them at exit.",
    );
    arguments_now();
    closure_at_exit();

    section(
        "Named results: the three steps of return",
        "return sets the result, then the deferred calls run (and may change it), then it returns.",
    );
    println!("  increase(1)          = {}", increase(1));
    println!(
        "  deferWithReturn1..3  = {}, {}, {}",
        defer_with_return1(),
        defer_with_return2(),
        defer_with_return3()
    );

    section(
        "Value vs pointer receivers",
        "A Copy receiver is copied at the defer; a variable that is not Copy is used at exit.",
    );
    value_receiver();
    pointer_receiver();

    section(
        "Deferred calls read what they name at exit",
        "A closure sees the body's later changes; the body goes on using what it names.",
    );
    println!("  transfer(30)  -> {:?}", transfer(30));
    println!("  transfer(300) -> {:?}", transfer(300));

    section(
        "Recovered panics as errors, and panicking again",
        "A recovered panic converts into Box<dyn Error>; panic_any(p) goes on with the original.",
    );
    println!(
        "  only_parse_errors(\"7\")  -> {:?}",
        only_parse_errors("7").map_err(|e| e.to_string())
    );
    println!(
        "  only_parse_errors(\"x\")  -> {:?}",
        only_parse_errors("x").map_err(|e| e.to_string())
    );
    let again = std::panic::catch_unwind(|| only_parse_errors(""));
    let payload = again
        .err()
        .and_then(|e| e.downcast_ref::<&str>().map(|s| s.to_string()));
    println!("  only_parse_errors(\"\") panicked on with its own payload: {payload:?}");

    section(
        "Cleanup on failure only",
        "errdefer! runs when the function fails (an Err or a panic), okdefer! when it does not.",
    );
    println!("  create_file(\"a\") -> {:?}", create_file("a", None));
    println!(
        "  create_file(\"b\") -> {:?}",
        create_file("b", Some("error"))
    );
    let failed = std::panic::catch_unwind(|| create_file("c", Some("panic"))).is_err();
    println!("  create_file(\"c\") panicked: {failed}");

    section(
        "Goexit",
        "godefer::goexit() runs the thread's deferred calls, innermost first, and ends the thread.",
    );
    for id in [1, 2] {
        let ended = godefer::spawn(move || worker(id)).join().unwrap();
        println!("  worker {id} joined: {ended:?} (None: it called goexit)");
    }

    section(
        "Unlocking a mutex",
        "lock, then defer the unlock: it runs on every way out, a panic included.",
    );
    let lock = TinyLock::default();
    let balance = Cell::new(0);
    println!("  deposit(50)  -> {:?}", deposit(&lock, &balance, 50));
    println!("  deposit(-5)  -> {:?}", deposit(&lock, &balance, -5));
    println!("  deposit(20)  -> {:?}", deposit(&lock, &balance, 20));
    println!("  held after the calls: {}", lock.held.get());
    let m = Mutex::new(0);
    with_std_mutex(&m);
    let locked = m.try_lock().is_err();
    println!("  after the return: locked = {locked}");

    section(
        "Timing",
        "defer!(println!(.., start.elapsed())) measures at the defer (0 ms); a closure, the call.",
    );
    timed(Duration::from_millis(30));

    section(
        "Recover into an error",
        "A |ret| closure turns a panic into an Err; without one the result is the zero value.",
    );
    for input in ["42", "abc", "300", "150"] {
        println!("  parse_percent({input:?}) -> {:?}", parse_percent(input));
    }
    println!("  safe_div(7, 0) -> {}", safe_div(7, 0));

    section(
        "A panicking cleanup",
        "A deferred call panicking during a panic replaces it; an earlier defer still recovers.",
    );
    println!("  cleanup_panics() -> {:?}", cleanup_panics());
    println!("  (A Drop guard that panics while a panic unwinds aborts the process;");
    println!(
        "   godefer runs each deferred call under its own catch, as Go does, so it never aborts.)"
    );

    section(
        "The interview question",
        "Three defers, then panic!(\"trigger\"): all three run, LIFO, before the report.",
    );
    println!(
        "  (The panic report goes to stderr after the three lines; the tour catches the panic"
    );
    println!("   with std::panic::catch_unwind to go on. See `cargo run --example interview`.)");
    let caught = std::panic::catch_unwind(defer_call);
    let message = caught
        .err()
        .and_then(|e| e.downcast_ref::<&str>().map(|s| s.to_string()));
    println!("  caught: {message:?}");

    section(
        "async fn",
        "Awaited deferred calls, recover across .await, and what a cancellation runs.",
    );
    println!(
        "  query(\"a\", \"select 1\") -> {:?}",
        poll_up_to(query("a", "select 1"), 100)
    );
    println!(
        "  query(\"b\", \"\") -> {:?}",
        poll_up_to(query("b", ""), 100)
    );
    println!("  query(\"c\", ..) dropped after its first poll (a timeout, a select!):");
    println!("  -> {:?}", poll_up_to(query("c", "select 2"), 1));

    println!();
    println!("End of the tour.");
}
