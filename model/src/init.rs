//! Initial weights, drawn on the CPU from the config's seed (see [`crate::rng`]).

use burn::module::Param;
use burn::nn::{LayerNorm, LayerNormConfig, Linear};
use burn::tensor::{Device, Tensor, TensorData};

use crate::rng::SeededRng;

/// Makes the parameters of one model from one seed; each parameter draws from its own
/// named stream, so its values depend only on the seed and its name.
pub(crate) struct Initializer<'a> {
    pub seed: u64,
    pub device: &'a Device,
}

impl Initializer<'_> {
    fn tensor<const D: usize>(&self, values: Vec<f32>, shape: [usize; D]) -> Param<Tensor<D>> {
        Param::from_tensor(Tensor::from_data(
            TensorData::new(values, shape),
            self.device,
        ))
    }

    /// Glorot/Xavier uniform weight, zero bias: keeps the activations' scale through the
    /// stack of blocks, so a fresh model trains with plain SGD as well as Adam.
    pub fn linear(&self, name: &str, d_input: usize, d_output: usize) -> Linear {
        let bound = (6.0 / (d_input + d_output) as f64).sqrt();
        let mut rng = SeededRng::for_stream(self.seed, name);
        let weight = (0..d_input * d_output)
            .map(|_| ((rng.next_f64() * 2.0 - 1.0) * bound) as f32)
            .collect();
        Linear {
            weight: self.tensor(weight, [d_input, d_output]),
            bias: Some(self.tensor(vec![0.0; d_output], [d_output])),
        }
    }

    /// Normal(0, std) truncated at two standard deviations, as ViT draws CLS and positions.
    pub fn truncated_normal<const D: usize>(
        &self,
        name: &str,
        shape: [usize; D],
        std: f64,
    ) -> Param<Tensor<D>> {
        let mut rng = SeededRng::for_stream(self.seed, name);
        let count = shape.iter().product();
        let values = (0..count)
            .map(|_| loop {
                let z = rng.normal();
                if z.abs() <= 2.0 {
                    break (z * std) as f32;
                }
            })
            .collect();
        self.tensor(values, shape)
    }

    /// γ = 1, β = 0: a LayerNorm starts as a pure normalisation.
    pub fn layer_norm(&self, width: usize, epsilon: f64) -> LayerNorm {
        LayerNormConfig::new(width)
            .with_epsilon(epsilon)
            .init(self.device)
    }
}
