//! A user's crate may forbid unsafe code and still use `#[godefer::func]`: the lowering's one
//! `unsafe` block (the frame's construction, whose contract the macro keeps) is the macro's code,
//! not the user's, and holds none of the user's tokens.
#![forbid(unsafe_code)]

use std::cell::RefCell;

fn push(log: &RefCell<Vec<String>>, line: String) {
    log.borrow_mut().push(line);
}

#[godefer::func]
fn open_coded(log: &RefCell<Vec<String>>, fail: bool) -> Result<u32, String> {
    defer!(push(log, "open-coded".into()));
    defer!(|ret: &mut Result<u32, String>| {
        if godefer::recover().is_some() {
            *ret = Err("recovered".into());
        }
    });
    if fail {
        panic!("boom");
    }
    Ok(1)
}

#[godefer::func(strategy = "frame")]
fn frame_records(log: &RefCell<Vec<String>>) -> u32 {
    defer!(push(log, "frame".into()));
    2
}

#[godefer::func]
fn heap_records(log: &RefCell<Vec<String>>) -> u32 {
    for i in 0..3 {
        defer!(push(log, format!("heap {i}")));
    }
    3
}

#[godefer::func(zero = 7)]
fn with_zero() -> u32 {
    defer!(|| {
        godefer::recover();
    });
    panic!("recovered to the zero value")
}

/// An `async fn`: a hoisted `defer!` (the first statement), one after a local, an awaited one.
#[godefer::func]
async fn async_frame(log: &RefCell<Vec<String>>) -> u32 {
    defer!(push(log, "async hoisted".into()));
    let n = 4;
    defer!(push(log, format!("async after a local {n}")));
    defer!(async { push(log, "async awaited".into()) });
    std::future::ready(()).await;
    n
}

/// Polls a future to completion (those here never wait).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[test]
fn an_async_fn_compiles_and_runs_under_forbid_unsafe_code() {
    let log = RefCell::new(Vec::new());
    assert_eq!(block_on(async_frame(&log)), 4);
    assert_eq!(
        *log.borrow(),
        ["async awaited", "async after a local 4", "async hoisted"]
    );
}

#[test]
fn every_strategy_compiles_and_runs_under_forbid_unsafe_code() {
    let log = RefCell::new(Vec::new());
    assert_eq!(open_coded(&log, false), Ok(1));
    assert_eq!(open_coded(&log, true), Err("recovered".into()));
    assert_eq!(frame_records(&log), 2);
    assert_eq!(heap_records(&log), 3);
    assert_eq!(with_zero(), 7);
    assert_eq!(
        *log.borrow(),
        [
            "open-coded",
            "open-coded",
            "frame",
            "heap 2",
            "heap 1",
            "heap 0"
        ]
    );
}
