//! The attention's softmax over the last dimension, as one operation forward and one backward.
//!
//! Under autodiff, Burn 0.22 computes softmax as five operations (max, subtract, exp, sum,
//! divide) and differentiates each of them, recomputing the exponentials in backward: on
//! burn-flex two passes of scalar `expf` and about ten passes over the scores, each with a
//! tensor of its own. Here the forward pass is one sweep per row ([`lanes::softmax_rows`]) and
//! the backward pass one more, from the saved output `y`:
//! `∂L/∂x = y ⊙ (∂L/∂y − Σⱼ (∂L/∂y)ⱼ·yⱼ)`.
//!
//! [`lanes::softmax_rows`]: super::lanes::softmax_rows

// burn-ndarray is deprecated in Burn 0.22; it stays selectable to compare (see backend.rs).
#![allow(deprecated)]

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{unary, Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;
use burn::backend::{backend_extension, Autodiff, Backend, Dispatch, TensorMetadata};
use burn::tensor::Tensor;

/// Softmax over the last dimension, on any backend the model runs on.
pub fn softmax_last<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    Tensor::from_dispatch(<Dispatch as FusedSoftmax>::softmax_last(x.into_dispatch()))
}

/// Softmax over the last dimension as a backend operation, so that flex can run it in one
/// sweep and autodiff can record a one-operation backward pass.
#[backend_extension(
    Flex: cfg(feature = "flex"),
    NdArray: cfg(feature = "ndarray"),
    Cube: cfg(feature = "wgpu"),
    Autodiff
)]
pub trait FusedSoftmax: Backend {
    /// `e^(x − max)/Σ e^(x − max)` along the last dimension; by default the backend's own.
    fn softmax_last(x: FloatTensor<Self>) -> FloatTensor<Self> {
        let dim = x.shape().num_dims() - 1;
        Self::softmax(x, dim)
    }

    /// `y ⊙ (grad − Σ grad ⊙ y)` along the last dimension, from the softmax's output `y`.
    fn softmax_last_backward(y: FloatTensor<Self>, grad: FloatTensor<Self>) -> FloatTensor<Self> {
        composed_backward::<Self>(y, grad)
    }
}

/// The backward pass in four of the backend's operations.
fn composed_backward<B: Backend>(y: FloatTensor<B>, grad: FloatTensor<B>) -> FloatTensor<B> {
    let dim = y.shape().num_dims() - 1;
    let dot = B::float_sum_dim(B::float_mul(grad.clone(), y.clone()), dim);
    B::float_mul(y, B::float_sub(grad, dot))
}

#[cfg(feature = "ndarray")]
impl FusedSoftmax for burn::backend::NdArray {}

#[cfg(feature = "wgpu")]
impl FusedSoftmax for burn::backend::Cube {}

#[cfg(feature = "flex")]
mod on_flex {
    use burn::backend::flex::FlexTensor;
    use burn::backend::ops::ActivationOps;
    use burn::backend::{Flex, TensorMetadata};

    use super::FusedSoftmax;
    use crate::kernels::flex::f32_owned;
    use crate::kernels::lanes;

    /// The length of the rows, where the tensor has any.
    fn row_len(tensor: &FlexTensor) -> Option<usize> {
        tensor.shape().last().copied().filter(|&n| n > 0)
    }

    impl FusedSoftmax for Flex {
        fn softmax_last(x: FlexTensor) -> FlexTensor {
            let dim = x.shape().num_dims() - 1;
            match (row_len(&x), f32_owned(x)) {
                (Some(row), Ok(mut out)) => {
                    lanes::softmax_rows(out.storage_mut::<f32>(), row);
                    out
                }
                (_, Ok(x) | Err(x)) => Flex::softmax(x, dim),
            }
        }

        fn softmax_last_backward(y: FlexTensor, grad: FlexTensor) -> FlexTensor {
            let y = y.to_contiguous();
            let row = row_len(&y);
            if row.is_none() || y.as_slice::<f32>().is_none() || y.shape() != grad.shape() {
                return super::composed_backward::<Flex>(y, grad);
            }
            match (row, f32_owned(grad)) {
                (Some(row), Ok(mut out)) => {
                    let values = y.as_slice::<f32>().expect("checked above");
                    lanes::softmax_backward_rows(values, out.storage_mut::<f32>(), row);
                    out
                }
                (_, Ok(grad) | Err(grad)) => super::composed_backward::<Flex>(y, grad),
            }
        }
    }
}

impl<B: FusedSoftmax, C: CheckpointStrategy> FusedSoftmax for Autodiff<B, C> {
    fn softmax_last(x: FloatTensor<Self>) -> FloatTensor<Self> {
        /// Backward of softmax: keeps the output `y`.
        #[derive(Debug)]
        struct SoftmaxBackward;

        impl<B: FusedSoftmax> Backward<B, 1> for SoftmaxBackward {
            type State = FloatTensor<B>;

            fn backward(
                self,
                ops: Ops<Self::State, 1>,
                grads: &mut Gradients,
                _checkpointer: &mut Checkpointer,
            ) {
                let y = ops.state;
                unary::<B, _>(ops.parents, ops.node, grads, |grad| {
                    B::softmax_last_backward(y, grad)
                });
            }
        }

        match SoftmaxBackward
            .prepare::<C>([x.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let y = B::softmax_last(x.into_primitive());
                prep.finish(y.clone(), y)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::softmax_last(x.into_primitive())),
        }
    }

    fn softmax_last_backward(y: FloatTensor<Self>, grad: FloatTensor<Self>) -> FloatTensor<Self> {
        // Only reached by a second derivative, which the model never takes: composed of
        // differentiable operations.
        composed_backward::<Self>(y, grad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::cpu_devices;
    use crate::kernels::lanes;
    use burn::tensor::TensorData;

    /// Softmax in f64 of f32 inputs: the exact values to compare with.
    fn exact(row: &[f32]) -> Vec<f64> {
        let max = row.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v as f64));
        let e: Vec<f64> = row.iter().map(|&v| (v as f64 - max).exp()).collect();
        let sum: f64 = e.iter().sum();
        e.iter().map(|v| v / sum).collect()
    }

    fn rows() -> Vec<Vec<f32>> {
        let mut rows = vec![
            // The attention views' test: scores of ±1e4 straight into the softmax.
            vec![1e4, -1e4, 0.0, 1e4, -1e4],
            vec![-1e4; 7],
            vec![0.0; 65],
            vec![3.0],
        ];
        // Rows as long as `small`'s and `vit-s14`'s, of ordinary scores.
        for (len, seed) in [(17usize, 1u32), (65, 2), (257, 3), (40, 4)] {
            let mut state = seed;
            rows.push(
                (0..len)
                    .map(|_| {
                        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                        (state >> 8) as f32 / (1 << 24) as f32 * 16.0 - 8.0
                    })
                    .collect(),
            );
        }
        rows
    }

    #[test]
    fn each_share_is_within_a_few_ulp_of_the_exact_softmax() {
        for row in rows() {
            let mut ours = row.clone();
            lanes::softmax_rows(&mut ours, row.len());
            let exact = exact(&row);
            for (i, (&p, &e)) in ours.iter().zip(&exact).enumerate() {
                // exp within 2 ulp, the sum rounded once per term, one product by 1/sum.
                let allowed = 4.0 * f32::EPSILON as f64 * e + f32::MIN_POSITIVE as f64;
                assert!((p as f64 - e).abs() <= allowed, "{row:?}[{i}]: {p} vs {e}");
            }
        }
        // ±1e4: the largest scores share the attention, the others get exactly nothing.
        let mut row = vec![1e4f32, -1e4, 0.0, 1e4, -1e4];
        lanes::softmax_rows(&mut row, 5);
        assert_eq!(row, [0.5, 0.0, 0.0, 0.5, 0.0]);
    }

    #[test]
    fn a_row_with_nan_stays_nan() {
        let mut row = vec![1.0, f32::NAN, 2.0];
        lanes::softmax_rows(&mut row, 3);
        assert!(row.iter().all(|v| v.is_nan()));
    }

    #[test]
    fn the_backward_sweep_is_the_jacobian_times_the_gradient() {
        for row in rows() {
            let mut y = row.clone();
            lanes::softmax_rows(&mut y, row.len());
            let grad: Vec<f32> = (0..row.len()).map(|i| (i % 5) as f32 - 2.0).collect();
            let mut ours = grad.clone();
            lanes::softmax_backward_rows(&y, &mut ours, row.len());
            // J = diag(y) − y·yᵀ, in f64.
            for i in 0..row.len() {
                let exact: f64 = (0..row.len())
                    .map(|j| {
                        let jacobian =
                            if i == j { y[i] as f64 } else { 0.0 } - y[i] as f64 * y[j] as f64;
                        jacobian * grad[j] as f64
                    })
                    .sum();
                assert!(
                    (ours[i] as f64 - exact).abs() <= 1e-6 * (1.0 + exact.abs()),
                    "row of {}: {} vs {exact}",
                    row.len(),
                    ours[i]
                );
            }
        }
    }

    #[test]
    fn the_tensor_softmax_and_its_gradient_match_burns_own_on_every_cpu_backend() {
        let values: Vec<f32> = (0..2 * 3 * 5 * 5)
            .map(|i| ((i * 37) % 23) as f32 * 0.7 - 8.0)
            .collect();
        for device in cpu_devices() {
            let device = device.autodiff();
            let input = || {
                Tensor::<4>::from_data(TensorData::new(values.clone(), [2, 3, 5, 5]), &device)
                    .require_grad()
            };
            let weights = Tensor::<4>::from_data(
                TensorData::new(
                    (0..150).map(|i| (i % 7) as f32 - 3.0).collect(),
                    [2, 3, 5, 5],
                ),
                &device,
            );
            let (ours, theirs) = (input(), input());
            let out_ours = softmax_last(ours.clone());
            let out_theirs = burn::tensor::activation::softmax(theirs.clone(), 3);
            out_ours
                .clone()
                .into_data()
                .assert_approx_eq::<f32>(&out_theirs.clone().into_data(), Default::default());
            let grads_ours = (out_ours * weights.clone()).sum().backward();
            let grads_theirs = (out_theirs * weights).sum().backward();
            ours.grad(&grads_ours)
                .expect("a gradient reaches the scores")
                .into_data()
                .assert_approx_eq::<f32>(
                    &theirs.grad(&grads_theirs).unwrap().into_data(),
                    Default::default(),
                );
        }
    }
}
