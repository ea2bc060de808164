// Port of go/recover_identical_value.go (item 24): recover returns the identical value passed to
// panic; type assertions on it work.
// Port choices: Go's `interface{}` result of `catch` is `Option<godefer::Panic>` (nil = `None`),
// type assertions are `downcast_ref`; `panic(v)` is `std::panic::panic_any(v)` and
// `panic("...")` is `panic!`; the pointer `&MyErr{...}` is an `Arc` (panic values are `Send`)
// compared with `Arc::ptr_eq`; the sentinel made by `errors.New` is a static error value,
// panicked with as `&'static dyn Error` and compared by address.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

struct MyErr {
    code: i64,
    msg: String,
}

#[derive(Debug)]
struct ErrorString(&'static str);

impl fmt::Display for ErrorString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Error for ErrorString {}

static SENTINEL: ErrorString = ErrorString("sentinel error");

type DynError = &'static (dyn Error + Sync);

#[godefer::func]
fn catch(f: impl FnOnce()) -> Option<godefer::Panic> {
    defer!(|r: &mut Option<godefer::Panic>| *r = godefer::recover());
    f();
    None
}

pub fn main() {
    let r = catch(|| {
        std::panic::panic_any(MyErr {
            code: 7,
            msg: "seven".to_string(),
        })
    });
    if let Some(e) = r.as_ref().and_then(|r| r.downcast_ref::<MyErr>()) {
        println!("MyErr code {} msg {}", e.code, e.msg);
    }
    let p = Arc::new(MyErr {
        code: 8,
        msg: String::new(),
    });
    let thrown = Arc::clone(&p);
    let r = catch(move || std::panic::panic_any(thrown));
    let got = r
        .as_ref()
        .and_then(|r| r.downcast_ref::<Arc<MyErr>>())
        .unwrap();
    println!("same pointer: {}", Arc::ptr_eq(got, &p));
    let r = catch(|| std::panic::panic_any(42_i64));
    println!("int: {}", r.unwrap().downcast_ref::<i64>().unwrap() + 1);
    let r = catch(|| std::panic::panic_any(&SENTINEL as DynError));
    let e = *r.unwrap().downcast_ref::<DynError>().unwrap();
    println!(
        "error is sentinel: {} message: {e}",
        std::ptr::addr_eq(e, &SENTINEL)
    );
    let r = catch(|| panic!("plain string"));
    let (s, ok) = match r.as_ref().and_then(|r| r.downcast_ref::<&str>()) {
        Some(s) => (*s, true),
        None => ("", false),
    };
    println!("string: {s} {ok}");
    let r = catch(|| {});
    println!(
        "no panic: {}",
        r.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
    );
}
