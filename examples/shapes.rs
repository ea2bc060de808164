#![deny(warnings)]
use std::cell::Cell;
use std::fmt::Display;

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
fn generic<T: Display + Default, const N: usize>(items: [T; N]) -> T
where
    T: Clone,
{
    defer!(println!("generic {}", N));
    items.first().cloned().unwrap_or_default()
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

fn main() {
    let c = Counter { n: Cell::new(0) };
    println!("{} {}", c.bump(), c.bump());
    println!("{}", c.name());
    let mut c = c;
    c.reset();
    println!("{}", c.take());
    println!("{} {}", ends_with_return(1), ends_with_return(0));
    println!("{:?}", std::panic::catch_unwind(diverges).is_err());
    println!("{} {}", let_else(Some(3)), let_else(None));
    println!(
        "{:?} {:?}",
        question_in_macro("21"),
        question_in_macro("x").is_err()
    );
    println!("{}", generic([5, 6]));
    println!("{:?}", returns_impl(3).collect::<Vec<_>>());
    println!("{}", takes_impl(9));
    let v = 4;
    println!("{}", unsafe { unsafe_fn(&v) });
    println!("{}", lifetimes("hello"));
    println!("{}", items_after_use());
    println!("{}", closure_frame());
    println!("{}", no_defer_at_all());
    match_arm(0);
    match_arm(1);
}
