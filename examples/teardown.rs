//! Heap defers in a thread-local destructor that runs after godefer's per-thread teardown: the
//! records such a destructor takes must not outlive it (issue 12). `.ci/valgrind` runs this
//! under memcheck and fails on any definitely or indirectly lost block.
//!
//!     cargo run --example teardown

use std::thread;

#[godefer::func]
fn defers_in_loop(n: u32) -> u32 {
    let mut sum = 0;
    for i in 0..n {
        defer!(std::hint::black_box(i));
        sum += i;
    }
    sum
}

/// Uses heap defers while its thread's locals are destroyed.
struct LateUser;

impl Drop for LateUser {
    fn drop(&mut self) {
        let sum = defers_in_loop(5);
        let (cache, _) = godefer::__private::pool_counts();
        println!("late destructor: sum {sum}, records left in the closed thread cache: {cache}");
        assert_eq!(cache, 0, "records stranded in a closed thread cache");
    }
}

thread_local! {
    static LATE: LateUser = const { LateUser };
}

fn main() {
    // Threads that defer more than their cache holds leave records in the global pool.
    for _ in 0..4 {
        thread::spawn(|| defers_in_loop(200)).join().unwrap();
    }
    for _ in 0..4 {
        thread::spawn(|| {
            // Registered before godefer's per-thread teardown, so destroyed after it.
            LATE.with(|_| ());
            defers_in_loop(3);
        })
        .join()
        .unwrap();
    }
    println!(
        "global pool: {} records",
        godefer::__private::pool_counts().1
    );
}
