//! The learned matrices Wq, Wk, Wv of the inspected block, how far training has moved them
//! from their initial values, and how alike Wq and Wk are: weights, not activations.

use std::sync::Arc;

use crate::ui::draw::measured::MeasuredCanvas;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;

use crate::i18n::{decimal, percent};
use crate::ui::draw::canvas::draw_cells;
use crate::ui::draw::colour::{diverging, ColourScale, DIVERGING_CSS};
use crate::ui::draw::frame::{draw_when_seen, first_canvas};
use crate::ui::draw::legend::{draw_legend, Corner, Entry};
use crate::ui::export::ExportPng;
use crate::ui::sight::while_seen;
use crate::ui::state::PageState;
use vocab::protocol::WeightsView;

const SIDE_PX: f64 = 180.0;
const NAMES: [&str; 3] = ["Wq", "Wk", "Wv"];
const COLOURS: [RGBColor; 3] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
];

fn draw_history(
    canvas: web_sys::HtmlCanvasElement,
    points: &[(u64, [f32; 3], f32)],
    similarity_label: &str,
    x_label: &str,
    lang: crate::i18n::Lang,
) -> Result<(), Box<dyn std::error::Error>> {
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let (w, h) = ((360.0 * ratio) as u32, (220.0 * ratio) as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let backend = MeasuredCanvas::new(canvas).ok_or("no canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    // A point with a non-finite number (weights blown up by an absurd learning rate) would
    // give the chart an infinite range: it is left out, as the loss chart leaves NaN out.
    let points: Vec<_> = points
        .iter()
        .filter(|(_, d, s)| d.iter().chain([s]).all(|v| v.is_finite()))
        .copied()
        .collect();
    let points = &points[..];
    let last = points.last().map_or(10.0, |p| p.0 as f64).max(10.0);
    let values = points
        .iter()
        .flat_map(|(_, d, s)| d.iter().copied().chain([*s]));
    let (low, high) = values.fold((0.0f32, 0.05f32), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let font = ("sans-serif", 11.0 * ratio).into_font();
    let mut chart = ChartBuilder::on(&root)
        .margin((8.0 * ratio) as i32)
        .x_label_area_size((28.0 * ratio) as i32)
        .y_label_area_size((40.0 * ratio) as i32)
        .build_cartesian_2d(0.0..last * 1.02, (low as f64 * 1.1)..(high as f64 * 1.1))?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(230, 230, 230))
        .max_light_lines(1)
        .x_label_formatter(&|x| crate::format::axis_label(lang, *x))
        .y_label_formatter(&|y| crate::format::axis_label(lang, *y))
        .x_desc(x_label)
        .label_style(font.clone())
        .axis_desc_style(font.clone())
        .draw()?;
    for (i, colour) in COLOURS.iter().enumerate() {
        let line = points.iter().map(|(s, d, _)| (*s as f64, d[i] as f64));
        chart.draw_series(LineSeries::new(
            line,
            colour.stroke_width((2.0 * ratio) as u32),
        ))?;
    }
    let grey = RGBColor(90, 90, 90);
    let line = points.iter().map(|(s, _, q)| (*s as f64, *q as f64));
    chart.draw_series(LineSeries::new(line, grey.stroke_width(ratio as u32)))?;
    let drift: Vec<String> = NAMES
        .iter()
        .map(|n| format!("‖{n} − {n}₀‖ / ‖{n}₀‖"))
        .collect();
    let mut entries: Vec<Entry> = drift
        .iter()
        .zip(COLOURS)
        .map(|(label, colour)| Entry {
            label,
            colour,
            width: 2.0,
        })
        .collect();
    entries.push(Entry {
        label: similarity_label,
        colour: grey,
        width: 1.0,
    });
    draw_legend(
        &chart.plotting_area().strip_coord_spec(),
        &entries,
        font.into(),
        Corner::UpperLeft,
        ratio,
    )?;
    root.present()?;
    Ok(())
}

/// The columns of the drift table, one per group of a block, as the group names end.
const BLOCK_GROUPS: [(&str, &str); 8] = [
    ("norm1", "LN 1"),
    ("attn.wq", "Wq"),
    ("attn.wk", "Wk"),
    ("attn.wv", "Wv"),
    ("attn.wo", "Wo"),
    ("norm2", "LN 2"),
    ("mlp.fc1", "MLP 1"),
    ("mlp.fc2", "MLP 2"),
];

/// Every group's drift: a row per block, then the groups outside the blocks.
#[component]
fn DriftTable(state: PageState, weights: Memo<Option<Arc<WeightsView>>>) -> impl IntoView {
    let table = move || {
        let lang = state.lang.get();
        let t = lang.text();
        let groups = weights.with(|w| w.as_ref().map(|w| w.groups.clone()))?;
        if groups.is_empty() {
            return None;
        }
        let find = |name: &str| groups.iter().find(|g| g.group == name).map(|g| g.drift);
        let cell = move |drift: Option<f32>| {
            let text = drift.map_or("–".to_string(), |d| percent(lang, d as f64, 1));
            view! { <td data-drift=drift.map(|d| d.to_string())>{text}</td> }
        };
        let depth = (0..)
            .take_while(|b| find(&format!("blocks.{b}.attn.wq")).is_some())
            .count();
        let rows = (0..depth)
            .map(|b| {
                view! {
                    <tr>
                        <th scope="row">{(t.gradient_block)(b + 1)}</th>
                        {BLOCK_GROUPS.iter().map(|(suffix, _)| cell(find(&format!("blocks.{b}.{suffix}")))).collect_view()}
                    </tr>
                }
            })
            .collect_view();
        let outside = [
            ("patch_embed", t.drift_patch_embed),
            ("cls_token", "CLS"),
            ("pos_embed", t.drift_positions),
            ("norm", t.drift_final_norm),
            ("head", t.drift_classifier),
        ];
        Some(view! {
            <table class="drift-table" id="drift-table" data-groups=groups.len()>
                <caption>{t.drift_title}</caption>
                <thead><tr><th></th>{BLOCK_GROUPS.iter().map(|(_, label)| view! { <th scope="col">{*label}</th> }).collect_view()}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <table class="drift-table" id="drift-outside">
                <thead><tr>{outside.iter().map(|(_, label)| view! { <th scope="col">{*label}</th> }).collect_view()}</tr></thead>
                <tbody><tr>{outside.iter().map(|(name, _)| cell(find(name))).collect_view()}</tr></tbody>
            </table>
        })
    };
    view! { <div class="drift">{table}</div> }
}

#[component]
pub fn WeightsPanel(state: PageState) -> impl IntoView {
    let t = move || state.lang.get().text();
    let canvases = [
        NodeRef::<Canvas>::new(),
        NodeRef::<Canvas>::new(),
        NodeRef::<Canvas>::new(),
    ];
    let history = NodeRef::<Canvas>::new();
    let weights = while_seen(state.weights);
    let peak = move || {
        weights.with(|w| {
            w.as_ref().map(|w| {
                w.wq.iter()
                    .chain(&w.wk)
                    .chain(&w.wv)
                    .fold(1e-6f32, |m, v| m.max(v.abs()))
            })
        })
    };
    Effect::new(move |_| {
        let Some(view) = weights.get() else {
            return;
        };
        let peak = peak().unwrap_or(1.0);
        let targets: Vec<_> = canvases.iter().map(|c| c.get()).collect();
        let on = first_canvas(&targets);
        draw_when_seen("weights", on.as_ref(), move || {
            for (i, matrix) in [&view.wq, &view.wk, &view.wv].into_iter().enumerate() {
                if let Some(canvas) = &targets[i] {
                    draw_cells(
                        canvas,
                        matrix,
                        (view.width, view.width),
                        (SIDE_PX, SIDE_PX),
                        |v| diverging(v / peak),
                    );
                }
            }
        });
    });
    Effect::new(move |_| {
        let lang = state.lang.get();
        let t = lang.text();
        let Some(canvas) = history.get() else { return };
        let points = state.weight_history.get();
        let on = web_sys::Element::from(canvas.clone());
        draw_when_seen("weight history", Some(&on), move || {
            if let Err(error) = draw_history(canvas, &points, t.qk_similarity, t.update_axis, lang)
            {
                web_sys::console::warn_1(&format!("weights chart: {error}").into());
            }
        });
    });
    let summary = move || {
        let lang = state.lang.get();
        let t = lang.text();
        let view = weights.get()?;
        let d = |i: usize| decimal(lang, view.drift[i] as f64 * 100.0, 1);
        Some((t.weights_summary)(
            view.step,
            view.block + 1,
            &d(0),
            &d(1),
            &d(2),
            &decimal(lang, view.qk_similarity as f64, 3),
        ))
    };
    let figure = move |i: usize| {
        view! {
            <figure class="weight">
                <figcaption>{NAMES[i]}" "<span class="badge learned">{move || t().learned_badge}</span></figcaption>
                <canvas node_ref=canvases[i] class="weight-map" id=format!("weights-{}", NAMES[i].to_lowercase())
                    role="img" aria-label=NAMES[i]
                    data-drift=move || weights.with(|w| w.as_ref().map(|w| w.drift[i].to_string()))></canvas>
                <ExportPng canvas=canvases[i] name=["wq", "wk", "wv"][i] state />
            </figure>
        }
    };
    view! {
        <div class="kinds">
            <p><span class="badge learned">{move || t().learned_badge}</span>" "{move || t().learned_list}</p>
            <p><span class="badge computed">{move || t().computed_badge}</span>" "{move || t().computed_list}</p>
        </div>
        <p class="note" id="weights-summary">{summary}</p>
        <div class="weights">{(0..3).map(figure).collect_view()}</div>
        <ColourScale low=Signal::derive(move || peak().map_or(String::new(), |p| decimal(state.lang.get(), -(p as f64), 2)))
            high=Signal::derive(move || peak().map_or(String::new(), |p| format!("+{}", decimal(state.lang.get(), p as f64, 2))))
            gradient=DIVERGING_CSS />
        <canvas node_ref=history class="weight-history" id="weights-history" role="img"
            aria-label=move || t().weights_history
            data-points=move || state.weight_history.with(|p| p.len().to_string())></canvas>
        <ExportPng canvas=history name="weights-history" state />
        <DriftTable state weights />
    }
}
