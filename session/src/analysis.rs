//! Numbers computed from what the probes read back: how the inspected weights moved, how
//! alike Wq and Wk have become, and what the CLS token is made of over all blocks.

use model::HeadProbe;

/// Summed in `f64`: weights that an absurd learning rate has blown up to 1e30 still give a
/// finite drift (in `f32` their squares overflow to infinity).
fn norm(values: impl Iterator<Item = f32>) -> f64 {
    values.map(|x| (x as f64).powi(2)).sum::<f64>().sqrt()
}

/// ‖W − W₀‖ / ‖W₀‖ (Frobenius): how far a matrix has moved from its initial value.
pub fn relative_drift(now: &[f32], initial: &[f32]) -> f32 {
    let moved = now.iter().zip(initial).map(|(a, b)| a - b);
    (norm(moved) / norm(initial.iter().copied()).max(1e-12)) as f32
}

/// Cosine similarity of two matrices read as vectors.
pub fn cosine_similarity(a: &[f32], b: &[f32]) -> f32 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
    (dot / (norm(a.iter().copied()) * norm(b.iter().copied())).max(1e-12)) as f32
}

/// Attention rollout (Abnar & Zuidema, 2020): each block's attention averaged over its heads,
/// with the residual connection counted as attending to oneself, `(A + I) / 2`, multiplied
/// from the first block to the last. Returns the CLS row: what the classifier's token is
/// made of, over all blocks.
pub fn rollout_from_cls(blocks: &[Vec<HeadProbe>], tokens: usize) -> Vec<f32> {
    // Only CLS's row of `M_last ⋯ M_first` is wanted: carry that one row back through the
    // blocks, `row ← row · M`, instead of multiplying whole matrices (T² per block, not T³:
    // it matters at 257 tokens).
    let mut row = vec![0.0f32; tokens];
    row[0] = 1.0;
    for heads in blocks.iter().rev() {
        let mut next = vec![0.0f32; tokens];
        for (from, &weight) in row.iter().enumerate() {
            if weight == 0.0 {
                continue;
            }
            // Row `from` of (mean over heads of A + I) / 2.
            for head in heads {
                let share = weight / (2.0 * heads.len() as f32);
                let attention = &head.attention[from * tokens..(from + 1) * tokens];
                for (n, a) in next.iter_mut().zip(attention) {
                    *n += share * a;
                }
            }
            next[from] += weight / 2.0;
        }
        row = next;
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollout_mixes_heads_and_the_residual_path() {
        let head = |attention: Vec<f32>| HeadProbe {
            q: vec![],
            k: vec![],
            v: vec![],
            scores: vec![],
            attention,
        };
        // Two tokens; one block whose two heads send CLS entirely to the patch.
        let block = vec![
            head(vec![0.0, 1.0, 0.0, 1.0]),
            head(vec![0.0, 1.0, 0.0, 1.0]),
        ];
        let cls = rollout_from_cls(std::slice::from_ref(&block), 2);
        assert_eq!(
            cls,
            vec![0.5, 0.5],
            "half through the residual, half through attention"
        );
        let cls = rollout_from_cls(&[block.clone(), block], 2);
        assert_eq!(cls, vec![0.25, 0.75]);
        assert!((cls.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn the_cls_row_alone_equals_the_whole_product_s_first_row() {
        let tokens = 3;
        // Rows that sum to 1, different in every block and head.
        let attention = |seed: usize| -> Vec<f32> {
            (0..tokens)
                .flat_map(|row| {
                    let raw: Vec<f32> = (0..tokens)
                        .map(|col| 1.0 + ((seed * 7 + row * 3 + col * 5) % 11) as f32)
                        .collect();
                    let sum: f32 = raw.iter().sum();
                    raw.into_iter().map(move |v| v / sum)
                })
                .collect()
        };
        let blocks: Vec<Vec<HeadProbe>> = (0..3)
            .map(|b| {
                (0..2)
                    .map(|h| HeadProbe {
                        q: vec![],
                        k: vec![],
                        v: vec![],
                        scores: vec![],
                        attention: attention(b * 2 + h),
                    })
                    .collect()
            })
            .collect();
        // R = M_last ⋯ M_first, M = (mean of heads + I) / 2, multiplied whole.
        let identity = |i: usize| if i / tokens == i % tokens { 1.0 } else { 0.0 };
        let mut whole: Vec<f32> = (0..tokens * tokens).map(identity).collect();
        for heads in &blocks {
            let m: Vec<f32> = (0..tokens * tokens)
                .map(|i| {
                    (heads.iter().map(|h| h.attention[i]).sum::<f32>() / 2.0 + identity(i)) / 2.0
                })
                .collect();
            whole = (0..tokens * tokens)
                .map(|i| {
                    let (r, c) = (i / tokens, i % tokens);
                    (0..tokens)
                        .map(|k| m[r * tokens + k] * whole[k * tokens + c])
                        .sum()
                })
                .collect();
        }
        let cls = rollout_from_cls(&blocks, tokens);
        for (a, b) in cls.iter().zip(&whole[..tokens]) {
            assert!((a - b).abs() < 1e-6, "{cls:?} vs {:?}", &whole[..tokens]);
        }
    }

    #[test]
    fn drift_and_similarity_of_known_matrices() {
        assert_eq!(relative_drift(&[3.0, 4.0], &[3.0, 4.0]), 0.0);
        assert_eq!(relative_drift(&[6.0, 8.0], &[3.0, 4.0]), 1.0);
        assert_eq!(cosine_similarity(&[1.0, 0.0], &[0.0, 2.0]), 0.0);
        assert!((cosine_similarity(&[1.0, 2.0], &[2.0, 4.0]) - 1.0).abs() < 1e-6);
        assert!((cosine_similarity(&[1.0, 2.0], &[-1.0, -2.0]) + 1.0).abs() < 1e-6);
    }
}
