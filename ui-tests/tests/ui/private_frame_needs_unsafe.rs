// `__private` is the lowering's, not an API: a frame (and with it every helper that links the
// frame or its records into the thread's lists) can only be made with `unsafe`, under the
// contract of `Frame::new`. Here, forgetting a frame after it linked itself would have left the
// thread's list pointing into a dead stack frame.
use godefer::__private::{Frame, NoZero, OptSlot};

fn main() {
    let frame = Frame::<u32, _, OptSlot<u32>>::new(NoZero::new());
    frame.start();
    frame.nest(|| panic!("registers the frame"));
    std::mem::forget(frame);
}
