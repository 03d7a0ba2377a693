//! What one update reports: the numbers the page shows, read back in one go.

use serde::{Deserialize, Serialize};

use crate::data::EpochPosition;

/// L2 norms of the gradient of one block's weight matrices (biases left out).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlockGradientNorms {
    pub wq: f32,
    pub wk: f32,
    pub wv: f32,
    pub wo: f32,
    pub mlp_fc1: f32,
    pub mlp_fc2: f32,
}

/// L2 norms of the gradient of every weight matrix in the model, for one update.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradientNorms {
    pub blocks: Vec<BlockGradientNorms>,
    pub patch_embed: f32,
    pub cls_token: f32,
    pub pos_embed: f32,
    pub head: f32,
}

impl GradientNorms {
    /// False when any gradient norm is NaN or infinite.
    pub fn all_finite(&self) -> bool {
        let blocks = self.blocks.iter().all(|b| {
            [b.wq, b.wk, b.wv, b.wo, b.mlp_fc1, b.mlp_fc2]
                .iter()
                .all(|n| n.is_finite())
        });
        blocks
            && [self.patch_embed, self.cls_token, self.pos_embed, self.head]
                .iter()
                .all(|n| n.is_finite())
    }
}

/// Full gradients of one block's attention weights, `[width, width]` row-major each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttentionGradients {
    pub wq: Vec<f32>,
    pub wk: Vec<f32>,
    pub wv: Vec<f32>,
    pub wo: Vec<f32>,
}

/// Which entry of which block's Wq the step report follows through each update.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedEntry {
    pub block: usize,
    pub row: usize,
    pub col: usize,
}

/// The tracked Wq entry across one update: `after` is what the optimizer made of
/// `before` and `gradient` (for plain SGD, `before − lr × gradient`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackedValue {
    pub entry: TrackedEntry,
    pub before: f32,
    pub gradient: f32,
    pub after: f32,
}

/// Everything one update computed that the page or a replay needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// Updates done so far, this one included.
    pub step: u64,
    pub position: EpochPosition,
    /// Images in this batch (the last of an epoch may be smaller than the batch size).
    pub batch_size: usize,
    pub learning_rate: f64,
    /// Mean cross-entropy over the batch, `mean(−log p_true)`.
    pub loss: f32,
    /// Share of the batch whose most probable identity is the true one.
    pub accuracy: f32,
    /// Data-set index of each image in the batch.
    pub indices: Vec<usize>,
    pub labels: Vec<usize>,
    /// Probability the model gave the true identity, per image, before the update.
    pub true_class_probability: Vec<f32>,
    /// The most probable identity per image, and its probability.
    pub predicted: Vec<usize>,
    pub predicted_probability: Vec<f32>,
    pub gradient_norms: GradientNorms,
    pub tracked: TrackedValue,
    /// Present when asked for (the replay dump): the full Wq, Wk, Wv, Wo gradients per block.
    pub attention_gradients: Option<Vec<AttentionGradients>>,
}

impl StepReport {
    /// A loss or a gradient that is NaN or infinite: the weights blew up.
    pub fn diverged(&self) -> bool {
        !self.loss.is_finite() || !self.gradient_norms.all_finite()
    }
}

/// Loss and accuracy over a whole data set (the validation images), without updating.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub loss: f32,
    pub accuracy: f32,
    pub images: usize,
}
