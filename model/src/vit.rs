//! The Vision Transformer: patches → tokens → encoder blocks → CLS → identity.

use burn::module::{Module, Param};
use burn::nn::{LayerNorm, Linear};
use burn::tensor::activation::softmax;
use burn::tensor::{Device, Tensor};

use crate::attention::AttentionProbe;
use crate::block::EncoderBlock;
use crate::config::VitConfig;
use crate::error::ConfigError;
use crate::init::Initializer;

/// A ViT classifier. Every linear map follows Burn's convention `y = x · W + b`, with `W`
/// stored `[d_in, d_out]`.
#[derive(Module, Debug)]
pub struct Vit {
    /// Flattened patch (`patch² × channels`, channel innermost) → token, `[patch_dim, width]`.
    pub patch_embed: Linear,
    /// The learned CLS token `[width]`, prepended to the patches; the classifier reads it.
    pub cls_token: Param<Tensor<1>>,
    /// Learned position embedding `[1 + patches, width]`, CLS first.
    pub pos_embed: Param<Tensor<2>>,
    pub blocks: Vec<EncoderBlock>,
    /// Final LayerNorm before the classifier.
    pub norm: LayerNorm,
    /// CLS embedding → one score per identity, `[width, classes]`.
    pub head: Linear,
    /// Side of one patch, in pixels.
    pub patch_size: usize,
}

/// Everything a forward pass can report besides the logits (see [`Vit::forward`]).
#[derive(Debug, Clone)]
pub struct VitProbes {
    /// One per block, in order.
    pub blocks: Vec<AttentionProbe>,
    /// The CLS token after the final LayerNorm, `[B, width]`: what the classifier sees.
    pub cls_embedding: Tensor<2>,
    /// Softmax of the logits, `[B, classes]`.
    pub probabilities: Tensor<2>,
}

/// The output of [`Vit::forward`].
#[derive(Debug, Clone)]
pub struct VitOutput {
    /// Unnormalised class scores `[B, classes]`.
    pub logits: Tensor<2>,
    /// Present only when probes were asked for.
    pub probes: Option<VitProbes>,
}

/// Builds a [`Vit`] from its shape (the shape is plain data in `vocab`; the network is Burn's).
pub trait VitInit {
    /// Builds the model with weights drawn from `self.seed`: the same on every backend.
    fn init(&self, device: &Device) -> Result<Vit, ConfigError>;
}

impl VitInit for VitConfig {
    fn init(&self, device: &Device) -> Result<Vit, ConfigError> {
        self.validate()?;
        let init = Initializer {
            seed: self.seed,
            device,
        };
        let vit = Vit {
            patch_embed: init.linear("patch_embed", self.patch_dim(), self.width),
            cls_token: init.truncated_normal("cls_token", [self.width], 0.02),
            pos_embed: init.truncated_normal("pos_embed", [self.tokens(), self.width], 0.02),
            blocks: (0..self.depth)
                .map(|i| {
                    EncoderBlock::init(
                        &init,
                        i,
                        self.width,
                        self.heads,
                        self.mlp_width,
                        self.layer_norm_eps,
                    )
                })
                .collect(),
            norm: init.layer_norm(self.width, self.layer_norm_eps),
            head: init.linear("head", self.width, self.classes),
            patch_size: self.patch_size,
        };
        Ok(crate::run_file::numbered(vit))
    }
}

impl Vit {
    /// Cuts `[B, C, H, W]` images into flattened patches `[B, patches, patch² × C]`:
    /// patches row-major over the grid, pixels row-major inside a patch, channel innermost.
    pub fn patchify(&self, images: Tensor<4>) -> Tensor<3> {
        let [batch, channels, height, width] = images.dims();
        let p = self.patch_size;
        let (rows, cols) = (height / p, width / p);
        images
            .reshape([batch, channels, rows, p, cols, p])
            .permute([0, 2, 4, 3, 5, 1])
            .reshape([batch, rows * cols, p * p * channels])
    }

    /// The token sequence entering block 0: `[CLS; patch tokens] + positions`, `[B, T, width]`.
    pub fn embed(&self, images: Tensor<4>) -> Tensor<3> {
        let batch = images.dims()[0];
        let patches = self.patch_embed.forward(self.patchify(images));
        let width = patches.dims()[2];
        let cls = self
            .cls_token
            .val()
            .reshape([1, 1, width])
            .repeat_dim(0, batch);
        let tokens = Tensor::cat(vec![cls, patches], 1);
        tokens + self.pos_embed.val().unsqueeze::<3>()
    }

    /// `images`: `[B, C, H, W]`. With `probes`, every block's Q, K, V, scores and attention,
    /// the CLS embedding and the class probabilities are kept; without, nothing extra is.
    pub fn forward(&self, images: Tensor<4>, probes: bool) -> VitOutput {
        self.forward_tapped(images, probes, None)
    }

    /// [`Vit::forward`] with a tap `(block, zeros requiring a gradient)` on one block's
    /// attention output, so the backward pass reveals `dL/dO` there (the trainer's
    /// backward path).
    pub fn forward_tapped(
        &self,
        images: Tensor<4>,
        probes: bool,
        mut tap: Option<(usize, Tensor<3>)>,
    ) -> VitOutput {
        let mut tokens = self.embed(images);
        let mut block_probes = Vec::new();
        for (index, block) in self.blocks.iter().enumerate() {
            let here = tap.take_if(|(b, _)| *b == index).map(|(_, t)| t);
            let out = block.forward_tapped(tokens, probes, here);
            tokens = out.tokens;
            block_probes.extend(out.probe);
        }
        let [batch, _, width] = tokens.dims();
        let cls = self
            .norm
            .forward(tokens.slice([0..batch, 0..1]))
            .reshape([batch, width]);
        let logits = self.head.forward(cls.clone());
        let probes = probes.then(|| VitProbes {
            blocks: block_probes,
            cls_embedding: cls,
            probabilities: softmax(logits.clone(), 1),
        });
        VitOutput { logits, probes }
    }

    /// Number of encoder blocks.
    pub fn depth(&self) -> usize {
        self.blocks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;
    use burn::tensor::TensorData;

    fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data().try_into_vec::<f32>().unwrap()
    }

    #[test]
    fn patchify_follows_the_documented_layout() {
        let device = Device::flex();
        let config = VitConfig::new(2)
            .with_image_size(4)
            .with_patch_size(2)
            .with_channels(2)
            .with_width(4);
        let model = config.init(&device).unwrap();
        // pixel value = c*100 + y*10 + x
        let pixels: Vec<f32> = (0..2)
            .flat_map(|c| {
                (0..4).flat_map(move |y| (0..4).map(move |x| (c * 100 + y * 10 + x) as f32))
            })
            .collect();
        let images = Tensor::<4>::from_data(TensorData::new(pixels, [1, 2, 4, 4]), &device);
        let patches = values(model.patchify(images));
        // Patch 1 is the top-right one: rows 0..2, columns 2..4; channel innermost.
        assert_eq!(
            &patches[8..16],
            &[2.0, 102.0, 3.0, 103.0, 12.0, 112.0, 13.0, 113.0]
        );
    }

    #[test]
    fn forward_shapes_and_probabilities() {
        let device = Device::flex();
        let config = Preset::Tiny.config(5);
        let model = config.init(&device).unwrap();
        let images = Tensor::<4>::ones([3, 1, 32, 32], &device);
        let out = model.forward(images.clone(), true);
        assert_eq!(out.logits.dims(), [3, 5]);
        let probes = out.probes.unwrap();
        assert_eq!(probes.blocks.len(), 2);
        assert_eq!(probes.blocks[1].attention.dims(), [3, 2, 17, 17]);
        assert_eq!(probes.cls_embedding.dims(), [3, 32]);
        for row in values(probes.probabilities).chunks(5) {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
        assert!(model.forward(images, false).probes.is_none());
    }

    #[test]
    fn same_seed_same_weights_other_seed_other_weights() {
        let device = Device::flex();
        let config = Preset::Tiny.config(4).with_seed(11);
        let a = values(config.init(&device).unwrap().blocks[0].attn.wq.weight.val());
        let b = values(config.init(&device).unwrap().blocks[0].attn.wq.weight.val());
        let c = values(
            config.clone().with_seed(12).init(&device).unwrap().blocks[0]
                .attn
                .wq
                .weight
                .val(),
        );
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn wq_wk_wv_start_different() {
        let device = Device::flex();
        let model = Preset::Tiny.config(4).init(&device).unwrap();
        let attn = &model.blocks[0].attn;
        let q = values(attn.wq.weight.val());
        let k = values(attn.wk.weight.val());
        let v = values(attn.wv.weight.val());
        assert_ne!(q, k);
        assert_ne!(k, v);
        assert_ne!(q, v);
    }
}
