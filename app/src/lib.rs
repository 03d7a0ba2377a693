//! The ViT Playground page.
//!
//! Two wasm programs share this crate: the page (`src/main.rs`, [`ui`]) on the browser's main
//! thread, and the training worker (`src/worker_main.rs`, [`worker`]) in a Web Worker, so
//! that training never freezes the page. They talk through [`protocol`]; the worker's
//! logic is [`session`], which is plain Rust and tested natively.

pub mod i18n;
pub mod lessons;
pub mod protocol;
pub mod qk;
pub mod session;

#[cfg(target_family = "wasm")]
pub mod ui;
#[cfg(target_family = "wasm")]
mod wire;
#[cfg(target_family = "wasm")]
pub mod worker;

/// Runs the static constructors of the program (burn's GPU stack registers its compiler passes
/// with `inventory`), once, at start.
///
/// Without an explicit call, the wasm linker treats each program as a "command" and runs every
/// constructor again at the top of every function the program exports: every event handler,
/// animation frame and message from the worker then re-walked thousands of registrations,
/// which cost the page more than half of its redraw time. Calling it here, from `main`, makes
/// the linker drop those wrappers (see the `inventory` crate's notes on WebAssembly).
#[cfg(target_family = "wasm")]
pub fn run_constructors() {
    unsafe extern "C" {
        fn __wasm_call_ctors();
    }
    // SAFETY: called once, first thing in `main`, before any code that reads what the
    // constructors register; `inventory`'s constructors are idempotent besides.
    unsafe { __wasm_call_ctors() }
}
