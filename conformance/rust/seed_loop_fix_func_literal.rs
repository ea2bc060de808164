// Port of go/seed_loop_fix_func_literal.go (seed 000): the fix for the loop pitfall. A function
// literal per iteration owns the defer, so each file closes before the next opens.
// Port choices: Go's package variables `open, maxOpen, closed` are static atomics; `*file` with
// an `error` is `Result<File, String>`; the literal called per iteration is a closure with its
// own `defer!`, called at once; `failures`, changed by it, is a `Cell`.

use std::cell::Cell;
use std::sync::atomic::{AtomicI64, Ordering};

static OPEN: AtomicI64 = AtomicI64::new(0);
static MAX_OPEN: AtomicI64 = AtomicI64::new(0);
static CLOSED: AtomicI64 = AtomicI64::new(0);

struct File {
    id: i64,
}

fn open_file(id: i64) -> Result<File, String> {
    if id % 1000 == 999 {
        return Err(format!("cannot open {id}"));
    }
    let open = OPEN.fetch_add(1, Ordering::Relaxed) + 1;
    MAX_OPEN.fetch_max(open, Ordering::Relaxed);
    Ok(File { id })
}

impl File {
    fn close(&self) {
        let _ = self.id;
        OPEN.fetch_sub(1, Ordering::Relaxed);
        CLOSED.fetch_add(1, Ordering::Relaxed);
    }
}

#[godefer::func]
fn process_all() {
    let failures = Cell::new(0);
    for i in 0..10000 {
        (|| {
            let f = match open_file(i) {
                Ok(f) => f,
                Err(_) => {
                    failures.set(failures.get() + 1);
                    return;
                }
            };
            defer!(f.close());
        })();
    }
    println!(
        "loop done, open now: {} failures: {}",
        OPEN.load(Ordering::Relaxed),
        failures.get()
    );
}

pub fn main() {
    process_all();
    println!(
        "after return, open: {} closed: {}",
        OPEN.load(Ordering::Relaxed),
        CLOSED.load(Ordering::Relaxed)
    );
    println!("max open at once: {}", MAX_OPEN.load(Ordering::Relaxed));
}
