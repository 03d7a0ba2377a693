//! Questions 6 and 9: one token's X, and each entry of its Q and K rebuilt here as the sum
//! of X's entries weighted by a column of Wq or Wk, beside the model's own Q and K.

use leptos::prelude::*;

use crate::format::token_name;
use crate::i18n::decimal;
use crate::ui::sight::while_seen;
use crate::ui::state::PageState;
use vocab::protocol::{HeadView, WeightsView};

/// Which projection an entry belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Projection {
    Q,
    K,
}

/// One token's X and what the page computes from it with the learned weights.
#[derive(Clone, Debug, PartialEq)]
struct Breakdown {
    token: usize,
    x: Vec<f32>,
    /// `terms[j][i] = x_i · W[i, column j of this head]`, for Q and for K.
    q_terms: Vec<Vec<f32>>,
    k_terms: Vec<Vec<f32>>,
    q_bias: Vec<f32>,
    k_bias: Vec<f32>,
    /// The model's own Q and K of this token and head.
    model_q: Vec<f32>,
    model_k: Vec<f32>,
}

impl Breakdown {
    /// `None` while the weights and the probe are not of the same update and block.
    fn new(probe: &HeadView, weights: &WeightsView, token: usize) -> Option<Self> {
        let (width, d) = (probe.width, probe.head_dim);
        if weights.block != probe.target.block
            || weights.step != probe.step
            || weights.width != width
            || token >= probe.tokens
        {
            return None;
        }
        let x = probe
            .input
            .get(token * width..(token + 1) * width)?
            .to_vec();
        let columns = probe.target.head * d..(probe.target.head + 1) * d;
        let terms = |w: &[f32]| -> Vec<Vec<f32>> {
            columns
                .clone()
                .map(|column| (0..width).map(|i| x[i] * w[i * width + column]).collect())
                .collect()
        };
        Some(Self {
            token,
            q_terms: terms(&weights.wq),
            k_terms: terms(&weights.wk),
            q_bias: weights.bq.get(columns.clone())?.to_vec(),
            k_bias: weights.bk.get(columns)?.to_vec(),
            model_q: probe.q.get(token * d..(token + 1) * d)?.to_vec(),
            model_k: probe.k.get(token * d..(token + 1) * d)?.to_vec(),
            x,
        })
    }

    fn terms(&self, which: Projection) -> (&[Vec<f32>], &[f32]) {
        match which {
            Projection::Q => (&self.q_terms, &self.q_bias),
            Projection::K => (&self.k_terms, &self.k_bias),
        }
    }

    /// Entry `j` as the page computes it: the sum of its terms plus the bias.
    fn entry(&self, which: Projection, j: usize) -> f32 {
        let (terms, bias) = self.terms(which);
        terms[j].iter().sum::<f32>() + bias[j]
    }

    fn entries(&self, which: Projection) -> Vec<f32> {
        (0..self.q_terms.len())
            .map(|j| self.entry(which, j))
            .collect()
    }
}

#[component]
pub fn TokenBreakdown(state: PageState) -> impl IntoView {
    let t = move || state.lang.get().text().tour;
    // A patch in the middle of the face to start with; the learner picks another.
    let token = RwSignal::new(None::<usize>);
    let probe = while_seen(state.probe);
    let weights = while_seen(state.weights);
    let chosen = move || {
        probe.with(|p| {
            p.as_ref().map(|p| {
                token
                    .get()
                    .unwrap_or(1 + p.grid * (p.grid / 2) + p.grid / 2)
                    .min(p.tokens - 1)
            })
        })
    };
    let breakdown = Memo::new(move |_| {
        let token = chosen()?;
        let probe = probe.get()?;
        let weights = weights.get()?;
        Breakdown::new(&probe, &weights, token)
    });
    let focused = RwSignal::new(None::<(Projection, usize)>);
    let token_shape =
        Memo::new(move |_| probe.with(|p| p.as_ref().map_or((1, 1), |p| (p.tokens, p.grid))));

    // The chips and rows are updated in place, and come and go one by one (`For`) when the
    // model's shape changes: made anew after every update, their reactive classes were never
    // let go, and a long session's memory kept growing (BENCHMARKS.md, a long session).
    let width = Memo::new(move |_| breakdown.with(|b| b.as_ref().map_or(0, |b| b.x.len())));
    let depth = Memo::new(move |_| breakdown.with(|b| b.as_ref().map_or(0, |b| b.q_terms.len())));
    let number = move |read: fn(&Breakdown, usize) -> Option<f32>, i: usize, digits: usize| {
        let lang = state.lang.get();
        breakdown.with(|b| {
            b.as_ref()
                .and_then(|b| read(b, i))
                .map(|v| decimal(lang, v as f64, digits).replace('-', "−"))
                .unwrap_or_default()
        })
    };
    let chip = move |i: usize| {
        view! {
            <span class="chip" title=format!("x{}", i + 1)>
                {move || number(|b, i| b.x.get(i).copied(), i, 2)}
            </span>
        }
    };
    let row = move |j: usize| {
        let cell = move |which: Projection| {
            let entry: fn(&Breakdown, usize) -> Option<f32> = match which {
                Projection::Q => |b, j| (j < b.q_terms.len()).then(|| b.entry(Projection::Q, j)),
                Projection::K => |b, j| (j < b.k_terms.len()).then(|| b.entry(Projection::K, j)),
            };
            view! {
                <button class="entry" data-entry=format!("{}{j}", if which == Projection::Q { "q" } else { "k" })
                    class:focused=move || focused.get() == Some((which, j))
                    on:mouseenter=move |_| focused.set(Some((which, j)))
                    on:focus=move |_| focused.set(Some((which, j)))>
                    {move || number(entry, j, 4)}
                </button>
            }
        };
        view! {
            <tr>
                <th scope="row">{j + 1}</th>
                <td>{cell(Projection::Q)}</td>
                <td class="num muted">{move || number(|b, j| b.model_q.get(j).copied(), j, 4)}</td>
                <td>{cell(Projection::K)}</td>
                <td class="num muted">{move || number(|b, j| b.model_k.get(j).copied(), j, 4)}</td>
            </tr>
        }
    };
    // The terms of the entry under the pointer or the keyboard focus.
    let terms = move || {
        let lang = state.lang.get();
        let t = t();
        let (which, j) = focused.get()?;
        breakdown.with(|b| {
            let b = b.as_ref()?;
            let (terms, bias) = b.terms(which);
            let row = terms.get(j)?;
            let (name, w) = match which {
                Projection::Q => (format!("Q[{}]", j + 1), "Wq"),
                Projection::K => (format!("K[{}]", j + 1), "Wk"),
            };
            let mut order: Vec<usize> = (0..row.len()).collect();
            order.sort_by(|&a, &c| row[c].abs().total_cmp(&row[a].abs()));
            let f = |v: f32, digits| decimal(lang, v as f64, digits).replace('-', "−");
            let largest: Vec<String> = order
                .iter()
                .take(6)
                .map(|&i| {
                    let weight = row[i] / b.x[i];
                    let weight = if b.x[i] == 0.0 { 0.0 } else { weight };
                    format!("x{0} × {w}[{0}, {1}] = {2} × {3} = {4}", i + 1, j + 1, f(b.x[i], 3), f(weight, 3), f(row[i], 4))
                })
                .collect();
            Some(view! {
                <div class="terms" id="breakdown-terms">
                    <p><strong>{(t.terms_of)(&name, row.len())}</strong></p>
                    <p>{t.largest_terms}{lang.text().colon}{largest.join(t.list_separator)}</p>
                    <p>{format!("{name} = Σ ({} {}) + {} {} = {}", row.len(), t.terms, t.bias, f(bias[j], 4), f(b.entry(which, j), 4))}</p>
                </div>
            })
        })
    };
    let json = |v: Vec<f32>| serde_json::to_string(&v).unwrap_or_default();

    view! {
        <div class="inspect-controls">
            <label>{move || t().token}
                <select id="breakdown-token" on:change=move |ev| {
                    if let Ok(i) = event_target_value(&ev).parse::<usize>() { token.set(Some(i)) }
                }>
                    {move || {
                        let (tokens, grid) = token_shape.get();
                        (0..tokens).map(|i| view! {
                            <option value=i.to_string() selected=move || chosen() == Some(i)>{token_name(i, grid)}</option>
                        }).collect_view()
                    }}
                </select>
            </label>
        </div>
        <Show when=move || breakdown.with(Option::is_none)>
            <p class="note">{move || t().breakdown_wait}</p>
        </Show>
        {move || breakdown.with(|b| b.as_ref().map(|b| {
            let probe = probe.get_untracked();
            let (grid, block, head) = probe.as_ref().map_or((1, 0, 0), |p| (p.grid, p.target.block, p.target.head));
            (t().breakdown_caption)(&token_name(b.token, grid), block + 1, head + 1)
        })).map(|caption| view! { <p class="note" id="breakdown-caption">{caption}</p> })}
        <p class="x-label">{move || t().x_row}</p>
        <div class="chips" id="breakdown-x"><For each=move || 0..width.get() key=|i| *i children=chip /></div>
        <p class="note">{move || t().same_x}</p>
        {terms}
        <div class="table-scroll">
            <table class="qk-table breakdown" id="breakdown-table"
                data-q=move || breakdown.with(|b| b.as_ref().map(|b| json(b.entries(Projection::Q))))
                data-k=move || breakdown.with(|b| b.as_ref().map(|b| json(b.entries(Projection::K))))
                data-model-q=move || breakdown.with(|b| b.as_ref().map(|b| json(b.model_q.clone())))
                data-model-k=move || breakdown.with(|b| b.as_ref().map(|b| json(b.model_k.clone())))>
                <thead>
                    <tr>
                        <th>"j"</th>
                        <th>{move || t().q_column}</th>
                        <th>{move || t().model_column}</th>
                        <th>{move || t().k_column}</th>
                        <th>{move || t().model_column}</th>
                    </tr>
                </thead>
                <tbody><For each=move || 0..depth.get() key=|j| *j children=row /></tbody>
            </table>
        </div>
    }
}
