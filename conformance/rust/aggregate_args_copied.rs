// Port of go/aggregate_args_copied.go (item 13): a [1000]int array and a struct given as
// arguments to a deferred function literal are copied at the defer statement; a deferred
// closure sees the later changes.
// Port choices: Go's `defer func(a [1000]int, p Point){...}(big, p)` is a deferred call of a
// closure with parameters, its arguments evaluated at the `defer!` (the array copied, the struct
// cloned); the variables the other closure reads at exit are `RefCell`s, since Go's closure
// shares them with the body that changes them.

use std::cell::RefCell;

#[derive(Clone)]
struct Point {
    x: i64,
    y: i64,
    name: String,
}

fn sum_array(a: &[i64; 1000]) -> i64 {
    a.iter().sum()
}

#[godefer::func]
fn f() {
    let big = RefCell::new([0_i64; 1000]);
    for (i, v) in big.borrow_mut().iter_mut().enumerate() {
        *v = i as i64;
    }
    let p = RefCell::new(Point {
        x: 1,
        y: 2,
        name: "start".to_string(),
    });
    defer!((|a: [i64; 1000], p: Point| {
        println!(
            "deferred array sum {} first {} last {}",
            sum_array(&a),
            a[0],
            a[999]
        );
        println!("deferred point {} {} {}", p.x, p.y, p.name);
    })(*big.borrow(), p.borrow().clone()));
    defer!(|| {
        let big = big.borrow();
        println!(
            "closure array sum {} first {} last {}",
            sum_array(&big),
            big[0],
            big[999]
        );
        let p = p.borrow();
        println!("closure point {} {} {}", p.x, p.y, p.name);
    });
    big.borrow_mut().fill(1);
    {
        let mut p = p.borrow_mut();
        p.x = 10;
        p.y = 20;
        p.name = "changed".to_string();
    }
    println!("modified after defer");
}

pub fn main() {
    f();
}
