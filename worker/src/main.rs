//! The training worker: a wasm program the page starts in a Web Worker, so that training
//! never freezes the page.
//!
//! It only carries: messages in (the learner's files read into the command), the
//! [`Session`](session::Session) decides, events out. One task drives everything, so a
//! command never runs in the middle of an update: while paused it waits for the next
//! command; while playing it runs an update, then waits for a command or for the speed
//! setting's delay, whichever comes first.

#[cfg(target_family = "wasm")]
mod storage;
#[cfg(target_family = "wasm")]
mod web;

fn main() {
    #[cfg(target_family = "wasm")]
    {
        web::run_constructors();
        web::start();
    }
}
