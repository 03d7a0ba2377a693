//! Procedural identity faces: always there, no download, the same from the same seed.
//!
//! Each identity has stable traits that sit in particular places of the face (eyes, brows,
//! nose, mouth, outline, hair line, and sometimes glasses, a beard or a mole); each of its
//! images varies in ways that must not change the answer (shift, rotation, scale, lighting,
//! contrast, expression, noise). A model that tells them apart has to look at the parts.

use serde::{Deserialize, Serialize};
use vocab::SeededRng;

use crate::set::{FaceSet, Source};

/// How many synthetic faces to draw, and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyntheticConfig {
    /// Number of people. Default: 40
    pub identities: usize,
    /// Images per person, training and validation together. Default: 12
    pub images_per_identity: usize,
    /// Of which held out for validation. Default: 2
    pub validation_per_identity: usize,
    /// Side of the square images. Default: 32
    pub size: usize,
    /// Default: 1
    pub seed: u64,
}

impl Default for SyntheticConfig {
    fn default() -> Self {
        Self {
            identities: 40,
            images_per_identity: 12,
            validation_per_identity: 2,
            size: 32,
            seed: 1,
        }
    }
}

/// The traits that make one person recognisable; all in face coordinates, where the face
/// spans about [-1, 1] on each axis and y grows downwards.
#[derive(Clone, Debug)]
struct Identity {
    face_width: f64,
    face_height: f64,
    jaw: f64,
    skin: f64,
    hair: f64,
    hairline: f64,
    eye_y: f64,
    eye_spacing: f64,
    eye_width: f64,
    eye_height: f64,
    brow_gap: f64,
    brow_tilt: f64,
    brow_thickness: f64,
    nose_length: f64,
    nose_width: f64,
    mouth_y: f64,
    mouth_width: f64,
    glasses: bool,
    beard: bool,
    mole: Option<(f64, f64)>,
}

impl Identity {
    fn draw(rng: &mut SeededRng) -> Self {
        let mut between = |lo: f64, hi: f64| lo + (hi - lo) * rng.next_f64();
        let face_width = between(0.62, 0.86);
        let face_height = between(0.82, 0.98);
        let jaw = between(0.0, 0.35);
        let skin = between(0.55, 0.85);
        let hair = between(0.05, 0.45);
        let hairline = between(-0.75, -0.35);
        let eye_y = between(-0.28, -0.05);
        let eye_spacing = between(0.2, 0.4);
        let eye_width = between(0.09, 0.17);
        let eye_height = between(0.04, 0.09);
        let brow_gap = between(0.1, 0.22);
        let brow_tilt = between(-0.25, 0.25);
        let brow_thickness = between(0.025, 0.06);
        let nose_length = between(0.18, 0.38);
        let nose_width = between(0.05, 0.13);
        let mouth_y = between(0.35, 0.58);
        let mouth_width = between(0.16, 0.36);
        let glasses = rng.next_f64() < 0.3;
        let beard = rng.next_f64() < 0.25;
        let mole = (rng.next_f64() < 0.3).then(|| {
            let x = (rng.next_f64() * 2.0 - 1.0) * 0.45;
            let y = rng.next_f64() * 0.5 + 0.05;
            (x, y)
        });
        Self {
            face_width,
            face_height,
            jaw,
            skin,
            hair,
            hairline,
            eye_y,
            eye_spacing,
            eye_width,
            eye_height,
            brow_gap,
            brow_tilt,
            brow_thickness,
            nose_length,
            nose_width,
            mouth_y,
            mouth_width,
            glasses,
            beard,
            mole,
        }
    }
}

/// How one photograph of a person differs from another: none of it changes who it is.
#[derive(Clone, Debug)]
struct Shot {
    shift_x: f64,
    shift_y: f64,
    angle: f64,
    scale: f64,
    light_angle: f64,
    light_strength: f64,
    contrast: f64,
    brightness: f64,
    mouth_open: f64,
    eyes_closed: bool,
    noise: f64,
}

impl Shot {
    fn draw(rng: &mut SeededRng) -> Self {
        let mut between = |lo: f64, hi: f64| lo + (hi - lo) * rng.next_f64();
        Self {
            shift_x: between(-0.1, 0.1),
            shift_y: between(-0.1, 0.1),
            angle: between(-0.14, 0.14),
            scale: between(0.92, 1.08),
            light_angle: between(0.0, core::f64::consts::TAU),
            light_strength: between(0.0, 0.3),
            contrast: between(0.75, 1.2),
            brightness: between(-0.08, 0.08),
            mouth_open: if between(0.0, 1.0) < 0.3 {
                between(0.04, 0.1)
            } else {
                0.0
            },
            eyes_closed: between(0.0, 1.0) < 0.15,
            noise: between(0.02, 0.07),
        }
    }
}

/// 1 inside an ellipse centred at (cx, cy) with radii (rx, ry), 0 outside.
fn in_ellipse(x: f64, y: f64, cx: f64, cy: f64, rx: f64, ry: f64) -> bool {
    let (dx, dy) = ((x - cx) / rx, (y - cy) / ry);
    dx * dx + dy * dy <= 1.0
}

/// Brightness in [0, 1] of the face at (x, y), before lighting and noise.
fn shade(id: &Identity, shot: &Shot, x: f64, y: f64) -> f64 {
    let background = 0.12;
    // The face outline narrows towards the chin as the jaw gets sharper.
    let narrowing = if y > 0.0 { 1.0 - id.jaw * y } else { 1.0 };
    let in_head = in_ellipse(x, y, 0.0, 0.0, id.face_width * narrowing, id.face_height);
    let in_hair_cap = in_ellipse(
        x,
        y,
        0.0,
        -0.05,
        id.face_width + 0.08,
        id.face_height + 0.08,
    ) && y < id.hairline + 0.12 * (x / id.face_width).powi(2);
    if in_hair_cap {
        return id.hair;
    }
    if !in_head {
        return background;
    }
    let mut value = id.skin;

    for side in [-1.0, 1.0] {
        let ex = side * id.eye_spacing;
        // Brows: a thick tilted bar above each eye.
        let brow_y = id.eye_y - id.brow_gap - side * id.brow_tilt * (x - ex);
        if (x - ex).abs() < id.eye_width * 1.3 && (y - brow_y).abs() < id.brow_thickness {
            value = id.hair.min(value);
        }
        // Eyes: white, iris, or a closed lid line.
        if shot.eyes_closed {
            if (x - ex).abs() < id.eye_width && (y - id.eye_y).abs() < 0.015 {
                value = 0.15;
            }
        } else if in_ellipse(x, y, ex, id.eye_y, id.eye_width, id.eye_height) {
            value = if in_ellipse(x, y, ex, id.eye_y, id.eye_height * 0.9, id.eye_height * 0.9) {
                0.05
            } else {
                0.95
            };
        }
        // Glasses: a dark ring around each eye, and the bridge between them.
        if id.glasses {
            let r = ((x - ex).powi(2) / (id.eye_width * 1.6).powi(2)
                + (y - id.eye_y).powi(2) / (id.eye_width * 1.2).powi(2))
            .sqrt();
            if (r - 1.0).abs() < 0.13 {
                value = 0.02;
            }
        }
    }
    if id.glasses && x.abs() < id.eye_spacing - id.eye_width * 1.5 && (y - id.eye_y).abs() < 0.02 {
        value = 0.02;
    }
    // Nose: a shaded wedge down the middle, with a dark base.
    let nose_top = id.eye_y + 0.05;
    let nose_bottom = nose_top + id.nose_length;
    if y > nose_top && y < nose_bottom {
        let t = (y - nose_top) / id.nose_length;
        if x.abs() < id.nose_width * t && x > 0.0 {
            value -= 0.18;
        }
        if (y - nose_bottom).abs() < 0.025 && x.abs() < id.nose_width {
            value = 0.25;
        }
    }
    // Beard: darker, below the mouth line and along the jaw.
    if id.beard && y > id.mouth_y - 0.05 {
        value = value.min(id.hair + 0.1);
    }
    // Mouth: a line, or an open dark ellipse.
    let mouth_height = 0.025 + shot.mouth_open;
    if in_ellipse(x, y, 0.0, id.mouth_y, id.mouth_width, mouth_height) {
        value = if shot.mouth_open > 0.0 { 0.08 } else { 0.3 };
    }
    if let Some((mx, my)) = id.mole {
        if in_ellipse(x, y, mx, my, 0.05, 0.05) {
            value = 0.05;
        }
    }
    value
}

/// Draws one image of `id` at `size`×`size`, 3×3 samples per pixel.
fn render(id: &Identity, shot: &Shot, size: usize, rng: &mut SeededRng) -> Vec<u8> {
    let (sin, cos) = shot.angle.sin_cos();
    let (light_x, light_y) = (shot.light_angle.cos(), shot.light_angle.sin());
    let mut pixels = Vec::with_capacity(size * size);
    for py in 0..size {
        for px in 0..size {
            let mut sum = 0.0;
            for sy in 0..3 {
                for sx in 0..3 {
                    // Pixel → image coordinates in [-1.1, 1.1] → face coordinates.
                    let u = ((px as f64 + (sx as f64 + 0.5) / 3.0) / size as f64 * 2.0 - 1.0) * 1.1;
                    let v = ((py as f64 + (sy as f64 + 0.5) / 3.0) / size as f64 * 2.0 - 1.0) * 1.1;
                    let (u, v) = (
                        (u - shot.shift_x) / shot.scale,
                        (v - shot.shift_y) / shot.scale,
                    );
                    let (x, y) = (cos * u + sin * v, -sin * u + cos * v);
                    let light = 1.0 + shot.light_strength * (x * light_x + y * light_y);
                    sum += shade(id, shot, x, y) * light;
                }
            }
            let value = (sum / 9.0 - 0.5) * shot.contrast
                + 0.5
                + shot.brightness
                + shot.noise * rng.normal();
            pixels.push((value.clamp(0.0, 1.0) * 255.0).round() as u8);
        }
    }
    pixels
}

/// Draws the whole synthetic set; the same config always gives the same pixels.
pub fn generate(config: &SyntheticConfig) -> FaceSet {
    let mut people = Vec::with_capacity(config.identities);
    let mut images = Vec::with_capacity(config.identities);
    for person in 0..config.identities {
        let mut trait_rng = SeededRng::for_stream(config.seed, &format!("identity.{person}"));
        let identity = Identity::draw(&mut trait_rng);
        let shots = (0..config.images_per_identity)
            .map(|shot| {
                let mut rng = SeededRng::for_stream(config.seed, &format!("shot.{person}.{shot}"));
                let variation = Shot::draw(&mut rng);
                render(&identity, &variation, config.size, &mut rng)
            })
            .collect();
        people.push(format!("#{}", person + 1));
        images.push(shots);
    }
    let validation = config
        .validation_per_identity
        .min(config.images_per_identity.saturating_sub(1));
    FaceSet::from_people(
        Source::Synthetic(config.clone()),
        config.size,
        people,
        images,
        |_, count| count - validation.min(count),
    )
}
