//! Each thread has its own deferred calls and its own panics: GO-SEMANTICS.md §E, item 33.
//!
//! Every case is written once in `cases!` and runs under each strategy: the default choice
//! (open-coded where Go would open-code), frame records and heap records.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;

mod common;
use common::*;

/// A log shared by the threads of one test.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, s: impl ToString) {
        self.0.lock().unwrap().push(s.to_string());
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// A panic value that is not a string.
#[derive(Debug, PartialEq)]
struct Code(u32);

/// Fewer under miri, which runs every thread's steps one at a time (`.ci/run` runs this file
/// under miri).
const THREADS: usize = if cfg!(miri) { 3 } else { 8 };

fn push(log: &Mutex<Vec<String>>, s: String) {
    log.lock().unwrap().push(s);
}

macro_rules! cases {
    () => {
        #[godefer::func]
        fn worker(id: usize, ran: &AtomicUsize, all_panicking: &Barrier) -> String {
            defer!(|ret: &mut String| {
                if let Some(e) = godefer::recover() {
                    *ret = format!("{id} recovered {e}");
                }
            });
            // Every thread holds its panic until all of them are panicking.
            defer!(|| {
                all_panicking.wait();
            });
            for _ in 0..3 {
                defer!(ran.fetch_add(1, Ordering::SeqCst));
            }
            defer!(ran.fetch_add(1, Ordering::SeqCst));
            panic!("thread {id}");
        }

        #[test]
        fn e33_each_thread_has_its_own_defers_and_panics() {
            let ran = AtomicUsize::new(0);
            let all_panicking = Barrier::new(THREADS);
            let results: Vec<String> = thread::scope(|s| {
                let handles: Vec<_> = (0..THREADS)
                    .map(|id| {
                        let (ran, all_panicking) = (&ran, &all_panicking);
                        s.spawn(move || worker(id, ran, all_panicking))
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let expected: Vec<String> = (0..THREADS)
                .map(|id| format!("{id} recovered thread {id}"))
                .collect();
            assert_eq!(results, expected);
            assert_eq!(ran.load(Ordering::SeqCst), THREADS * 4);
        }

        #[godefer::func]
        fn own_lifo(id: usize, log: &Mutex<Vec<String>>) {
            // `defer!(log.lock().unwrap().push(..))` would lock at the defer statement (the
            // receiver is evaluated there): go through a function.
            defer!(push(log, format!("{id}: 1")));
            defer!(push(log, format!("{id}: 2")));
            for i in 0..2 {
                defer!(push(log, format!("{id}: loop {i}")));
            }
        }

        #[test]
        fn e33_each_thread_runs_its_own_defers_lifo() {
            let logs: Vec<Mutex<Vec<String>>> =
                (0..THREADS).map(|_| Mutex::new(Vec::new())).collect();
            thread::scope(|s| {
                for (id, log) in logs.iter().enumerate() {
                    s.spawn(move || {
                        for _ in 0..50 {
                            own_lifo(id, log);
                        }
                    });
                }
            });
            for (id, log) in logs.into_iter().enumerate() {
                let one = [
                    format!("{id}: loop 1"),
                    format!("{id}: loop 0"),
                    format!("{id}: 2"),
                    format!("{id}: 1"),
                ];
                let expected: Vec<String> = (0..50).flat_map(|_| one.clone()).collect();
                assert_eq!(log.into_inner().unwrap(), expected);
            }
        }

        #[godefer::func]
        fn other_thread_sees_nothing(log: &Log) {
            defer!(|| log.push(format!("B's defer {:?}", godefer::recover().is_some())));
            log.push(format!("B's body {:?}", godefer::recover().is_some()));
        }

        #[godefer::func]
        fn other_thread_own_panic(log: &Log) {
            defer!(|| log.push(format!("B recovered {}", godefer::recover().unwrap())));
            panic!("B's panic");
        }

        #[godefer::func]
        fn panicking_thread(log: &Log) {
            defer!(|| {
                // Thread B runs while this thread is in the middle of its panic.
                thread::scope(|s| {
                    s.spawn(|| {
                        log.push(format!("B top level {:?}", godefer::recover().is_some()));
                        other_thread_sees_nothing(log);
                        other_thread_own_panic(log);
                    });
                });
                log.push(format!("A recovered {}", godefer::recover().unwrap()));
            });
            log.push("A panics");
            panic!("A's panic");
        }

        #[test]
        fn e33_recover_in_another_thread_is_none_while_one_panics() {
            let log = Log::default();
            panicking_thread(&log);
            assert_eq!(
                log.take(),
                [
                    "A panics",
                    "B top level false",
                    "B's body false",
                    "B's defer false",
                    "B recovered B's panic",
                    "A recovered A's panic",
                ]
            );
        }

        #[godefer::func]
        fn dies(log: &Log) {
            defer!(log.push("deferred ran"));
            for i in 0..2 {
                defer!(log.push(format!("loop {i}")));
            }
            std::panic::panic_any(Code(42));
        }

        #[test]
        fn e33_join_sees_the_original_payload_after_the_defers_ran() {
            let log = Log::default();
            let l = log.clone();
            let e = thread::spawn(move || dies(&l)).join().unwrap_err();
            log.push("joined");
            assert_eq!(e.downcast_ref::<Code>(), Some(&Code(42)));
            assert_eq!(log.take(), ["loop 1", "loop 0", "deferred ran", "joined"]);

            let (tx, rx) = mpsc::channel();
            let e = thread::Builder::new()
                .name("string-panic".to_string())
                .spawn(move || {
                    let l = Log::default();
                    let _send = SendOnDrop(tx, l.clone());
                    string_panic(&l);
                })
                .unwrap()
                .join()
                .unwrap_err();
            assert_eq!(payload_msg(&*e), "worker failed");
            assert_eq!(rx.recv().unwrap(), ["deferred ran"]);
        }

        #[godefer::func]
        fn string_panic(log: &Log) {
            defer!(log.push("deferred ran"));
            panic!("worker failed");
        }

        #[godefer::func]
        fn recover_and_send(tx: &mpsc::Sender<godefer::Panic>) {
            defer!(|| tx.send(godefer::recover().unwrap()).unwrap());
            std::panic::panic_any(Code(7));
        }

        #[test]
        fn e33_a_recovered_panic_can_go_to_another_thread() {
            let (tx, rx) = mpsc::channel();
            thread::spawn(move || recover_and_send(&tx)).join().unwrap();
            let p = rx.recv().unwrap();
            assert!(p.location().is_some());
            assert_eq!(p.downcast::<Code>().ok().map(|b| *b), Some(Code(7)));
        }

        #[godefer::func]
        fn loop_of(n: usize, ran: &AtomicUsize) {
            for _ in 0..n {
                defer!(ran.fetch_add(1, Ordering::SeqCst));
            }
        }

        #[test]
        fn heap_records_go_back_to_the_running_threads_cache() {
            // The caps shrink under miri (4 and 8): a loop no longer than the thread cache.
            let (local_cap, global_cap) = godefer::__private::POOL_CAPS;
            let n = local_cap.min(10);
            let ran = AtomicUsize::new(0);
            let before = godefer::__private::pool_counts().0;
            let (after_n, after_burst) = thread::scope(|s| {
                s.spawn(|| {
                    loop_of(n, &ran);
                    let after_n = godefer::__private::pool_counts();
                    loop_of(5 * local_cap, &ran);
                    (after_n, godefer::__private::pool_counts())
                })
                .join()
                .unwrap()
            });
            assert_eq!(ran.load(Ordering::SeqCst), n + 5 * local_cap);
            assert!((n..=local_cap).contains(&after_n.0), "{after_n:?}");
            assert!(after_burst.0 <= local_cap, "{after_burst:?}");
            assert!(after_burst.1 <= global_cap, "{after_burst:?}");
            // The other thread's records went to its cache (or the global pool), not this one's.
            assert_eq!(godefer::__private::pool_counts().0, before);
        }
    };
}

/// Sends the log when dropped: after the thread's panic left every godefer frame.
struct SendOnDrop(mpsc::Sender<Vec<String>>, Log);

impl Drop for SendOnDrop {
    fn drop(&mut self) {
        let _ = self.0.send(self.1.take());
    }
}

each_strategy!(cases);
