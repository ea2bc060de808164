// Port of go/seed_loop_defers_4_3_2_1_0.go (seeds 001-003): five defers registered in a loop run
// 4 3 2 1 0.

#[godefer::func]
fn run_loop() {
    for i in 0..5 {
        defer!(println!("{}", i));
    }
    println!("loop registered 5 defers");
}

pub fn main() {
    run_loop();
    println!("main continues");
}
