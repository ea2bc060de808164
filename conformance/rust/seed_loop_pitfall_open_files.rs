// Port of go/seed_loop_pitfall_open_files.go (seed 000): the loop pitfall. "Opening" 10000 files
// in a loop with a deferred Close keeps every one open until the function returns.
// Port choices: Go's package variables `open, maxOpen, closed` are static atomics.

use std::sync::atomic::{AtomicI64, Ordering};

static OPEN: AtomicI64 = AtomicI64::new(0);
static MAX_OPEN: AtomicI64 = AtomicI64::new(0);
static CLOSED: AtomicI64 = AtomicI64::new(0);

struct File {
    id: i64,
}

fn open_file(id: i64) -> File {
    let open = OPEN.fetch_add(1, Ordering::Relaxed) + 1;
    MAX_OPEN.fetch_max(open, Ordering::Relaxed);
    File { id }
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
    for i in 0..10000 {
        let f = open_file(i);
        defer!(f.close());
    }
    println!("loop done, open now: {}", OPEN.load(Ordering::Relaxed));
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
