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
    let identity = |i: usize| if i / tokens == i % tokens { 1.0 } else { 0.0 };
    let mut rollout: Vec<f32> = (0..tokens * tokens).map(identity).collect();
    for heads in blocks {
        let mut mixed = vec![0.0f32; tokens * tokens];
        for head in heads {
            for (m, a) in mixed.iter_mut().zip(&head.attention) {
                *m += a / heads.len() as f32;
            }
        }
        for (i, m) in mixed.iter_mut().enumerate() {
            *m = (*m + identity(i)) / 2.0;
        }
        let mut next = vec![0.0f32; tokens * tokens];
        for row in 0..tokens {
            for k in 0..tokens {
                let a = mixed[row * tokens + k];
                for col in 0..tokens {
                    next[row * tokens + col] += a * rollout[k * tokens + col];
                }
            }
        }
        rollout = next;
    }
    rollout[..tokens].to_vec()
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
    fn drift_and_similarity_of_known_matrices() {
        assert_eq!(relative_drift(&[3.0, 4.0], &[3.0, 4.0]), 0.0);
        assert_eq!(relative_drift(&[6.0, 8.0], &[3.0, 4.0]), 1.0);
        assert_eq!(cosine_similarity(&[1.0, 0.0], &[0.0, 2.0]), 0.0);
        assert!((cosine_similarity(&[1.0, 2.0], &[2.0, 4.0]) - 1.0).abs() < 1e-6);
        assert!((cosine_similarity(&[1.0, 2.0], &[-1.0, -2.0]) + 1.0).abs() < 1e-6);
    }
}
