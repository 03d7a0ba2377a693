//! The optimizers, as the trainer runs them and as the page's controls name them.

use serde::{Deserialize, Serialize};

/// The momentum of the page's SGD; the page's texts quote it from here.
pub const SGD_MOMENTUM: f64 = 0.9;

/// An optimizer and its settings, as the trainer builds it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OptimizerKind {
    /// `v ← μ·v + g; W ← W − lr·v` (PyTorch's SGD, no dampening).
    Sgd { momentum: f64 },
    /// Adam with β = (0.9, 0.999), ε = 1e-8 (PyTorch's defaults).
    Adam,
}

/// The optimizers on offer, as the controls name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerChoice {
    /// SGD with momentum [`SGD_MOMENTUM`].
    Sgd,
    Adam,
}

impl OptimizerChoice {
    pub fn kind(self) -> OptimizerKind {
        match self {
            OptimizerChoice::Sgd => OptimizerKind::Sgd {
                momentum: SGD_MOMENTUM,
            },
            OptimizerChoice::Adam => OptimizerKind::Adam,
        }
    }

    /// A learning rate that trains well with this optimizer on the built-in faces.
    pub fn usual_learning_rate(self) -> f64 {
        match self {
            OptimizerChoice::Sgd => 0.05,
            OptimizerChoice::Adam => 0.001,
        }
    }
}
