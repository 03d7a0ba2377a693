//! How a run trains, as data: what the trainer is built from, and what a run file keeps.

use serde::{Deserialize, Serialize};

use crate::config::VitConfig;
use crate::data::Augmentation;
use crate::error::TrainError;
use crate::optimizer::OptimizerKind;
use crate::report::TrackedEntry;

/// How to train: the model's shape and seed, the optimizer, and the batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingOptions {
    pub model: VitConfig,
    pub optimizer: OptimizerKind,
    pub learning_rate: f64,
    pub batch_size: usize,
    /// The Wq entry each step report follows.
    pub tracked: TrackedEntry,
    /// Random shifts and mirrors of the training images (off unless asked for).
    #[serde(default)]
    pub augmentation: Augmentation,
}

impl TrainingOptions {
    /// Adam at 1e-3, batch 32, tracking Wq[0, 0] of block 0.
    pub fn new(model: VitConfig) -> Self {
        Self {
            model,
            optimizer: OptimizerKind::Adam,
            learning_rate: 1e-3,
            batch_size: 32,
            tracked: TrackedEntry::default(),
            augmentation: Augmentation::default(),
        }
    }

    /// Whether a trainer can be built with these options.
    pub fn validate(&self) -> Result<(), TrainError> {
        self.model.validate()?;
        check_learning_rate(self.learning_rate)?;
        if self.batch_size == 0 {
            return Err(TrainError::ZeroBatch);
        }
        check_tracked(&self.model, self.tracked)
    }
}

/// A learning rate the trainer accepts: positive and finite.
pub fn check_learning_rate(lr: f64) -> Result<(), TrainError> {
    if lr.is_finite() && lr > 0.0 {
        Ok(())
    } else {
        Err(TrainError::BadLearningRate(lr))
    }
}

/// A tracked Wq entry inside the model.
pub fn check_tracked(model: &VitConfig, entry: TrackedEntry) -> Result<(), TrainError> {
    if entry.block < model.depth && entry.row < model.width && entry.col < model.width {
        Ok(())
    } else {
        Err(TrainError::TrackedEntryOutOfRange {
            block: entry.block,
            row: entry.row,
            col: entry.col,
        })
    }
}
