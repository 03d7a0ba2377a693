//! Colour scales for numbers: diverging for signed values (scores, weights), sequential for
//! shares; both readable with the common colour-vision deficiencies. Pure maths, tested
//! natively, plus the scale's legend as a component.

use leptos::prelude::*;

/// Blue – white – orange: negative scores blue, positive orange; readable with the common
/// colour-vision deficiencies (no red–green contrast).
pub fn diverging(t: f32) -> [u8; 3] {
    let t = t.clamp(-1.0, 1.0);
    let (end, a) = if t < 0.0 {
        ([33.0, 102.0, 172.0], -t)
    } else {
        ([179.0, 88.0, 6.0], t)
    };
    let mix = |e: f32| (255.0 + (e - 255.0) * a).round() as u8;
    [mix(end[0]), mix(end[1]), mix(end[2])]
}

/// Viridis (dark purple → green → yellow), perceptually even and colour-blind safe.
pub fn sequential(t: f32) -> [u8; 3] {
    const STOPS: [[f32; 3]; 5] = [
        [68.0, 1.0, 84.0],
        [59.0, 82.0, 139.0],
        [33.0, 145.0, 140.0],
        [94.0, 201.0, 98.0],
        [253.0, 231.0, 37.0],
    ];
    let x = t.clamp(0.0, 1.0) * 4.0;
    let i = (x.floor() as usize).min(3);
    let f = x - i as f32;
    let c = |k: usize| (STOPS[i][k] + (STOPS[i + 1][k] - STOPS[i][k]) * f).round() as u8;
    [c(0), c(1), c(2)]
}

#[component]
pub fn ColourScale(
    #[prop(into)] low: Signal<String>,
    #[prop(into)] high: Signal<String>,
    gradient: &'static str,
) -> impl IntoView {
    view! {
        <div class="legend">
            <span>{low}</span>
            <span class="legend-bar" style=format!("background:{gradient}")></span>
            <span>{high}</span>
        </div>
    }
}

pub const DIVERGING_CSS: &str = "linear-gradient(90deg, rgb(33,102,172), #fff, rgb(179,88,6))";
pub const SEQUENTIAL_CSS: &str =
    "linear-gradient(90deg, rgb(68,1,84), rgb(59,82,139), rgb(33,145,140), rgb(94,201,98), rgb(253,231,37))";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diverging_is_white_at_zero_and_saturates_at_the_ends() {
        assert_eq!(diverging(0.0), [255, 255, 255]);
        assert_eq!(diverging(-1.0), [33, 102, 172]);
        assert_eq!(diverging(1.0), [179, 88, 6]);
        assert_eq!(diverging(7.0), diverging(1.0), "clamped");
    }

    #[test]
    fn sequential_runs_through_viridis_stops() {
        assert_eq!(sequential(0.0), [68, 1, 84]);
        assert_eq!(sequential(0.5), [33, 145, 140]);
        assert_eq!(sequential(1.0), [253, 231, 37]);
        assert_eq!(sequential(-3.0), sequential(0.0), "clamped");
        // Halfway between two stops is halfway between their colours.
        assert_eq!(sequential(0.125), [64, 42, 112]);
    }
}
