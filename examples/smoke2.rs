#[godefer::func]
fn chain() {
    defer!(|| panic!("third"));
    defer!(|| panic!("second"));
    panic!("first");
}

#[godefer::func]
fn repanic() {
    defer!(|| {
        if let Some(p) = godefer::recover() {
            panic!("{} again", p);
        }
    });
    panic!("first panic");
}

#[godefer::func]
fn helper_recover() -> Option<String> {
    godefer::recover().map(|p| p.to_string())
}

#[godefer::func]
fn direct_vs_helper() {
    defer!(|| println!("direct {:?}", godefer::recover().map(|p| p.to_string())));
    defer!(|| println!("via helper {:?}", helper_recover()));
    panic!("P");
}

#[godefer::func]
fn handler() {
    println!(
        "handler got {:?}",
        godefer::recover().map(|p| p.to_string())
    );
}

#[godefer::func]
fn defer_handler() {
    defer!(handler());
    panic!("H");
}

#[godefer::func]
fn nested_recovery() {
    defer!(|| println!("outer recovered: {}", godefer::recover().unwrap()));
    defer!(|| {
        defer!(|| println!("inner recovered: {}", godefer::recover().unwrap()));
        panic!("2");
    });
    panic!("1");
}

#[godefer::func]
fn deferred_panic_normal() -> i32 {
    defer!(|ret: &mut i32| {
        if godefer::recover().is_some() {
            *ret = -1;
        }
    });
    defer!(|| panic!("late"));
    5
}

#[godefer::func]
fn interview() {
    defer!(println!("before"));
    defer!(println!("middle"));
    defer!(println!("after"));
    panic!("trigger");
}

fn main() {
    direct_vs_helper();
    defer_handler();
    nested_recovery();
    println!("deferred_panic_normal = {}", deferred_panic_normal());
    let r = std::panic::catch_unwind(chain);
    println!(
        "chain caught: {:?}",
        r.err()
            .and_then(|e| e.downcast_ref::<&str>().map(|s| s.to_string()))
    );
    let r = std::panic::catch_unwind(repanic);
    println!(
        "repanic caught: {:?}",
        r.err().and_then(|e| e.downcast_ref::<String>().cloned())
    );
    interview();
}
