// A `return` or `?` in the arguments of a macro that puts them in a closure must not become an
// exit of the `#[godefer::func]` function (it would store the result from wherever the closure
// is called): it is a compile error at the user's token.
use godefer::__private::as_frame as godefer;

macro_rules! later {
    ($e:expr) => {
        || {
            let _ = $e;
        }
    };
}

#[godefer::func]
fn replace_later(v: Option<u32>) -> Option<u32> {
    let replace = later!(return None);
    let again = later!(v?);
    defer!(|ret: &mut Option<u32>| {
        replace();
        again();
        let _ = ret;
    });
    v
}

fn main() {
    let _ = replace_later(Some(1));
}
