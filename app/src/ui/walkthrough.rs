//! One update in five phases, with the numbers of that very update: forward, loss,
//! backward, update, repeat. Every number is read from the latest step report.

use leptos::prelude::*;

use crate::i18n::{decimal, rate, Lang, TrackedUpdate};
use crate::ui::state::PageState;
use vocab::{OptimizerChoice, SGD_MOMENTUM};

fn number(lang: Lang, value: f32) -> String {
    let v = value as f64;
    if v != 0.0 && v.abs() < 1e-3 {
        let text = format!("{v:.3e}");
        if lang == Lang::Fr {
            text.replace('.', ",")
        } else {
            text
        }
    } else {
        decimal(lang, v, 4)
    }
}

#[component]
pub fn Walkthrough(state: PageState) -> impl IntoView {
    let phases = move || {
        let lang = state.lang.get();
        let t = lang.text();
        let report = state.report.get()?;
        // The optimizer in the controls is the one the worker uses from the next update on.
        let optimizer = state.settings.with(|s| s.optimizer);
        let names = state.dataset.with(|d| {
            d.as_ref().map(|d| {
                (
                    d.person(report.labels[0]).to_string(),
                    d.person(report.predicted[0]).to_string(),
                )
            })
        });
        let (truth, guess) = names.unwrap_or_default();
        let p_true = report.true_class_probability[0];
        let minus_log = -(p_true as f64).ln();
        let norms = report.gradient_norms.blocks.first()?;
        let tracked = report.tracked;
        let delta = tracked.after - tracked.before;
        let position = report.position;
        let rule = match optimizer {
            OptimizerChoice::Sgd => {
                (t.rule_sgd)(&rate(lang, SGD_MOMENTUM), &rate(lang, report.learning_rate))
            }
            OptimizerChoice::Adam => (t.rule_adam)(&rate(lang, report.learning_rate)),
        };
        let phase = |index: usize, title: &'static str, body: String| {
            view! {
                <li class="phase">
                    <span class="phase-number">{index}</span>
                    <div><strong>{title}</strong><p>{body}</p></div>
                </li>
            }
        };
        Some(view! {
            <ol class="phases" id="walkthrough" data-step=report.step data-p-true=p_true.to_string()
                data-minus-log-p=minus_log.to_string() data-loss=report.loss.to_string()>
                {phase(1, t.phase_forward, (t.walk_forward)(
                    report.indices.len(), &truth, &guess,
                    &decimal(lang, report.predicted_probability[0] as f64, 3),
                    &decimal(lang, p_true as f64, 3),
                ))}
                {phase(2, t.phase_loss, (t.walk_loss)(
                    &decimal(lang, p_true as f64, 3), &decimal(lang, minus_log, 3),
                    report.indices.len(), &decimal(lang, report.loss as f64, 3),
                ))}
                {phase(3, t.phase_backward, (t.walk_backward)(
                    &number(lang, norms.wq), &number(lang, norms.wk), &number(lang, norms.wv),
                ))}
                {phase(4, t.phase_update, (t.walk_update)(&TrackedUpdate {
                    block: tracked.entry.block + 1,
                    row: tracked.entry.row,
                    col: tracked.entry.col,
                    before: &number(lang, tracked.before),
                    gradient: &number(lang, tracked.gradient),
                    after: &number(lang, tracked.after),
                    change: &number(lang, delta),
                    rule: &rule,
                }))}
                {phase(5, t.phase_repeat, (t.walk_repeat)(
                    position.examples, report.batch_size, position.updates_per_epoch,
                    position.update_in_epoch, position.epoch,
                ))}
            </ol>
        })
    };
    view! {
        <div id="walkthrough-panel">
            {move || phases().map(|p| p.into_any()).unwrap_or_else(|| view! {
                <p class="empty">{state.lang.get().text().walk_empty}</p>
            }.into_any())}
        </div>
    }
}
