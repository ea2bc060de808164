// Port of go/seed_receiver_value_prints_0.go (seeds 001, 003): a value receiver is copied at the
// defer statement: prints 0.
// Port choices: `Test` is `Copy` and `print` takes `self`: the receiver is copied at the
// `defer!`.

#[derive(Clone, Copy, Default)]
struct Test {
    value: i64,
}

impl Test {
    fn print(self) {
        println!("value receiver sees {}", self.value);
    }
}

#[godefer::func]
pub fn main() {
    let mut test = Test::default();
    defer!(test.print());
    test.value += 1;
    println!("main set value to {}", test.value);
}
