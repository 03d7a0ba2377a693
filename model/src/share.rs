//! One update's batch shared between workers (data parallelism).
//!
//! The page's CPU backend runs on one core per Web Worker, and a learner's laptop has
//! several. So one update can be split: the training worker keeps the model, its optimizer
//! and the first share of the batch; each helper worker receives the current weights and
//! another share, and sends back that share's gradients. The loss of a share is the sum of
//! its images' losses divided by the **whole** batch's size, so the gradients of the shares
//! add up to the gradient of the batch's mean loss: the same update as one worker makes,
//! to float rounding (the sums are taken in another order). The training worker adds them,
//! in share order, and makes the one update; helpers keep no state but a model to fill.
//!
//! Weights and gradients travel flat, every parameter in the module's order (the order of
//! Burn's [`ModuleVisitor`]), so both ends agree on the layout without naming anything.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Int, Tensor, TensorData, Transaction};
use serde::{Deserialize, Serialize};

use crate::config::VitConfig;
use crate::error::TrainError;
use crate::readback::{floats, indices};
use crate::vit::{Vit, VitInit};

/// What a helper needs for its share, besides the weights (which travel beside it as
/// bytes, see [`vocab::packed::to_le_bytes`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShareJob {
    /// The model's shape: the helper builds a model of it once, then fills it each update.
    pub config: VitConfig,
    /// The whole batch's size: every share's loss is divided by it.
    pub batch_size: usize,
    /// The share's images, `[n, C, H, W]` row-major, as the training worker augmented them.
    pub images: Vec<f32>,
    pub labels: Vec<usize>,
}

/// A share's gradients and what its forward pass said of each image.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ShareGradients {
    /// ∂(share loss)/∂θ, every parameter flat, in module order (travels as bytes).
    #[serde(skip)]
    pub gradients: Vec<f32>,
    /// log p(true person), per image.
    pub true_log_prob: Vec<f32>,
    pub predicted: Vec<usize>,
    pub predicted_probability: Vec<f32>,
}

/// The batch's `[start, end)` ranges when split in `parts` shares as even as can be; the
/// first shares take the remainder. Never an empty share: at most one per image.
pub fn share_ranges(batch: usize, parts: usize) -> Vec<std::ops::Range<usize>> {
    let parts = parts.clamp(1, batch.max(1));
    let (base, extra) = (batch / parts, batch % parts);
    let mut start = 0;
    (0..parts)
        .map(|i| {
            let len = base + usize::from(i < extra);
            let range = start..start + len;
            start += len;
            range
        })
        .collect()
}

/// How many numbers the model's parameters hold in all.
fn parameter_len(model: &Vit) -> usize {
    struct Count(usize);
    impl ModuleVisitor for Count {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            self.0 += param.val().dims().iter().product::<usize>();
        }
    }
    let mut count = Count(0);
    model.visit(&mut count);
    count.0
}

/// The model's parameters, flat, in module order (read at once: CPU backends only).
pub fn flat_weights(model: &Vit) -> Result<Vec<f32>, TrainError> {
    struct Gather(Vec<Tensor<1>>);
    impl ModuleVisitor for Gather {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let value = param.val().inner();
            let len: usize = value.dims().iter().product();
            self.0.push(value.reshape([len]));
        }
    }
    let mut gather = Gather(Vec::new());
    model.visit(&mut gather);
    read_flat(gather.0)
}

fn read_flat(parts: Vec<Tensor<1>>) -> Result<Vec<f32>, TrainError> {
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let data = Transaction::default()
        .register(Tensor::cat(parts, 0))
        .try_execute()
        .map_err(|e| TrainError::Readback(format!("{e:?}")))?;
    Ok(floats(&data[0]))
}

/// Fills a model with flat values in module order, keeping its ids and autodiff setting.
struct Fill<'a> {
    values: &'a [f32],
    at: usize,
    short: bool,
}

impl ModuleMapper for Fill<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let shape: [usize; D] = param.val().dims();
        let len: usize = shape.iter().product();
        let Some(values) = self.values.get(self.at..self.at + len) else {
            self.short = true;
            return param;
        };
        self.at += len;
        let device = param.val().device();
        let tensor = Tensor::<D>::from_data(TensorData::new(values.to_vec(), shape), &device);
        let id = param.id;
        param.transform_for_load(tensor, id)
    }
}

/// A helper worker's end: a model of the job's shape, filled with the training worker's
/// weights for each share.
pub struct ShareWorker {
    device: Device,
    /// The model of the last job, with its shape (the seed left out: weights come each time).
    model: Option<(VitConfig, Vit)>,
}

impl ShareWorker {
    /// `device` must be an autodiff device (see [`crate::Backend::device`]).
    pub fn new(device: Device) -> Self {
        Self {
            device,
            model: None,
        }
    }

    /// The gradients of `job`'s share at `weights` (flat, module order).
    pub fn compute(
        &mut self,
        job: &ShareJob,
        weights: &[f32],
    ) -> Result<ShareGradients, TrainError> {
        let shape = job.config.clone().with_seed(0);
        let model = match self.model.take() {
            Some((built, model)) if built == shape => model,
            _ => shape.init(&self.device)?,
        };
        let mut fill = Fill {
            values: weights,
            at: 0,
            short: false,
        };
        let model = model.map(&mut fill);
        if fill.short || fill.at != weights.len() {
            return Err(TrainError::ShareDoesNotFit {
                got: weights.len(),
                expected: parameter_len(&model),
            });
        }
        let share = ShareBackward::run(&model, job, &self.device)?;
        let gradients = share.flat_gradients(&model)?;
        let mut result = share.read()?;
        result.gradients = gradients;
        self.model = Some((shape, model));
        Ok(result)
    }
}

/// One share's forward and backward pass.
struct ShareBackward {
    grads: GradientsParams,
    true_log_prob: Tensor<1>,
    log_probs: Tensor<2>,
}

impl ShareBackward {
    fn run(model: &Vit, job: &ShareJob, device: &Device) -> Result<Self, TrainError> {
        let config = &job.config;
        let n = job.labels.len();
        if n == 0 || job.images.len() != n * config.image_len() {
            return Err(TrainError::ImageShapeMismatch {
                expected: config.image_len(),
                got: job.images.len() / n.max(1),
            });
        }
        if let Some(&label) = job.labels.iter().find(|&&l| l >= config.classes) {
            return Err(TrainError::LabelOutOfRange {
                label,
                classes: config.classes,
            });
        }
        let shape = [n, config.channels, config.image_size, config.image_size];
        let images = Tensor::<4>::from_data(TensorData::new(job.images.clone(), shape), device);
        let labels: Vec<i64> = job.labels.iter().map(|&l| l as i64).collect();
        let labels = Tensor::<1, Int>::from_data(TensorData::new(labels, [n]), device);
        let log_probs = log_softmax(model.forward(images, false).logits, 1);
        let true_log_prob = log_probs
            .clone()
            .gather(1, labels.reshape([n, 1]))
            .reshape([n]);
        let loss = true_log_prob.clone().sum().neg() / job.batch_size as f32;
        let grads = GradientsParams::from_grads(loss.backward(), model);
        Ok(Self {
            grads,
            true_log_prob: true_log_prob.inner(),
            log_probs: log_probs.inner(),
        })
    }

    /// The gradients flat in module order; a parameter the loss does not reach reads as 0.
    fn flat_gradients(&self, model: &Vit) -> Result<Vec<f32>, TrainError> {
        struct Gather<'a> {
            grads: &'a GradientsParams,
            parts: Vec<Tensor<1>>,
        }
        impl ModuleVisitor for Gather<'_> {
            fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
                let value = param.val();
                let dims = value.dims();
                let len: usize = dims.iter().product();
                let grad = self
                    .grads
                    .get::<D>(param.id)
                    .unwrap_or_else(|| Tensor::zeros(dims, &value.device().inner()));
                self.parts.push(grad.reshape([len]));
            }
        }
        let mut gather = Gather {
            grads: &self.grads,
            parts: Vec::new(),
        };
        model.visit(&mut gather);
        read_flat(gather.parts)
    }

    fn read(self) -> Result<ShareGradients, TrainError> {
        let n = self.true_log_prob.dims()[0];
        let predicted = self.log_probs.clone().argmax(1);
        let predicted_probability = self
            .log_probs
            .gather(1, predicted.clone())
            .reshape([n])
            .exp();
        let data = Transaction::default()
            .register(Tensor::cat(
                vec![self.true_log_prob, predicted_probability],
                0,
            ))
            .register(predicted.reshape([n]))
            .try_execute()
            .map_err(|e| TrainError::Readback(format!("{e:?}")))?;
        let values = floats(&data[0]);
        Ok(ShareGradients {
            gradients: Vec::new(),
            true_log_prob: values[..n].to_vec(),
            predicted: indices(&data[1]),
            predicted_probability: values[n..].to_vec(),
        })
    }
}

/// Adds the other shares' flat gradients (summed in share order first) to this share's.
pub(crate) fn add_shares(
    model: &Vit,
    grads: &mut GradientsParams,
    others: &[ShareGradients],
) -> Result<(), TrainError> {
    let Some(first) = others.first() else {
        return Ok(());
    };
    let mut sum = first.gradients.clone();
    for other in &others[1..] {
        if other.gradients.len() != sum.len() {
            return Err(mismatch(other.gradients.len(), sum.len()));
        }
        sum.iter_mut()
            .zip(&other.gradients)
            .for_each(|(s, g)| *s += g);
    }
    let expected = parameter_len(model);
    if sum.len() != expected {
        return Err(mismatch(sum.len(), expected));
    }
    struct Add<'a> {
        grads: &'a mut GradientsParams,
        values: &'a [f32],
        at: usize,
    }
    impl ModuleVisitor for Add<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let dims: [usize; D] = param.val().dims();
            let len: usize = dims.iter().product();
            let values = self.values[self.at..self.at + len].to_vec();
            self.at += len;
            let device = param.val().device().inner();
            let other = Tensor::<D>::from_data(TensorData::new(values, dims), &device);
            let total = match self.grads.remove::<D>(param.id) {
                Some(own) => own + other,
                None => other,
            };
            self.grads.register(param.id, total);
        }
    }
    model.visit(&mut Add {
        grads,
        values: &sum,
        at: 0,
    });
    Ok(())
}

fn mismatch(got: usize, expected: usize) -> TrainError {
    TrainError::ShareDoesNotFit { got, expected }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{default_cpu, BackendDevice};

    #[test]
    fn shares_cover_the_batch_evenly_and_are_never_empty() {
        assert_eq!(share_ranges(32, 2), vec![0..16, 16..32]);
        assert_eq!(share_ranges(10, 3), vec![0..4, 4..7, 7..10]);
        assert_eq!(share_ranges(2, 4), vec![0..1, 1..2]);
        assert_eq!(share_ranges(5, 0), vec![0..5]);
    }

    #[test]
    fn weights_travel_as_bytes_and_fill_another_model_exactly() {
        let device = default_cpu().device().unwrap();
        let config = VitConfig::new(3);
        let model = config.init(&device).unwrap();
        let weights = flat_weights(&model).unwrap();
        assert_eq!(weights.len(), model.parameter_count());
        let back = vocab::packed::from_le_bytes(&vocab::packed::to_le_bytes(&weights));
        assert_eq!(back, weights);
        let other = config.clone().with_seed(7).init(&device).unwrap();
        assert_ne!(flat_weights(&other).unwrap(), weights);
        let mut fill = Fill {
            values: &back,
            at: 0,
            short: false,
        };
        let filled = other.map(&mut fill);
        assert_eq!(flat_weights(&filled).unwrap(), weights);
    }
}
