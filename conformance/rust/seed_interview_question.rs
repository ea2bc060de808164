// Port of go/seed_interview_question.go (seed 001): the interview question. Three deferred
// prints, then a panic that nobody recovers: the three lines print first (LIFO), then the panic
// report.

#[godefer::func]
fn defer_call() {
    defer!(|| println!("before"));
    defer!(|| println!("middle"));
    defer!(|| println!("after"));
    panic!("trigger");
}

pub fn main() {
    defer_call();
    println!("not reached");
}
