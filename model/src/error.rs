//! What can go wrong in the model crate: the types are the shared vocabulary's, so the page
//! can read them without linking Burn.

pub use vocab::{BackendError, ConfigError, TrainError};
