//! Generated code warns about nothing: a crate with `#![deny(warnings)]` builds. Go's
//! `defer panic(v)` (a deferred call that never returns) once warned "unreachable call".
#![deny(warnings)]

mod common;
use common::*;

struct Guard;

impl Guard {
    fn fail(&self) -> ! {
        panic!("method")
    }
}

macro_rules! cases {
    () => {
        /// Each deferred call never returns; the first deferred closure recovers its panic.
        #[godefer::func]
        fn deferred_panics(k: u32) -> String {
            defer!(|ret: &mut String| {
                if let Some(p) = godefer::recover() {
                    *ret = match p.downcast_ref::<i32>() {
                        Some(v) => format!("panic_any {v}"),
                        None => p.message().unwrap_or("?").to_string(),
                    };
                }
            });
            let g = Guard;
            match k {
                0 => defer!(std::panic::panic_any(5_i32)),
                1 => defer!(panic!("macro")),
                _ => defer!(g.fail()),
            }
            "returned".to_string()
        }

        #[test]
        fn a_deferred_call_that_never_returns_warns_nothing() {
            assert_eq!(deferred_panics(0), "panic_any 5");
            assert_eq!(deferred_panics(1), "macro");
            assert_eq!(deferred_panics(2), "method");
        }

        /// A `move |ret|` closure that mutates what it captured.
        #[godefer::func]
        fn mutates_captures(n: u32) -> Vec<u32> {
            let mut v = vec![0];
            defer!(move |ret| {
                v.push(1);
                ret.extend(v);
            });
            for i in 0..n {
                let mut w = vec![i];
                defer!(move |ret: &mut Vec<u32>| {
                    w.push(10);
                    ret.extend(w);
                });
            }
            Vec::new()
        }

        #[test]
        fn a_move_ret_closure_may_mutate_its_captures() {
            assert_eq!(mutates_captures(0), [0, 1]);
            assert_eq!(mutates_captures(2), [1, 10, 0, 10, 0, 1]);
        }

        /// Exits inside macro arguments, and a body that ends by diverging.
        #[godefer::func]
        fn exits_in_macros(x: u32) -> Option<u32> {
            defer!(|ret: &mut Option<u32>| *ret = ret.map(|v| v + 1));
            let v = vec![Some(x)?, if x > 5 { return Some(50) } else { x }];
            if x == 3 {
                panic!("{}", Some(v[0])?);
            }
            Some(v[1])
        }

        #[test]
        fn exits_in_macro_arguments_warn_nothing() {
            assert_eq!(exits_in_macros(1), Some(2));
            assert_eq!(exits_in_macros(9), Some(51));
        }

        #[godefer::func]
        fn diverging_tail(x: Option<u32>) -> Result<u32, u32> {
            defer!(|ret: &mut Result<u32, u32>| {
                if godefer::recover().is_some() {
                    *ret = Ok(7);
                }
            });
            println!("{}", x.ok_or(1_u32)?);
            panic!("always")
        }

        /// An `async fn` whose first deferred call (hoisted when open-coded) never returns,
        /// and one after a local (never hoisted).
        #[godefer::func]
        async fn async_deferred_panics(x: u32) -> u32 {
            defer!(move |ret: &mut u32| {
                if godefer::recover().is_some() {
                    *ret = 9;
                }
            });
            defer!(std::panic::panic_any(x));
            let y = x + 1;
            defer!(std::panic::panic_any(y));
            std::future::ready(()).await;
            y
        }

        #[test]
        fn an_async_fn_with_deferred_calls_that_never_return_warns_nothing() {
            let mut f = std::pin::pin!(async_deferred_panics(1));
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            let poll = std::future::Future::poll(f.as_mut(), &mut cx);
            assert_eq!(poll, std::task::Poll::Ready(9));
        }

        #[test]
        fn a_diverging_body_with_exits_in_macros_warns_nothing() {
            assert_eq!(diverging_tail(Some(1)), Ok(7));
            assert_eq!(diverging_tail(None), Err(1));
        }
    };
}

each_strategy!(cases);
