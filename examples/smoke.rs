use std::cell::Cell;

#[godefer::func]
fn lifo() {
    defer!(println!("1"));
    defer!(println!("2"));
    defer!(println!("3"));
    println!("body");
}

#[godefer::func]
fn loops() {
    for i in 0..4 {
        defer!(println!("{i}"));
    }
    println!("loop done");
}

#[godefer::func]
fn increase(d: i32) -> i32 {
    defer!(|ret: &mut i32| *ret += 1);
    d + 1
}

#[godefer::func]
fn recovered(x: i32) -> Result<i32, String> {
    defer!(|ret: &mut Result<i32, String>| {
        if let Some(p) = godefer::recover() {
            *ret = Err(format!("recovered: {p}"));
        }
    });
    let v: Vec<i32> = vec![1, 2];
    let n: i32 = "5".parse::<i32>().map_err(|e| e.to_string())?;
    if x > 5 {
        return Ok(x * n);
    }
    Ok(v[x as usize])
}

#[godefer::func]
fn borrow() {
    let log = Cell::new(0);
    defer!(|| println!("log = {}", log.get()));
    log.set(1);
    if log.get() == 1 {
        defer!(println!("nested sees {}", log.get()));
    }
    log.set(2);
}

#[godefer::func(strategy = "heap")]
fn heap_lifo() -> u32 {
    let mut n = 0;
    defer!(println!("heap 1"));
    for i in 0..3 {
        defer!(println!("heap loop {}", i));
    }
    n += 1;
    n
}

#[godefer::func(strategy = "frame")]
fn frame_lifo() {
    defer!(println!("frame 1"));
    if true {
        defer!(println!("frame nested"));
    }
    defer!(println!("frame 2"));
}

fn main() {
    lifo();
    loops();
    println!("increase = {}", increase(0));
    println!("{:?} {:?} {:?}", recovered(1), recovered(3), recovered(7));
    borrow();
    println!("heap -> {}", heap_lifo());
    frame_lifo();
}
