//! Multi-head self-attention with separate Wq, Wk, Wv and Wo, whose every number can be read.
//!
//! Burn's `MultiHeadAttention` keeps the pre-softmax scores private and applies dropout to
//! the attention; the page must show both exactly, so this module is our own.

use crate::kernels::softmax_last;
use burn::module::Module;
use burn::nn::Linear;
use burn::tensor::Tensor;

use crate::init::Initializer;

/// Multi-head self-attention: `Q = X·Wq`, `K = X·Wk`, `V = X·Wv` (each `+ b`), per head
/// `softmax(Q·Kᵀ / √d_head)·V`, heads concatenated, then `·Wo`.
#[derive(Module, Debug)]
pub struct SelfAttention {
    /// Query weight `[width, width]`: learned, the same for every input.
    pub wq: Linear,
    /// Key weight `[width, width]`.
    pub wk: Linear,
    /// Value weight `[width, width]`.
    pub wv: Linear,
    /// Output projection `[width, width]`, mixing the heads back together.
    pub wo: Linear,
    /// Number of heads; the width is split evenly between them.
    pub heads: usize,
}

/// What attention computed for one input, recomputed for every input (activations, not
/// weights). Shapes use `B` images, `H` heads, `T` tokens (CLS first), `d` = head width.
#[derive(Debug, Clone)]
pub struct AttentionProbe {
    /// What Wq, Wk and Wv were applied to (the block's input after its LayerNorm)
    /// `[B, T, width]`: one X, three different projections.
    pub input: Tensor<3>,
    /// Queries `[B, H, T, d]`.
    pub q: Tensor<4>,
    /// Keys `[B, H, T, d]`.
    pub k: Tensor<4>,
    /// Values `[B, H, T, d]`.
    pub v: Tensor<4>,
    /// Raw scores `Q·Kᵀ / √d` `[B, H, T, T]`: row = query token, column = key token.
    pub scores: Tensor<4>,
    /// Softmax of the scores over keys `[B, H, T, T]`: every row sums to 1.
    pub attention: Tensor<4>,
}

/// The output of [`SelfAttention::forward`].
#[derive(Debug, Clone)]
pub struct AttentionOutput {
    /// The attended tokens after Wo, `[B, T, width]`.
    pub output: Tensor<3>,
    /// Present only when probes were asked for.
    pub probe: Option<AttentionProbe>,
}

impl SelfAttention {
    pub(crate) fn init(init: &Initializer<'_>, prefix: &str, width: usize, heads: usize) -> Self {
        Self {
            wq: init.linear(&format!("{prefix}.wq"), width, width),
            wk: init.linear(&format!("{prefix}.wk"), width, width),
            wv: init.linear(&format!("{prefix}.wv"), width, width),
            wo: init.linear(&format!("{prefix}.wo"), width, width),
            heads,
        }
    }

    /// `x`: `[B, T, width]`. With `probe`, the Q, K, V, scores and attention are kept in
    /// the output; without it, nothing extra is held.
    pub fn forward(&self, x: Tensor<3>, probe: bool) -> AttentionOutput {
        self.forward_tapped(x, probe, None)
    }

    /// [`SelfAttention::forward`] with `tap` (zeros that require a gradient, `[B, T, width]`)
    /// added to the heads' concatenated output before Wo: the sum is unchanged, and the
    /// tap's gradient is the loss's gradient for that output, `dL/dO`, which autodiff
    /// otherwise keeps to itself. Nothing else changes, so the weights' gradients are the
    /// usual ones.
    pub fn forward_tapped(
        &self,
        x: Tensor<3>,
        probe: bool,
        tap: Option<Tensor<3>>,
    ) -> AttentionOutput {
        let [batch, tokens, width] = x.dims();
        let head_dim = width / self.heads;
        let split_heads = |t: Tensor<3>| {
            t.reshape([batch, tokens, self.heads, head_dim])
                .swap_dims(1, 2)
        };
        let input = probe.then(|| x.clone());
        let q = split_heads(self.wq.forward(x.clone()));
        let k = split_heads(self.wk.forward(x.clone()));
        let v = split_heads(self.wv.forward(x));

        let scores = q
            .clone()
            .matmul(k.clone().swap_dims(2, 3))
            .div_scalar((head_dim as f32).sqrt());
        let attention = softmax_last(scores.clone());
        let mixed = attention
            .clone()
            .matmul(v.clone())
            .swap_dims(1, 2)
            .reshape([batch, tokens, width]);
        let mixed = match tap {
            Some(tap) => mixed + tap,
            None => mixed,
        };
        let output = self.wo.forward(mixed);

        let probe = input.map(|input| AttentionProbe {
            input,
            q,
            k,
            v,
            scores,
            attention,
        });
        AttentionOutput { output, probe }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, TensorData};

    fn read(t: Tensor<4>) -> Vec<f32> {
        t.into_data().try_into_vec::<f32>().unwrap()
    }

    #[test]
    fn attention_rows_sum_to_one_even_with_huge_scores() {
        let device = Device::flex();
        // Scores of ±1e4 straight into the softmax the module uses.
        let scores = Tensor::<4>::from_data(
            TensorData::new(
                vec![1e4f32, -1e4, 0.0, -1e4, 1e4, 1e4, 0.0, 0.0, 0.0],
                [1, 1, 3, 3],
            ),
            &device,
        );
        let rows = read(softmax_last(scores));
        for row in rows.chunks(3) {
            assert!(row.iter().all(|p| p.is_finite()), "{rows:?}");
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6, "{rows:?}");
        }
        assert_eq!(&rows[..3], &[1.0, 0.0, 0.0]);

        // And through the module, with weights scaled so the scores reach ±1e4 and beyond.
        let init = Initializer {
            seed: 3,
            device: &device,
        };
        let mut attn = SelfAttention::init(&init, "a", 8, 2);
        attn.wq.weight = attn.wq.weight.map(|w| w.mul_scalar(3e3));
        let x = Tensor::<3>::from_data(
            TensorData::new(
                (0..40).map(|i| (i as f32 * 0.37).sin() * 5.0).collect(),
                [1, 5, 8],
            ),
            &device,
        );
        let probe = attn.forward(x, true).probe.unwrap();
        let max_score = read(probe.scores).iter().fold(0f32, |m, s| m.max(s.abs()));
        assert!(max_score > 1e4, "scores only reached {max_score}");
        let attention = read(probe.attention);
        for row in attention.chunks(5) {
            assert!(row.iter().all(|p| p.is_finite()));
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{row:?}");
        }
    }

    #[test]
    fn teaching_text_example_gives_the_true_shares() {
        // Q = [1, 0]; K1 = [1, 0], K2 = [0, 1], K3 = [-1, 0]: scores 1, 0, -1.
        // The text says 0.73 / 0.27 / 0.00; softmax says otherwise.
        let device = Device::flex();
        let scores = Tensor::<4>::from_data(
            TensorData::new(vec![1f32, 0.0, -1.0], [1, 1, 1, 3]),
            &device,
        );
        let shares = read(softmax_last(scores));
        let expected = [0.665, 0.245, 0.090];
        for (share, want) in shares.iter().zip(expected) {
            assert!((share - want).abs() < 5e-4, "{shares:?}");
        }
        // With the ÷√2 of a two-dimensional head: 0.576 / 0.284 / 0.140.
        let scaled = Tensor::<4>::from_data(
            TensorData::new(vec![1f32, 0.0, -1.0], [1, 1, 1, 3]),
            &device,
        )
        .div_scalar(2f32.sqrt());
        let shares = read(softmax_last(scaled));
        for (share, want) in shares.iter().zip([0.576, 0.284, 0.140]) {
            assert!((share - want).abs() < 5e-4, "{shares:?}");
        }
    }

    #[test]
    fn probes_have_per_head_shapes_and_are_absent_when_off() {
        let device = Device::flex();
        let init = Initializer {
            seed: 1,
            device: &device,
        };
        let attn = SelfAttention::init(&init, "a", 8, 2);
        let x = Tensor::<3>::zeros([3, 5, 8], &device);
        assert!(attn.forward(x.clone(), false).probe.is_none());
        let out = attn.forward(x, true);
        let probe = out.probe.unwrap();
        assert_eq!(out.output.dims(), [3, 5, 8]);
        assert_eq!(probe.q.dims(), [3, 2, 5, 4]);
        assert_eq!(probe.scores.dims(), [3, 2, 5, 5]);
        assert_eq!(probe.attention.dims(), [3, 2, 5, 5]);
    }
}
