//! The page: a wasm program on the browser's main thread (the training runs in the worker).

fn main() {
    app::ui::start();
}
