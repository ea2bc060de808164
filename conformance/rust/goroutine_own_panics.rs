// Port of go/goroutine_own_panics.go (item 33): each goroutine has its own panics: every worker
// panics with its own value and recovers exactly that value.
// Port choices: goroutines are `std::thread::scope` threads; the scope's join is the
// `sync.WaitGroup` (so `defer wg.Done()` has no counterpart); `*string` is `&mut String`.

fn show(p: Option<godefer::Panic>) -> String {
    p.map_or_else(|| "<nil>".to_string(), |p| p.to_string())
}

#[godefer::func]
fn worker(id: i64, out: &mut String) {
    defer!(|| *out = format!("worker {id} recovered: {}", show(godefer::recover())));
    if id % 2 == 0 {
        panic!("panic of worker {id}");
    }
}

pub fn main() {
    const N: usize = 6;
    let mut results = vec![String::new(); N];
    std::thread::scope(|s| {
        for (id, out) in results.iter_mut().enumerate() {
            s.spawn(move || worker(id as i64, out));
        }
    });
    for r in &results {
        println!("{r}");
    }
    println!("main recover: {}", show(godefer::recover()));
}
