// Port of go/recover_into_error_result.go (item 16): the usual Go idiom: recover inside a
// deferred closure and turn the panic into the function's error result.
// Port choices: Go's `error` is `Option<Error>` (nil = `None`) with
// `Error = Box<dyn std::error::Error>`; the named results `(q int, err error)` are the returned
// tuple, received by the deferred closure as `&mut`; `r.(string)` is `downcast_ref::<&str>`.

type Error = Box<dyn std::error::Error>;

fn show(err: &Option<Error>) -> String {
    err.as_ref()
        .map_or_else(|| "<nil>".to_string(), |e| e.to_string())
}

#[godefer::func]
fn safe_div(a: i64, b: i64) -> (i64, Option<Error>) {
    defer!(|ret: &mut (i64, Option<Error>)| {
        if let Some(r) = godefer::recover() {
            ret.1 = Some(format!("recovered: {r}").into());
        }
    });
    if b == 0 {
        panic!("division by zero");
    }
    (a / b, None)
}

#[godefer::func]
fn may_fail(fail: bool) -> Option<Error> {
    defer!(|err: &mut Option<Error>| {
        if let Some(r) = godefer::recover() {
            *err = Some(format!("failed with {}", r.downcast_ref::<&str>().unwrap()).into());
        }
    });
    if fail {
        panic!("bad input");
    }
    None
}

pub fn main() {
    let (q, err) = safe_div(10, 2);
    println!("{q} {}", show(&err));
    let (q, err) = safe_div(1, 0);
    println!("{q} {}", show(&err));
    println!("{}", show(&may_fail(false)));
    println!("{}", show(&may_fail(true)));
}
