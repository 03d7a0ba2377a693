//! Questions 3 and 8: the same face's attention with the weights of update 0 and with the
//! latest ones, side by side. Nothing else differs between the two.

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::i18n::percent;
use crate::ui::draw::canvas::draw_face;
use crate::ui::draw::frame::{draw_when_seen, first_canvas};
use crate::ui::sight::while_seen;
use crate::ui::state::PageState;
use vocab::protocol::{HeadView, InitialView};

/// The CLS token's attention row of the inspected head, with the weights of update 0
/// (`then`) or the latest ones; "then" only once the worker has sent it for this target.
pub(crate) fn cls_row(
    probe: Option<&HeadView>,
    initial: Option<&InitialView>,
    then: bool,
) -> Option<Vec<f32>> {
    let p = probe?;
    if then {
        let initial = initial.filter(|i| i.target == p.target)?;
        initial.attention.get(..p.tokens).map(<[f32]>::to_vec)
    } else {
        p.attention.get(..p.tokens).map(<[f32]>::to_vec)
    }
}

/// CLS's largest share given to a patch: the face map draws patches only, so CLS's share
/// of itself (row[0]) is left out of the number quoted beside it.
pub(crate) fn largest_patch_share(row: &[f32]) -> f32 {
    row.iter().skip(1).copied().fold(0.0f32, f32::max)
}

#[component]
pub fn ThenAndNow(state: PageState) -> impl IntoView {
    let t = move || state.lang.get().text().tour;
    let then_canvas = NodeRef::<Canvas>::new();
    let now_canvas = NodeRef::<Canvas>::new();
    let probe = while_seen(state.probe);
    let initial = while_seen(state.initial);
    let cls_row = move |then: bool| {
        probe.with(|p| initial.with(|i| cls_row(p.as_deref(), i.as_deref(), then)))
    };
    Effect::new(move |_| {
        let Some(view) = probe.get() else {
            return;
        };
        let face = state.dataset.with(|data| {
            let data = data.as_ref()?;
            Some((
                data.train_image(view.target.image)?.to_vec(),
                data.summary.size,
            ))
        });
        let then = cls_row(true);
        let canvases = (then_canvas.get(), now_canvas.get());
        let on = first_canvas([&canvases.0, &canvases.1]);
        draw_when_seen("then and now", on.as_ref(), move || {
            let n = view.tokens;
            let Some((pixels, size)) = face else {
                return;
            };
            // One colour scale for both faces, so a stronger share looks stronger.
            let now = &view.attention[..n];
            let patches = |row: &[f32]| row[1..].iter().copied().fold(f32::MIN_POSITIVE, f32::max);
            let scale = patches(now).max(then.as_deref().map_or(0.0, patches));
            if let (Some(canvas), Some(row)) = (&canvases.0, &then) {
                draw_face(canvas, (&pixels, size), &view, row, 0, None, Some(scale));
            }
            if let Some(canvas) = &canvases.1 {
                draw_face(canvas, (&pixels, size), &view, now, 0, None, Some(scale));
            }
        });
    });
    // Its largest share, as text beside the picture.
    let caption = move |then: bool| {
        let lang = state.lang.get();
        cls_row(then).map(|row| {
            let top = largest_patch_share(&row);
            format!("max {}", percent(lang, top as f64, 1))
        })
    };
    let cls_json =
        move |then: bool| cls_row(then).map(|row| serde_json::to_string(&row).unwrap_or_default());
    view! {
        <Show when=move || probe.with(Option::is_none)>
            <p class="note">{move || t().then_now_wait}</p>
        </Show>
        <div class="then-now">
            <figure>
                <canvas node_ref=then_canvas id="then-face" class="view" width="300" height="300"
                    role="img" aria-label=move || format!("{}{}{}", t().then_caption, state.lang.get().text().colon, caption(true).unwrap_or_default())
                    data-cls-row=move || cls_json(true)></canvas>
                <figcaption>{move || t().then_caption}" · "{move || caption(true)}</figcaption>
            </figure>
            <figure>
                <canvas node_ref=now_canvas id="now-face" class="view" width="300" height="300"
                    role="img" aria-label=move || format!("{}{}{}", (t().now_caption)(probe.with(|p| p.as_ref().map_or(0, |p| p.step))), state.lang.get().text().colon, caption(false).unwrap_or_default())
                    data-cls-row=move || cls_json(false)></canvas>
                <figcaption>{move || (t().now_caption)(probe.with(|p| p.as_ref().map_or(0, |p| p.step)))}" · "{move || caption(false)}</figcaption>
            </figure>
        </div>
    }
}
