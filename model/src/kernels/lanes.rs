//! The element-wise functions of the kernels, and the loops that run them many lanes at a
//! time.
//!
//! Every function here is written without branches (each range of `erf` is computed and the
//! right one kept) and without float-to-integer casts, so the compiler evaluates 4 (wasm
//! SIMD128), 8 (AVX2) or 16 (AVX-512) elements at once; `with_simd` compiles each loop once per
//! instruction set and picks the machine's best when called. Plain multiplies and adds, no fused
//! multiply-add: the results do not depend on the machine's instructions.

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

/// The softmax of every row of `row_len` elements, in place: `e^(x − max)/Σ e^(x − max)`.
///
/// # Panics
/// If `values` is not a whole number of rows.
pub fn softmax_rows(values: &mut [f32], row_len: usize) {
    assert!(
        row_len > 0 && values.len().is_multiple_of(row_len),
        "whole rows"
    );
    softmax_rows_lanes(values, row_len)
}

/// `grad ← y ⊙ (grad − Σⱼ gradⱼ·yⱼ)` for every row of the softmax's output `y`: the gradient
/// that reaches the softmax's input.
///
/// # Panics
/// If the two slices differ in length or are not a whole number of rows.
pub fn softmax_backward_rows(y: &[f32], grad: &mut [f32], row_len: usize) {
    assert_eq!(y.len(), grad.len(), "one gradient per output");
    assert!(row_len > 0 && y.len().is_multiple_of(row_len), "whole rows");
    softmax_backward_rows_lanes(y, grad, row_len)
}

#[allow(clippy::extra_unused_type_parameters)]
#[macerator::with_simd]
fn softmax_rows_lanes<S: macerator::Simd>(values: &mut [f32], row_len: usize) {
    for row in values.chunks_exact_mut(row_len) {
        let max = fold(row, f32::NEG_INFINITY, f32::max);
        // Every x − max ≤ 0: the exponential of the GELU serves.
        for v in row.iter_mut() {
            *v = exp_nonpositive(*v - max);
        }
        let scale = 1.0 / fold(row, 0.0, |a, b| a + b);
        for v in row.iter_mut() {
            *v *= scale;
        }
    }
}

#[allow(clippy::extra_unused_type_parameters)]
#[macerator::with_simd]
fn softmax_backward_rows_lanes<S: macerator::Simd>(y: &[f32], grad: &mut [f32], row_len: usize) {
    for (y, grad) in y.chunks_exact(row_len).zip(grad.chunks_exact_mut(row_len)) {
        let dot = dot(y, grad);
        for (g, &y) in grad.iter_mut().zip(y) {
            *g = y * (*g - dot);
        }
    }
}

/// Lanes of the running maxima and sums: as many as an AVX-512 register holds.
const LANES: usize = 16;

/// `values` folded with `op`, in [`LANES`] running results (so that the compiler keeps them in
/// one register) combined at the end.
#[inline(always)]
fn fold(values: &[f32], init: f32, op: impl Fn(f32, f32) -> f32) -> f32 {
    let mut lanes = [init; LANES];
    let mut chunks = values.chunks_exact(LANES);
    for chunk in &mut chunks {
        for i in 0..LANES {
            lanes[i] = op(lanes[i], chunk[i]);
        }
    }
    let mut result = init;
    for &v in chunks.remainder() {
        result = op(result, v);
    }
    for lane in lanes {
        result = op(result, lane);
    }
    result
}

/// `Σ aᵢ·bᵢ`, in [`LANES`] running sums like [`fold`].
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut sums = [0.0f32; LANES];
    for (a, b) in a.chunks_exact(LANES).zip(b.chunks_exact(LANES)) {
        for i in 0..LANES {
            sums[i] += a[i] * b[i];
        }
    }
    let whole = a.len() / LANES * LANES;
    let mut result = 0.0;
    for (a, b) in a[whole..].iter().zip(&b[whole..]) {
        result += a * b;
    }
    for sum in sums {
        result += sum;
    }
    result
}
