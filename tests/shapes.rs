//! Every kind of function `#[godefer::func]` accepts, and the shapes of body that stress the
//! lowering (trailing `return`, diverging bodies, `let`-`else`, `?` inside macros, items after
//! use), compiled with every warning denied: the generated code must not warn in users' crates.
#![deny(warnings)]
use std::cell::Cell;
use std::fmt::Display;

mod common;
use common::each_strategy;

// Every shape under every strategy: the emitted code differs per strategy, and none may warn.
macro_rules! cases {
    () => {
        struct Counter {
            n: Cell<u32>,
        }

        impl Counter {
            #[godefer::func]
            fn bump(&self) -> u32 {
                defer!((&self.n).set(self.n.get() + 1));
                self.n.get()
            }
            #[godefer::func]
            fn take(self) -> u32 {
                defer!(println!("taken {}", self.n.get()));
                self.n.get()
            }
            #[godefer::func]
            fn reset(&mut self) {
                let n = &self.n;
                defer!(n.set(0));
            }
        }

        trait Named {
            fn name(&self) -> String;
        }
        impl Named for Counter {
            #[godefer::func]
            fn name(&self) -> String {
                defer!(|ret: &mut String| ret.push('!'));
                format!("counter{}", self.n.get())
            }
        }

        #[godefer::func]
        fn ends_with_return(x: i32) -> i32 {
            defer!(println!("exit"));
            if x > 0 {
                return 1;
            }
            return 2;
        }

        #[godefer::func]
        fn diverges() -> i32 {
            defer!(println!("diverges exit"));
            panic!("boom");
        }

        #[godefer::func]
        fn diverging_tail() {
            defer!(println!("diverging tail exit"));
            panic!("tail")
        }

        fn never(code: i32) -> ! {
            panic!("never {code}")
        }

        #[godefer::func]
        fn never_tail() -> i32 {
            defer!(println!("never tail exit"));
            never(3)
        }

        #[godefer::func]
        fn let_else(v: Option<i32>) -> i32 {
            let Some(x) = v else { return -1 };
            defer!(println!("x was {x}"));
            x
        }

        #[godefer::func]
        fn question_in_macro(s: &str) -> Result<i32, std::num::ParseIntError> {
            defer!(println!("parsed"));
            println!("value {}", s.parse::<i32>()?);
            Ok(s.parse::<i32>()? * 2)
        }

        #[godefer::func]
        fn generic<T, const N: usize>(items: [T; N]) -> T
        where
            T: Display + Default + Copy,
        {
            defer!(println!("generic {}", N));
            items.first().copied().unwrap_or_default()
        }

        #[godefer::func]
        fn returns_impl(n: u32) -> impl Iterator<Item = u32> {
            defer!(println!("impl returned"));
            0..n
        }

        #[godefer::func]
        fn takes_impl(x: impl Display) -> String {
            defer!(println!("took {x}"));
            x.to_string()
        }

        #[godefer::func]
        unsafe fn unsafe_fn(p: *const i32) -> i32 {
            defer!(println!("unsafe exit"));
            // SAFETY: the caller passes a valid pointer.
            unsafe { *p }
        }

        #[godefer::func]
        fn lifetimes<'a>(s: &'a str) -> &'a str {
            defer!(println!("lifetimes"));
            &s[1..]
        }

        #[godefer::func]
        fn items_after_use() -> i32 {
            defer!(println!("items"));
            helper();
            fn helper() -> i32 {
                7
            }
            helper()
        }

        #[godefer::func]
        fn closure_frame() -> i32 {
            let mut total = 0;
            for i in 0..2 {
                let f = || {
                    defer!(println!("close {i}"));
                    println!("use {i}");
                };
                f();
                total += i;
            }
            total
        }

        #[godefer::func]
        fn no_defer_at_all() -> u8 {
            3
        }

        #[godefer::func]
        fn match_arm(x: u8) {
            match x {
                0 => defer!(println!("zero")),
                _ => defer!(println!("other")),
            }
        }

        #[test]
        fn every_shape_lowers_and_behaves() {
            let c = Counter { n: Cell::new(0) };
            assert_eq!((c.bump(), c.bump()), (0, 1));
            assert_eq!(c.name(), "counter2!");
            let mut c = c;
            c.reset();
            assert_eq!(c.take(), 0);
            assert_eq!((ends_with_return(1), ends_with_return(0)), (1, 2));
            assert!(std::panic::catch_unwind(diverges).is_err());
            assert!(std::panic::catch_unwind(diverging_tail).is_err());
            assert!(std::panic::catch_unwind(never_tail).is_err());
            assert_eq!((let_else(Some(3)), let_else(None)), (3, -1));
            assert_eq!(question_in_macro("21"), Ok(42));
            assert!(question_in_macro("x").is_err());
            assert_eq!(generic([5, 6]), 5);
            assert_eq!(returns_impl(3).collect::<Vec<_>>(), [0, 1, 2]);
            assert_eq!(takes_impl(9), "9");
            let v = 4;
            // SAFETY: `&v` is a valid pointer.
            assert_eq!(unsafe { unsafe_fn(&v) }, 4);
            assert_eq!(lifetimes("hello"), "ello");
            assert_eq!(items_after_use(), 7);
            assert_eq!(closure_frame(), 1);
            assert_eq!(no_defer_at_all(), 3);
            match_arm(0);
            match_arm(1);
        }
    };
}

each_strategy!(cases);
