// Port of go/seed_mutex_unlock.go (seed 002): lock, then defer the unlock. After the function
// returns the mutex is free again; a function that panics while holding it also unlocks it.
// Port choices: `sync.Mutex` is a small lock with Go's `Lock`, `Unlock` and `TryLock`; Go's
// package variables `lock` and `counter` are statics; Go's `lock.Unlock()` takes `&lock` at the
// defer statement, as `defer!((&LOCK).unlock())` does.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

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

static LOCK: Mutex = Mutex::new();
static COUNTER: AtomicI64 = AtomicI64::new(0);

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn defer0() {
    LOCK.lock();
    defer!((&LOCK).unlock());
    COUNTER.fetch_add(1, Ordering::Relaxed);
    println!("in defer0, locked by us, try lock: {}", LOCK.try_lock());
}

#[godefer::func]
fn panics_while_locked() {
    defer!(|| println!("recovered: {}", show(godefer::recover())));
    LOCK.lock();
    defer!((&LOCK).unlock());
    COUNTER.fetch_add(1, Ordering::Relaxed);
    panic!("fail while locked");
}

pub fn main() {
    defer0();
    println!("after defer0, try lock: {}", LOCK.try_lock());
    LOCK.unlock();
    panics_while_locked();
    println!("after panicsWhileLocked, try lock: {}", LOCK.try_lock());
    LOCK.unlock();
    println!("counter: {}", COUNTER.load(Ordering::Relaxed));
}
