//! The exact GELU, `GELU(x) = x·Φ(x) = x/2·(1 + erf(x/√2))`, and its derivative
//! `Φ(x) + x·φ(x)`, many elements at a time on the CPU.
//!
//! burn-flex evaluates both one element at a time with `libm`'s `erff` and `expf` (an eighth of
//! a `small` training step in a profile, BENCHMARKS.md). The model keeps the exact GELU, not
//! the tanh approximation: [`lanes::erf`](super::lanes::erf) has the ranges and rational
//! approximations of FreeBSD's `s_erff.c` (which `libm` carries) and stays within 2 ulp of
//! `libm` (tests below).
//!
//! The operation reaches the model through a Burn backend extension ([`ExactGelu`]): on flex it
//! runs [`super::lanes`]; on ndarray and WebGPU it is the backend's own GELU; under autodiff its
//! backward pass is [`ExactGelu::exact_gelu_backward`] of the backend underneath.

// burn-ndarray is deprecated in Burn 0.22; it stays selectable to compare (see backend.rs).
#![allow(deprecated)]

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{unary, Backward, Ops, OpsKind};
use burn::backend::autodiff::NodeId;
use burn::backend::ops::ActivationOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{backend_extension, Autodiff, Backend, Dispatch};
use burn::tensor::Tensor;

/// `GELU(x)` with the exact (erf) form, on any backend the model runs on.
pub fn gelu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    Tensor::from_dispatch(<Dispatch as ExactGelu>::exact_gelu(x.into_dispatch()))
}

/// The exact GELU as a backend operation, so that flex can run it vectorised and autodiff
/// can record its backward pass.
#[backend_extension(
    Flex: cfg(feature = "flex"),
    NdArray: cfg(feature = "ndarray"),
    Cube: cfg(feature = "wgpu"),
    Autodiff
)]
pub trait ExactGelu: Backend {
    /// `x/2·(1 + erf(x/√2))`; by default the backend's own GELU, the same function.
    fn exact_gelu(x: FloatTensor<Self>) -> FloatTensor<Self> {
        Self::gelu(x)
    }

    /// `grad·(Φ(x) + x·φ(x))`, the gradient reaching `x`; by default the backend's own.
    fn exact_gelu_backward(x: FloatTensor<Self>, grad: FloatTensor<Self>) -> FloatTensor<Self> {
        Self::gelu_backward(x, grad)
    }
}

#[cfg(feature = "ndarray")]
impl ExactGelu for burn::backend::NdArray {}

#[cfg(feature = "wgpu")]
impl ExactGelu for burn::backend::Cube {}

#[cfg(feature = "flex")]
mod on_flex {
    use burn::backend::flex::FlexTensor;
    use burn::backend::ops::ActivationOps;
    use burn::backend::{Flex, TensorMetadata};

    use super::ExactGelu;
    use crate::kernels::flex::f32_owned;
    use crate::kernels::lanes;

    impl ExactGelu for Flex {
        fn exact_gelu(x: FlexTensor) -> FlexTensor {
            match f32_owned(x) {
                Ok(mut out) => {
                    lanes::gelu(out.storage_mut::<f32>());
                    out
                }
                Err(x) => Flex::gelu(x),
            }
        }

        fn exact_gelu_backward(x: FlexTensor, grad: FlexTensor) -> FlexTensor {
            let x = x.to_contiguous();
            if x.as_slice::<f32>().is_none() || x.shape() != grad.shape() {
                return Flex::gelu_backward(x, grad);
            }
            match f32_owned(grad) {
                Ok(mut out) => {
                    let values = x.as_slice::<f32>().expect("checked above");
                    lanes::gelu_backward(values, out.storage_mut::<f32>());
                    out
                }
                Err(grad) => Flex::gelu_backward(x, grad),
            }
        }
    }
}

impl<B: ExactGelu, C: CheckpointStrategy> ExactGelu for Autodiff<B, C> {
    fn exact_gelu(x: FloatTensor<Self>) -> FloatTensor<Self> {
        /// Backward of GELU: keeps the input, multiplies the incoming gradient by GELU′(x).
        #[derive(Debug)]
        struct GeluBackward;

        impl<B: ExactGelu> Backward<B, 1> for GeluBackward {
            type State = NodeId;

            fn backward(
                self,
                ops: Ops<Self::State, 1>,
                grads: &mut Gradients,
                checkpointer: &mut Checkpointer,
            ) {
                let input: FloatTensor<B> = checkpointer.retrieve_node_output(ops.state);
                unary::<B, _>(ops.parents, ops.node, grads, |grad| {
                    B::exact_gelu_backward(input, grad)
                });
            }
        }

        match GeluBackward
            .prepare::<C>([x.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(mut prep) => {
                let input = prep.checkpoint(&x);
                prep.finish(input, B::exact_gelu(x.into_primitive()))
            }
            OpsKind::UnTracked(prep) => prep.finish(B::exact_gelu(x.into_primitive())),
        }
    }

    fn exact_gelu_backward(x: FloatTensor<Self>, grad: FloatTensor<Self>) -> FloatTensor<Self> {
        // Only reached by a second derivative, which the model never takes.
        Self::gelu_backward(x, grad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::cpu_devices;
    use crate::kernels::lanes::{self, erf, exp_nonpositive, gelu_derivative, gelu_one};
    use burn::tensor::TensorData;

    /// Distance in units in the last place between two finite f32 of the same sign (or
    /// zeros).
    fn ulps(a: f32, b: f32) -> u32 {
        if a == b {
            return 0;
        }
        let key = |v: f32| {
            let bits = v.to_bits() as i64;
            if bits < 0x8000_0000 {
                bits
            } else {
                0x8000_0000 - bits
            }
        };
        (key(a) - key(b)).unsigned_abs() as u32
    }

    /// Every 7th float from −10 to 10, and the points where the ranges of `erf` meet.
    fn sweep() -> Vec<f32> {
        let mut xs: Vec<f32> = (-200_000..=200_000).map(|i| i as f32 * 5e-5).collect();
        for edge in [0.843_75f32, 1.25, 1.0 / 0.35, 6.0, 3.9, 9.19, 10.0] {
            let mut v = edge;
            for _ in 0..64 {
                xs.extend([v, -v]);
                v = f32::from_bits(v.to_bits() - 1);
            }
            let mut v = edge;
            for _ in 0..64 {
                xs.extend([v, -v]);
                v = f32::from_bits(v.to_bits() + 1);
            }
        }
        xs.extend([
            0.0, -0.0, 1e-30, -1e-30, 1e-40, 3.7e-9, 20.0, -20.0, 1e10, -1e10,
        ]);
        xs
    }

    #[test]
    fn erf_is_within_two_ulp_of_libm_and_of_the_f64_function() {
        let mut worst = (0, 0.0);
        for x in sweep() {
            let ours = erf(x);
            let libm32 = libm::erff(x);
            let exact = libm::erf(x as f64) as f32;
            let d = ulps(ours, libm32).max(ulps(ours, exact));
            if d > worst.0 {
                worst = (d, x);
            }
        }
        assert!(worst.0 <= 2, "{} ulp at x = {}", worst.0, worst.1);
        assert!(erf(f32::NAN).is_nan());
        assert_eq!(erf(f32::INFINITY), 1.0);
        assert_eq!(erf(f32::NEG_INFINITY), -1.0);
        assert_eq!(erf(0.0), 0.0);
    }

    #[test]
    fn exp_is_within_two_ulp_of_libm_for_nonpositive_arguments() {
        let mut worst = (0, 0.0);
        for i in 0..=2_000_000 {
            let x = -(i as f32) * 4.36e-5; // down to −87.2
            let d = ulps(exp_nonpositive(x), libm::expf(x));
            if d > worst.0 {
                worst = (d, x);
            }
        }
        assert!(worst.0 <= 2, "{} ulp at x = {}", worst.0, worst.1);
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert_eq!(exp_nonpositive(-100.0), 0.0);
        assert_eq!(exp_nonpositive(f32::NEG_INFINITY), 0.0);
        assert!(exp_nonpositive(f32::NAN).is_nan());
    }

    /// GELU and its derivative in f64 from `libm`'s f64 `erf` and `exp`: the exact values to
    /// compare with.
    fn exact_gelu(x: f64) -> (f64, f64) {
        let cdf = 0.5 * (1.0 + libm::erf(x / std::f64::consts::SQRT_2));
        let pdf = (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
        (x * cdf, cdf + x * pdf)
    }

    /// What burn-flex computes, one element at a time with `libm`'s f32 functions.
    fn flex_gelu(x: f32) -> (f32, f32) {
        let cdf = 0.5 * (1.0 + libm::erff(x / std::f32::consts::SQRT_2));
        let pdf = (1.0 / (2.0 * std::f32::consts::PI).sqrt()) * libm::expf(-0.5 * x * x);
        (
            0.5 * x * (1.0 + libm::erff(x / std::f32::consts::SQRT_2)),
            cdf + x * pdf,
        )
    }

    #[test]
    fn gelu_and_its_derivative_are_as_exact_as_burn_flex_to_within_two_ulp_of_erf() {
        // Both compute `1 + erf(x/√2)`, which cancels for negative x: an ulp of erf there
        // is a large part of the result, for flex as for us. The error allowed is flex's own,
        // plus 2 ulp of erf and of exp carried through the formula, plus 2 ulp of the result.
        let eps = f32::EPSILON as f64;
        for x in sweep() {
            let (value, slope) = exact_gelu(x as f64);
            let (flex_value, flex_slope) = flex_gelu(x);
            let pdf_term = (slope - 0.5 * (1.0 + libm::erf(x as f64 / 2f64.sqrt()))).abs();
            for (ours, flex, exact, carried, what) in [
                (
                    gelu_one(x),
                    flex_value,
                    value,
                    0.5 * (x as f64).abs() * eps,
                    "GELU",
                ),
                (
                    gelu_derivative(x),
                    flex_slope,
                    slope,
                    0.5 * eps + 2.0 * pdf_term * eps,
                    "GELU′",
                ),
            ] {
                let ulp = (exact.abs() as f32).max(f32::MIN_POSITIVE) * f32::EPSILON;
                let allowed = (flex as f64 - exact).abs() + carried + 2.0 * ulp as f64;
                assert!(
                    (ours as f64 - exact).abs() <= allowed,
                    "{what}({x}) = {ours}, exact {exact}, flex {flex}"
                );
            }
        }
        assert_eq!(gelu_one(0.0), 0.0);
        assert_eq!(gelu_derivative(0.0), 0.5);
        assert_eq!(gelu_one(10.0), 10.0);
        assert_eq!(gelu_one(-10.0), -0.0);
        assert_eq!(gelu_derivative(10.0), 1.0);
        assert!(gelu_derivative(-10.0).abs() < 1e-21);
    }

    #[test]
    fn the_vectorised_loops_give_the_element_functions_values() {
        let xs = sweep();
        let mut values = xs.clone();
        lanes::gelu(&mut values);
        let mut grads = vec![3.0f32; xs.len()];
        lanes::gelu_backward(&xs, &mut grads);
        for ((x, v), g) in xs.iter().zip(&values).zip(&grads) {
            assert_eq!(v.to_bits(), gelu_one(*x).to_bits(), "GELU({x})");
            assert_eq!(
                g.to_bits(),
                (3.0 * gelu_derivative(*x)).to_bits(),
                "GELU′({x})"
            );
        }
    }

    #[test]
    fn the_tensor_gelu_and_its_gradient_match_burns_own_on_every_cpu_backend() {
        let xs: Vec<f32> = (-40..=40).map(|i| i as f32 * 0.25).collect();
        for device in cpu_devices() {
            let device = device.autodiff();
            let input = || {
                Tensor::<2>::from_data(TensorData::new(xs.clone(), [9, 9]), &device).require_grad()
            };
            let weights = Tensor::<2>::from_data(
                TensorData::new((0..81).map(|i| (i % 7) as f32 - 3.0).collect(), [9, 9]),
                &device,
            );
            let (ours, theirs) = (input(), input());
            let out_ours = gelu(ours.clone());
            let out_theirs = burn::tensor::activation::gelu(theirs.clone());
            out_ours
                .clone()
                .into_data()
                .assert_approx_eq::<f32>(&out_theirs.clone().into_data(), Default::default());
            let grads_ours = (out_ours * weights.clone()).sum().backward();
            let grads_theirs = (out_theirs * weights).sum().backward();
            ours.grad(&grads_ours)
                .expect("a gradient reaches x")
                .into_data()
                .assert_approx_eq::<f32>(
                    &theirs.grad(&grads_theirs).unwrap().into_data(),
                    Default::default(),
                );
        }
    }

    #[test]
    fn a_transposed_or_shared_input_is_left_untouched() {
        for device in cpu_devices() {
            let x = Tensor::<2>::from_data(
                TensorData::new((0..12).map(|i| i as f32 - 6.0).collect(), [3, 4]),
                &device,
            );
            let before = x.clone().into_data();
            let y = gelu(x.clone().transpose());
            x.clone().into_data().assert_eq(&before, true);
            y.transpose().into_data().assert_approx_eq::<f32>(
                &burn::tensor::activation::gelu(x).into_data(),
                Default::default(),
            );
        }
    }
}
