//! The optimizers, as the trainer runs them and as the page's controls name them.

use serde::{Deserialize, Serialize};

/// The momentum of the page's SGD with momentum; the page's texts quote it from here.
pub const SGD_MOMENTUM: f64 = 0.9;

/// Adam's decay rates of its two running means, β₁ and β₂ (PyTorch's defaults).
pub const ADAM_BETAS: (f32, f32) = (0.9, 0.999);

/// The ε Adam adds to the root of its second moment so that it never divides by zero.
pub const ADAM_EPSILON: f32 = 1e-8;

/// An optimizer and its settings, as the trainer builds it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OptimizerKind {
    /// `v ← μ·v + g; W ← W − lr·v` (PyTorch's SGD, no dampening); μ = 0 is plain SGD,
    /// `W ← W − lr·g`.
    Sgd { momentum: f64 },
    /// Adam with β = [`ADAM_BETAS`], ε = [`ADAM_EPSILON`] (PyTorch's defaults).
    Adam,
}

/// The optimizers on offer, as the controls name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerChoice {
    /// Plain SGD, `W_new = W_old − lr × grad`: the rule the teaching text writes.
    Sgd,
    /// SGD with momentum [`SGD_MOMENTUM`].
    Momentum,
    Adam,
}

impl OptimizerChoice {
    pub const ALL: [OptimizerChoice; 3] = [
        OptimizerChoice::Adam,
        OptimizerChoice::Momentum,
        OptimizerChoice::Sgd,
    ];

    pub fn kind(self) -> OptimizerKind {
        match self {
            OptimizerChoice::Sgd => OptimizerKind::Sgd { momentum: 0.0 },
            OptimizerChoice::Momentum => OptimizerKind::Sgd {
                momentum: SGD_MOMENTUM,
            },
            OptimizerChoice::Adam => OptimizerKind::Adam,
        }
    }

    /// The choice that builds `kind`; `None` for settings the controls do not offer (SGD
    /// with another momentum, which `vitp` can train).
    pub fn from_kind(kind: OptimizerKind) -> Option<OptimizerChoice> {
        Self::ALL.into_iter().find(|c| c.kind() == kind)
    }

    /// The name the page's `<select>` and the JSON use.
    pub fn code(self) -> &'static str {
        match self {
            OptimizerChoice::Sgd => "sgd",
            OptimizerChoice::Momentum => "momentum",
            OptimizerChoice::Adam => "adam",
        }
    }

    pub fn from_code(code: &str) -> Option<OptimizerChoice> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// A learning rate that trains well with this optimizer on the built-in faces.
    pub fn usual_learning_rate(self) -> f64 {
        match self {
            // Measured with `vitp train --preset tiny --seed 0 --optimizer sgd --momentum 0
            // --epochs 8` (104 updates): validation 6.2 % at 0.05, 18.8 % at 0.2, 12.5 % at
            // 0.5 (momentum 0.9 at 0.05: 31.2 %).
            OptimizerChoice::Sgd => 0.2,
            OptimizerChoice::Momentum => 0.05,
            OptimizerChoice::Adam => 0.001,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_is_named_by_its_code() {
        for choice in OptimizerChoice::ALL {
            assert_eq!(OptimizerChoice::from_code(choice.code()), Some(choice));
            let json = serde_json::to_string(&choice).unwrap();
            assert_eq!(json, format!("\"{}\"", choice.code()));
        }
        assert_eq!(OptimizerChoice::from_code("rmsprop"), None);
    }
}
