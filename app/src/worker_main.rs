//! The training worker: a separate wasm program started by the page in a Web Worker.

fn main() {
    #[cfg(target_family = "wasm")]
    {
        app::run_constructors();
        app::worker::start();
    }
}
