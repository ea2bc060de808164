// Port of go/seed_mutex_loop_func_literal.go (seed 000, example): lock inside a function literal
// called per iteration; the deferred unlock runs at the end of each literal, so the next
// iteration can lock again.
// Port choices: `sync.Mutex` is a small lock with Go's `Lock`, `Unlock` and `TryLock`; the
// literal called per iteration is a closure with its own `defer!`, called at once; Go's
// `m.Unlock()` takes `&m` at the defer statement, as `defer!((&m).unlock())` does.

use std::sync::atomic::{AtomicBool, Ordering};

struct Mutex {
    locked: AtomicBool,
}

impl Mutex {
    const fn new() -> Mutex {
        Mutex {
            locked: AtomicBool::new(false),
        }
    }

    fn lock(&self) {
        while !self.try_lock() {
            std::thread::yield_now();
        }
    }

    fn try_lock(&self) -> bool {
        self.locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    fn unlock(&self) {
        assert!(
            self.locked.swap(false, Ordering::Release),
            "sync: unlock of unlocked mutex"
        );
    }
}

#[godefer::func]
fn example() {
    let m = Mutex::new();
    for i in 0..5 {
        (|| {
            m.lock();
            defer!((&m).unlock());
            println!("{i}");
        })();
    }
    println!("free at end: {}", m.try_lock());
}

pub fn main() {
    example();
}
