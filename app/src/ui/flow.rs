//! The flow of V (the teaching text's question 12): one block as a diagram whose arrows open
//! the live tensor they carry, for the inspected image and head.

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::format::token_name;
use crate::i18n::Text;
use crate::ui::draw::canvas::draw_cells;
use crate::ui::draw::colour::{diverging, sequential};
use crate::ui::draw::frame::draw_when_seen;
use crate::ui::sight::while_seen;
use crate::ui::state::PageState;
use vocab::protocol::HeadView;

/// The tensors of one head that the diagram can open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Carried {
    Q,
    K,
    V,
    Scores,
    Attention,
    Mixed,
}

impl Carried {
    fn name(self) -> &'static str {
        match self {
            Carried::Q => "Q = LN(X)·Wq",
            Carried::K => "K = LN(X)·Wk",
            Carried::V => "V = LN(X)·Wv",
            Carried::Scores => "Q·Kᵀ/√d_head",
            Carried::Attention => "A = softmax(Q·Kᵀ/√d_head)",
            Carried::Mixed => "A·V",
        }
    }

    /// The values, `(rows, cols)`, and whether they are shares (sequential scale).
    fn tensor(self, view: &HeadView) -> (Vec<f32>, (usize, usize), bool) {
        let (n, d) = (view.tokens, view.head_dim);
        match self {
            Carried::Q => (view.q.clone(), (n, d), false),
            Carried::K => (view.k.clone(), (n, d), false),
            Carried::V => (view.v.clone(), (n, d), false),
            Carried::Scores => (view.scores.clone(), (n, n), false),
            Carried::Attention => (view.attention.clone(), (n, n), true),
            Carried::Mixed => {
                // Each token's output is the share-weighted sum of every token's V.
                let mut out = vec![0.0f32; n * d];
                for i in 0..n {
                    for j in 0..n {
                        let a = view.attention[i * n + j];
                        for c in 0..d {
                            out[i * d + c] += a * view.v[j * d + c];
                        }
                    }
                }
                (out, (n, d), false)
            }
        }
    }
}

impl Carried {
    const ALL: [Carried; 6] = [
        Carried::Q,
        Carried::K,
        Carried::V,
        Carried::Scores,
        Carried::Attention,
        Carried::Mixed,
    ];

    /// The arrow's label on the diagram, also its `data-carries` key.
    fn key(self) -> &'static str {
        match self {
            Carried::Q => "Q",
            Carried::K => "K",
            Carried::V => "V",
            Carried::Scores => "Q·Kᵀ/√d_head",
            Carried::Attention => "A",
            Carried::Mixed => "A·V",
        }
    }
}

/// A box of the diagram, 104 wide (blue when it holds learned weights).
fn node(x: f64, y: f64, label: &str, learned: bool) -> String {
    wide_node(x, y, 104.0, label, learned)
}

fn wide_node(x: f64, y: f64, width: f64, label: &str, learned: bool) -> String {
    let class = if learned {
        "flow-box learned"
    } else {
        "flow-box"
    };
    format!(
        r#"<rect x="{}" y="{}" width="{width}" height="30" rx="6" class="{class}"/><text x="{x}" y="{}" text-anchor="middle" class="flow-label">{label}</text>"#,
        x - width / 2.0,
        y - 15.0,
        y + 5.0
    )
}

/// An arrow that opens the tensor it carries (clickable and focusable).
fn arrow(carried: Carried, d: &str, (lx, ly): (f64, f64)) -> String {
    let key = carried.key();
    format!(
        r#"<g class="flow-arrow" role="button" tabindex="0" data-carries="{key}" aria-label="{key}"><path d="{d}" marker-end="url(#arrowhead)"/><path d="{d}" class="flow-hit"/><text x="{lx}" y="{ly}" class="flow-arrow-label">{key}</text></g>"#
    )
}

/// The diagram as SVG markup, written whole (elements built one by one outside an `<svg>`
/// literal would not be SVG elements). The first row is the attention of one block; the
/// second carries on to the MLP, the next blocks, CLS and the classifier (question 12:
/// what the mix of values becomes). Every box with learned numbers is blue, LayerNorm's
/// γ and β included.
fn diagram(t: &Text) -> String {
    let plain =
        |d: &str| format!(r#"<path d="{d}" class="flow-plain" marker-end="url(#arrowhead)"/>"#);
    [
        r#"<defs><marker id="arrowhead" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" class="flow-head"/></marker></defs>"#.to_string(),
        node(60.0, 150.0, "X", false),
        node(180.0, 150.0, "LayerNorm", true),
        node(320.0, 60.0, "× Wq", true),
        node(320.0, 150.0, "× Wk", true),
        node(320.0, 240.0, "× Wv", true),
        node(500.0, 100.0, "softmax", false),
        node(500.0, 240.0, "A · V", false),
        node(630.0, 240.0, "× Wo, + X", true),
        plain("M112,150 L126,150"),
        plain("M232,140 L266,66"),
        plain("M232,150 L266,150"),
        plain("M232,160 L266,234"),
        arrow(Carried::Q, "M372,60 L403,94", (392.0, 66.0)),
        arrow(Carried::K, "M372,150 L403,106", (392.0, 144.0)),
        arrow(Carried::Scores, "M405,100 L446,100", (408.0, 82.0)),
        arrow(Carried::Attention, "M500,116 L500,224", (508.0, 175.0)),
        arrow(Carried::V, "M372,240 L446,240", (404.0, 232.0)),
        arrow(Carried::Mixed, "M552,240 L576,240", (546.0, 270.0)),
        plain("M630,256 L630,285 L100,285 L100,308"),
        node(100.0, 330.0, "LayerNorm", true),
        plain("M152,330 L172,330"),
        node(226.0, 330.0, "MLP (GELU)", true),
        plain("M278,330 L298,330"),
        node(352.0, 330.0, "+ X", false),
        plain("M404,330 L424,330"),
        node(478.0, 330.0, t.flow_next_blocks, false),
        plain("M530,330 L550,330"),
        node(604.0, 330.0, "LayerNorm", true),
        plain("M604,346 L604,378"),
        wide_node(575.0, 400.0, 150.0, t.flow_classifier, true),
        plain("M500,400 L482,400"),
        wide_node(385.0, 400.0, 190.0, t.flow_probabilities, false),
    ]
    .concat()
}

/// The arrow an event happened on, if any.
fn carried_at(event: &web_sys::Event) -> Option<Carried> {
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let arrow = target.closest("[data-carries]").ok()??;
    let key = arrow.get_attribute("data-carries")?;
    Carried::ALL.into_iter().find(|c| c.key() == key)
}

#[component]
pub fn FlowOfV(state: PageState) -> impl IntoView {
    let t = move || state.lang.get().text();
    let chosen = RwSignal::new(Carried::V);
    let canvas = NodeRef::<Canvas>::new();
    let probe = while_seen(state.probe);
    Effect::new(move |_| {
        let Some(view) = probe.get() else {
            return;
        };
        let Some(element) = canvas.get() else { return };
        let carried = chosen.get();
        let on = web_sys::Element::from(element.clone());
        draw_when_seen("flow", Some(&on), move || {
            let (values, (rows, cols), shares) = carried.tensor(&view);
            let peak = values.iter().fold(1e-6f32, |m, v| m.max(v.abs()));
            let width = (cols as f64 * 10.0).clamp(160.0, 320.0);
            let height = (rows as f64 * 6.0).clamp(120.0, 320.0);
            if shares {
                draw_cells(&element, &values, (rows, cols), (width, height), |v| {
                    sequential(v / peak)
                });
            } else {
                draw_cells(&element, &values, (rows, cols), (width, height), |v| {
                    diverging(v / peak)
                });
            }
            let _ = element.set_attribute("style", &format!("width:{width}px;height:{height}px"));
        });
    });
    let svg = NodeRef::<leptos::svg::Svg>::new();
    // The chosen arrow is drawn in the accent colour.
    Effect::new(move |_| {
        let chosen = chosen.get();
        let Some(svg) = svg.get() else { return };
        let Ok(arrows) = svg.query_selector_all("[data-carries]") else {
            return;
        };
        for i in 0..arrows.length() {
            let Some(arrow) = arrows
                .get(i)
                .and_then(|a| a.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let on = arrow.get_attribute("data-carries").as_deref() == Some(chosen.key());
            let _ = arrow.class_list().toggle_with_force("chosen", on);
            let _ = arrow.set_attribute("aria-pressed", if on { "true" } else { "false" });
        }
    });
    let shape = move || {
        let view = probe.get()?;
        let (_, (rows, cols), _) = chosen.get().tensor(&view);
        Some(format!(
            "{} · [{rows} × {cols}] · {} {} → {}",
            chosen.get().name(),
            t().rows_are_tokens,
            token_name(0, view.grid),
            token_name(view.tokens - 1, view.grid),
        ))
    };
    view! {
        <svg node_ref=svg class="flow" viewBox="0 0 690 420" role="group"
            aria-label=move || t().flow_title inner_html=move || diagram(t())
            on:click=move |ev| { if let Some(c) = carried_at(&ev) { chosen.set(c); } }
            on:keydown=move |ev| {
                if ev.key() == "Enter" || ev.key() == " " {
                    if let Some(c) = carried_at(&ev) { ev.prevent_default(); chosen.set(c); }
                }
            }></svg>
        <p class="note">{move || t().flow_hint}</p>
        <p class="flow-shape" id="flow-shape">{shape}</p>
        <canvas node_ref=canvas id="flow-tensor" class="flow-tensor" role="img"
            aria-label=move || chosen.get().name()></canvas>
    }
}
