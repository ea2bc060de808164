// Port of go/goroutine_recover_nil_in_other_goroutine.go (item 33): while main is panicking and
// inside its deferred call, a goroutine started there sees no panic: its recover returns nil;
// its own panic is its own. Main then recovers its own value.
// Port choices: the goroutine is a `std::thread::scope` thread; the scope's join is the
// `sync.WaitGroup` (so `defer wg.Done()` has no counterpart); `*[2]string` is
// `&mut [String; 2]`; function literals called at once are closures called at once.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn probe(out: &mut [String; 2]) {
    (|| {
        defer!(|| {
            out[0] = format!(
                "goroutine recover on normal return: {}",
                show(godefer::recover())
            )
        });
    })();
    (|| {
        defer!(|| {
            out[1] = format!("goroutine recovered its own: {}", show(godefer::recover()))
        });
        panic!("goroutine value");
    })();
}

#[godefer::func]
fn run() {
    defer!(|| {
        let mut out: [String; 2] = Default::default();
        std::thread::scope(|s| {
            s.spawn(|| probe(&mut out));
        });
        println!("{}", out[0]);
        println!("{}", out[1]);
        println!("main recovered: {}", show(godefer::recover()));
    });
    panic!("main value");
}

pub fn main() {
    run();
    println!("main continues");
}
