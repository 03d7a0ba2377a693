//! The words every part of ViT Playground speaks, and nothing that computes with tensors.
//!
//! The page, the training worker, `vitp` and the `model` and `faces` crates all use these
//! types, so the page program can read what the worker reports without linking Burn:
//!
//! - [`config`], [`shape`]: a model's shape ([`VitConfig`]), the named [`Preset`]s and what
//!   the learner may change ([`ModelShape`]) with its cost, as data;
//! - [`data`]: what the trainer needs of a data set ([`ImageSet`]), batches and epochs;
//! - [`report`]: what one update reports ([`StepReport`]);
//! - [`optimizer`], [`backend`]: the choices a run is made of;
//! - [`error`], [`faces`]: what can go wrong, as types the page words for the learner;
//! - [`protocol`]: the [`Command`]s the page sends the worker and the [`Event`]s it answers,
//!   and [`codec`], [`packed`]: the bytes they travel as;
//! - [`run_file`], [`shelf`]: a run as one file, and the recent runs the browser keeps;
//! - [`rng`]: the seeded generator behind initial weights, batch order and synthetic faces.

pub mod backend;
pub mod codec;
pub mod config;
pub mod data;
pub mod error;
pub mod faces;
pub mod float_text;
pub mod history;
pub mod optimizer;
pub mod packed;
pub mod protocol;
pub mod report;
pub mod rng;
pub mod run_file;
pub mod shape;
pub mod shelf;
pub mod training;
#[cfg(feature = "wire")]
pub mod wire;

pub use backend::Backend;
pub use config::{Preset, VitConfig};
pub use data::{Augmentation, Batch, EpochPosition, EpochSampler, ImageSet, InMemorySet};
pub use error::{BackendError, ConfigError, TrainError};
pub use faces::{ImportError, PackError, SkipReason, Skipped, SourceFile};
pub use optimizer::{OptimizerChoice, OptimizerKind, ADAM_BETAS, ADAM_EPSILON, SGD_MOMENTUM};
pub use protocol::{Command, Event};
pub use report::{
    AttentionGradients, BackwardPath, BlockGradientNorms, Evaluation, GradientNorms, HeadTarget,
    OptimizerState, StepReport, TrackedEntry, TrackedValue,
};
pub use rng::SeededRng;
pub use shape::{ModelShape, ShapeCost, MAX_PAGE_IMAGE_SIZE, WASM_MEMORY_LIMIT_BYTES};
pub use training::TrainingOptions;
