//! The ViT Playground page.
//!
//! Two wasm programs share this crate: the page (`src/main.rs`, [`ui`]) on the browser's main
//! thread, and the training worker (`src/worker_main.rs`, [`worker`]) in a Web Worker, so
//! that training never freezes the page. They talk through [`protocol`]; the worker's
//! logic is [`session`], which is plain Rust and tested natively.

pub mod i18n;
pub mod protocol;
pub mod qk;
pub mod session;

#[cfg(target_family = "wasm")]
pub mod ui;
#[cfg(target_family = "wasm")]
mod wire;
#[cfg(target_family = "wasm")]
pub mod worker;
