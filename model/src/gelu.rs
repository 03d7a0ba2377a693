//! The exact GELU, `GELU(x) = x·Φ(x) = x/2·(1 + erf(x/√2))`, and its derivative
//! `Φ(x) + x·φ(x)`, computed many elements at a time on the CPU.
//!
//! burn-flex evaluates both one element at a time with `libm`'s `erff` and `expf`: a
//! profile of a `small` training step showed about a fifth of it there (BENCHMARKS.md). Here
//! `erf` and `exp` are written without branches (every range of `erf` is computed and the
//! right one kept), so the compiler evaluates 4 (wasm SIMD128), 8 (AVX2) or 16 (AVX-512)
//! elements at once. The model keeps the exact GELU, not the tanh approximation: `erf` uses
//! the ranges and rational approximations of FreeBSD's `s_erff.c` (which `libm` carries), `exp`
//! is Cephes' `expf`, and both stay within 2 ulp of `libm` (tests below). Plain multiplies and
//! adds, no fused multiply-add: the result does not depend on the machine's instructions.
//!
//! The operation reaches the model through a Burn backend extension ([`ExactGelu`]): on flex it
//! runs these kernels; on ndarray and WebGPU it is the backend's own GELU; under autodiff its
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
    use burn::backend::flex::{FlexTensor, Layout};
    use burn::backend::ops::ActivationOps;
    use burn::backend::{Bytes, DType, Flex, TensorMetadata};

    use super::{lanes, ExactGelu};

    impl ExactGelu for Flex {
        fn exact_gelu(x: FlexTensor) -> FlexTensor {
            let Some(mut out) = f32_owned(x.clone()) else {
                return Flex::gelu(x);
            };
            lanes::gelu(out.storage_mut::<f32>());
            out
        }

        fn exact_gelu_backward(x: FlexTensor, grad: FlexTensor) -> FlexTensor {
            let x = x.to_contiguous();
            let (Some(values), Some(mut out)) = (
                x.as_slice::<f32>().filter(|_| x.shape() == grad.shape()),
                f32_owned(grad.clone()),
            ) else {
                return Flex::gelu_backward(x, grad);
            };
            lanes::gelu_backward(values, out.storage_mut::<f32>());
            out
        }
    }

    /// The f32 tensor as a contiguous one of its own, whose storage is exactly its elements:
    /// the tensor itself when it already is (written in place), a copy otherwise. `None` for
    /// other element types.
    fn f32_owned(tensor: FlexTensor) -> Option<FlexTensor> {
        if tensor.dtype() != DType::F32 {
            return None;
        }
        let n = tensor.layout().num_elements();
        if tensor.is_unique()
            && tensor.layout().contiguous_offsets() == Some((0, n))
            && tensor.storage::<f32>().len() == n
        {
            return Some(tensor);
        }
        let contiguous = tensor.to_contiguous();
        let values = contiguous.as_slice::<f32>()?.to_vec();
        Some(FlexTensor::new(
            Bytes::from_elems(values),
            Layout::contiguous(tensor.shape()),
            DType::F32,
        ))
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

/// The element-wise functions, and the loops that run them many lanes at a time.
pub mod lanes {
    /// `GELU(x)` for every element, in place.
    pub fn gelu(values: &mut [f32]) {
        gelu_lanes(values)
    }

    /// `grad ← grad·GELU′(x)`, element by element.
    ///
    /// # Panics
    /// If the two slices differ in length.
    pub fn gelu_backward(x: &[f32], grad: &mut [f32]) {
        assert_eq!(x.len(), grad.len(), "one gradient per input");
        gelu_backward_lanes(x, grad)
    }

    // `with_simd` compiles the loop once per instruction set (SSE, AVX2, AVX-512 natively;
    // SIMD128 in wasm) and picks the best the machine has when called: the compiler
    // vectorises the branch-free body at that width.
    // `S` names the instruction set; the body never needs it.
    #[allow(clippy::extra_unused_type_parameters)]
    #[macerator::with_simd]
    fn gelu_lanes<S: macerator::Simd>(values: &mut [f32]) {
        for x in values.iter_mut() {
            *x = gelu_one(*x);
        }
    }

    #[allow(clippy::extra_unused_type_parameters)]
    #[macerator::with_simd]
    fn gelu_backward_lanes<S: macerator::Simd>(x: &[f32], grad: &mut [f32]) {
        for (g, &x) in grad.iter_mut().zip(x) {
            *g *= gelu_derivative(x);
        }
    }

    const FRAC_1_SQRT_2: f32 = core::f32::consts::FRAC_1_SQRT_2;
    /// `1/√(2π)`, the standard normal density at 0.
    const FRAC_1_SQRT_2PI: f32 = 0.398_942_3;

    /// `x/2·(1 + erf(x/√2))`, burn-flex's formula (with `x·(1/√2)` for `x/√2`).
    #[inline(always)]
    pub fn gelu_one(x: f32) -> f32 {
        0.5 * x * (1.0 + erf(x * FRAC_1_SQRT_2))
    }

    /// `Φ(x) + x·φ(x)`, burn-flex's formula.
    #[inline(always)]
    pub fn gelu_derivative(x: f32) -> f32 {
        let cdf = 0.5 * (1.0 + erf(x * FRAC_1_SQRT_2));
        let pdf = FRAC_1_SQRT_2PI * exp_nonpositive(-0.5 * x * x);
        cdf + x * pdf
    }

    // FreeBSD's s_erff.c, as `libm` 0.2 has it (the same bits): erf on [0, 0.84375) …
    const PP: [f32; 5] = [
        f32::from_bits(0x3e0375d4),
        f32::from_bits(0xbea66beb),
        f32::from_bits(0xbce9528f),
        f32::from_bits(0xbbbd1489),
        f32::from_bits(0xb7c756b1),
    ];
    const QQ: [f32; 5] = [
        f32::from_bits(0x3ecbbbce),
        f32::from_bits(0x3d852a63),
        f32::from_bits(0x3ba68116),
        f32::from_bits(0x390aee49),
        f32::from_bits(0xb684e21a),
    ];
    // … erf on [0.84375, 1.25), around erf(1) …
    const ERX: f32 = f32::from_bits(0x3f58560b);
    const PA: [f32; 7] = [
        f32::from_bits(0xbb1acdc6),
        f32::from_bits(0x3ed46805),
        f32::from_bits(0xbebe9208),
        f32::from_bits(0x3ea2fe54),
        f32::from_bits(0xbde31cc2),
        f32::from_bits(0x3d1151b3),
        f32::from_bits(0xbb0df9c0),
    ];
    const QA: [f32; 6] = [
        f32::from_bits(0x3dd9f331),
        f32::from_bits(0x3f0a5785),
        f32::from_bits(0x3d931ae7),
        f32::from_bits(0x3e013307),
        f32::from_bits(0x3c5f6e13),
        f32::from_bits(0x3c445aa3),
    ];
    // … erfc on [1.25, 1/0.35) …
    const RA: [f32; 8] = [
        f32::from_bits(0xbc21a093),
        f32::from_bits(0xbf31a0b7),
        f32::from_bits(0xc128f022),
        f32::from_bits(0xc2798057),
        f32::from_bits(0xc322658c),
        f32::from_bits(0xc3389ae7),
        f32::from_bits(0xc2a2932b),
        f32::from_bits(0xc11d077e),
    ];
    const SA: [f32; 8] = [
        f32::from_bits(0x419d35ce),
        f32::from_bits(0x4309a863),
        f32::from_bits(0x43d9486f),
        f32::from_bits(0x442158c9),
        f32::from_bits(0x43d6810b),
        f32::from_bits(0x42d9451f),
        f32::from_bits(0x40d23f7c),
        f32::from_bits(0xbd777f97),
    ];
    // … and erfc on [1/0.35, 6); from 6 on, erf is 1 in f32.
    const RB: [f32; 7] = [
        f32::from_bits(0xbc21a092),
        f32::from_bits(0xbf4c9dd4),
        f32::from_bits(0xc18e104b),
        f32::from_bits(0xc320a2ea),
        f32::from_bits(0xc41f6441),
        f32::from_bits(0xc480230b),
        f32::from_bits(0xc3f1c275),
    ];
    const SB: [f32; 7] = [
        f32::from_bits(0x41f2b459),
        f32::from_bits(0x43a2e571),
        f32::from_bits(0x44c01759),
        f32::from_bits(0x4547fdbb),
        f32::from_bits(0x451f90ce),
        f32::from_bits(0x43ed43a7),
        f32::from_bits(0xc1b38712),
    ];

    /// `c[0] + t·c[1] + t²·c[2] + …` (Horner's rule).
    #[inline(always)]
    fn poly<const N: usize>(t: f32, c: &[f32; N]) -> f32 {
        let mut acc = c[N - 1];
        for &k in c[..N - 1].iter().rev() {
            acc = k + t * acc;
        }
        acc
    }

    /// `1 + t·c[0] + t²·c[1] + …`
    #[inline(always)]
    fn poly1<const N: usize>(t: f32, c: &[f32; N]) -> f32 {
        1.0 + t * poly(t, c)
    }

    /// The error function, branch-free: each range's approximation is computed and the one
    /// for `|x|` kept. NaN gives NaN, ±∞ gives ±1.
    #[inline(always)]
    pub fn erf(x: f32) -> f32 {
        let a = x.abs();
        // Every range is a ratio of two polynomials; the lane's own pair is chosen first, so
        // that one division serves all three (divisions are the slowest vector operation).
        // |x| < 0.84375: erf(x) = x + x·P(x²)/Q(x²).
        let z = a * a;
        let (mut num, mut den) = (poly(z, &PP), poly1(z, &QQ));
        // 0.84375 ≤ |x| < 1.25: erf(x) = erx + P(s)/Q(s), s = |x| − 1.
        let s = a - 1.0;
        let (middle_num, middle_den) = (poly(s, &PA), poly1(s, &QA));
        // 1.25 ≤ |x|: erf(x) = 1 − exp(−x² − 0.5625 + R(1/x²)/S(1/x²))/|x|. `libm` splits the
        // exponential in two to keep erfc's own relative accuracy; erf only needs erfc to
        // within erf's ulp, which one exponential keeps (the tests check it).
        let t = a.clamp(1.25, 6.0);
        let inv_t = 1.0 / t;
        let w = inv_t * inv_t;
        let (tail_num, tail_den) = if t < 1.0 / 0.35 {
            (poly(w, &RA), poly1(w, &SA))
        } else {
            (poly(w, &RB), poly1(w, &SB))
        };
        let (is_small, is_middle) = (a < 0.843_75, a < 1.25);
        if !is_middle {
            (num, den) = (tail_num, tail_den);
        } else if !is_small {
            (num, den) = (middle_num, middle_den);
        }
        let ratio = num / den;
        let mut y = 1.0 - exp_nonpositive(-t * t - 0.5625 + ratio) * inv_t;
        if is_middle {
            y = ERX + ratio;
        }
        if is_small {
            y = a + a * ratio;
        }
        // NaN compares false everywhere and would land on the tail: keep it NaN.
        if a.is_nan() {
            y = x;
        }
        y.copysign(x)
    }

    /// `eˣ` for `x ≤ 0` (Cephes' `expf`: `x = k·ln 2 + r`, a degree-5 polynomial for `eʳ`,
    /// `2ᵏ` built in the exponent bits). Below −87.3 the result would be subnormal: 0.
    #[inline(always)]
    pub fn exp_nonpositive(x: f32) -> f32 {
        const LOG2_E: f32 = core::f32::consts::LOG2_E;
        const LN2_HI: f32 = f32::from_bits(0x3f31_8000); // 0.693359375, exact in 9 bits
        const LN2_LO: f32 = -2.121_944_4e-4;
        /// 1.5·2²³: adding it rounds a float of magnitude < 2²² to a whole number.
        const ROUND: f32 = 12_582_912.0;
        const P: [f32; 6] = [
            0.5,
            1.666_666_5e-1,
            4.166_579_6e-2,
            8.333_452e-3,
            1.398_2e-3,
            1.987_569_1e-4,
        ];
        let clamped = x.clamp(-87.3, 0.0);
        // Adding ROUND leaves k = round(x·log₂e) in the low bits of the sum, so k is read
        // from the bits: a float-to-integer conversion (`as i32`, which saturates) would be
        // done one lane at a time. k is in [−126, 0], so the exponent field k + 127 ≥ 1.
        let shifted = clamped * LOG2_E + ROUND;
        let k = shifted - ROUND;
        let k_bits = (shifted.to_bits() as i32).wrapping_sub(ROUND.to_bits() as i32);
        let r = clamped - k * LN2_HI - k * LN2_LO;
        let e = poly(r, &P) * r * r + r + 1.0;
        let two_k = f32::from_bits((k_bits.wrapping_add(127) as u32).wrapping_shl(23));
        let mut y = e * two_k;
        if x < -87.3 {
            y = 0.0;
        }
        if x.is_nan() {
            y = x;
        }
        y
    }
}

#[cfg(test)]
mod tests {
    use super::lanes::{erf, exp_nonpositive, gelu_derivative, gelu_one};
    use super::*;
    use burn::tensor::{Device, TensorData};

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

    fn devices() -> Vec<Device> {
        vec![
            #[cfg(feature = "flex")]
            Device::flex(),
            #[cfg(feature = "ndarray")]
            Device::ndarray(),
        ]
    }

    #[test]
    fn the_tensor_gelu_and_its_gradient_match_burns_own_on_every_cpu_backend() {
        let xs: Vec<f32> = (-40..=40).map(|i| i as f32 * 0.25).collect();
        for device in devices() {
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
        for device in devices() {
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
