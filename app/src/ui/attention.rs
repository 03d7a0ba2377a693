//! The attention of one head, computed by the model in training: the raw scores Q·Kᵀ/√d,
//! the softmax that turns each row into shares, and where a token looks on the face.
//! Everything drawn here comes from the worker's latest [`HeadView`].

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, MouseEvent};

use crate::i18n::decimal;
use crate::protocol::{Command, HeadView, InspectTarget};
use crate::ui::bridge::Bridge;
use crate::ui::export::ExportPng;
use crate::ui::frame::draw_next_frame;
use crate::ui::state::PageState;

/// Side of each view on screen, in CSS pixels (drawn at the screen's pixel density).
const VIEW_PX: f64 = 300.0;

/// Blue – white – orange: negative scores blue, positive orange; readable with the common
/// colour-vision deficiencies (no red–green contrast).
pub(crate) fn diverging(t: f32) -> [u8; 3] {
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
pub(crate) fn sequential(t: f32) -> [u8; 3] {
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

/// A canvas's 2-D drawing context.
pub(crate) fn context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

thread_local! {
    /// A canvas never shown, one pixel per cell: matrices are coloured there as one image and
    /// scaled onto the views, instead of one `fillRect` (and one colour string) per cell.
    static SCRATCH: Option<HtmlCanvasElement> = document()
        .create_element("canvas")
        .ok()
        .and_then(|c| c.dyn_into().ok());
}

/// Paints a `rows × cols` matrix as cells filling the rectangle at (x, y), `width × height`
/// in the context's units, each cell a flat colour.
pub(crate) fn paint_cells(
    context: &CanvasRenderingContext2d,
    (rows, cols): (usize, usize),
    (x, y, width, height): (f64, f64, f64, f64),
    colour: impl Fn(usize) -> [u8; 3],
) {
    if rows == 0 || cols == 0 {
        return;
    }
    let mut rgba = Vec::with_capacity(rows * cols * 4);
    for i in 0..rows * cols {
        let [r, g, b] = colour(i);
        rgba.extend_from_slice(&[r, g, b, 255]);
    }
    SCRATCH.with(|scratch| {
        let Some(scratch) = scratch else {
            return;
        };
        if scratch.width() != cols as u32 || scratch.height() != rows as u32 {
            scratch.set_width(cols as u32);
            scratch.set_height(rows as u32);
        }
        let Some(image) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
            wasm_bindgen::Clamped(&rgba),
            cols as u32,
            rows as u32,
        )
        .ok() else {
            return;
        };
        let Some(scratch_context) = context_2d(scratch) else {
            return;
        };
        let _ = scratch_context.put_image_data(&image, 0.0, 0.0);
        // Sharp cell edges, as the cells are.
        context.set_image_smoothing_enabled(false);
        let _ =
            context.draw_image_with_html_canvas_element_and_dw_and_dh(scratch, x, y, width, height);
    });
}

fn context(canvas: &HtmlCanvasElement) -> Option<(CanvasRenderingContext2d, f64)> {
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let side = (VIEW_PX * ratio).round() as u32;
    if canvas.width() != side || canvas.height() != side {
        canvas.set_width(side);
        canvas.set_height(side);
    }
    let context = context_2d(canvas)?;
    let _ = context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    Some((context, ratio))
}

/// A `rows × cols` matrix as coloured cells filling a `width × height` (CSS px) canvas.
pub(crate) fn draw_cells(
    canvas: &HtmlCanvasElement,
    values: &[f32],
    (rows, cols): (usize, usize),
    (width, height): (f64, f64),
    colour: impl Fn(f32) -> [u8; 3],
) {
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let (w, h) = (
        (width * ratio).round() as u32,
        (height * ratio).round() as u32,
    );
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let Some(context) = context_2d(canvas) else {
        return;
    };
    let _ = context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    paint_cells(&context, (rows, cols), (0.0, 0.0, width, height), |i| {
        colour(values[i])
    });
}

/// A token's name as the learner reads it: CLS, or the patch's row and column.
pub fn token_name(token: usize, grid: usize) -> String {
    if token == 0 {
        "CLS".into()
    } else {
        let patch = token - 1;
        format!("({}, {})", patch / grid + 1, patch % grid + 1)
    }
}

fn draw_matrix(
    canvas: &HtmlCanvasElement,
    values: &[f32],
    n: usize,
    colour: impl Fn(f32) -> [u8; 3],
    hovered: Option<(usize, usize)>,
) {
    let Some((context, _)) = context(canvas) else {
        return;
    };
    let cell = VIEW_PX / n as f64;
    paint_cells(&context, (n, n), (0.0, 0.0, VIEW_PX, VIEW_PX), |i| {
        colour(values[i])
    });
    // The CLS row and column are set apart: CLS is not a patch.
    context.set_stroke_style_str("rgba(0,0,0,0.55)");
    context.set_line_width(1.0);
    context.stroke_rect(0.0, cell, VIEW_PX, 0.0);
    context.stroke_rect(cell, 0.0, 0.0, VIEW_PX);
    if let Some((row, col)) = hovered {
        context.set_stroke_style_str("#000");
        context.set_line_width(2.0);
        context.stroke_rect(0.0, row as f64 * cell, VIEW_PX, cell);
        context.stroke_rect(col as f64 * cell, row as f64 * cell, cell, cell);
    }
}

/// The face with a patch grid, the attention of one query token spread over the patches,
/// and the hovered query and key patches outlined.
pub(crate) fn draw_face(
    canvas: &HtmlCanvasElement,
    (pixels, size): (&[u8], usize),
    view: &HeadView,
    row: &[f32],
    query: usize,
    key: Option<usize>,
    scale: Option<f32>,
) {
    let Some((context, _)) = context(canvas) else {
        return;
    };
    paint_cells(&context, (size, size), (0.0, 0.0, VIEW_PX, VIEW_PX), |i| {
        let p = pixels.get(i).copied().unwrap_or(0);
        [p, p, p]
    });
    let grid = view.grid;
    let patch = VIEW_PX / grid as f64;
    // The strongest patch is full colour, unless the caller shares one scale between faces.
    let top = scale.unwrap_or_else(|| row[1..].iter().copied().fold(f32::MIN_POSITIVE, f32::max));
    for p in 0..grid * grid {
        let share = row[p + 1] / top;
        let [r, g, b] = sequential(share);
        context.set_fill_style_str(&format!("rgba({r},{g},{b},{:.3})", 0.15 + 0.55 * share));
        context.fill_rect(
            (p % grid) as f64 * patch,
            (p / grid) as f64 * patch,
            patch,
            patch,
        );
    }
    context.set_stroke_style_str("rgba(255,255,255,0.35)");
    context.set_line_width(1.0);
    for i in 1..grid {
        let at = i as f64 * patch;
        context.stroke_rect(at, 0.0, 0.0, VIEW_PX);
        context.stroke_rect(0.0, at, VIEW_PX, 0.0);
    }
    let outline = |token: usize, colour: &str, dash: bool| {
        if token == 0 {
            return;
        }
        let p = token - 1;
        context.set_stroke_style_str(colour);
        context.set_line_width(3.0);
        let pattern = js_sys::Array::new();
        if dash {
            pattern.push(&6.0.into());
            pattern.push(&4.0.into());
        }
        let _ = context.set_line_dash(&pattern);
        context.stroke_rect(
            (p % grid) as f64 * patch + 1.5,
            (p / grid) as f64 * patch + 1.5,
            patch - 3.0,
            patch - 3.0,
        );
        let _ = context.set_line_dash(&js_sys::Array::new());
    };
    outline(query, "#f0a202", false);
    if let Some(key) = key {
        outline(key, "#2166ac", true);
    }
}

/// The cell under the mouse: (query row, key column).
fn cell_at(event: &MouseEvent, n: usize) -> Option<(usize, usize)> {
    let (x, y) = (event.offset_x() as f64, event.offset_y() as f64);
    // The map's size on screen: larger than VIEW_PX in classroom mode.
    let side = event
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map_or(VIEW_PX, |e| e.client_width() as f64)
        .max(1.0);
    if x < 0.0 || y < 0.0 || x >= side || y >= side {
        return None;
    }
    let cell = side / n as f64;
    Some(((y / cell) as usize, (x / cell) as usize))
}

pub(crate) fn matrix_json(values: &[f32]) -> String {
    let parts: Vec<String> = values.iter().map(|v| format!("{v}")).collect();
    format!("[{}]", parts.join(","))
}

#[component]
pub(crate) fn Legend(
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

pub(crate) const DIVERGING_CSS: &str =
    "linear-gradient(90deg, rgb(33,102,172), #fff, rgb(179,88,6))";
pub(crate) const SEQUENTIAL_CSS: &str =
    "linear-gradient(90deg, rgb(68,1,84), rgb(59,82,139), rgb(33,145,140), rgb(94,201,98), rgb(253,231,37))";

#[component]
pub fn AttentionPanel(
    state: PageState,
    bridge: StoredValue<Bridge, LocalStorage>,
) -> impl IntoView {
    let t = move || state.lang.get().text();
    let scores_canvas = NodeRef::<Canvas>::new();
    let shares_canvas = NodeRef::<Canvas>::new();
    let face_canvas = NodeRef::<Canvas>::new();
    // The cell under the mouse, and the query token whose attention lies on the face
    // (CLS unless the learner clicked a patch or a row).
    let hovered = RwSignal::new(None::<(usize, usize)>);
    let query = RwSignal::new(0usize);
    // The face shows this head's attention, or the rollout over every block.
    let show_rollout = RwSignal::new(false);

    let inspect = move |change: &dyn Fn(&mut InspectTarget)| {
        let mut target = state.inspect.get_untracked();
        change(&mut target);
        state.inspect.set(target);
        bridge.with_value(|b| b.send(Command::Inspect(target)));
    };

    Effect::new(move |_| {
        let Some(view) = state.probe.get() else {
            return;
        };
        let cell = hovered.get();
        let rollout = show_rollout.get();
        let query_token = if rollout {
            0
        } else {
            cell.map_or(query.get(), |(row, _)| row)
        };
        let face = state.dataset.with(|data| {
            let data = data.as_ref()?;
            Some((
                data.train_image(view.target.image)?.to_vec(),
                data.summary.size,
            ))
        });
        let canvases = (scores_canvas.get(), shares_canvas.get(), face_canvas.get());
        draw_next_frame("attention", move || {
            let n = view.tokens;
            let peak = view.scores.iter().fold(1e-6_f32, |m, v| m.max(v.abs()));
            let top = view.attention.iter().fold(1e-6_f32, |m, &v| m.max(v));
            if let Some(canvas) = &canvases.0 {
                draw_matrix(canvas, &view.scores, n, |v| diverging(v / peak), cell);
            }
            if let Some(canvas) = &canvases.1 {
                draw_matrix(canvas, &view.attention, n, |v| sequential(v / top), cell);
            }
            let row = if rollout {
                &view.rollout[..]
            } else {
                &view.attention[query_token * n..(query_token + 1) * n]
            };
            let key = if rollout { None } else { cell.map(|c| c.1) };
            if let (Some(canvas), Some((pixels, size))) = (&canvases.2, &face) {
                draw_face(canvas, (pixels, *size), &view, row, query_token, key, None);
            }
        });
    });

    let on_move = move |event: MouseEvent| {
        let n = state
            .probe
            .with_untracked(|p| p.as_ref().map_or(0, |p| p.tokens));
        if n > 0 {
            hovered.set(cell_at(&event, n));
        }
    };
    // The keyboard reads the maps too: the arrows move the read cell, Enter makes its row
    // the query shown on the face, Escape stops reading.
    let on_key_matrix = move |event: web_sys::KeyboardEvent| {
        let n = state
            .probe
            .with_untracked(|p| p.as_ref().map_or(0, |p| p.tokens));
        if n == 0 {
            return;
        }
        let (row, col) = hovered.get_untracked().unwrap_or((0, 0));
        let moved = match event.key().as_str() {
            "ArrowUp" => Some((row.saturating_sub(1), col)),
            "ArrowDown" => Some(((row + 1).min(n - 1), col)),
            "ArrowLeft" => Some((row, col.saturating_sub(1))),
            "ArrowRight" => Some((row, (col + 1).min(n - 1))),
            "Enter" | " " => {
                query.set(row);
                hovered.set(Some((row, col)));
                None
            }
            "Escape" => {
                hovered.set(None);
                return;
            }
            _ => return,
        };
        event.prevent_default();
        if let Some(cell) = moved {
            hovered.set(Some(cell));
        }
    };
    let on_click_matrix = move |event: MouseEvent| {
        let n = state
            .probe
            .with_untracked(|p| p.as_ref().map_or(0, |p| p.tokens));
        if let Some((row, _)) = cell_at(&event, n.max(1)) {
            query.set(row);
        }
    };
    let on_click_face = move |event: MouseEvent| {
        let grid = state
            .probe
            .with_untracked(|p| p.as_ref().map_or(0, |p| p.grid));
        if let Some((row, col)) = cell_at(&event, grid.max(1)) {
            let token = row * grid + col + 1;
            show_rollout.set(false);
            query.update(|q| *q = if *q == token { 0 } else { token });
        }
    };

    let readout = move || {
        let lang = state.lang.get();
        let t = lang.text();
        let view = state.probe.get()?;
        let (row, col) = hovered.get()?;
        let n = view.tokens;
        let score = *view.scores.get(row * n + col)?;
        let share = *view.attention.get(row * n + col)?;
        Some(view! {
            <p class="readout" id="attention-readout" data-query=row data-key=col data-score=score.to_string() data-share=share.to_string()>
                {format!(
                    "{} {} → {} {} · {} {} · {} {} %",
                    t.query_token, token_name(row, view.grid),
                    t.key_token, token_name(col, view.grid),
                    t.score, decimal(lang, score as f64, 3),
                    t.share, decimal(lang, share as f64 * 100.0, 1),
                )}
            </p>
        })
    };
    let caption = move || {
        let lang = state.lang.get();
        let t = lang.text();
        let view = state.probe.get()?;
        let people = state.dataset.with(|d| {
            d.as_ref().map(|d| {
                (
                    d.person(view.label).to_string(),
                    d.person(view.predicted).to_string(),
                )
            })
        });
        let (truth, guess) = people.unwrap_or_default();
        Some((t.probe_caption)(
            view.step,
            &truth,
            &guess,
            &decimal(lang, view.probability as f64, 2),
        ))
    };
    let row_sums = move || {
        state.probe.with(|p| {
            p.as_ref().map(|v| {
                let sums: Vec<String> = v
                    .attention
                    .chunks(v.tokens)
                    .map(|r| format!("{}", r.iter().sum::<f32>()))
                    .collect();
                format!("[{}]", sums.join(","))
            })
        })
    };
    let depth = move || {
        state
            .run
            .with(|r| r.as_ref().map_or(1, |r| r.settings.preset.config(2).depth))
    };
    let heads = move || {
        state
            .run
            .with(|r| r.as_ref().map_or(1, |r| r.settings.preset.config(2).heads))
    };
    let images = move || {
        state
            .dataset
            .with(|d| d.as_ref().map_or(0, |d| d.summary.train_labels.len()))
    };
    let peak = move || {
        state.probe.with(|p| {
            p.as_ref()
                .map(|v| v.scores.iter().fold(0.0_f32, |m, x| m.max(x.abs())))
        })
    };
    let top = move || {
        state.probe.with(|p| {
            p.as_ref()
                .map(|v| v.attention.iter().fold(0.0_f32, |m, &x| m.max(x)))
        })
    };

    view! {
        <div class="inspect-controls">
            <label>{move || t().image}
                <button class="small" aria-label=move || t().previous on:click=move |_| {
                    let n = images().max(1);
                    inspect(&|x| x.image = (x.image + n - 1) % n);
                }>"◀"</button>
                <span id="inspect-image">{move || state.inspect.get().image + 1}</span>
                <button class="small" aria-label=move || t().next on:click=move |_| {
                    let n = images().max(1);
                    inspect(&|x| x.image = (x.image + 1) % n);
                }>"▶"</button>
            </label>
            <label>{move || t().block}
                <select id="inspect-block" on:change=move |ev| {
                    if let Ok(block) = event_target_value(&ev).parse::<usize>() { inspect(&|x| x.block = block); }
                }>
                    {move || (0..depth()).map(|b| view! {
                        <option value=b.to_string() selected=move || state.inspect.get().block == b>{b + 1}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>{move || t().head}
                <select id="inspect-head" on:change=move |ev| {
                    if let Ok(head) = event_target_value(&ev).parse::<usize>() { inspect(&|x| x.head = head); }
                }>
                    {move || (0..heads()).map(|h| view! {
                        <option value=h.to_string() selected=move || state.inspect.get().head == h>{h + 1}</option>
                    }).collect_view()}
                </select>
            </label>
        </div>
        <p class="note" id="probe-caption">{caption}</p>
        <div class="attention-views" on:mouseleave=move |_| hovered.set(None)>
            <figure>
                <figcaption>{move || t().scores_title}</figcaption>
                <canvas node_ref=scores_canvas id="scores-map" class="matrix" role="img"
                    aria-label=move || format!("{}. {}", t().scores_title, t().attention_hint)
                    aria-describedby="attention-readout-box" tabindex="0" on:keydown=on_key_matrix
                    data-matrix=move || state.probe.with(|p| p.as_ref().map(|v| matrix_json(&v.scores)))
                    on:mousemove=on_move on:click=on_click_matrix></canvas>
                <ExportPng canvas=scores_canvas name="scores" state />
                <Legend low=Signal::derive(move || peak().map_or(String::new(), |p| format!("−{p:.2}")))
                    high=Signal::derive(move || peak().map_or(String::new(), |p| format!("+{p:.2}")))
                    gradient=DIVERGING_CSS />
            </figure>
            <figure>
                <figcaption>{move || t().shares_title}</figcaption>
                <canvas node_ref=shares_canvas id="attention-map" class="matrix" role="img"
                    aria-label=move || format!("{}. {}", t().shares_title, t().attention_hint)
                    aria-describedby="attention-readout-box" tabindex="0" on:keydown=on_key_matrix
                    data-matrix=move || state.probe.with(|p| p.as_ref().map(|v| matrix_json(&v.attention)))
                    data-row-sums=row_sums
                    on:mousemove=on_move on:click=on_click_matrix></canvas>
                <ExportPng canvas=shares_canvas name="attention" state />
                <Legend low=Signal::derive(|| "0 %".to_string())
                    high=Signal::derive(move || top().map_or(String::new(), |p| format!("{:.1} %", p * 100.0)))
                    gradient=SEQUENTIAL_CSS />
            </figure>
            <figure>
                <figcaption>{move || if show_rollout.get() {
                    t().rollout_title.to_string()
                } else {
                    (t().face_title)(&token_name(query.get(), state.probe.with(|p| p.as_ref().map_or(1, |p| p.grid))))
                }}</figcaption>
                <canvas node_ref=face_canvas id="attention-face" class="matrix" role="img"
                    aria-label=move || t().face_title_plain
                    data-rollout=move || state.probe.with(|p| p.as_ref().map(|v| matrix_json(&v.rollout)))
                    on:click=on_click_face></canvas>
                <ExportPng canvas=face_canvas name="attention-on-face" state />
                <div class="face-mode" role="group">
                    <button class="small" class:chosen=move || !show_rollout.get() id="face-this-head"
                        aria-pressed=move || (!show_rollout.get()).to_string()
                        on:click=move |_| show_rollout.set(false)>{move || t().this_head}</button>
                    <button class="small" class:chosen=move || show_rollout.get() id="face-rollout"
                        aria-pressed=move || show_rollout.get().to_string()
                        on:click=move |_| show_rollout.set(true)>{move || t().rollout}</button>
                </div>
            </figure>
        </div>
        <div id="attention-readout-box" aria-live="polite">{readout}</div>
        <p class="note">{move || t().attention_hint}</p>
    }
}
