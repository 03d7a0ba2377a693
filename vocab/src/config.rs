//! The shape of a Vision Transformer, checked before any tensor is made.

use core::fmt;
use core::str::FromStr;

use crate::error::ConfigError;

/// Everything that fixes the shape of a Vision Transformer and its initial weights.
///
/// Plain data (the `model` crate builds the network from it), serialisable so the page,
/// `vitp` and the replay dump all carry the exact model they ran. The defaults are the
/// `tiny` preset. Built like Burn's configs: `VitConfig::new(classes).with_width(64)`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct VitConfig {
    /// Number of identities the classifier tells apart.
    pub classes: usize,
    /// Side of the square input image, in pixels. Default: 32
    pub image_size: usize,
    /// Colour channels of the input (1 = grayscale). Default: 1
    pub channels: usize,
    /// Side of one square patch, in pixels; must divide `image_size`. Default: 8
    pub patch_size: usize,
    /// Width of every token vector (d_model); must be a multiple of `heads`. Default: 32
    pub width: usize,
    /// Attention heads per block. Default: 2
    pub heads: usize,
    /// Number of encoder blocks. Default: 2
    pub depth: usize,
    /// Hidden width of each block's MLP. Default: 64
    pub mlp_width: usize,
    /// Added to the variance in every LayerNorm, to keep it away from zero. Default: 1e-5
    pub layer_norm_eps: f64,
    /// Seed of the initial weights: the same seed gives the same weights on every backend.
    /// Default: 0
    pub seed: u64,
}

/// Builder methods, one per field, as Burn's `#[derive(Config)]` writes them.
macro_rules! with {
    ($($name:ident: $field:ident: $ty:ty),* $(,)?) => {
        impl VitConfig {
            $(
                #[doc = concat!("Sets `", stringify!($field), "`.")]
                pub fn $name(mut self, $field: $ty) -> Self {
                    self.$field = $field;
                    self
                }
            )*
        }
    };
}

with! {
    with_image_size: image_size: usize,
    with_channels: channels: usize,
    with_patch_size: patch_size: usize,
    with_width: width: usize,
    with_heads: heads: usize,
    with_depth: depth: usize,
    with_mlp_width: mlp_width: usize,
    with_layer_norm_eps: layer_norm_eps: f64,
    with_seed: seed: u64,
}

impl VitConfig {
    /// The `tiny` shape over `classes` identities; change fields with the `with_*` methods.
    pub fn new(classes: usize) -> Self {
        Self {
            classes,
            image_size: 32,
            channels: 1,
            patch_size: 8,
            width: 32,
            heads: 2,
            depth: 2,
            mlp_width: 64,
            layer_norm_eps: 1e-5,
            seed: 0,
        }
    }

    /// Rejects a shape that cannot be built, with the reason, before any tensor exists.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let sizes = [
            ("classes", self.classes),
            ("image_size", self.image_size),
            ("channels", self.channels),
            ("patch_size", self.patch_size),
            ("width", self.width),
            ("heads", self.heads),
            ("depth", self.depth),
            ("mlp_width", self.mlp_width),
        ];
        if let Some((field, _)) = sizes.iter().find(|(_, value)| *value == 0) {
            return Err(ConfigError::ZeroSize {
                field: (*field).to_string(),
            });
        }
        if self.image_size % self.patch_size != 0 {
            return Err(ConfigError::PatchDoesNotDivideImage {
                image_size: self.image_size,
                patch_size: self.patch_size,
            });
        }
        if self.width % self.heads != 0 {
            return Err(ConfigError::HeadsDoNotDivideWidth {
                width: self.width,
                heads: self.heads,
            });
        }
        if !(self.layer_norm_eps.is_finite() && self.layer_norm_eps > 0.0) {
            return Err(ConfigError::BadLayerNormEpsilon(self.layer_norm_eps));
        }
        Ok(())
    }

    /// Patches along one side of the image.
    pub fn grid_size(&self) -> usize {
        self.image_size / self.patch_size
    }

    /// Number of patch tokens (without CLS).
    pub fn patches(&self) -> usize {
        self.grid_size() * self.grid_size()
    }

    /// Sequence length seen by attention: CLS plus the patches.
    pub fn tokens(&self) -> usize {
        1 + self.patches()
    }

    /// Width of one head's Q, K and V vectors; the scores are divided by its square root.
    pub fn head_dim(&self) -> usize {
        self.width / self.heads
    }

    /// Length of one flattened patch: `patch_size² × channels`.
    pub fn patch_dim(&self) -> usize {
        self.patch_size * self.patch_size * self.channels
    }

    /// Pixels in one image: `channels × image_size²`.
    pub fn image_len(&self) -> usize {
        self.channels * self.image_size * self.image_size
    }
}

/// The named model sizes the page and `vitp` offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Preset {
    /// 32×32, patch 8, width 32, 2 heads, 2 blocks, MLP 64: 17 tokens, trains in the page in ms.
    #[serde(rename = "tiny")]
    Tiny,
    /// 32×32, patch 4, width 64, 4 heads, 4 blocks, MLP 128: 65 tokens.
    #[serde(rename = "small")]
    Small,
    /// The teaching text's ViT-S/14: 224×224, patch 14, width 384, 6 heads, 12 blocks, MLP 1536.
    #[serde(rename = "vit-s14")]
    VitS14,
}

impl Preset {
    /// Every preset, smallest first.
    pub const ALL: [Preset; 3] = [Preset::Tiny, Preset::Small, Preset::VitS14];

    /// The preset's name as the command line and the URL spell it.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Tiny => "tiny",
            Preset::Small => "small",
            Preset::VitS14 => "vit-s14",
        }
    }

    /// The preset's shape for a classifier over `classes` identities (grayscale input).
    pub fn config(self, classes: usize) -> VitConfig {
        let base = VitConfig::new(classes);
        match self {
            Preset::Tiny => base,
            Preset::Small => base
                .with_patch_size(4)
                .with_width(64)
                .with_heads(4)
                .with_depth(4)
                .with_mlp_width(128),
            Preset::VitS14 => base
                .with_image_size(224)
                .with_patch_size(14)
                .with_width(384)
                .with_heads(6)
                .with_depth(12)
                .with_mlp_width(1536),
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Preset {
    type Err = ConfigError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Preset::ALL
            .into_iter()
            .find(|preset| preset.name() == name)
            .ok_or_else(|| ConfigError::UnknownPreset(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_and_have_the_documented_shapes() {
        for preset in Preset::ALL {
            preset.config(40).validate().unwrap();
        }
        let tiny = Preset::Tiny.config(40);
        assert_eq!(
            (tiny.tokens(), tiny.head_dim(), tiny.patch_dim()),
            (17, 16, 64)
        );
        let small = Preset::Small.config(40);
        assert_eq!((small.tokens(), small.head_dim()), (65, 16));
        let s14 = Preset::VitS14.config(40);
        assert_eq!((s14.tokens(), s14.head_dim()), (257, 64));
    }

    #[test]
    fn invalid_configs_are_rejected_with_their_reason() {
        let tiny = Preset::Tiny.config(10);
        assert_eq!(
            tiny.clone().with_patch_size(5).validate(),
            Err(ConfigError::PatchDoesNotDivideImage {
                image_size: 32,
                patch_size: 5
            })
        );
        assert_eq!(
            tiny.clone().with_heads(3).validate(),
            Err(ConfigError::HeadsDoNotDivideWidth {
                width: 32,
                heads: 3
            })
        );
        assert_eq!(
            tiny.clone().with_depth(0).validate(),
            Err(ConfigError::ZeroSize {
                field: "depth".into()
            })
        );
        assert_eq!(
            VitConfig::new(0).validate(),
            Err(ConfigError::ZeroSize {
                field: "classes".into()
            })
        );
        assert!(tiny.with_layer_norm_eps(0.0).validate().is_err());
        assert!("huge".parse::<Preset>().is_err());
        assert_eq!("vit-s14".parse::<Preset>(), Ok(Preset::VitS14));
    }

    #[test]
    fn config_round_trips_through_json() {
        let config = Preset::Small.config(7).with_seed(42);
        let json = serde_json::to_string(&config).unwrap();
        let back: VitConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, config);
    }
}
