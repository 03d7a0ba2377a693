//! Every parameter under a stable name, for the replay dump and for inspection.

use burn::module::Param;
use burn::nn::{LayerNorm, Linear};
use burn::tensor::{Tensor, Transaction};
use serde::{Deserialize, Serialize};

use crate::readback::{floats, Pending};
use crate::vit::Vit;
pub use vocab::protocol::ParameterDrift;

/// One parameter's values, row-major, with its shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedTensor {
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
}

/// One block's learned attention matrices (`[d_in, d_out]`, applied as `x · W + b`) and
/// their biases.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttentionWeights {
    pub wq: NamedTensor,
    pub wk: NamedTensor,
    pub wv: NamedTensor,
    pub wo: NamedTensor,
    pub bq: NamedTensor,
    pub bk: NamedTensor,
    pub bv: NamedTensor,
    pub bo: NamedTensor,
}

/// A parameter on the device, flattened, waiting to be read.
struct Entry {
    name: String,
    shape: Vec<usize>,
    flat: Tensor<1>,
}

impl Entry {
    fn new<const D: usize>(name: String, value: Tensor<D>) -> Self {
        let shape = value.dims().to_vec();
        let len: usize = shape.iter().product();
        Entry {
            name,
            shape,
            flat: value.reshape([len]),
        }
    }
}

fn flat<const D: usize>(name: String, param: &Param<Tensor<D>>) -> Entry {
    Entry::new(name, param.val().inner())
}

fn linear(out: &mut Vec<Entry>, name: &str, layer: &Linear) {
    out.push(flat(format!("{name}.weight"), &layer.weight));
    if let Some(bias) = &layer.bias {
        out.push(flat(format!("{name}.bias"), bias));
    }
}

fn norm(out: &mut Vec<Entry>, name: &str, layer: &LayerNorm) {
    out.push(flat(format!("{name}.gamma"), &layer.gamma));
    if let Some(beta) = &layer.beta {
        out.push(flat(format!("{name}.beta"), beta));
    }
}

impl Vit {
    fn entries(&self) -> Vec<Entry> {
        let mut out = Vec::new();
        linear(&mut out, "patch_embed", &self.patch_embed);
        out.push(flat("cls_token".into(), &self.cls_token));
        out.push(flat("pos_embed".into(), &self.pos_embed));
        for (i, block) in self.blocks.iter().enumerate() {
            norm(&mut out, &format!("blocks.{i}.norm1"), &block.norm1);
            linear(&mut out, &format!("blocks.{i}.attn.wq"), &block.attn.wq);
            linear(&mut out, &format!("blocks.{i}.attn.wk"), &block.attn.wk);
            linear(&mut out, &format!("blocks.{i}.attn.wv"), &block.attn.wv);
            linear(&mut out, &format!("blocks.{i}.attn.wo"), &block.attn.wo);
            norm(&mut out, &format!("blocks.{i}.norm2"), &block.norm2);
            linear(&mut out, &format!("blocks.{i}.mlp.fc1"), &block.mlp.fc1);
            linear(&mut out, &format!("blocks.{i}.mlp.fc2"), &block.mlp.fc2);
        }
        norm(&mut out, "norm", &self.norm);
        linear(&mut out, "head", &self.head);
        out
    }

    /// Every parameter by name (`patch_embed.weight`, `blocks.0.attn.wq.weight`, …), in
    /// model order, read in one go.
    pub fn named_parameters(&self) -> Pending<Vec<(String, NamedTensor)>> {
        self.named_parameters_and(Vec::new())
    }

    /// [`Vit::named_parameters`], then `extra` tensors (name, tensor) in the same read.
    pub(crate) fn named_parameters_and(
        &self,
        extra: Vec<(String, Tensor<2>)>,
    ) -> Pending<Vec<(String, NamedTensor)>> {
        let mut entries = self.entries();
        entries.extend(
            extra
                .into_iter()
                .map(|(name, tensor)| Entry::new(name, tensor)),
        );
        let mut transaction = Transaction::default();
        let mut layout = Vec::with_capacity(entries.len());
        for entry in entries {
            transaction = transaction.register(entry.flat);
            layout.push((entry.name, entry.shape));
        }
        Pending::new(transaction, move |data| {
            Ok(layout
                .into_iter()
                .zip(&data)
                .map(|((name, shape), values)| {
                    (
                        name,
                        NamedTensor {
                            shape,
                            values: floats(values),
                        },
                    )
                })
                .collect())
        })
    }

    /// How far each group of learned numbers has moved from `initial`: `‖W − W₀‖ / ‖W₀‖`
    /// (Frobenius; a weight with its bias, LayerNorm's γ with its β), by group name
    /// (`patch_embed`, `cls_token`, `pos_embed`, `blocks.0.norm1`, `blocks.0.attn.wq`, …,
    /// `norm`, `head`) in model order, read in one go. Everything training changes, not
    /// only the attention's matrices.
    pub fn drift_from(&self, initial: &Vit) -> Pending<Vec<ParameterDrift>> {
        let mut names: Vec<String> = Vec::new();
        let mut sums: Vec<Tensor<1>> = Vec::new();
        for (now, then) in self.entries().into_iter().zip(initial.entries()) {
            let group = match now.name.rsplit_once('.') {
                Some((group, "weight" | "bias" | "gamma" | "beta")) => group.to_string(),
                _ => now.name.clone(),
            };
            let moved = (now.flat - then.flat.clone()).square().sum();
            let size = then.flat.square().sum();
            if names.last() == Some(&group) {
                let n = sums.len();
                sums[n - 2] = sums[n - 2].clone() + moved;
                sums[n - 1] = sums[n - 1].clone() + size;
            } else {
                names.push(group);
                sums.extend([moved, size]);
            }
        }
        let transaction = Transaction::default().register(Tensor::cat(sums, 0));
        Pending::new(transaction, move |data| {
            let values = floats(&data[0]);
            Ok(names
                .into_iter()
                .zip(values.chunks(2))
                .map(|(group, pair)| ParameterDrift {
                    group,
                    drift: (pair[0] / pair[1].max(f32::MIN_POSITIVE)).sqrt(),
                })
                .collect())
        })
    }

    /// The four learned matrices of one block's attention (`[width, width]` each, `x · W`),
    /// read in one go: the page shows them beside the Q, K and V they produce.
    /// `None` if the model has no such block.
    pub fn attention_weights(&self, block: usize) -> Option<Pending<AttentionWeights>> {
        let attn = &self.blocks.get(block)?.attn;
        let layers = [&attn.wq, &attn.wk, &attn.wv, &attn.wo];
        let name = |n: &str| format!("blocks.{block}.attn.{n}");
        let mut entries: Vec<Entry> = layers
            .iter()
            .zip(["wq", "wk", "wv", "wo"])
            .map(|(layer, n)| flat(name(n) + ".weight", &layer.weight))
            .collect();
        // A layer built without a bias reads as a zero bias.
        for (layer, n) in layers.iter().zip(["wq", "wk", "wv", "wo"]) {
            entries.push(match &layer.bias {
                Some(bias) => flat(name(n) + ".bias", bias),
                None => {
                    let weight = layer.weight.val().inner();
                    let [_, d_out] = weight.dims();
                    Entry {
                        name: name(n) + ".bias",
                        shape: vec![d_out],
                        flat: Tensor::zeros([d_out], &weight.device()),
                    }
                }
            });
        }
        let shapes: Vec<Vec<usize>> = entries.iter().map(|e| e.shape.clone()).collect();
        let mut transaction = Transaction::default();
        for entry in entries {
            transaction = transaction.register(entry.flat);
        }
        Some(Pending::new(transaction, move |data| {
            let tensor = |i: usize| NamedTensor {
                shape: shapes[i].clone(),
                values: floats(&data[i]),
            };
            Ok(AttentionWeights {
                wq: tensor(0),
                wk: tensor(1),
                wv: tensor(2),
                wo: tensor(3),
                bq: tensor(4),
                bk: tensor(5),
                bv: tensor(6),
                bo: tensor(7),
            })
        }))
    }

    /// Number of learned scalars.
    pub fn parameter_count(&self) -> usize {
        self.entries()
            .iter()
            .map(|e| e.shape.iter().product::<usize>())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use crate::{default_cpu, BackendDevice, VitConfig, VitInit};

    #[test]
    fn attention_weights_are_the_named_parameters_of_that_block() {
        let device = default_cpu().device().unwrap();
        let config = VitConfig::new(3);
        let model = config.init(&device).unwrap();
        let all = model.named_parameters().wait().unwrap();
        let weights = model.attention_weights(1).unwrap().wait().unwrap();
        let named = |n: &str| &all.iter().find(|(name, _)| name == n).unwrap().1;
        assert_eq!(&weights.wq, named("blocks.1.attn.wq.weight"));
        assert_eq!(&weights.wk, named("blocks.1.attn.wk.weight"));
        assert_eq!(&weights.wv, named("blocks.1.attn.wv.weight"));
        assert_eq!(&weights.wo, named("blocks.1.attn.wo.weight"));
        assert_eq!(&weights.bq, named("blocks.1.attn.wq.bias"));
        assert_eq!(&weights.bk, named("blocks.1.attn.wk.bias"));
        assert_eq!(weights.wq.shape, vec![32, 32]);
        assert!(model.attention_weights(2).is_none());
    }

    #[test]
    fn the_parameter_count_worked_out_from_a_shape_is_the_model_s() {
        let device = default_cpu().device().unwrap();
        let shapes = [
            VitConfig::new(3),
            crate::Preset::Small.config(40),
            VitConfig::new(7)
                .with_image_size(16)
                .with_heads(1)
                .with_depth(1)
                .with_mlp_width(48),
        ];
        for config in shapes {
            let model = config.init(&device).unwrap();
            let shape = vocab::ModelShape::of(&config);
            let cost = shape.cost(config.classes, 1, vocab::OptimizerKind::Adam);
            assert_eq!(cost.parameters, model.parameter_count(), "{config:?}");
        }
    }
}
