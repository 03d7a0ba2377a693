//! The attention of one head, computed by the model in training: the raw scores Q·Kᵀ/√d,
//! the softmax that turns each row into shares, and where a token looks on the face.
//! Everything drawn here comes from the worker's latest [`HeadView`].

use leptos::html::Canvas;
use leptos::prelude::*;
use vocab::protocol::{Command, HeadView, InspectTarget};
use wasm_bindgen::JsCast;
use web_sys::MouseEvent;

use crate::format::{matrix_json, token_name};
use crate::i18n::{decimal, percent};
use crate::ui::bridge::Bridge;
use crate::ui::draw::canvas::{draw_face, draw_matrix, VIEW_PX};
use crate::ui::draw::colour::{diverging, sequential, ColourScale, DIVERGING_CSS, SEQUENTIAL_CSS};
use crate::ui::draw::frame::{draw_when_seen, first_canvas};
use crate::ui::export::ExportPng;
use crate::ui::numbers::expose;
use crate::ui::sight::while_seen;
use crate::ui::state::PageState;

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
    let probe = while_seen(state.probe);

    let inspect = move |change: &dyn Fn(&mut InspectTarget)| {
        let mut target = state.inspect.get_untracked();
        change(&mut target);
        state.inspect.set(target);
        bridge.with_value(|b| b.send(Command::Inspect(target)));
    };

    Effect::new(move |_| {
        let Some(view) = probe.get() else {
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
        let on = first_canvas([&canvases.0, &canvases.1, &canvases.2]);
        draw_when_seen("attention", on.as_ref(), move || {
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
        let view = probe.get()?;
        let (row, col) = hovered.get()?;
        let n = view.tokens;
        let score = *view.scores.get(row * n + col)?;
        let share = *view.attention.get(row * n + col)?;
        Some(view! {
            <p class="readout" id="attention-readout" data-query=row data-key=col data-score=score.to_string() data-share=share.to_string()>
                {format!(
                    "{} {} → {} {} · {} {} · {} {}",
                    t.query_token, token_name(row, view.grid),
                    t.key_token, token_name(col, view.grid),
                    t.score, decimal(lang, score as f64, 3),
                    t.share, percent(lang, share as f64, 1),
                )}
            </p>
        })
    };
    let caption = move || {
        let lang = state.lang.get();
        let t = lang.text();
        let view = probe.get()?;
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
    // The numbers the views show, for tests and the console (read on demand).
    let shown = move |read: fn(&HeadView) -> String| {
        move || state.probe.with_untracked(|p| p.as_ref().map(|v| read(v)))
    };
    expose(
        scores_canvas,
        "vitpMatrix",
        shown(|v| matrix_json(&v.scores)),
    );
    expose(
        shares_canvas,
        "vitpMatrix",
        shown(|v| matrix_json(&v.attention)),
    );
    expose(
        shares_canvas,
        "vitpRowSums",
        shown(|v| {
            let sums: Vec<f32> = v
                .attention
                .chunks(v.tokens)
                .map(|r| r.iter().sum())
                .collect();
            matrix_json(&sums)
        }),
    );
    expose(
        face_canvas,
        "vitpRollout",
        shown(|v| matrix_json(&v.rollout)),
    );
    let depth = move || {
        state
            .run
            .with(|r| r.as_ref().map_or(1, |r| r.settings.model.depth))
    };
    let heads = move || {
        state
            .run
            .with(|r| r.as_ref().map_or(1, |r| r.settings.model.heads))
    };
    let images = move || {
        state
            .dataset
            .with(|d| d.as_ref().map_or(0, |d| d.summary.train_labels.len()))
    };
    let peak = move || {
        probe.with(|p| {
            p.as_ref()
                .map(|v| v.scores.iter().fold(0.0_f32, |m, x| m.max(x.abs())))
        })
    };
    let top = move || {
        probe.with(|p| {
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
                <figcaption>{move || (t().scores_title)(state.model_shape().head_dim())}</figcaption>
                <canvas node_ref=scores_canvas id="scores-map" class="matrix" role="img"
                    aria-label=move || format!("{}. {}", (t().scores_title)(state.model_shape().head_dim()), t().attention_hint)
                    aria-describedby="attention-readout-box" tabindex="0" on:keydown=on_key_matrix
                    on:mousemove=on_move on:click=on_click_matrix></canvas>
                <ExportPng canvas=scores_canvas name="scores" state />
                <ColourScale low=Signal::derive(move || peak().map_or(String::new(), |p| decimal(state.lang.get(), -(p as f64), 2)))
                    high=Signal::derive(move || peak().map_or(String::new(), |p| format!("+{}", decimal(state.lang.get(), p as f64, 2))))
                    gradient=DIVERGING_CSS />
            </figure>
            <figure>
                <figcaption>{move || t().shares_title}</figcaption>
                <canvas node_ref=shares_canvas id="attention-map" class="matrix" role="img"
                    aria-label=move || format!("{}. {}", t().shares_title, t().attention_hint)
                    aria-describedby="attention-readout-box" tabindex="0" on:keydown=on_key_matrix
                    on:mousemove=on_move on:click=on_click_matrix></canvas>
                <ExportPng canvas=shares_canvas name="attention" state />
                <ColourScale low=Signal::derive(move || percent(state.lang.get(), 0.0, 0))
                    high=Signal::derive(move || top().map_or(String::new(), |p| percent(state.lang.get(), p as f64, 1)))
                    gradient=SEQUENTIAL_CSS />
            </figure>
            <figure>
                <figcaption>{move || if show_rollout.get() {
                    t().rollout_title.to_string()
                } else {
                    (t().face_title)(&token_name(query.get(), probe.with(|p| p.as_ref().map_or(1, |p| p.grid))))
                }}</figcaption>
                <canvas node_ref=face_canvas id="attention-face" class="matrix" role="img"
                    aria-label=move || t().face_title_plain
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
