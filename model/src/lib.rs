//! The Vision Transformer that ViT Playground trains, and everything it reports.
//!
//! Data flows one way: an [`ImageSet`] gives a [`Batch`]; the [`Trainer`] runs forward
//! (with probes when asked), the loss, backward and the update, and returns a
//! [`StepReport`]. The model knows nothing of the page: the page renders what it reports.
//!
//! Burn 0.22 has no backend type parameter: the backend is a property of the [`Device`]
//! (see [`Backend`]), so one model type runs on flex, ndarray and WebGPU.
//!
//! [`Device`]: burn::tensor::Device

pub mod attention;
pub mod backend;
mod backward;
pub mod block;
pub mod error;
mod init;
pub mod inspect;
pub mod kernels;
pub mod optimizer;
mod optimizer_memory;
pub mod params;
pub mod readback;
pub mod run_file;
pub mod share;
pub mod trainer;
pub mod vit;

/// The plain-data half of the model (shapes, data sets, reports, the generator) lives in
/// `vocab`, so the page can use it without Burn; these paths keep `model::config::…` working.
pub use vocab::{config, data, report, rng};

pub use attention::{AttentionOutput, AttentionProbe, SelfAttention};
pub use backend::{default_cpu, device_async, Backend, BackendDevice};
pub use block::{EncoderBlock, Mlp};
pub use config::{Preset, VitConfig};
pub use data::{Augmentation, Batch, EpochPosition, EpochSampler, ImageSet, InMemorySet};
pub use error::{BackendError, ConfigError, TrainError};
pub use inspect::{HeadProbe, ProbeReport};
pub use params::{AttentionWeights, NamedTensor};
pub use readback::Pending;
pub use report::{
    AttentionGradients, BackwardPath, BlockGradientNorms, Evaluation, GradientNorms, HeadTarget,
    OptimizerState, StepReport, TrackedEntry, TrackedValue,
};
pub use run_file::SavedTrainer;
pub use share::{ShareGradients, ShareJob, ShareWorker};
pub use trainer::{Divergence, OptimizerKind, SharedUpdate, StepExtras, Trainer, TrainingOptions};
pub use vit::{Vit, VitInit, VitOutput, VitProbes};

/// Burn, re-exported so the page and `vitp` use exactly the model's version.
pub use burn;
