//! The expansion uses absolute paths (`::core`, `::godefer`) and mixed-site names: shadowing
//! `core`, `Option`, `Some`, `None` or using the generated names in the user's code changes
//! nothing.
#![allow(non_camel_case_types, dead_code, clippy::disallowed_names)]

mod core {}
mod std {}
struct Option;
struct Some;
struct None;
struct ControlFlow;

use ::std::cell::RefCell;

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn log(s: &str) {
    LOG.with(|l| l.borrow_mut().push(s.to_owned()));
}

#[godefer::func]
fn shadowed(n: u32) -> Result<u32, String> {
    let __godefer_frame = "user";
    let __godefer_d0 = 1;
    let __godefer_s1 = 2;
    defer!(log(__godefer_frame));
    if n > 0 {
        defer!(log("nested"));
    }
    defer!(|ret: &mut Result<u32, String>| {
        if let ::core::option::Option::Some(p) = godefer::recover() {
            *ret = Err(p.to_string());
        }
    });
    let parsed: u32 = "7".parse().map_err(|_| "no".to_string())?;
    if n > 5 {
        panic!("big");
    }
    Ok(parsed + __godefer_d0 + __godefer_s1 + n)
}

#[test]
fn shadowing_changes_nothing() {
    assert_eq!(shadowed(1), Ok(11));
    assert_eq!(shadowed(9), Err("big".to_owned()));
    let log = LOG.with(|l| l.borrow().clone());
    assert_eq!(log, ["nested", "user", "nested", "user"]);
}
