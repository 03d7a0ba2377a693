//! The page: a wasm program on the browser's main thread (the training runs in the worker).

fn main() {
    #[cfg(target_family = "wasm")]
    {
        app::run_constructors();
        app::ui::start();
    }
}
