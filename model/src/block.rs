//! One pre-norm encoder block: `x + Attn(LN(x))`, then `x + MLP(LN(x))`.

use burn::module::Module;
use burn::nn::{LayerNorm, Linear};
use burn::tensor::Tensor;

use crate::attention::{AttentionProbe, SelfAttention};
use crate::init::Initializer;
use crate::kernels::gelu;

/// The block's feed-forward part: `fc2(GELU(fc1(x)))`, with the exact (erf) GELU.
#[derive(Module, Debug)]
pub struct Mlp {
    /// `[width, mlp_width]`
    pub fc1: Linear,
    /// `[mlp_width, width]`
    pub fc2: Linear,
}

impl Mlp {
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        self.fc2.forward(gelu(self.fc1.forward(x)))
    }
}

/// A pre-norm Transformer encoder block, without dropout so every view is deterministic.
#[derive(Module, Debug)]
pub struct EncoderBlock {
    pub norm1: LayerNorm,
    pub attn: SelfAttention,
    pub norm2: LayerNorm,
    pub mlp: Mlp,
}

/// The output of [`EncoderBlock::forward`].
#[derive(Debug, Clone)]
pub struct BlockOutput {
    /// `[B, T, width]`, the input of the next block.
    pub tokens: Tensor<3>,
    pub probe: Option<AttentionProbe>,
}

impl EncoderBlock {
    pub(crate) fn init(
        init: &Initializer<'_>,
        index: usize,
        width: usize,
        heads: usize,
        mlp_width: usize,
        epsilon: f64,
    ) -> Self {
        let prefix = format!("blocks.{index}");
        Self {
            norm1: init.layer_norm(width, epsilon),
            attn: SelfAttention::init(init, &format!("{prefix}.attn"), width, heads),
            norm2: init.layer_norm(width, epsilon),
            mlp: Mlp {
                fc1: init.linear(&format!("{prefix}.mlp.fc1"), width, mlp_width),
                fc2: init.linear(&format!("{prefix}.mlp.fc2"), mlp_width, width),
            },
        }
    }

    pub fn forward(&self, x: Tensor<3>, probe: bool) -> BlockOutput {
        self.forward_tapped(x, probe, None)
    }

    /// [`EncoderBlock::forward`] with a tap on the attention's output (see
    /// [`SelfAttention::forward_tapped`](crate::attention::SelfAttention::forward_tapped)).
    pub fn forward_tapped(&self, x: Tensor<3>, probe: bool, tap: Option<Tensor<3>>) -> BlockOutput {
        let attended = self
            .attn
            .forward_tapped(self.norm1.forward(x.clone()), probe, tap);
        let x = x + attended.output;
        let tokens = x.clone() + self.mlp.forward(self.norm2.forward(x));
        BlockOutput {
            tokens,
            probe: attended.probe,
        }
    }
}
