//! What can go wrong building or training a model, as types the page and `vitp` can match
//! on. They cross the worker boundary as data; the page words them in the learner's language.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::backend::Backend;

/// A [`VitConfig`](crate::VitConfig) that cannot be built.
#[derive(Debug, Error, Clone, PartialEq, Serialize, Deserialize)]
pub enum ConfigError {
    #[error("`{field}` must be at least 1")]
    ZeroSize { field: String },
    #[error("the image side ({image_size}) is not a multiple of the patch side ({patch_size})")]
    PatchDoesNotDivideImage {
        image_size: usize,
        patch_size: usize,
    },
    #[error("the width ({width}) is not a multiple of the number of heads ({heads})")]
    HeadsDoNotDivideWidth { width: usize, heads: usize },
    #[error("the LayerNorm epsilon must be a positive finite number, not {0}")]
    BadLayerNormEpsilon(f64),
    #[error("the page trains on images of at most {largest}×{largest} pixels, not {image_size}×{image_size}")]
    ImageTooLarge { image_size: usize, largest: usize },
    #[error(
        "one update would need about {:.1} GB of memory, more than the {:.1} GB the page's WebAssembly can address",
        *.estimated_bytes as f64 / 1e9,
        *.limit_bytes as f64 / 1e9
    )]
    TooLargeForPage {
        estimated_bytes: u64,
        limit_bytes: u64,
    },
    #[error("unknown preset `{0}` (expected tiny, small or vit-s14)")]
    UnknownPreset(String),
}

/// Why a training update could not run or be read back.
#[derive(Debug, Error, Clone, PartialEq, Serialize, Deserialize)]
pub enum TrainError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("the data set is empty")]
    EmptyDataset,
    #[error("the data set gives {got} pixels per image, the model expects {expected}")]
    ImageShapeMismatch { expected: usize, got: usize },
    #[error("label {label} is out of range for a model with {classes} classes")]
    LabelOutOfRange { label: usize, classes: usize },
    #[error("batch size must be at least 1")]
    ZeroBatch,
    #[error("the learning rate must be a positive finite number, not {0}")]
    BadLearningRate(f64),
    #[error("the tracked Wq entry (block {block}, row {row}, column {col}) is outside the model")]
    TrackedEntryOutOfRange {
        block: usize,
        row: usize,
        col: usize,
    },
    #[error(
        "update {step} diverged (loss is {loss}); roll back to the last good update before stepping on"
    )]
    Diverged {
        step: u64,
        /// NaN or infinite: written as text, since JSON has neither.
        #[serde(with = "crate::float_text")]
        loss: f32,
    },
    #[error("no earlier update to go back to")]
    NothingToRollBack,
    #[error("reading results back from the device failed: {0}")]
    Readback(String),
    /// Weights or gradients sent between the workers that share an update do not match
    /// the model (a helper built another shape).
    #[error("a share of the update does not fit the model: {got} numbers for {expected}")]
    ShareDoesNotFit { got: usize, expected: usize },
    /// Fewer shares of an update came back than were sent out.
    #[error("{got} of the update's {expected} shares came back")]
    SharesMissing { got: usize, expected: usize },
}

/// A backend that could not be started.
#[derive(Debug, Error, Clone, PartialEq, Serialize, Deserialize)]
pub enum BackendError {
    #[error("backend `{0}` is not compiled into this build")]
    NotCompiled(Backend),
    #[error("unknown backend `{0}` (expected flex, ndarray or wgpu)")]
    Unknown(String),
    /// The browser or the system offers no graphics adapter at all (the usual case for
    /// WebGPU in a browser that lacks it): the message says so without the driver's details.
    #[error("no graphics adapter is available")]
    NoGpuAdapter,
    #[error("the GPU could not be started: {0}")]
    GpuUnavailable(String),
}
