//! The arithmetic of the 2-D Q/K playground (the teaching text's question 5): one query, a
//! few keys each carrying a value, their dot products, scaled scores, softmax shares and the
//! share-weighted mix of the values; the presets; and the projection of a real head's
//! queries, keys and values onto a plane.
//!
//! Plain Rust, so the numbers the page shows are tested natively.

/// A vector of the plane.
pub type Vec2 = [f64; 2];

/// The fewest and the most keys the plane holds: below two there is nothing to compare,
/// above eight the bars no longer fit beside the plane.
pub const MIN_KEYS: usize = 2;
pub const MAX_KEYS: usize = 8;

/// One key and the value it carries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KeyValue {
    pub key: Vec2,
    pub value: Vec2,
}

/// Everything the learner can set on the plane.
#[derive(Clone, Debug, PartialEq)]
pub struct Plane {
    pub query: Vec2,
    pub keys: Vec<KeyValue>,
    /// The `d` of `÷√d`: 1 leaves the dot products as they are (what the teaching text does),
    /// 2 is a 2-D head's scaling, a model's head width when the vectors come from it.
    pub scale_dim: usize,
    /// Divides the scores once more: below 1 sharpens the shares, above 1 flattens them.
    pub temperature: f64,
}

/// What the plane computes for one key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KeyScore {
    /// `Q · K`.
    pub dot: f64,
    pub query_norm: f64,
    pub key_norm: f64,
    /// `cos θ`; `None` when either vector is zero (no angle).
    pub cos: Option<f64>,
    /// `θ` in degrees, 0 to 180.
    pub angle_degrees: Option<f64>,
    /// `Q · K / √d / T`, what softmax receives.
    pub score: f64,
    /// This key's softmax share, in [0, 1]; the shares sum to 1.
    pub share: f64,
}

/// What the plane computes.
#[derive(Clone, Debug, PartialEq)]
pub struct Readout {
    pub keys: Vec<KeyScore>,
    /// `Σ share_i · V_i`.
    pub output: Vec2,
}

pub fn dot(a: Vec2, b: Vec2) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

pub fn norm(a: Vec2) -> f64 {
    dot(a, a).sqrt()
}

/// Softmax of `scores`, shifted by their maximum so large scores do not overflow.
pub fn softmax(scores: &[f64]) -> Vec<f64> {
    let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
    let total: f64 = exps.iter().sum();
    exps.iter().map(|e| e / total).collect()
}

/// `value` on a grid of `step`.
pub fn snap(value: f64, step: f64) -> f64 {
    (value / step).round() * step
}

impl Plane {
    /// The divisor of the dot products: `√d · T`.
    pub fn divisor(&self) -> f64 {
        (self.scale_dim.max(1) as f64).sqrt() * self.temperature
    }

    pub fn readout(&self) -> Readout {
        let divisor = self.divisor();
        let query_norm = norm(self.query);
        let partial: Vec<KeyScore> = self
            .keys
            .iter()
            .map(|kv| {
                let dot = dot(self.query, kv.key);
                let key_norm = norm(kv.key);
                let cos = (query_norm > 0.0 && key_norm > 0.0)
                    .then(|| (dot / (query_norm * key_norm)).clamp(-1.0, 1.0));
                KeyScore {
                    dot,
                    query_norm,
                    key_norm,
                    cos,
                    angle_degrees: cos.map(|c| c.acos().to_degrees()),
                    score: dot / divisor,
                    share: 0.0,
                }
            })
            .collect();
        let scores: Vec<f64> = partial.iter().map(|k| k.score).collect();
        let shares = softmax(&scores);
        let keys: Vec<KeyScore> = partial
            .into_iter()
            .zip(&shares)
            .map(|(k, &share)| KeyScore { share, ..k })
            .collect();
        let mut output = [0.0; 2];
        for (kv, share) in self.keys.iter().zip(&shares) {
            output[0] += share * kv.value[0];
            output[1] += share * kv.value[1];
        }
        Readout { keys, output }
    }

    /// The largest coordinate of any vector, for fitting the view.
    pub fn extent(&self) -> f64 {
        std::iter::once(self.query)
            .chain(self.keys.iter().flat_map(|kv| [kv.key, kv.value]))
            .flat_map(|v| v.into_iter())
            .fold(0.0f64, |m, c| m.max(c.abs()))
    }

    /// A key for [`Plane::add_key`]: a quarter turn from the last one, so it does not hide
    /// behind another.
    fn next_key(&self) -> KeyValue {
        let last = self.keys.last().copied().unwrap_or(KeyValue {
            key: [1.0, 0.0],
            value: [0.0, 1.0],
        });
        let turn = |v: Vec2| [-v[1], v[0]];
        KeyValue {
            key: turn(last.key),
            value: turn(last.value),
        }
    }

    /// Adds a key unless the plane holds [`MAX_KEYS`]; says whether it did.
    pub fn add_key(&mut self) -> bool {
        if self.keys.len() >= MAX_KEYS {
            return false;
        }
        let key = self.next_key();
        self.keys.push(key);
        true
    }

    /// Removes key `index` unless the plane would hold fewer than [`MIN_KEYS`].
    pub fn remove_key(&mut self, index: usize) -> bool {
        if self.keys.len() <= MIN_KEYS || index >= self.keys.len() {
            return false;
        }
        self.keys.remove(index);
        true
    }
}

/// The planes the learner can start from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// The teaching text's example: Q = [1, 0], K1 = [1, 0], K2 = [0, 1], K3 = [−1, 0],
    /// softmax of the raw dot products.
    TeachingText,
    Aligned,
    Perpendicular,
    Opposite,
    ManyKeys,
    /// Three keys at a low temperature: the learner raises it and watches the shares even out.
    SharpVsFlat,
}

impl Preset {
    pub const ALL: [Preset; 6] = [
        Preset::TeachingText,
        Preset::Aligned,
        Preset::Perpendicular,
        Preset::Opposite,
        Preset::ManyKeys,
        Preset::SharpVsFlat,
    ];

    /// A stable name, for the page's controls and its address.
    pub fn key(self) -> &'static str {
        match self {
            Preset::TeachingText => "text",
            Preset::Aligned => "aligned",
            Preset::Perpendicular => "perpendicular",
            Preset::Opposite => "opposite",
            Preset::ManyKeys => "many",
            Preset::SharpVsFlat => "temperature",
        }
    }

    pub fn from_key(key: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn plane(self) -> Plane {
        // Values point in distinct directions so the output's pull towards each is visible.
        let kv = |key: Vec2, value: Vec2| KeyValue { key, value };
        let (query, keys, scale_dim, temperature) = match self {
            Preset::TeachingText => (
                [1.0, 0.0],
                vec![
                    kv([1.0, 0.0], [1.0, 1.0]),
                    kv([0.0, 1.0], [-1.0, 1.0]),
                    kv([-1.0, 0.0], [0.0, -1.0]),
                ],
                1,
                1.0,
            ),
            Preset::Aligned => (
                [1.5, 0.5],
                vec![kv([1.5, 0.5], [1.0, 1.0]), kv([-0.5, 1.5], [-1.0, 0.5])],
                2,
                1.0,
            ),
            Preset::Perpendicular => (
                [1.5, 0.0],
                vec![kv([0.0, 1.5], [1.0, 1.0]), kv([0.0, -1.5], [-1.0, 0.5])],
                2,
                1.0,
            ),
            Preset::Opposite => (
                [1.5, 0.0],
                vec![kv([-1.5, 0.0], [1.0, 1.0]), kv([0.0, 1.5], [-1.0, 0.5])],
                2,
                1.0,
            ),
            Preset::ManyKeys => {
                let keys = (0..MAX_KEYS)
                    .map(|i| {
                        let angle = i as f64 * std::f64::consts::TAU / MAX_KEYS as f64;
                        let (sin, cos) = angle.sin_cos();
                        kv(
                            [1.5 * cos, 1.5 * sin],
                            [cos - sin, (sin + cos) * 0.5].map(|c| snap(c, 0.25)),
                        )
                    })
                    .map(|k| KeyValue {
                        key: k.key.map(|c| snap(c, 0.25)),
                        ..k
                    })
                    .collect();
                ([1.0, 0.5], keys, 2, 1.0)
            }
            Preset::SharpVsFlat => (
                [1.0, 0.5],
                vec![
                    kv([1.5, 0.0], [1.0, 1.0]),
                    kv([0.0, 1.0], [-1.0, 1.0]),
                    kv([-0.5, 0.5], [0.0, -1.0]),
                ],
                2,
                0.2,
            ),
        };
        Plane {
            query,
            keys,
            scale_dim,
            temperature,
        }
    }
}

/// A real head's query token and keys laid on the plane.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelPlane {
    pub plane: Plane,
    /// The token whose query is Q.
    pub query_token: usize,
    /// The token of each key on the plane, by decreasing true share.
    pub key_tokens: Vec<usize>,
    /// The model's own `q·k/√d_head` and softmax share (over every token) for those keys.
    pub true_scores: Vec<f64>,
    pub true_shares: Vec<f64>,
    /// The tokens the head attends over.
    pub tokens: usize,
    /// How much of the shown keys' squared length the plane keeps, in [0, 1].
    pub kept: f64,
    /// The same for the values, projected on their own two directions.
    pub values_kept: f64,
}

/// Lays a head's query for `query_token` and its keys with the largest shares on the plane.
///
/// `q`, `k`, `v` are `[tokens, head_dim]`, `scores` and `attention` `[tokens, tokens]` as the
/// model computed them. The plane's first axis is Q's own direction, so Q points right as in the
/// teaching text and every `Q·K` on the plane is the model's exactly (a key's x is its component
/// along Q); the second axis is the direction, perpendicular to Q, in which the keys spread
/// most, so only that flattening is lost (it changes the angles and lengths, not the scores).
/// V is projected on its own two main directions.
#[allow(clippy::too_many_arguments)]
pub fn project_head(
    q: &[f32],
    k: &[f32],
    v: &[f32],
    scores: &[f32],
    attention: &[f32],
    tokens: usize,
    head_dim: usize,
    query_token: usize,
) -> Option<ModelPlane> {
    let d = head_dim;
    if tokens < MIN_KEYS
        || query_token >= tokens
        || d == 0
        || q.len() != tokens * d
        || k.len() != tokens * d
        || v.len() != tokens * d
        || attention.len() != tokens * tokens
        || scores.len() != tokens * tokens
    {
        return None;
    }
    let row = |m: &[f32], i: usize| -> Vec<f64> {
        m[i * d..(i + 1) * d].iter().map(|&x| x as f64).collect()
    };
    let query = row(q, query_token);
    let query_norm = inner(&query, &query).sqrt();
    if query_norm == 0.0 {
        return None;
    }
    let along: Vec<f64> = query.iter().map(|x| x / query_norm).collect();
    let across_query: Vec<Vec<f64>> = (0..tokens)
        .map(|j| {
            let key = row(k, j);
            let x = inner(&key, &along);
            key.iter().zip(&along).map(|(k, a)| k - x * a).collect()
        })
        .collect();
    let (spread, _) = principal_directions(&across_query, d)?;
    // Keys all along Q leave no spread: any direction perpendicular to Q then does.
    let across = std::iter::once(spread[0].clone())
        .chain((0..d).map(|i| (0..d).map(|j| f64::from(u8::from(i == j))).collect()))
        .map(|mut u: Vec<f64>| {
            let x = inner(&u, &along);
            u.iter_mut().zip(&along).for_each(|(u, a)| *u -= x * a);
            u
        })
        .find(|u| inner(u, u) > 1e-12)?;
    let across_norm = inner(&across, &across).sqrt();
    let axes = [along, across.iter().map(|x| x / across_norm).collect()];
    let values: Vec<Vec<f64>> = (0..tokens).map(|i| row(v, i)).collect();
    let (value_axes, values_kept) = principal_directions(&values, d)?;
    let onto = |x: &[f64], axes: &[Vec<f64>; 2]| [inner(x, &axes[0]), inner(x, &axes[1])];

    let shares = &attention[query_token * tokens..(query_token + 1) * tokens];
    let mut order: Vec<usize> = (0..tokens).collect();
    order.sort_by(|&a, &b| shares[b].total_cmp(&shares[a]).then(a.cmp(&b)));
    order.truncate(MAX_KEYS);
    let squared = |x: &[f64]| inner(x, x);
    let shown_length: f64 = order.iter().map(|&j| squared(&row(k, j))).sum();
    let kept_length: f64 = order
        .iter()
        .map(|&j| {
            let key = row(k, j);
            inner(&key, &axes[0]).powi(2) + inner(&key, &axes[1]).powi(2)
        })
        .sum();
    let kept = if shown_length > 0.0 {
        (kept_length / shown_length).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let keys = order
        .iter()
        .map(|&j| KeyValue {
            key: onto(&row(k, j), &axes),
            value: onto(&row(v, j), &value_axes),
        })
        .collect();
    Some(ModelPlane {
        plane: Plane {
            query: onto(&query, &axes),
            keys,
            scale_dim: d,
            temperature: 1.0,
        },
        query_token,
        true_scores: order
            .iter()
            .map(|&j| scores[query_token * tokens + j] as f64)
            .collect(),
        true_shares: order.iter().map(|&j| shares[j] as f64).collect(),
        key_tokens: order,
        tokens,
        kept,
        values_kept,
    })
}

fn inner(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The two unit directions that keep the most of the rows' squared length, and the fraction
/// they keep: the top two eigenvectors of `Σ xᵀx`, by Jacobi rotations (exact enough for a
/// head's few dimensions, and never fails to converge on a symmetric matrix).
fn principal_directions(rows: &[Vec<f64>], d: usize) -> Option<([Vec<f64>; 2], f64)> {
    if d < 2 {
        return None;
    }
    let mut gram = vec![0.0f64; d * d];
    for x in rows {
        for i in 0..d {
            for j in 0..d {
                gram[i * d + j] += x[i] * x[j];
            }
        }
    }
    let trace: f64 = (0..d).map(|i| gram[i * d + i]).sum();
    let (eigenvalues, eigenvectors) = jacobi_eigen(gram, d);
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| eigenvalues[b].total_cmp(&eigenvalues[a]));
    let column = |c: usize| {
        (0..d)
            .map(|r| eigenvectors[r * d + c])
            .collect::<Vec<f64>>()
    };
    let kept = if trace > 0.0 {
        ((eigenvalues[order[0]] + eigenvalues[order[1]]) / trace).clamp(0.0, 1.0)
    } else {
        0.0
    };
    Some(([column(order[0]), column(order[1])], kept))
}

/// Eigenvalues and eigenvectors (as columns) of a symmetric `d × d` matrix.
fn jacobi_eigen(mut a: Vec<f64>, d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut vectors = vec![0.0f64; d * d];
    for i in 0..d {
        vectors[i * d + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..d)
            .flat_map(|i| (0..d).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * d + j] * a[i * d + j])
            .sum();
        let scale: f64 = a.iter().map(|x| x * x).sum();
        if off <= 1e-24 * scale.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..d {
            for r in p + 1..d {
                let apr = a[p * d + r];
                if apr == 0.0 {
                    continue;
                }
                let theta = (a[r * d + r] - a[p * d + p]) / (2.0 * apr);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for i in 0..d {
                    let (aip, air) = (a[i * d + p], a[i * d + r]);
                    a[i * d + p] = c * aip - s * air;
                    a[i * d + r] = s * aip + c * air;
                }
                for i in 0..d {
                    let (api, ari) = (a[p * d + i], a[r * d + i]);
                    a[p * d + i] = c * api - s * ari;
                    a[r * d + i] = s * api + c * ari;
                }
                for i in 0..d {
                    let (vip, vir) = (vectors[i * d + p], vectors[i * d + r]);
                    vectors[i * d + p] = c * vip - s * vir;
                    vectors[i * d + r] = s * vip + c * vir;
                }
            }
        }
    }
    ((0..d).map(|i| a[i * d + i]).collect(), vectors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares(plane: &Plane) -> Vec<f64> {
        plane.readout().keys.iter().map(|k| k.share).collect()
    }

    #[test]
    fn teaching_text_example_gives_the_true_softmax() {
        let plane = Preset::TeachingText.plane();
        let s = shares(&plane);
        assert!((s[0] - 0.665).abs() < 5e-4, "{s:?}");
        assert!((s[1] - 0.245).abs() < 5e-4, "{s:?}");
        assert!((s[2] - 0.090).abs() < 5e-4, "{s:?}");
        // A 2-D head's ÷√2 gives the teaching notes' second set of numbers.
        let scaled = Plane {
            scale_dim: 2,
            ..plane
        };
        let s = shares(&scaled);
        for (got, want) in s.iter().zip([0.576, 0.284, 0.140]) {
            assert!((got - want).abs() < 5e-4, "{s:?}");
        }
    }

    #[test]
    fn three_cases_have_the_angles_and_dot_products_of_the_text() {
        let readout = Preset::TeachingText.plane().readout();
        let angles: Vec<f64> = readout
            .keys
            .iter()
            .map(|k| k.angle_degrees.unwrap())
            .collect();
        assert_eq!(angles, vec![0.0, 90.0, 180.0]);
        let dots: Vec<f64> = readout.keys.iter().map(|k| k.dot).collect();
        assert_eq!(dots, vec![1.0, 0.0, -1.0]);
        for k in &readout.keys {
            let polar = k.query_norm * k.key_norm * k.cos.unwrap();
            assert!((polar - k.dot).abs() < 1e-12);
        }
    }

    #[test]
    fn shares_sum_to_one_and_the_output_is_their_mix_of_values() {
        for preset in Preset::ALL {
            let plane = preset.plane();
            let readout = plane.readout();
            let total: f64 = readout.keys.iter().map(|k| k.share).sum();
            assert!((total - 1.0).abs() < 1e-12, "{preset:?}");
            let mut mix = [0.0; 2];
            for (kv, k) in plane.keys.iter().zip(&readout.keys) {
                mix[0] += k.share * kv.value[0];
                mix[1] += k.share * kv.value[1];
            }
            assert_eq!(mix, readout.output);
        }
    }

    #[test]
    fn temperature_sharpens_and_flattens() {
        let sharp = Preset::SharpVsFlat.plane();
        let flat = Plane {
            temperature: 5.0,
            ..sharp.clone()
        };
        let max = |p: &Plane| shares(p).into_iter().fold(0.0, f64::max);
        let min = |p: &Plane| shares(p).into_iter().fold(1.0, f64::min);
        assert!(max(&sharp) > 0.9);
        assert!(max(&flat) - min(&flat) < 0.2);
    }

    #[test]
    fn huge_scores_do_not_overflow() {
        let plane = Plane {
            query: [1e6, 0.0],
            keys: vec![
                KeyValue {
                    key: [1e6, 0.0],
                    value: [1.0, 0.0],
                },
                KeyValue {
                    key: [0.0, 1.0],
                    value: [0.0, 1.0],
                },
            ],
            scale_dim: 1,
            temperature: 1.0,
        };
        let s = shares(&plane);
        assert_eq!(s, vec![1.0, 0.0]);
    }

    #[test]
    fn a_zero_vector_has_no_angle() {
        let mut plane = Preset::Aligned.plane();
        plane.query = [0.0, 0.0];
        let readout = plane.readout();
        assert!(readout.keys.iter().all(|k| k.angle_degrees.is_none()));
        let s: f64 = readout.keys.iter().map(|k| k.share).sum();
        assert!((s - 1.0).abs() < 1e-12);
    }

    #[test]
    fn keys_stay_between_two_and_eight() {
        let mut plane = Preset::TeachingText.plane();
        while plane.add_key() {}
        assert_eq!(plane.keys.len(), MAX_KEYS);
        while plane.remove_key(0) {}
        assert_eq!(plane.keys.len(), MIN_KEYS);
        assert_eq!(Preset::ManyKeys.plane().keys.len(), MAX_KEYS);
    }

    #[test]
    fn presets_round_trip_through_their_keys() {
        for preset in Preset::ALL {
            assert_eq!(Preset::from_key(preset.key()), Some(preset));
        }
    }

    #[test]
    fn jacobi_finds_the_eigenvectors_of_a_known_matrix() {
        // [[2, 1], [1, 2]]: eigenvalues 3 and 1.
        let (values, vectors) = jacobi_eigen(vec![2.0, 1.0, 1.0, 2.0], 2);
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        assert!((sorted[0] - 1.0).abs() < 1e-12 && (sorted[1] - 3.0).abs() < 1e-12);
        let big = if values[0] > values[1] { 0 } else { 1 };
        let v = [vectors[big], vectors[2 + big]];
        assert!((v[0].abs() - v[1].abs()).abs() < 1e-12);
    }

    /// A head of `tokens` tokens with `d` dimensions, its scores and shares as the model
    /// computes them.
    struct Head {
        q: Vec<f32>,
        k: Vec<f32>,
        v: Vec<f32>,
        scores: Vec<f32>,
        attention: Vec<f32>,
    }

    fn head(tokens: usize, d: usize) -> Head {
        let q: Vec<f32> = (0..tokens * d)
            .map(|i| (i as f32 * 0.71).sin() * 1.5)
            .collect();
        let k: Vec<f32> = (0..tokens * d)
            .map(|i| (i as f32 * 1.37 + 0.4).cos())
            .collect();
        let v: Vec<f32> = (0..tokens * d).map(|i| (i as f32 * 0.37).sin()).collect();
        let mut scores = vec![0.0f32; tokens * tokens];
        for i in 0..tokens {
            for j in 0..tokens {
                let s: f32 = (0..d).map(|c| q[i * d + c] * k[j * d + c]).sum();
                scores[i * tokens + j] = s / (d as f32).sqrt();
            }
        }
        let attention: Vec<f32> = (0..tokens)
            .flat_map(|i| {
                let row: Vec<f64> = scores[i * tokens..(i + 1) * tokens]
                    .iter()
                    .map(|&s| s as f64)
                    .collect();
                softmax(&row).into_iter().map(|x| x as f32)
            })
            .collect();
        Head {
            q,
            k,
            v,
            scores,
            attention,
        }
    }

    /// The plane holds Q's own direction, so its dot products are the model's, in any
    /// number of dimensions; with every token on the plane, so are the shares.
    #[test]
    fn projection_keeps_the_models_scores_and_shares() {
        let (tokens, d) = (6, 8);
        let Head {
            q,
            k,
            v,
            scores,
            attention,
        } = head(tokens, d);
        let projected = project_head(&q, &k, &v, &scores, &attention, tokens, d, 2).unwrap();
        assert_eq!(projected.plane.scale_dim, d);
        let query = projected.plane.query;
        assert!(
            query[0] > 0.0 && query[1].abs() < 1e-9,
            "Q points right: {query:?}"
        );
        assert!(projected.kept > 0.0 && projected.kept <= 1.0);
        let readout = projected.plane.readout();
        for (i, key) in readout.keys.iter().enumerate() {
            assert!((key.score - projected.true_scores[i]).abs() < 1e-4);
            assert!((key.share - projected.true_shares[i]).abs() < 1e-4);
        }
        let shares = &projected.true_shares;
        assert!(
            shares.windows(2).all(|w| w[0] >= w[1]),
            "largest share first"
        );
    }

    /// With more tokens than the plane holds, it shows the eight largest shares, and its own
    /// shares are the model's renormalised over those eight.
    #[test]
    fn projection_of_many_tokens_shows_the_largest_shares() {
        let (tokens, d) = (17, 16);
        let Head {
            q,
            k,
            v,
            scores,
            attention,
        } = head(tokens, d);
        let projected = project_head(&q, &k, &v, &scores, &attention, tokens, d, 0).unwrap();
        assert_eq!(projected.key_tokens.len(), MAX_KEYS);
        let row = &attention[..tokens];
        let mut sorted: Vec<f32> = row.to_vec();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let shown: f64 = projected.true_shares.iter().sum();
        assert!((shown - sorted[..MAX_KEYS].iter().map(|&x| x as f64).sum::<f64>()).abs() < 1e-6);
        let readout = projected.plane.readout();
        for (i, key) in readout.keys.iter().enumerate() {
            assert!((key.share - projected.true_shares[i] / shown).abs() < 1e-4);
        }
    }

    #[test]
    fn projection_refuses_mismatched_shapes() {
        assert!(
            project_head(&[0.0; 8], &[0.0; 8], &[0.0; 8], &[0.0; 4], &[0.0; 4], 2, 4, 5).is_none()
        );
        assert!(
            project_head(&[0.0; 7], &[0.0; 8], &[0.0; 8], &[0.0; 4], &[0.0; 4], 2, 4, 0).is_none()
        );
    }
}
