//! The part of a model's shape the learner chooses, and what a shape will cost before it is
//! built: its parameters, its memory, its arithmetic.

use serde::{Deserialize, Serialize};

use crate::config::{Preset, VitConfig};
use crate::error::ConfigError;
use crate::optimizer::OptimizerKind;

/// Everything of a [`VitConfig`] the page lets the learner set: the rest comes from the data
/// (`classes`, `channels`) or is fixed (`layer_norm_eps`) or is the run's seed.
///
/// On the wire and in run files a preset's shape is written as the preset's name
/// (`"small"`), as earlier versions wrote it, and any other shape as its six numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "ShapeOnWire", into = "ShapeOnWire")]
pub struct ModelShape {
    /// Side of the square input image, in pixels.
    pub image_size: usize,
    /// Side of one patch, in pixels; must divide `image_size`.
    pub patch_size: usize,
    /// Width of every token vector (d_model); must be a multiple of `heads`.
    pub width: usize,
    pub heads: usize,
    /// Encoder blocks.
    pub depth: usize,
    /// Hidden width of each block's MLP.
    pub mlp_width: usize,
}

/// What one model costs, worked out from its shape alone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShapeCost {
    /// Weights and biases, all learned.
    pub parameters: usize,
    /// Bytes the training worker needs for a run at this batch size (an estimate; the
    /// exact figure depends on the backend, and BENCHMARKS.md sets it beside measured ones):
    /// the program itself; the weights, their gradients and the optimizer's memory; the
    /// weights of update 0 and the last good ones; the kept run on its way to storage (its
    /// bytes and their copy); and what the backward pass keeps of the forward one.
    pub training_bytes: u64,
    /// Multiply-adds of one forward pass over one image.
    pub forward_multiply_adds: u64,
}

/// The largest image side the page trains on: its faces are kept at that size, every one
/// of them, beside the model.
pub const MAX_PAGE_IMAGE_SIZE: usize = 256;

/// The training worker's program, its faces and its buffers before any model: measured
/// about 8 MB with `tiny`.
pub const WORKER_BASE_BYTES: u64 = 8_000_000;

/// The most memory a page's WebAssembly program can address (wasm32: 65 536 pages of
/// 64 KiB); the training worker's whole run must fit in it.
pub const WASM_MEMORY_LIMIT_BYTES: u64 = 4 << 30;

impl ModelShape {
    /// The preset's shape.
    pub fn of_preset(preset: Preset) -> Self {
        Self::of(&preset.config(1))
    }

    /// The shape of a built config.
    pub fn of(config: &VitConfig) -> Self {
        Self {
            image_size: config.image_size,
            patch_size: config.patch_size,
            width: config.width,
            heads: config.heads,
            depth: config.depth,
            mlp_width: config.mlp_width,
        }
    }

    /// The preset with this shape, if one has it.
    pub fn preset(&self) -> Option<Preset> {
        Preset::ALL
            .into_iter()
            .find(|&preset| Self::of_preset(preset) == *self)
    }

    /// The preset's name, or the numbers in a short form for file names:
    /// `32px-p8-w64-h1-d1-mlp128`.
    pub fn name(&self) -> String {
        match self.preset() {
            Some(preset) => preset.name().to_string(),
            None => format!(
                "{}px-p{}-w{}-h{}-d{}-mlp{}",
                self.image_size,
                self.patch_size,
                self.width,
                self.heads,
                self.depth,
                self.mlp_width
            ),
        }
    }

    /// The full config over `classes` grayscale identities, initial weights from `seed`.
    pub fn config(&self, classes: usize, seed: u64) -> VitConfig {
        VitConfig::new(classes)
            .with_image_size(self.image_size)
            .with_patch_size(self.patch_size)
            .with_width(self.width)
            .with_heads(self.heads)
            .with_depth(self.depth)
            .with_mlp_width(self.mlp_width)
            .with_seed(seed)
    }

    /// Rejects a shape that cannot be built, with the reason, before any tensor exists.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.config(1, 0).validate()
    }

    /// Whether the page can train this shape on `classes` people at this batch size with
    /// this optimizer: a valid shape, an image no larger than [`MAX_PAGE_IMAGE_SIZE`], and
    /// an estimated memory within [`WASM_MEMORY_LIMIT_BYTES`]. Checked before anything is
    /// made, faces included; `vitp`, natively, can train larger ones.
    pub fn check_for_page(
        &self,
        classes: usize,
        batch: usize,
        optimizer: OptimizerKind,
    ) -> Result<ShapeCost, ConfigError> {
        self.validate()?;
        if self.image_size > MAX_PAGE_IMAGE_SIZE {
            return Err(ConfigError::ImageTooLarge {
                image_size: self.image_size,
                largest: MAX_PAGE_IMAGE_SIZE,
            });
        }
        let cost = self.cost(classes, batch, optimizer);
        if cost.training_bytes > WASM_MEMORY_LIMIT_BYTES {
            return Err(ConfigError::TooLargeForPage {
                estimated_bytes: cost.training_bytes,
                limit_bytes: WASM_MEMORY_LIMIT_BYTES,
            });
        }
        Ok(cost)
    }

    /// Patches per side; tokens are CLS plus its square.
    pub fn grid(&self) -> usize {
        self.image_size / self.patch_size.max(1)
    }

    pub fn tokens(&self) -> usize {
        1 + self.grid() * self.grid()
    }

    pub fn head_dim(&self) -> usize {
        self.width / self.heads.max(1)
    }

    /// The shape's cost for a classifier over `classes` people trained with `optimizer` on
    /// batches of `batch` images. Meaningful only for a valid shape.
    pub fn cost(&self, classes: usize, batch: usize, optimizer: OptimizerKind) -> ShapeCost {
        let (w, m, t, depth) = (self.width, self.mlp_width, self.tokens(), self.depth);
        let patch_dim = self.patch_size * self.patch_size;
        // Linear layers are `x · W + b`; every LayerNorm has a gain and a bias.
        let linear = |d_in: usize, d_out: usize| d_in * d_out + d_out;
        let block = 2 * (2 * w) + 4 * linear(w, w) + linear(w, m) + linear(m, w);
        let parameters =
            linear(patch_dim, w) + w + t * w + depth * block + 2 * w + linear(w, classes);

        let memories = match optimizer {
            OptimizerKind::Sgd { momentum: 0.0 } => 0,
            OptimizerKind::Sgd { .. } => 1,
            OptimizerKind::Adam => 2,
        };
        // What the backward pass keeps per image and block: about a dozen `[T, width]`
        // tensors (the two LayerNorms' inputs and outputs, Q, K, V, the heads' output, Wo's
        // output, the residuals), three `[T, mlp]` ones (fc1's output, GELU's input and
        // output) and three `[heads, T, T]` ones (scores, softmax, the attention-weighted
        // values' input).
        let per_block = 12 * t * w + 3 * t * m + 3 * self.heads * t * t;
        let per_image = depth * per_block + 4 * t * w + self.image_size * self.image_size;
        let training = 2 + memories; // weights, gradients, the optimizer's memory
        let kept = 2; // the weights of update 0 ("then") and the last good ones (rollback)
        let saving = 2 * (1 + memories); // the kept run file: its bytes and their copy
        let floats = parameters * (training + kept + saving) + batch * per_image;
        let training_bytes = WORKER_BASE_BYTES + 4 * floats as u64;

        let heads_work = 2 * t * t * w; // Q·Kᵀ and A·V, over all heads
        let per_block_work = t * 4 * w * w + heads_work + 2 * t * w * m;
        let forward_multiply_adds =
            (t * patch_dim * w + depth * per_block_work + w * classes) as u64;
        ShapeCost {
            parameters,
            training_bytes,
            forward_multiply_adds,
        }
    }
}

impl core::str::FromStr for ModelShape {
    type Err = ConfigError;

    /// A preset's name or [`ModelShape::name`]'s numbers (`32px-p8-w64-h1-d1-mlp128`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Ok(preset) = text.parse::<Preset>() {
            return Ok(preset.into());
        }
        let unknown = || ConfigError::UnknownPreset(text.to_string());
        let mut numbers =
            text.split('-')
                .zip(["", "p", "w", "h", "d", "mlp"])
                .map(|(part, prefix)| {
                    let part = part.strip_prefix(prefix).ok_or_else(unknown)?;
                    let part = if prefix.is_empty() {
                        part.strip_suffix("px").ok_or_else(unknown)?
                    } else {
                        part
                    };
                    part.parse::<usize>().map_err(|_| unknown())
                });
        let mut next = || numbers.next().unwrap_or_else(|| Err(unknown()));
        let shape = ModelShape {
            image_size: next()?,
            patch_size: next()?,
            width: next()?,
            heads: next()?,
            depth: next()?,
            mlp_width: next()?,
        };
        if text.split('-').count() != 6 {
            return Err(unknown());
        }
        Ok(shape)
    }
}

impl From<Preset> for ModelShape {
    fn from(preset: Preset) -> Self {
        Self::of_preset(preset)
    }
}

/// How a shape is written: a preset's name when one has it, else the numbers.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum ShapeOnWire {
    Preset(Preset),
    Shape {
        image_size: usize,
        patch_size: usize,
        width: usize,
        heads: usize,
        depth: usize,
        mlp_width: usize,
    },
}

impl From<ShapeOnWire> for ModelShape {
    fn from(wire: ShapeOnWire) -> Self {
        match wire {
            ShapeOnWire::Preset(preset) => Self::of_preset(preset),
            ShapeOnWire::Shape {
                image_size,
                patch_size,
                width,
                heads,
                depth,
                mlp_width,
            } => Self {
                image_size,
                patch_size,
                width,
                heads,
                depth,
                mlp_width,
            },
        }
    }
}

impl From<ModelShape> for ShapeOnWire {
    fn from(shape: ModelShape) -> Self {
        match shape.preset() {
            Some(preset) => ShapeOnWire::Preset(preset),
            None => ShapeOnWire::Shape {
                image_size: shape.image_size,
                patch_size: shape.patch_size,
                width: shape.width,
                heads: shape.heads,
                depth: shape.depth,
                mlp_width: shape.mlp_width,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_head_patch_8_depth_1() -> ModelShape {
        ModelShape {
            heads: 1,
            depth: 1,
            ..ModelShape::of_preset(Preset::Small)
        }
        .with_patch(8)
    }

    impl ModelShape {
        fn with_patch(mut self, patch_size: usize) -> Self {
            self.patch_size = patch_size;
            self
        }
    }

    #[test]
    fn a_preset_shape_is_written_as_its_name_and_any_other_as_numbers() {
        let small = ModelShape::of_preset(Preset::Small);
        assert_eq!(serde_json::to_string(&small).unwrap(), "\"small\"");
        let shaped = one_head_patch_8_depth_1();
        let json = serde_json::to_string(&shaped).unwrap();
        assert!(json.contains("\"heads\":1"), "{json}");
        for shape in [small, shaped, ModelShape::of_preset(Preset::VitS14)] {
            let json = serde_json::to_string(&shape).unwrap();
            assert_eq!(serde_json::from_str::<ModelShape>(&json).unwrap(), shape);
            let packed = rmp_serde::to_vec_named(&shape).unwrap();
            assert_eq!(rmp_serde::from_slice::<ModelShape>(&packed).unwrap(), shape);
        }
    }

    #[test]
    fn a_shape_reads_back_from_its_name() {
        for shape in [
            one_head_patch_8_depth_1(),
            ModelShape::of_preset(Preset::Tiny),
        ] {
            assert_eq!(shape.name().parse::<ModelShape>(), Ok(shape));
        }
        assert_eq!(
            one_head_patch_8_depth_1().name(),
            "32px-p8-w64-h1-d1-mlp128"
        );
        for bad in [
            "huge",
            "32px-p8",
            "32-p8-w64-h1-d1-mlp128",
            "32px-p8-w64-h1-d1-mlp128-x",
        ] {
            assert!(bad.parse::<ModelShape>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_teaching_texts_model_has_257_tokens_of_64_per_head() {
        let s14 = ModelShape::of_preset(Preset::VitS14);
        assert_eq!((s14.tokens(), s14.head_dim(), s14.grid()), (257, 64, 16));
        // ViT-S/16-like: about 21.7 million parameters without a 1000-class head.
        let cost = s14.cost(40, 4, OptimizerKind::Sgd { momentum: 0.0 });
        assert!(
            (21_000_000..22_500_000).contains(&cost.parameters),
            "{cost:?}"
        );
        assert!(cost.training_bytes < WASM_MEMORY_LIMIT_BYTES);
        let adam = OptimizerKind::Adam;
        assert!(s14.check_for_page(40, 4, adam).is_ok());
        assert!(matches!(
            s14.check_for_page(40, 64, adam),
            Err(ConfigError::TooLargeForPage { .. })
        ));
    }

    #[test]
    fn an_impossible_shape_is_refused_with_its_reason() {
        let huge = ModelShape {
            image_size: 512,
            ..ModelShape::of_preset(Preset::Tiny)
        };
        assert_eq!(
            huge.check_for_page(40, 32, OptimizerKind::Adam),
            Err(ConfigError::ImageTooLarge {
                image_size: 512,
                largest: MAX_PAGE_IMAGE_SIZE
            })
        );
        let shape = one_head_patch_8_depth_1().with_patch(5);
        assert_eq!(
            shape.validate(),
            Err(ConfigError::PatchDoesNotDivideImage {
                image_size: 32,
                patch_size: 5
            })
        );
    }
}
