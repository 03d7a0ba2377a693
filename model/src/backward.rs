//! One head's backward pass through attention, with an update's own numbers: the pieces
//! that show why dWq, dWk and dWv differ (the teaching text's question 2).
//!
//! Autodiff gives the weights' gradients but keeps the ones in between to itself. The
//! trainer taps the heads' output (see `Vit::forward_tapped`) to get `dL/dO`, and the rest
//! follows by the chain rule, written out here as the learner reads it:
//! `dV = Aᵀ·dO`, `dA = dO·Vᵀ`, `dS = A ⊙ (dA − rowsum(dA ⊙ A))`, `dQ = dS·K/√d`,
//! `dK = dSᵀ·Q/√d`. A test rebuilds the weights' gradients from these pieces and matches
//! autodiff's.

use burn::tensor::Tensor;

use crate::attention::AttentionProbe;
use crate::readback::Cursor;
use crate::report::{BackwardPath, HeadTarget};

/// The pieces of the first image's backward pass for `target`, flattened in the order
/// [`read_backward_path`] reads them. `d_output`: `dL/d(concatenated heads)`, `[B, T, width]`.
pub(crate) fn backward_pieces(
    probe: &AttentionProbe,
    d_output: Tensor<3>,
    target: HeadTarget,
) -> Vec<Tensor<1>> {
    let [_, tokens, width] = d_output.dims();
    let head_dim = probe.q.dims()[3];
    let h = target.head;
    // The first image, one head: `[rows, cols]`.
    let head = |t: &Tensor<4>, cols: usize| {
        t.clone()
            .inner()
            .slice([0..1, h..h + 1])
            .reshape([tokens, cols])
    };
    let (q, k, v) = (
        head(&probe.q, head_dim),
        head(&probe.k, head_dim),
        head(&probe.v, head_dim),
    );
    let attention = head(&probe.attention, tokens);
    let x = probe
        .input
        .clone()
        .inner()
        .slice([0..1])
        .reshape([tokens, width]);
    let d_o = d_output
        .slice([0..1, 0..tokens, h * head_dim..(h + 1) * head_dim])
        .reshape([tokens, head_dim]);
    let scale = 1.0 / (head_dim as f32).sqrt();
    let d_values = attention.clone().transpose().matmul(d_o.clone());
    let d_attention = d_o.clone().matmul(v.clone().transpose());
    let row_sums = (d_attention.clone() * attention.clone()).sum_dim(1);
    let d_scores = attention.clone() * (d_attention.clone() - row_sums);
    let d_queries = d_scores.clone().matmul(k.clone()).mul_scalar(scale);
    let d_keys = d_scores
        .clone()
        .transpose()
        .matmul(q.clone())
        .mul_scalar(scale);
    let flat = |t: Tensor<2>| {
        let [rows, cols] = t.dims();
        t.reshape([rows * cols])
    };
    [
        x,
        q,
        k,
        v,
        attention,
        d_o,
        d_values,
        d_attention,
        d_scores,
        d_queries,
        d_keys,
    ]
    .into_iter()
    .map(flat)
    .collect()
}

/// Reads what [`backward_pieces`] registered.
pub(crate) fn read_backward_path(
    cursor: &mut Cursor<'_>,
    target: HeadTarget,
    image: usize,
    tokens: usize,
    head_dim: usize,
    width: usize,
) -> BackwardPath {
    let (vector, square) = (tokens * head_dim, tokens * tokens);
    let mut take = |len: usize| cursor.take(len).to_vec();
    BackwardPath {
        target,
        image,
        tokens,
        head_dim,
        width,
        x: take(tokens * width),
        q: take(vector),
        k: take(vector),
        v: take(vector),
        attention: take(square),
        d_output: take(vector),
        d_values: take(vector),
        d_attention: take(square),
        d_scores: take(square),
        d_queries: take(vector),
        d_keys: take(vector),
    }
}
