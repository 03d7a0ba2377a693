//! Question 2's "why": the last single Step's backward pass through the inspected head,
//! piece by piece, each map the model's own numbers (`StepReport::backward`). The three
//! routes from dO to Wq, Wk and Wv are drawn side by side so the learner sees where they
//! part: dV skips softmax, dQ is made with K, dK with Q.

use std::sync::Arc;

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::i18n::{significant, BackwardSummary, Lang};
use crate::ui::draw::canvas::draw_cells;
use crate::ui::draw::colour::diverging;
use crate::ui::draw::frame::{draw_when_seen, first_canvas};
use crate::ui::sight::while_seen;
use crate::ui::state::PageState;
use vocab::BackwardPath;

/// The Frobenius norm: a matrix's size as one number.
fn norm(values: &[f32]) -> f64 {
    values
        .iter()
        .map(|v| (*v as f64).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// The pieces in the order they are drawn: formula, note, values, shape.
fn pieces(
    lang: Lang,
    path: &BackwardPath,
) -> Vec<(&'static str, &'static str, Vec<f32>, (usize, usize))> {
    let b = lang.text().backward;
    let (t, d, w) = (path.tokens, path.head_dim, path.width);
    let [wq, wk, wv] = path.weight_gradients();
    vec![
        ("dO = ∂L/∂O", b.note_d_output, path.d_output.clone(), (t, d)),
        ("dV = Aᵀ·dO", b.note_d_values, path.d_values.clone(), (t, d)),
        (
            "dA = dO·Vᵀ",
            b.note_d_attention,
            path.d_attention.clone(),
            (t, t),
        ),
        (
            "dS = A ⊙ (dA − rowsum(dA ⊙ A))",
            b.note_d_scores,
            path.d_scores.clone(),
            (t, t),
        ),
        (
            "dQ = dS·K/√d_head",
            b.note_d_queries,
            path.d_queries.clone(),
            (t, d),
        ),
        (
            "dK = dSᵀ·Q/√d_head",
            b.note_d_keys,
            path.d_keys.clone(),
            (t, d),
        ),
        ("Xᵀ·dQ → dWq", b.note_weights, wq, (w, d)),
        // One note for the three: they differ only by the factor X multiplies.
        ("Xᵀ·dK → dWk", "", wk, (w, d)),
        ("Xᵀ·dV → dWv", "", wv, (w, d)),
    ]
}

#[component]
pub fn BackwardPathPanel(state: PageState) -> impl IntoView {
    let canvases: [NodeRef<Canvas>; 9] = std::array::from_fn(|_| NodeRef::new());
    let backward = while_seen(state.backward);
    // The pieces of the last single Step, worked out once (the weight gradients are
    // products over every token) and read by the maps, their layout, norms and summary.
    let shown_pieces = Memo::new(move |_| {
        let lang = state.lang.get();
        backward.with(|b| b.as_ref().map(|(_, path)| Arc::new(pieces(lang, path))))
    });
    Effect::new(move |_| {
        let Some(pieces) = shown_pieces.get() else {
            return;
        };
        let targets: Vec<_> = canvases.iter().map(|c| c.get()).collect();
        let on = first_canvas(&targets);
        draw_when_seen("backward path", on.as_ref(), move || {
            for ((_, _, values, shape), canvas) in pieces.iter().zip(&targets) {
                let Some(canvas) = canvas else { continue };
                let peak = values.iter().fold(1e-30f32, |m, v| m.max(v.abs()));
                let size = (
                    (shape.1 as f64 * 8.0).clamp(96.0, 200.0),
                    (shape.0 as f64 * 3.0).clamp(96.0, 200.0),
                );
                draw_cells(canvas, values, *shape, size, |v| diverging(v / peak));
            }
        });
    });
    // Each piece's Frobenius norm, in the pieces' order.
    let norms = Memo::new(move |_| {
        shown_pieces.with(|p| {
            p.as_ref().map_or_else(Vec::new, |p| {
                p.iter()
                    .map(|(_, _, values, _)| norm(values))
                    .collect::<Vec<f64>>()
            })
        })
    });
    let caption = move || {
        let lang = state.lang.get();
        let (step, path) = backward.get()?;
        let label = path_label(&state, &path);
        let person = state
            .dataset
            .with(|d| d.as_ref().map(|d| d.person(label).to_string()))
            .unwrap_or_default();
        Some((lang.text().backward.caption)(
            step,
            path.target.block + 1,
            path.target.head + 1,
            &person,
        ))
    };
    let summary = move || {
        let lang = state.lang.get();
        let d_head = state
            .backward
            .with(|b| b.as_ref().map(|(_, p)| p.head_dim))?;
        let n = norms.get();
        let [d_output, d_values, _, d_scores, d_queries, d_keys, wq, wk, wv] = n[..] else {
            return None;
        };
        let f = |v: f64| significant(lang, v);
        let faces = state
            .report
            .with(|r| r.as_ref().map_or(0, |r| r.indices.len()));
        Some((lang.text().backward.summary)(&BackwardSummary {
            d_head,
            faces,
            d_output: &f(d_output),
            d_values: &f(d_values),
            d_scores: &f(d_scores),
            d_queries: &f(d_queries),
            d_keys: &f(d_keys),
            wq: &f(wq),
            wk: &f(wk),
            wv: &f(wv),
        }))
    };
    // The figures are made once per language and shape of the pieces, then only redrawn:
    // made anew each Step, their nine canvases cost a layout and a fresh context each.
    let layout = Memo::new(move |_| {
        shown_pieces.with(|p| {
            p.as_ref().map(|p| {
                p.iter()
                    .map(|(formula, note, _, shape)| (*formula, *note, *shape))
                    .collect::<Vec<_>>()
            })
        })
    });
    let figures = move || {
        let shapes = layout.get()?;
        Some(
            shapes
                .into_iter()
                .enumerate()
                .map(|(i, (formula, note, (rows, cols)))| {
                    let piece_norm = move || norms.with(|n| n.get(i).copied().unwrap_or(0.0)).to_string();
                    view! {
                        <figure class="backward-piece">
                            <figcaption><strong>{formula}</strong>" "<span class="dims">{format!("[{rows} × {cols}]")}</span><br/>{note}</figcaption>
                            <canvas node_ref=canvases[i] class="matrix-small" role="img" aria-label=formula
                                data-norm=piece_norm></canvas>
                        </figure>
                    }
                })
                .collect_view(),
        )
    };
    let shown = Memo::new(move |_| backward.with(Option::is_some));
    view! {
        <div id="backward-path">
            {move || if shown.get() {
                view! {
                    <p class="note" id="backward-caption">{caption}</p>
                    <div class="backward-pieces">{figures}</div>
                    <p id="backward-summary">{summary}</p>
                }.into_any()
            } else {
                view! { <p class="empty">{move || state.lang.get().text().backward.wait}</p> }.into_any()
            }}
        </div>
    }
}

/// The person of the path's image, by its index in the training images.
fn path_label(state: &PageState, path: &BackwardPath) -> usize {
    state.dataset.with(|d| {
        d.as_ref()
            .and_then(|d| d.summary.train_labels.get(path.image).copied())
            .unwrap_or(0)
    })
}
