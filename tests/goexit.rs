//! `godefer::goexit()`, Go's `runtime.Goexit` for a thread (issue 15 §2): what a thread's
//! `join` returns, `godefer::spawn`, plain frames in between, and a panic left unrecovered
//! during a Goexit. Go's own semantics are the conformance case `goexit_runs_defers` and two
//! rows of the exactly-once matrix. Every case runs under each strategy.

use std::sync::mpsc;
use std::thread;

mod common;
use common::*;

/// Sends its name when dropped: a local of a plain Rust frame.
struct Dropped(mpsc::Sender<String>, &'static str);

impl Drop for Dropped {
    fn drop(&mut self) {
        let _ = self.0.send(format!("drop {}", self.1));
    }
}

/// A plain Rust function between two godefer functions.
fn plain(tx: &mpsc::Sender<String>, inner: fn(&mpsc::Sender<String>)) {
    let _local = Dropped(tx.clone(), "plain local");
    inner(tx);
    let _ = tx.send("plain: not reached".to_string());
}

macro_rules! cases {
    () => {
        #[godefer::func]
        fn innermost(tx: &mpsc::Sender<String>) {
            defer!(|| {
                let _ = tx.send(format!(
                    "innermost deferred: recover {:?}, panicking {}",
                    godefer::recover().map(|p| p.to_string()),
                    godefer::panicking()
                ));
            });
            for i in 0..2 {
                defer!(tx.send(format!("loop deferred {i}")));
            }
            let nested = || {
                defer!(tx.send("closure frame's deferred".to_string()));
                godefer::goexit()
            };
            nested();
        }

        #[godefer::func]
        fn outermost(tx: mpsc::Sender<String>) -> u32 {
            defer!(tx.send("outermost deferred".to_string()));
            plain(&tx, innermost);
            7
        }

        #[test]
        fn goexit_runs_every_frames_deferred_calls_innermost_first_and_ends_the_thread() {
            let (tx, rx) = mpsc::channel();
            let ended = godefer::spawn(move || outermost(tx)).join().unwrap();
            assert_eq!(ended, None, "ended by goexit");
            assert_eq!(
                rx.iter().collect::<Vec<_>>(),
                [
                    "closure frame's deferred",
                    "loop deferred 1",
                    "loop deferred 0",
                    "innermost deferred: recover None, panicking false",
                    "drop plain local",
                    "outermost deferred",
                ]
            );
        }

        #[test]
        fn a_std_thread_ended_by_goexit_joins_with_a_goexit_payload() {
            let (tx, _rx) = mpsc::channel();
            let joined = thread::spawn(move || outermost(tx)).join();
            let payload = joined.expect_err("the thread unwound");
            assert!(payload.is::<godefer::Goexit>());
        }

        #[test]
        fn godefer_spawn_returns_the_value_or_the_panic_as_std_does() {
            assert_eq!(godefer::spawn(|| 5).join().unwrap(), Some(5));
            let e = godefer::spawn(|| -> u32 { panic!("plain panic") })
                .join()
                .unwrap_err();
            assert_eq!(payload_msg(&*e), "plain panic");
        }

        #[godefer::func]
        fn panics_during_goexit() {
            defer!(|| panic!("during the goexit"));
            godefer::goexit();
        }

        #[test]
        fn a_panic_left_unrecovered_during_goexit_goes_on_as_a_panic() {
            let e = godefer::spawn(panics_during_goexit).join().unwrap_err();
            assert_eq!(payload_msg(&*e), "during the goexit");
        }

        #[test]
        fn goexit_outside_any_godefer_frame_ends_the_thread() {
            assert_eq!(
                godefer::spawn(|| -> u32 { godefer::goexit() })
                    .join()
                    .unwrap(),
                None
            );
        }
    };
}

each_strategy!(cases);
