//! Reading the probes back: one image's attention numbers, in one GPU round trip.

use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData, Transaction};
use serde::{Deserialize, Serialize};

use crate::config::VitConfig;
use crate::readback::{floats, Cursor, Pending};
use crate::vit::Vit;

/// One head of one block, for one image. Matrices are row-major: `[tokens, head_dim]`
/// for Q, K, V and `[tokens, tokens]` (row = query token, CLS first) for the others.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeadProbe {
    pub q: Vec<f32>,
    pub k: Vec<f32>,
    pub v: Vec<f32>,
    /// `Q·Kᵀ / √d_head`, before softmax.
    pub scores: Vec<f32>,
    /// Softmax of each row of the scores: each row sums to 1.
    pub attention: Vec<f32>,
}

/// Everything the forward pass computed for one image, as plain numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProbeReport {
    /// CLS plus the patches.
    pub tokens: usize,
    pub head_dim: usize,
    /// `blocks[b][h]`.
    pub blocks: Vec<Vec<HeadProbe>>,
    /// What each block's Wq, Wk, Wv were applied to, `[tokens, width]` per block: the
    /// block's input after its first LayerNorm.
    pub block_inputs: Vec<Vec<f32>>,
    /// What the classifier sees, after the final LayerNorm `[width]`.
    pub cls_embedding: Vec<f32>,
    /// One probability per identity.
    pub probabilities: Vec<f32>,
}

impl Vit {
    /// Runs one image (`[C, H, W]`, normalised as for training) with probes on, without
    /// autodiff, and reads every number back in one go.
    pub fn probe(
        &self,
        config: &VitConfig,
        image: &[f32],
        device: &Device,
    ) -> Pending<ProbeReport> {
        let device = device.clone().inner();
        let model = self.valid();
        let shape = [1, config.channels, config.image_size, config.image_size];
        let images = Tensor::<4>::from_data(TensorData::new(image.to_vec(), shape), &device);
        let probes = model
            .forward(images, true)
            .probes
            .expect("probes were asked for");
        let flat = |t: Tensor<4>| {
            let len: usize = t.dims().iter().product();
            t.reshape([len])
        };
        let mut parts = Vec::new();
        for block in probes.blocks {
            let len: usize = block.input.dims().iter().product();
            parts.extend([
                block.input.reshape([len]),
                flat(block.q),
                flat(block.k),
                flat(block.v),
                flat(block.scores),
                flat(block.attention),
            ]);
        }
        let width = config.width;
        parts.push(probes.cls_embedding.reshape([width]));
        parts.push(probes.probabilities.reshape([config.classes]));
        let transaction = Transaction::default().register(Tensor::cat(parts, 0));
        let (tokens, heads, head_dim, depth, classes) = (
            config.tokens(),
            config.heads,
            config.head_dim(),
            config.depth,
            config.classes,
        );
        Pending::new(transaction, move |data| {
            let values = floats(&data[0]);
            let mut cursor = Cursor::new(&values);
            let mut blocks = Vec::with_capacity(depth);
            let mut block_inputs = Vec::with_capacity(depth);
            for _ in 0..depth {
                block_inputs.push(cursor.take(tokens * width).to_vec());
                let q = cursor.take(heads * tokens * head_dim);
                let k = cursor.take(heads * tokens * head_dim);
                let v = cursor.take(heads * tokens * head_dim);
                let scores = cursor.take(heads * tokens * tokens);
                let attention = cursor.take(heads * tokens * tokens);
                let vector = tokens * head_dim;
                let square = tokens * tokens;
                blocks.push(
                    (0..heads)
                        .map(|h| HeadProbe {
                            q: q[h * vector..(h + 1) * vector].to_vec(),
                            k: k[h * vector..(h + 1) * vector].to_vec(),
                            v: v[h * vector..(h + 1) * vector].to_vec(),
                            scores: scores[h * square..(h + 1) * square].to_vec(),
                            attention: attention[h * square..(h + 1) * square].to_vec(),
                        })
                        .collect(),
                );
            }
            Ok(ProbeReport {
                tokens,
                head_dim,
                blocks,
                block_inputs,
                cls_embedding: cursor.take(width).to_vec(),
                probabilities: cursor.take(classes).to_vec(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Preset;
    use crate::vit::VitInit;
    use burn::tensor::Device;

    #[test]
    fn probe_report_is_softmax_of_scaled_qk_for_every_head() {
        let device = Device::flex();
        let config = Preset::Tiny.config(5).with_seed(4);
        let model = config.init(&device).unwrap();
        let image: Vec<f32> = (0..1024)
            .map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0)
            .collect();
        let report = model.probe(&config, &image, &device).wait().unwrap();
        assert_eq!(
            (report.tokens, report.head_dim, report.blocks.len()),
            (17, 16, 2)
        );
        assert!((report.probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        for head in report.blocks.iter().flatten() {
            let t = report.tokens;
            for query in 0..t {
                let row = &head.attention[query * t..(query + 1) * t];
                assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
                // Recompute the row from the reported Q and K.
                let q = &head.q[query * 16..(query + 1) * 16];
                let scores: Vec<f32> = (0..t)
                    .map(|key| {
                        q.iter()
                            .zip(&head.k[key * 16..(key + 1) * 16])
                            .map(|(a, b)| a * b)
                            .sum::<f32>()
                            / 4.0
                    })
                    .collect();
                let max = scores.iter().copied().fold(f32::MIN, f32::max);
                let total: f32 = scores.iter().map(|s| (s - max).exp()).sum();
                for key in 0..t {
                    assert!((scores[key] - head.scores[query * t + key]).abs() < 1e-4);
                    assert!(((scores[key] - max).exp() / total - row[key]).abs() < 1e-5);
                }
            }
        }
    }

    /// The reported input of a block, through that block's Wq and Wk (and biases), gives the
    /// reported Q and K of every head: what the lessons' token breakdown shows term by term.
    #[test]
    fn block_input_times_wq_and_wk_gives_the_reported_q_and_k() {
        let device = Device::flex();
        let config = Preset::Tiny.config(5).with_seed(4);
        let model = config.init(&device).unwrap();
        let image: Vec<f32> = (0..1024)
            .map(|i| ((i * 13 % 97) as f32 / 48.0) - 1.0)
            .collect();
        let report = model.probe(&config, &image, &device).wait().unwrap();
        let (t, d, width) = (report.tokens, report.head_dim, config.width);
        for (block, heads) in report.blocks.iter().enumerate() {
            let weights = model.attention_weights(block).unwrap().wait().unwrap();
            let x = &report.block_inputs[block];
            assert_eq!(x.len(), t * width);
            for (h, head) in heads.iter().enumerate() {
                for token in [0, t / 2, t - 1] {
                    for j in 0..d {
                        let column = h * d + j;
                        let project = |w: &[f32], b: &[f32]| {
                            (0..width)
                                .map(|i| x[token * width + i] * w[i * width + column])
                                .sum::<f32>()
                                + b[column]
                        };
                        let q = project(&weights.wq.values, &weights.bq.values);
                        let k = project(&weights.wk.values, &weights.bk.values);
                        assert!((q - head.q[token * d + j]).abs() < 1e-4);
                        assert!((k - head.k[token * d + j]).abs() < 1e-4);
                    }
                }
            }
        }
    }
}
