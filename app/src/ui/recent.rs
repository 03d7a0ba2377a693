//! The recent runs the browser keeps: each with its loss thumbnail and what it was, to
//! reopen, forget, or tick for the comparison charts (each run labelled by what differs).

use leptos::prelude::*;
use vocab::protocol::{Command, RunOrigin};
use vocab::shelf::{KeptRun, SHELF_BUDGET_BYTES};

use crate::format::{decimal, percent, rate};
use crate::i18n::Lang;
use crate::ui::bridge::Bridge;
use crate::ui::charts::{Compared, ComparedChart, ComparedRun, RUN_COLOURS};
use crate::ui::controls::optimizer_name;
use crate::ui::state::PageState;

type Link = StoredValue<Bridge, LocalStorage>;

/// Megabytes (10⁶ bytes) as the page writes them: `2.4 MB` / `2,4 Mo`, and whole ones from
/// 10 on (`64 MB`).
fn megabytes(lang: Lang, bytes: u64) -> String {
    let value = bytes as f64 / 1e6;
    let digits = if value < 10.0 { 1 } else { 0 };
    (lang.text().runs.megabytes)(&decimal(lang, value, digits))
}

/// The faces a run trained on, as its line names them.
fn faces(lang: Lang, run: &KeptRun) -> String {
    let t = lang.text().runs;
    match &run.faces {
        None => t.synthetic_faces.to_string(),
        Some(name) => (t.imported_faces)(name, run.people),
    }
}

/// What tells each of `runs` apart from the others: the settings that are not the same for
/// all, in the order the controls show them; runs that differ in none are told apart by
/// their number.
pub fn labels(lang: Lang, runs: &[&KeptRun]) -> Vec<String> {
    let t = lang.text().runs;
    type Part = fn(Lang, &KeptRun) -> String;
    // Presets by their names; a shaped model by the numbers that differ.
    let shape: Vec<Part> = if runs.iter().all(|run| run.settings.model.preset().is_some()) {
        vec![|_, run| run.settings.model.name()]
    } else {
        vec![
            |lang, run| (lang.text().runs.image_size)(run.settings.model.image_size),
            |lang, run| (lang.text().runs.patch)(run.settings.model.patch_size),
            |lang, run| (lang.text().runs.width)(run.settings.model.width),
            |lang, run| (lang.text().runs.heads)(run.settings.model.heads),
            |lang, run| (lang.text().runs.depth)(run.settings.model.depth),
            |lang, run| (lang.text().runs.mlp)(run.settings.model.mlp_width),
        ]
    };
    let settings: [Part; 6] = [
        |lang, run| optimizer_name(lang, run.settings.optimizer),
        |lang, run| (lang.text().runs.learning_rate)(&rate(lang, run.settings.learning_rate)),
        |lang, run| (lang.text().runs.batch)(run.settings.batch_size),
        |lang, run| (lang.text().runs.seed)(run.settings.seed),
        |lang, run| {
            let t = lang.text().runs;
            if run.settings.augmentation.is_off() {
                t.no_shifts.to_string()
            } else {
                t.shifts.to_string()
            }
        },
        faces,
    ];
    let mut labels = vec![Vec::new(); runs.len()];
    for part in shape.into_iter().chain(settings) {
        let words: Vec<String> = runs.iter().map(|run| part(lang, run)).collect();
        if words.iter().any(|w| *w != words[0]) {
            for (label, word) in labels.iter_mut().zip(words) {
                label.push(word);
            }
        }
    }
    labels
        .into_iter()
        .zip(runs)
        .map(|(parts, run)| {
            if parts.is_empty() {
                (t.run_number)(run.id + 1)
            } else {
                parts.join(", ")
            }
        })
        .collect()
}

/// A run's loss curve as a small SVG polyline (its own scale: the shape is what tells).
fn thumbnail(losses: &[(u64, f32)]) -> String {
    let (width, height) = (120.0, 32.0);
    let first = losses.first().map_or(0.0, |p| p.0 as f64);
    let span = (losses.last().map_or(1.0, |p| p.0 as f64) - first).max(1.0);
    let top = losses.iter().map(|p| p.1 as f64).fold(1e-6, f64::max);
    losses
        .iter()
        .map(|&(step, loss)| {
            let x = (step as f64 - first) / span * width;
            let y = height - (loss as f64 / top * (height - 2.0)) - 1.0;
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One line of the list: everything it shows, so that a line whose run did not change is
/// kept as it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct RecentRow {
    lang: Lang,
    id: u64,
    open: bool,
    steps: u64,
    title: String,
    facts: String,
    thumbnail: String,
}

impl RecentRow {
    fn new(lang: Lang, run: &KeptRun, open: bool) -> Self {
        let t = lang.text().runs;
        let mut facts = vec![(t.updates)(run.steps)];
        if let Some(loss) = run.last_loss {
            facts.push((t.last_loss)(&decimal(lang, loss as f64, 3)));
        }
        if let Some((_, accuracy)) = run.accuracy() {
            facts.push((t.accuracy)(&percent(lang, accuracy as f64, 1)));
        }
        Self {
            lang,
            id: run.id,
            open,
            steps: run.steps,
            title: format!(
                "{} · {} · {}",
                &run.settings.model.name(),
                optimizer_name(lang, run.settings.optimizer),
                faces(lang, run)
            ),
            facts: facts.join(" · "),
            thumbnail: thumbnail(&run.curves.losses),
        }
    }
}

/// The list of recent runs, and the comparison of those ticked.
#[component]
pub fn RecentRuns(state: PageState, bridge: Link) -> impl IntoView {
    // Ticked runs, in the order they were ticked (their colours follow it); an experiment
    // ticks its own runs.
    let ticked = state.compared;
    // A run let go is no longer ticked.
    Effect::new(move |_| {
        let ids: Vec<u64> = state.shelf.with(|s| s.runs.iter().map(|r| r.id).collect());
        if ticked.with_untracked(|t| t.iter().any(|id| !ids.contains(id))) {
            ticked.update(|t| t.retain(|id| ids.contains(id)));
        }
    });
    let compared = Signal::derive(move || {
        let lang = state.lang.get();
        let ids = ticked.get();
        state.shelf.with(|shelf| {
            let runs: Vec<&KeptRun> = ids.iter().filter_map(|id| shelf.get(*id)).collect();
            let labels = labels(lang, &runs);
            runs.iter()
                .zip(labels)
                .enumerate()
                .map(|(i, (run, label))| ComparedRun {
                    label,
                    colour: RUN_COLOURS[i % RUN_COLOURS.len()],
                    losses: run.curves.losses.clone(),
                    validation_losses: run.curves.validation_losses.clone(),
                    accuracy: run.curves.accuracy.clone(),
                })
                .collect::<Vec<_>>()
        })
    });
    let budget = move || {
        let lang = state.lang.get();
        let used = state.shelf.with(|s| s.used_bytes());
        (lang.text().runs.recent_budget)(
            &megabytes(lang, used),
            &megabytes(lang, SHELF_BUDGET_BYTES),
        )
    };
    // One row per kept run, made again only when what it shows changed (a row made again at
    // every autosave never let its reactive parts go).
    let lines = Memo::new(move |_| {
        let lang = state.lang.get();
        state.shelf.with(|shelf| {
            shelf
                .runs
                .iter()
                .rev()
                .map(|run| RecentRow::new(lang, run, shelf.open == Some(run.id)))
                .collect::<Vec<_>>()
        })
    });
    let empty = Memo::new(move |_| lines.with(Vec::is_empty));
    let row = move |row: RecentRow| {
        let t = row.lang.text().runs;
        let id = row.id;
        let swatch = move || {
            ticked.with(|t| t.iter().position(|x| *x == id)).map(|i| {
                let c = RUN_COLOURS[i % RUN_COLOURS.len()];
                format!("background:rgb({},{},{})", c.0, c.1, c.2)
            })
        };
        let reopen = move |_| {
            bridge.with_value(|b| {
                b.send(Command::OpenRun {
                    origin: RunOrigin::Kept { id },
                    bytes: Vec::new(),
                })
            })
        };
        let forget = move |_| bridge.with_value(|b| b.send(Command::ForgetRun { id }));
        view! {
            <li class="recent-run" class:open=row.open data-id=id data-steps=row.steps>
                <svg class="thumbnail" viewBox="0 0 120 32" preserveAspectRatio="none" aria-hidden="true">
                    <polyline points=row.thumbnail />
                </svg>
                <div class="recent-facts">
                    <strong>{row.title}</strong>
                    <span>{row.facts}</span>
                </div>
                <label class="check compare-tick">
                    <input type="checkbox" class="compare"
                        prop:checked=move || ticked.with(|t| t.contains(&id))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            ticked.update(|t| {
                                t.retain(|x| *x != id);
                                if on { t.push(id); }
                            });
                        } />
                    <span class="swatch" style=swatch></span>
                    {t.compare}
                </label>
                {if row.open {
                    view! { <span class="open-mark">{t.open_now}</span> }.into_any()
                } else {
                    view! {
                        <button class="small reopen" on:click=reopen>{t.reopen}</button>
                        <button class="small forget" on:click=forget>{t.forget}</button>
                    }.into_any()
                }}
            </li>
        }
    };
    let rows = move || {
        if empty.get() {
            let t = state.lang.get().text().runs;
            return view! { <p class="note" id="recent-empty">{t.recent_empty}</p> }.into_any();
        }
        view! {
            <ul class="recent-runs" id="recent-list">
                <For each=move || lines.get() key=|line| line.clone() children=row />
            </ul>
        }
        .into_any()
    };
    // The charts are made once there are two runs to compare, and redrawn (not made again)
    // as the runs change.
    let enough = Memo::new(move |_| compared.with(|c| c.len() >= 2));
    let comparison = move || {
        let t = state.lang.get().text().runs;
        if !enough.get() {
            // The hint only where there is something to compare.
            let hint = state
                .shelf
                .with(|s| s.runs.len() >= 2)
                .then_some(t.compare_hint);
            return view! { <p class="note">{hint}</p> }.into_any();
        }
        view! {
            <h3>{t.compare_title}</h3>
            <p class="note">{t.compare_caption}</p>
            <ul class="compare-legend" id="compare-legend">
                {move || compared.get().into_iter().map(|run| {
                    let c = run.colour;
                    let swatch = format!("background:rgb({},{},{})", c.0, c.1, c.2);
                    view! { <li><span class="swatch" style=swatch></span>{run.label}</li> }
                }).collect_view()}
            </ul>
            <div class="charts compared">
                <div><ComparedChart state runs=compared what=Compared::Loss id="compare-loss" /></div>
                <div><ComparedChart state runs=compared what=Compared::Accuracy id="compare-accuracy" /></div>
            </div>
        }
        .into_any()
    };
    view! {
        <p class="note" id="recent-budget">{budget}</p>
        {rows}
        {comparison}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vocab::protocol::RunSettings;
    use vocab::shelf::RunCurves;
    use vocab::OptimizerChoice;

    fn kept(id: u64, settings: RunSettings) -> KeptRun {
        KeptRun {
            id,
            settings,
            faces: None,
            people: 40,
            steps: 10,
            last_loss: None,
            bytes: 0,
            curves: RunCurves::default(),
        }
    }

    #[test]
    fn compared_runs_are_labelled_by_what_differs_and_only_that() {
        let adam = RunSettings::default();
        let sgd = RunSettings {
            optimizer: OptimizerChoice::Sgd,
            learning_rate: 0.05,
            ..adam.clone()
        };
        let (a, b) = (kept(0, adam.clone()), kept(1, sgd));
        assert_eq!(
            labels(Lang::En, &[&a, &b]),
            [
                "Adam, learning rate 0.001",
                "SGD without momentum, learning rate 0.05"
            ]
        );
        assert_eq!(
            labels(Lang::Fr, &[&a, &b]),
            [
                "Adam, taux d’apprentissage 0,001",
                "SGD sans momentum, taux d’apprentissage 0,05"
            ]
        );
        let same = kept(2, adam);
        assert_eq!(labels(Lang::En, &[&a, &same]), ["run 1", "run 3"]);
    }

    #[test]
    fn sizes_are_written_in_each_language() {
        assert_eq!(megabytes(Lang::En, 2_412_066), "2.4 MB");
        assert_eq!(megabytes(Lang::Fr, 2_412_066), "2,4\u{a0}Mo");
        assert_eq!(megabytes(Lang::En, SHELF_BUDGET_BYTES), "64 MB");
    }
}
