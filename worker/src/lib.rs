//! The training worker: a wasm program the page starts in a Web Worker, so that training
//! never freezes the page.
//!
//! It only carries: messages in (the learner's files read into the command), the
//! [`Session`](session::Session) decides, events out. One task drives everything, so a
//! command never runs in the middle of an update: while paused it waits for the next
//! command; while playing it runs an update, then waits for a command or for the speed
//! setting's delay, whichever comes first.
//!
//! The same program runs the training worker's helpers (see `helper`): started by the
//! training worker under another name, each computes one share of an update's batch at a
//! time, so that one run uses several cores (`pool` starts them and hands out the shares).
//!
//! It is built twice (see the two programs in `src/bin`): `worker`, on the CPU only, and
//! `worker_gpu`, with WebGPU (the `wgpu` feature: burn-wgpu and its shader compiler, about
//! three quarters of the code). The page loads the second only for WebGPU, so a learner
//! training on the CPU downloads about a third of it and compiles about a quarter; helpers
//! are always the first.

#[cfg(target_family = "wasm")]
mod helper;
#[cfg(target_family = "wasm")]
mod pool;
#[cfg(target_family = "wasm")]
mod storage;
#[cfg(target_family = "wasm")]
mod web;

/// The program's entry point: the training worker, or one of its helpers.
pub fn main() {
    #[cfg(target_family = "wasm")]
    {
        web::run_constructors();
        if helper::is_helper() {
            helper::start();
        } else {
            web::start();
        }
    }
}
