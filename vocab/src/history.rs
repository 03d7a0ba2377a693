//! Histories that stay bounded in a long session: every point for the first thousands of
//! updates, then the older part thinned so a page left playing for hours keeps the same
//! memory and redraw time, and a loss spike stays visible (each thinned bucket keeps its
//! lowest and its highest point).

/// A history holds at most this many points; the newest half of them stays exact. Reached
/// at update 2 048, so a page left playing keeps the memory it had then (measured by
/// `npm run bench:soak`), and a chart a few hundred pixels wide still has more points than
/// pixels.
pub const HISTORY_POINTS: usize = 2_048;

/// Thins `points` (in update order) once it is longer than [`HISTORY_POINTS`]: the part older
/// than the newest half (but its first point) is cut into buckets of four, each kept as its lowest and its highest
/// point, in update order. NaN and infinite values are kept (a divergence must stay visible).
pub fn thin(points: &mut Vec<(u64, f32)>) {
    thin_to(points, HISTORY_POINTS);
}

/// Validations (one per epoch) kept at most: a long run's validation curve stays short in
/// the page and in the run file kept every few seconds.
pub const VALIDATION_POINTS: usize = 256;

/// [`thin`] with a bound of its own.
pub fn thin_to(points: &mut Vec<(u64, f32)>, max: usize) {
    if points.len() <= max.max(4) {
        return;
    }
    let keep_exact = max.max(4) / 2;
    let older = points.len() - keep_exact;
    let mut thinned = Vec::with_capacity(older / 2 + keep_exact + 2);
    // The first point stays: the chart starts where the run did.
    thinned.push(points[0]);
    for bucket in points[1..older].chunks(4) {
        if bucket.iter().any(|(_, v)| !v.is_finite()) {
            thinned.extend(bucket.iter().copied().filter(|(_, v)| !v.is_finite()));
            continue;
        }
        let low = bucket.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1));
        let high = bucket.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1));
        if let (Some(low), Some(high)) = (low, high) {
            if low.0 == high.0 {
                thinned.push(low);
            } else if low.0 < high.0 {
                thinned.extend([low, high]);
            } else {
                thinned.extend([high, low]);
            }
        }
    }
    thinned.extend_from_slice(&points[older..]);
    *points = thinned;
}

/// Thins a history of values that have no order (one point per update, e.g. every block's
/// gradient norms) by keeping every other point of its older part.
pub fn thin_evenly<T>(points: &mut Vec<(u64, T)>) {
    thin_evenly_to(points, HISTORY_POINTS);
}

/// [`thin_evenly`] with a bound of its own.
pub fn thin_evenly_to<T>(points: &mut Vec<(u64, T)>, max: usize) {
    if points.len() <= max.max(2) {
        return;
    }
    let older = points.len() - max.max(2) / 2;
    let mut index = 0;
    points.retain(|_| {
        let keep = index >= older || index % 2 == 0;
        index += 1;
        keep
    });
}

/// A short copy of `points` (in update order) for a thumbnail or a comparison: cut into
/// `buckets` runs of updates, each kept as its lowest and highest point (in update order),
/// so a spike stays visible; the first and last points are kept. NaN and infinite values
/// are left out (a thumbnail draws what it can).
pub fn coarse(points: &[(u64, f32)], buckets: usize) -> Vec<(u64, f32)> {
    let finite: Vec<(u64, f32)> = points.iter().copied().filter(|p| p.1.is_finite()).collect();
    if finite.len() <= 2 * buckets.max(1) {
        return finite;
    }
    let size = finite.len().div_ceil(buckets);
    let mut out = Vec::with_capacity(2 * buckets + 2);
    for bucket in finite.chunks(size) {
        let low = bucket.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1));
        let high = bucket.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1));
        if let (Some(low), Some(high)) = (low, high) {
            match low.0.cmp(&high.0) {
                std::cmp::Ordering::Equal => out.push(low),
                std::cmp::Ordering::Less => out.extend([low, high]),
                std::cmp::Ordering::Greater => out.extend([high, low]),
            }
        }
    }
    let (first, last) = (finite[0], finite[finite.len() - 1]);
    if out.first() != Some(&first) {
        out.insert(0, first);
    }
    if out.last() != Some(&last) {
        out.push(last);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coarse_copy_is_short_and_keeps_its_ends_and_spike() {
        let points: Vec<(u64, f32)> = (1..=10_000u64)
            .map(|s| (s, if s == 5_000 { 50.0 } else { 1.0 / s as f32 }))
            .collect();
        let short = coarse(&points, 100);
        assert!(short.len() <= 202, "{}", short.len());
        assert_eq!(short.first(), Some(&(1, 1.0)));
        assert_eq!(short.last().map(|p| p.0), Some(10_000));
        assert!(short.contains(&(5_000, 50.0)));
        assert!(short.windows(2).all(|w| w[0].0 < w[1].0));
        let few = [(1, 2.0), (2, f32::NAN), (3, 1.0)];
        assert_eq!(coarse(&few, 100), vec![(1, 2.0), (3, 1.0)]);
    }

    #[test]
    fn twenty_thousand_updates_stay_bounded_and_keep_their_spike_and_recent_points() {
        let mut points = Vec::new();
        for step in 1..=20_000u64 {
            let value = if step == 150 { 99.0 } else { 1.0 / step as f32 };
            points.push((step, value));
            thin(&mut points);
            assert!(points.len() <= HISTORY_POINTS + 1);
        }
        assert!(
            points.iter().any(|&(s, v)| s == 150 && v == 99.0),
            "the spike was lost"
        );
        assert!(points.windows(2).all(|w| w[0].0 < w[1].0), "out of order");
        let recent: Vec<u64> = points[points.len() - 100..].iter().map(|p| p.0).collect();
        assert_eq!(recent, (19_901..=20_000).collect::<Vec<_>>());
        assert_eq!(points[0].0, 1);
    }

    #[test]
    fn a_non_finite_point_survives_thinning() {
        let mut points: Vec<(u64, f32)> = (1..=5_000).map(|s| (s, 1.0)).collect();
        points[10].1 = f32::NAN;
        thin(&mut points);
        assert!(points.iter().any(|&(s, v)| s == 11 && v.is_nan()));
    }

    #[test]
    fn validations_stay_within_their_own_bound() {
        let mut losses = Vec::new();
        let mut evaluations = Vec::new();
        for epoch in 0..5_000u64 {
            losses.push((epoch * 13, 1.0 / (epoch + 1) as f32));
            thin_to(&mut losses, VALIDATION_POINTS);
            evaluations.push((epoch * 13, ()));
            thin_evenly_to(&mut evaluations, VALIDATION_POINTS);
        }
        assert!(losses.len() <= VALIDATION_POINTS + 1, "{}", losses.len());
        assert!(evaluations.len() <= VALIDATION_POINTS + 1);
        assert_eq!(losses[0].0, 0);
        assert_eq!(evaluations.last().unwrap().0, 4_999 * 13);
    }

    #[test]
    fn even_thinning_keeps_the_newest_half_whole() {
        let mut points: Vec<(u64, ())> = (1..=5_000).map(|s| (s, ())).collect();
        thin_evenly(&mut points);
        assert!(points.len() < 5_000);
        assert_eq!(points.last().unwrap().0, 5_000);
        let recent = &points[points.len() - HISTORY_POINTS / 2..];
        assert!(recent.windows(2).all(|w| w[1].0 == w[0].0 + 1));
    }
}
