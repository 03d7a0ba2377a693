//! Every parameter under a stable name, for the replay dump and for inspection.

use burn::module::Param;
use burn::nn::{LayerNorm, Linear};
use burn::tensor::{Tensor, Transaction};
use serde::{Deserialize, Serialize};

use crate::readback::{floats, Pending};
use crate::vit::Vit;

/// One parameter's values, row-major, with its shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedTensor {
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
}

/// A parameter on the device, flattened, waiting to be read.
struct Entry {
    name: String,
    shape: Vec<usize>,
    flat: Tensor<1>,
}

fn flat<const D: usize>(name: String, param: &Param<Tensor<D>>) -> Entry {
    let value = param.val().inner();
    let shape = value.dims().to_vec();
    let len: usize = shape.iter().product();
    Entry {
        name,
        shape,
        flat: value.reshape([len]),
    }
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
        let entries = self.entries();
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

    /// Number of learned scalars.
    pub fn parameter_count(&self) -> usize {
        self.entries()
            .iter()
            .map(|e| e.shape.iter().product::<usize>())
            .sum()
    }
}
