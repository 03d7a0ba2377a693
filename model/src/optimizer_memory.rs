//! The optimizer's memory of every block's Wq, kept beside Burn's own.
//!
//! Burn keeps each parameter's optimizer state private, yet the walkthrough must show the
//! state that made the tracked entry's update (SGD's velocity, Adam's two moments): the
//! learner should be able to redo the update by hand. So the trainer repeats Burn's own
//! formulas, element for element and in the same order, on Wq's gradients, and reads the
//! tracked entry back with the rest of the report. A test checks that these numbers
//! reproduce every update Burn made, for each optimizer.

use burn::tensor::{Device, Tensor, TensorData};
use vocab::run_file::{RunFile, RunFileError};
use vocab::TrainingOptions;

use crate::report::{OptimizerState, TrackedEntry};
use vocab::{OptimizerKind, ADAM_BETAS, ADAM_EPSILON};

/// Per block, the same state Burn's optimizer holds for that block's Wq.
#[derive(Clone)]
pub(crate) enum WqMemory {
    Sgd,
    Momentum {
        momentum: f64,
        /// `None` before the first update (Burn starts the velocity at the gradient).
        velocity: Option<Vec<Tensor<2>>>,
    },
    Adam {
        /// Updates made so far.
        time: u32,
        /// `(m, v)` per block; `None` before the first update.
        moments: Option<Vec<(Tensor<2>, Tensor<2>)>>,
    },
}

/// Which numbers [`WqMemory::advance`] registered for reading, and how to name them.
#[derive(Clone, Copy, Debug)]
pub(crate) enum MemoryReading {
    Sgd,
    Momentum { momentum: f64 },
    Adam { t: u32 },
}

impl MemoryReading {
    /// Builds the state from the values read back, in the order `advance` registered them.
    pub fn read(self, mut next: impl FnMut() -> f32) -> OptimizerState {
        match self {
            MemoryReading::Sgd => OptimizerState::Sgd,
            MemoryReading::Momentum { momentum } => OptimizerState::Momentum {
                momentum,
                velocity_before: next(),
                velocity: next(),
            },
            MemoryReading::Adam { t } => OptimizerState::Adam {
                t,
                beta1: as_written(ADAM_BETAS.0),
                beta2: as_written(ADAM_BETAS.1),
                epsilon: as_written(ADAM_EPSILON),
                m_before: next(),
                m: next(),
                v_before: next(),
                v: next(),
            },
        }
    }
}

/// An `f32` constant as it is written (0.9, not 0.8999999761581421 as `as f64` gives).
fn as_written(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(value as f64)
}

impl WqMemory {
    /// Empty, as Burn's optimizer is when it is built.
    pub fn new(kind: OptimizerKind) -> Self {
        match kind {
            OptimizerKind::Sgd { momentum } if momentum > 0.0 => WqMemory::Momentum {
                momentum,
                velocity: None,
            },
            OptimizerKind::Sgd { .. } => WqMemory::Sgd,
            OptimizerKind::Adam => WqMemory::Adam {
                time: 0,
                moments: None,
            },
        }
    }

    /// Adam's update count (0 for the other optimizers).
    pub fn time(&self) -> u32 {
        match self {
            WqMemory::Adam { time, .. } => *time,
            _ => 0,
        }
    }

    /// The state's tensors by run-file name: `memory.blocks.{i}.velocity`, or `….m` and
    /// `….v`; none before the first update.
    pub fn tensors(&self) -> Vec<(String, Tensor<2>)> {
        let name = |i: usize, what: &str| format!("memory.blocks.{i}.{what}");
        match self {
            WqMemory::Sgd => Vec::new(),
            WqMemory::Momentum { velocity, .. } => velocity
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, v)| (name(i, "velocity"), v.clone()))
                .collect(),
            WqMemory::Adam { moments, .. } => moments
                .iter()
                .flatten()
                .enumerate()
                .flat_map(|(i, (m, v))| [(name(i, "m"), m.clone()), (name(i, "v"), v.clone())])
                .collect(),
        }
    }

    /// The state [`WqMemory::tensors`] wrote into `file`, for a trainer with `options`.
    /// A file without the optimizer's record has none: the memory starts empty, as Burn's
    /// optimizer then does.
    pub fn from_run_file(
        file: &RunFile,
        options: &TrainingOptions,
        device: &Device,
    ) -> Result<Self, RunFileError> {
        let mut memory = WqMemory::new(options.optimizer);
        if !file.manifest.optimizer_state {
            return Ok(memory);
        }
        let width = options.model.width;
        let read = |i: usize, what: &str| -> Result<Option<Tensor<2>>, RunFileError> {
            let name = format!("memory.blocks.{i}.{what}");
            if !file.has(&name) {
                return Ok(None);
            }
            let values = file.floats(&name, &[width, width])?.to_vec();
            Ok(Some(Tensor::from_data(
                TensorData::new(values, [width, width]),
                device,
            )))
        };
        let depth = options.model.depth;
        match &mut memory {
            WqMemory::Sgd => {}
            WqMemory::Momentum { velocity, .. } => {
                let read: Option<Vec<_>> = (0..depth)
                    .map(|i| read(i, "velocity"))
                    .collect::<Result<_, _>>()?;
                *velocity = read;
            }
            WqMemory::Adam { time, moments } => {
                *time = file.manifest.memory_time;
                let read: Option<Vec<_>> = (0..depth)
                    .map(|i| Ok(read(i, "m")?.zip(read(i, "v")?)))
                    .collect::<Result<_, RunFileError>>()?;
                *moments = read;
            }
        }
        Ok(memory)
    }

    /// Takes in this update's Wq gradient of every block, as Burn's optimizer does, and
    /// returns the tracked entry's state before and after it, to be read back.
    pub fn advance(
        &mut self,
        grads: Vec<Tensor<2>>,
        entry: TrackedEntry,
        device: &Device,
    ) -> (Vec<Tensor<1>>, MemoryReading) {
        let pick = |t: &Tensor<2>| {
            t.clone()
                .slice([entry.row..entry.row + 1, entry.col..entry.col + 1])
                .reshape([1])
        };
        let zero = || Tensor::<1>::zeros([1], device);
        match self {
            WqMemory::Sgd => (Vec::new(), MemoryReading::Sgd),
            WqMemory::Momentum { momentum, velocity } => {
                let before = velocity
                    .as_ref()
                    .map_or_else(zero, |v| pick(&v[entry.block]));
                // burn-optim's `Momentum::transform`, dampening 0, no Nesterov.
                let next: Vec<Tensor<2>> = match velocity.take() {
                    None => grads,
                    Some(old) => grads
                        .into_iter()
                        .zip(old)
                        .map(|(g, v)| g.mul_scalar(1.0).add(v.mul_scalar(*momentum)))
                        .collect(),
                };
                let after = pick(&next[entry.block]);
                *velocity = Some(next);
                (
                    vec![before, after],
                    MemoryReading::Momentum {
                        momentum: *momentum,
                    },
                )
            }
            WqMemory::Adam { time, moments } => {
                let (beta_1, beta_2) = ADAM_BETAS;
                let before = moments.as_ref().map_or_else(
                    || (zero(), zero()),
                    |m| (pick(&m[entry.block].0), pick(&m[entry.block].1)),
                );
                // burn-optim's `AdaptiveMomentum::transform`, without AMSGrad.
                let next: Vec<(Tensor<2>, Tensor<2>)> = match moments.take() {
                    None => grads
                        .into_iter()
                        .map(|g| {
                            (
                                g.clone().mul_scalar(1.0 - beta_1),
                                g.square().mul_scalar(1.0 - beta_2),
                            )
                        })
                        .collect(),
                    Some(old) => grads
                        .into_iter()
                        .zip(old)
                        .map(|(g, (m, v))| {
                            (
                                m.mul_scalar(beta_1).add(g.clone().mul_scalar(1.0 - beta_1)),
                                v.mul_scalar(beta_2)
                                    .add(g.square().mul_scalar(1.0 - beta_2)),
                            )
                        })
                        .collect(),
                };
                *time += 1;
                let after = (pick(&next[entry.block].0), pick(&next[entry.block].1));
                *moments = Some(next);
                (
                    vec![before.0, after.0, before.1, after.1],
                    MemoryReading::Adam { t: *time },
                )
            }
        }
    }
}
