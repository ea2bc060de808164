// Port of go/runtime_nil_pointer_recovered.go (item 32): dereferencing a nil pointer is a
// runtime panic that can be recovered (Rust's counterpart: unwrap on None).
// Port choices: the nil-able `*Node` link is `Option<Box<Node>>`, followed with `unwrap`; the
// named result `v` is the return value, received by the deferred closure as `&mut`.

struct Node {
    val: i64,
    next: Option<Box<Node>>,
}

#[godefer::func]
fn second(n: &Node) -> i64 {
    defer!(|v: &mut i64| {
        let r = godefer::recover();
        if r.is_some() {
            println!("recovered a runtime error: {}", r.is_some());
            *v = -1;
        }
    });
    n.next.as_ref().unwrap().val
}

pub fn main() {
    let list = Node {
        val: 1,
        next: Some(Box::new(Node { val: 2, next: None })),
    };
    println!("{}", second(&list));
    println!("{}", second(list.next.as_ref().unwrap()));
    let _ = list.val;
}
