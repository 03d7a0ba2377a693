//! One update in five phases, with the numbers of that very update: forward, loss,
//! backward, update, repeat. Every number is read from the latest step report, the
//! optimizer's included: the update is explained by the optimizer that made it, not by
//! the one the controls hold now.

use leptos::prelude::*;

use crate::format::superscript;
use crate::i18n::{decimal, rate, significant, ForwardNumbers, Lang, RuleNumbers, TrackedUpdate};
use crate::ui::controls::optimizer_name;
use crate::ui::sight::while_seen;
use crate::ui::state::PageState;
use vocab::{OptimizerChoice, OptimizerState, TrackedValue};

/// A number as a factor in a formula: in parentheses when negative or written with a
/// power of ten, so `× (−1.2 × 10⁻⁴)` cannot be misread.
fn factor(lang: Lang, value: f64) -> String {
    let text = significant(lang, value);
    if text.starts_with('−') || text.contains('×') {
        format!("({text})")
    } else {
        text
    }
}

/// The update phase's sentence for the tracked entry.
fn update_sentence(lang: Lang, tracked: &TrackedValue, learning_rate: f64) -> String {
    let t = lang.text();
    let f = |v: f64| factor(lang, v);
    let choice = match tracked.optimizer {
        OptimizerState::Sgd => OptimizerChoice::Sgd,
        OptimizerState::Momentum { .. } => OptimizerChoice::Momentum,
        OptimizerState::Adam { .. } => OptimizerChoice::Adam,
    };
    let optimizer = match tracked.optimizer {
        // The momentum that made the update, which need not be the controls' one.
        OptimizerState::Momentum { momentum, .. } => (t.sgd)(&rate(lang, momentum)),
        _ => optimizer_name(lang, choice),
    };
    let change = tracked.after as f64 - tracked.before as f64;
    let strings: Vec<String>;
    let rule = match tracked.optimizer {
        OptimizerState::Sgd => RuleNumbers::Sgd,
        OptimizerState::Momentum {
            momentum,
            velocity_before,
            velocity,
        } => {
            strings = vec![
                rate(lang, momentum),
                f(velocity_before as f64),
                f(velocity as f64),
            ];
            RuleNumbers::Momentum {
                momentum: &strings[0],
                velocity_before: &strings[1],
                velocity: &strings[2],
            }
        }
        OptimizerState::Adam {
            t: time,
            beta1,
            beta2,
            epsilon,
            m_before,
            m,
            v_before,
            v,
        } => {
            let (m_hat, v_hat) = tracked.optimizer.adam_corrected().unwrap_or_default();
            strings = vec![
                superscript(&time.to_string()),
                rate(lang, beta1),
                rate(lang, round(1.0 - beta1)),
                rate(lang, beta2),
                rate(lang, round(1.0 - beta2)),
                rate(lang, epsilon),
                f(m_before as f64),
                significant(lang, m as f64),
                f(v_before as f64),
                significant(lang, v as f64),
                f(m_hat),
                f(v_hat),
            ];
            RuleNumbers::Adam {
                t: time,
                power: &strings[0],
                beta1: &strings[1],
                one_minus_beta1: &strings[2],
                beta2: &strings[3],
                one_minus_beta2: &strings[4],
                epsilon: &strings[5],
                m_before: &strings[6],
                m: &strings[7],
                v_before: &strings[8],
                v: &strings[9],
                m_hat: &strings[10],
                v_hat: &strings[11],
            }
        }
    };
    (t.walk_update)(&TrackedUpdate {
        optimizer: &optimizer,
        block: tracked.entry.block + 1,
        row: tracked.entry.row + 1,
        col: tracked.entry.col + 1,
        before: &significant(lang, tracked.before as f64),
        gradient: &f(tracked.gradient as f64),
        after: &significant(lang, tracked.after as f64),
        change: &significant(lang, change),
        learning_rate: &rate(lang, learning_rate),
        rule,
    })
}

/// `1 − 0.999` is 0.0010000000000000009 in binary; the page writes 0.001.
fn round(value: f64) -> f64 {
    (value * 1e9).round() / 1e9
}

#[component]
pub fn Walkthrough(state: PageState) -> impl IntoView {
    let report = while_seen(state.report);
    let phases = move || {
        let lang = state.lang.get();
        let t = lang.text();
        let report = report.get()?;
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
        let position = report.position;
        let shape = state.model_shape();
        let phase = |index: usize, title: &'static str, body: String| {
            view! {
                <li class="phase">
                    <span class="phase-number">{index}</span>
                    <div><strong>{title}</strong><p>{body}</p></div>
                </li>
            }
        };
        let optimizer = match report.tracked.optimizer {
            OptimizerState::Sgd => "sgd",
            OptimizerState::Momentum { .. } => "momentum",
            OptimizerState::Adam { .. } => "adam",
        };
        Some(view! {
            <ol class="phases" id="walkthrough" data-step=report.step data-p-true=p_true.to_string()
                data-minus-log-p=minus_log.to_string() data-loss=report.loss.to_string()
                data-optimizer=optimizer>
                {phase(1, t.phase_forward, (t.walk_forward)(&ForwardNumbers {
                    faces: report.indices.len(),
                    truth: &truth,
                    guess: &guess,
                    p_guess: &decimal(lang, report.predicted_probability[0] as f64, 3),
                    p_true: &decimal(lang, p_true as f64, 3),
                    patches: shape.patches(),
                    patch_size: shape.patch_size,
                    width: shape.width,
                    tokens: shape.tokens(),
                    depth: shape.depth,
                    people: shape.classes,
                }))}
                {phase(2, t.phase_loss, (t.walk_loss)(
                    &decimal(lang, p_true as f64, 3), &decimal(lang, minus_log, 3),
                    report.indices.len(), &decimal(lang, report.loss as f64, 3),
                ))}
                {phase(3, t.phase_backward, (t.walk_backward)(
                    &significant(lang, norms.wq as f64), &significant(lang, norms.wk as f64),
                    &significant(lang, norms.wv as f64),
                ))}
                {phase(4, t.phase_update, update_sentence(lang, &report.tracked, report.learning_rate))}
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

#[cfg(test)]
mod tests {
    use super::*;
    use vocab::TrackedEntry;

    fn tracked(optimizer: OptimizerState) -> TrackedValue {
        TrackedValue {
            entry: TrackedEntry {
                block: 0,
                row: 0,
                col: 2,
            },
            before: 0.125,
            gradient: -0.5,
            after: 0.15,
            optimizer,
        }
    }

    #[test]
    fn plain_sgd_shows_the_teaching_texts_own_rule_with_the_updates_numbers() {
        let en = update_sentence(Lang::En, &tracked(OptimizerState::Sgd), 0.05);
        assert!(
            en.contains("W_new = W_old − lr × grad = 0.1250 − 0.05 × (−0.5000) = 0.1500"),
            "{en}"
        );
        assert!(en.contains("row 1, column 3 of block 1"), "{en}");
        let fr = update_sentence(Lang::Fr, &tracked(OptimizerState::Sgd), 0.05);
        assert!(
            fr.contains(
                "W_nouveau = W_ancien − taux × gradient = 0,1250 − 0,05 × (−0,5000) = 0,1500"
            ),
            "{fr}"
        );
    }

    #[test]
    fn momentum_and_adam_name_their_memory() {
        let momentum = OptimizerState::Momentum {
            momentum: 0.9,
            velocity_before: 0.1,
            velocity: -0.41,
        };
        let en = update_sentence(Lang::En, &tracked(momentum), 0.05);
        assert!(en.contains("SGD with momentum 0.9"), "{en}");
        assert!(en.contains("0.9 × 0.1000 + (−0.5000) = (−0.4100)"), "{en}");
        let adam = OptimizerState::Adam {
            t: 2,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            m_before: -0.05,
            m: -0.095,
            v_before: 2.5e-4,
            v: 4.9975e-4,
        };
        let fr = update_sentence(Lang::Fr, &tracked(adam), 0.001);
        assert!(fr.contains("t = 2"), "{fr}");
        assert!(fr.contains("0,9 × m + 0,1 × gradient"), "{fr}");
        assert!(fr.contains("0,999 × v + 0,001 × gradient²"), "{fr}");
        assert!(fr.contains("1e−8"), "{fr}");
    }
}
