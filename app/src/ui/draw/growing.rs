//! Charts that grow by a point per update, drawn by adding that point to what the canvas
//! already shows instead of drawing the whole history again.
//!
//! That works while nothing moves the points already drawn: the canvas's size, the language,
//! the axes' ranges, and the points themselves (a history that is thinned, or cut back when a
//! run is reopened, changes its older points). So the ranges move in steps ([`ceiling`],
//! [`floor`]) rather than with every new point, and each series remembers what is drawn of it
//! ([`Drawn`]); when anything else changed, the chart is drawn whole.

/// The steps ranges move by, in each power of ten, each at most 1.25 × the one before: a range
/// stretched to the next step leaves at most a fifth of the chart empty.
const STEPS: [f64; 13] = [
    1.0, 1.2, 1.5, 1.8, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 7.0, 8.0,
];

/// The smallest step (1, 1.2, 1.5, 1.8, 2, 2.5, 3, 3.5, 4, 5, 6, 7 or 8 × 10ᵏ) at or above
/// `value` (> 0).
pub fn ceiling(value: f64) -> f64 {
    if !(value.is_finite() && value > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    STEPS
        .iter()
        .chain(&[10.0])
        .map(|step| step * power)
        // A little slack: 3.0000000001 × 10ᵏ from rounding is still 3 × 10ᵏ.
        .find(|&candidate| candidate >= value * (1.0 - 1e-12))
        .unwrap_or(10.0 * power)
}

/// The largest step at or below `value` (> 0).
pub fn floor(value: f64) -> f64 {
    if !(value.is_finite() && value > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    STEPS
        .iter()
        .rev()
        .map(|step| step * power)
        .find(|&candidate| candidate <= value * (1.0 + 1e-12))
        .unwrap_or(power)
}

/// What a canvas shows of one series: how many points, and its first and last.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Drawn {
    len: usize,
    first: Option<(u64, f32)>,
    last: Option<(u64, f32)>,
}

impl Drawn {
    /// The whole of `points` drawn.
    pub fn of(points: &[(u64, f32)]) -> Self {
        Self {
            len: points.len(),
            first: points.first().copied(),
            last: points.last().copied(),
        }
    }

    /// The index of `points`' first new point, if it only adds points after what is drawn
    /// (its line then goes on from the point before). `None` when older points changed, and
    /// the series must be drawn whole.
    pub fn new_from(&self, points: &[(u64, f32)]) -> Option<usize> {
        if self.len == 0 {
            return Some(0);
        }
        let same = |a: Option<&(u64, f32)>, b: Option<(u64, f32)>| {
            // Bit for bit: a NaN drawn stays a NaN drawn.
            matches!((a, b), (Some(a), Some(b)) if a.0 == b.0 && a.1.to_bits() == b.1.to_bits())
        };
        (points.len() >= self.len
            && same(points.first(), self.first)
            && same(points.get(self.len - 1), self.last))
        .then_some(self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_move_in_steps_that_hold_the_value() {
        assert_eq!(ceiling(10.0), 10.0);
        assert_eq!(ceiling(10.5), 12.0);
        assert_eq!(ceiling(13.0), 15.0);
        assert_eq!(ceiling(2_049.0), 2_500.0);
        assert_eq!(ceiling(8.1), 10.0);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(ceiling(0.0031), 0.0035), "{}", ceiling(0.0031));
        assert!(close(floor(0.0031), 0.003), "{}", floor(0.0031));
        assert_eq!(floor(0.99), 0.8);
        assert_eq!(floor(1.0), 1.0);
        assert_eq!(floor(7.9), 7.0);
        assert_eq!(ceiling(1.51), 1.8);
        for value in [
            0.0007, 0.013, 0.2, 1.51, 1.7, 3.0, 3.01, 6.01, 9.99, 47.0, 1234.5,
        ] {
            let (low, high) = (floor(value), ceiling(value));
            assert!(low <= value && value <= high, "{low} ≤ {value} ≤ {high}");
            // At most a fifth of the chart above the value is empty.
            assert!(high <= value * 1.25 + 1e-9, "{value} → {high}");
        }
        assert_eq!(ceiling(f64::NAN), 1.0);
        assert_eq!(floor(0.0), 1.0);
    }

    #[test]
    fn a_series_that_only_grew_is_drawn_from_its_first_new_point() {
        let drawn = Drawn::of(&[(1, 3.0), (2, 2.5)]);
        assert_eq!(drawn.new_from(&[(1, 3.0), (2, 2.5), (3, 2.0)]), Some(2));
        assert_eq!(
            drawn.new_from(&[(1, 3.0), (2, 2.5)]),
            Some(2),
            "nothing new"
        );
        assert_eq!(Drawn::default().new_from(&[(1, 3.0)]), Some(0));
    }

    #[test]
    fn a_series_whose_older_points_changed_is_drawn_whole() {
        let drawn = Drawn::of(&[(1, 3.0), (2, 2.5), (3, 2.0)]);
        // Thinned: fewer points than drawn.
        assert_eq!(drawn.new_from(&[(1, 3.0), (3, 2.0), (4, 1.9)]), None);
        // Cut back and grown again to the same length (a run reopened at an earlier update).
        assert_eq!(
            drawn.new_from(&[(1, 3.0), (2, 2.5), (3, 2.1), (4, 2.0)]),
            None
        );
        // Another run.
        assert_eq!(drawn.new_from(&[(1, 4.0), (2, 2.5), (3, 2.0)]), None);
        // A divergence drawn stays itself.
        let nan = Drawn::of(&[(1, f32::NAN)]);
        assert_eq!(nan.new_from(&[(1, f32::NAN), (2, 1.0)]), Some(1));
    }
}
