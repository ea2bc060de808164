// Port of go/seed_closure_param_4_to_0.go (seed 001): passing i as an argument evaluates it at
// the defer statement: the deferred literals print 4 3 2 1 0.
// Port choices: the literal with a parameter, `defer func(idx int){...}(i)`, is a deferred call
// of a closure with a parameter.

#[godefer::func]
fn run() {
    for i in 0..5 {
        defer!((|idx: i64| println!("{idx}"))(i));
    }
    println!("registered");
}

pub fn main() {
    run();
}
