//! What one update reports: the numbers the page shows, read back in one go.

use serde::{Deserialize, Serialize};

use crate::data::{EpochPosition, ImageShift};

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
/// `before`, `gradient` and what it remembered (`optimizer`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackedValue {
    pub entry: TrackedEntry,
    pub before: f32,
    pub gradient: f32,
    pub after: f32,
    /// The optimizer that made this update, with its memory for this entry.
    pub optimizer: OptimizerState,
}

/// The optimizer that made one update, and what it remembered for the tracked entry:
/// enough to redo the update by hand, `after = before + change(lr, gradient)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OptimizerState {
    /// Plain SGD remembers nothing: `after = before − lr·gradient`.
    Sgd,
    /// SGD with momentum μ: `v ← μ·v + gradient` (the first update starts from
    /// `v = gradient`), then `after = before − lr·v`.
    Momentum {
        momentum: f64,
        velocity_before: f32,
        velocity: f32,
    },
    /// Adam's `t`-th update: `m ← β₁·m + (1 − β₁)·g`, `v ← β₂·v + (1 − β₂)·g²`, both
    /// starting from 0; `m̂ = m / (1 − β₁ᵗ)`, `v̂ = v / (1 − β₂ᵗ)`; then
    /// `after = before − lr·m̂ / (√v̂ + ε)`.
    Adam {
        t: u32,
        beta1: f64,
        beta2: f64,
        epsilon: f64,
        m_before: f32,
        m: f32,
        v_before: f32,
        v: f32,
    },
}

impl OptimizerState {
    /// Adam's bias-corrected moments `(m̂, v̂)`; `None` for SGD.
    pub fn adam_corrected(&self) -> Option<(f64, f64)> {
        match *self {
            OptimizerState::Adam {
                t,
                beta1,
                beta2,
                m,
                v,
                ..
            } => {
                let t = t as i32;
                Some((
                    m as f64 / (1.0 - beta1.powi(t)),
                    v as f64 / (1.0 - beta2.powi(t)),
                ))
            }
            _ => None,
        }
    }

    /// What the rule adds to the entry at learning rate `lr`: `−lr·g`, `−lr·v` or
    /// `−lr·m̂ / (√v̂ + ε)`.
    pub fn change(&self, lr: f64, gradient: f32) -> f64 {
        match *self {
            OptimizerState::Sgd => -lr * gradient as f64,
            OptimizerState::Momentum { velocity, .. } => -lr * velocity as f64,
            OptimizerState::Adam { epsilon, .. } => {
                let (m_hat, v_hat) = self.adam_corrected().expect("Adam has moments");
                -lr * m_hat / (v_hat.sqrt() + epsilon)
            }
        }
    }
}

/// Which head's backward pass a step report should carry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadTarget {
    pub block: usize,
    pub head: usize,
}

/// One head's backward pass through attention, for the first image of an update's batch,
/// with that update's numbers: why dWq, dWk and dWv differ (the teaching text's question
/// 2). Row-major matrices; `T` tokens (CLS first), `d` = `head_dim`. The loss is the
/// batch's mean, so each gradient here is this image's share of the update's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackwardPath {
    pub target: HeadTarget,
    /// The image's index in the data set.
    pub image: usize,
    pub tokens: usize,
    pub head_dim: usize,
    pub width: usize,
    /// The block's input after its LayerNorm, `[T, width]`: what Wq, Wk and Wv multiply.
    #[serde(with = "crate::packed")]
    pub x: Vec<f32>,
    /// `[T, d]` each.
    #[serde(with = "crate::packed")]
    pub q: Vec<f32>,
    #[serde(with = "crate::packed")]
    pub k: Vec<f32>,
    #[serde(with = "crate::packed")]
    pub v: Vec<f32>,
    /// `A = softmax(Q·Kᵀ/√d)`, `[T, T]`.
    #[serde(with = "crate::packed")]
    pub attention: Vec<f32>,
    /// `dL/dO`, the loss's gradient for this head's output `O = A·V`, `[T, d]`.
    #[serde(with = "crate::packed")]
    pub d_output: Vec<f32>,
    /// `dL/dV = Aᵀ·dO`: reaches Wv without passing through softmax.
    #[serde(with = "crate::packed")]
    pub d_values: Vec<f32>,
    /// `dL/dA = dO·Vᵀ`, `[T, T]`.
    #[serde(with = "crate::packed")]
    pub d_attention: Vec<f32>,
    /// Through softmax's Jacobian: `dL/dS = A ⊙ (dL/dA − rowsum(dL/dA ⊙ A))`, `[T, T]`
    /// (S the scaled scores).
    #[serde(with = "crate::packed")]
    pub d_scores: Vec<f32>,
    /// `dL/dQ = dL/dS·K/√d`: depends on K.
    #[serde(with = "crate::packed")]
    pub d_queries: Vec<f32>,
    /// `dL/dK = dL/dSᵀ·Q/√d`: depends on Q.
    #[serde(with = "crate::packed")]
    pub d_keys: Vec<f32>,
}

impl BackwardPath {
    /// This image's share of the head's columns of dWq, dWk and dWv: `Xᵀ·dQ`, `Xᵀ·dK`,
    /// `Xᵀ·dV`, `[width, d]` each (summed over the batch's images, they are the update's).
    pub fn weight_gradients(&self) -> [Vec<f32>; 3] {
        let (t, d, w) = (self.tokens, self.head_dim, self.width);
        let project = |grad: &[f32]| {
            let mut out = vec![0.0f32; w * d];
            for token in 0..t {
                for i in 0..w {
                    let x = self.x[token * w + i];
                    for j in 0..d {
                        out[i * d + j] += x * grad[token * d + j];
                    }
                }
            }
            out
        };
        [
            project(&self.d_queries),
            project(&self.d_keys),
            project(&self.d_values),
        ]
    }
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
    /// Present when asked for (a single Step in the page): one head's backward pass.
    #[serde(default)]
    pub backward: Option<Box<BackwardPath>>,
    /// What each image of the batch went through before the model saw it (in batch order;
    /// empty when augmentation is off).
    #[serde(default)]
    pub augmented: Vec<ImageShift>,
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
