//! The model's shape: an editor for its six numbers with what they make (tokens, d_head,
//! parameters, memory, the measured update time), refused before anything breaks; and the
//! experiments that train two shapes to the same update and set their attention side by side.

use std::sync::Arc;

use leptos::html::Canvas;
use leptos::prelude::*;
use vocab::protocol::{ArmDone, Command, RunSettings};
use vocab::shelf::{KeptRun, RunCurves};
use vocab::{ModelShape, OptimizerKind, Preset, ShapeCost, WASM_MEMORY_LIMIT_BYTES};

use crate::format::{decimal, integer, percent};
use crate::i18n::{errors, Lang};
use crate::ui::bridge::Bridge;
use crate::ui::controls::{optimizer_name, BATCH_SIZES};
use crate::ui::draw::canvas::draw_face_shares;
use crate::ui::draw::frame::draw_when_seen;
use crate::ui::recent::labels;
use crate::ui::state::PageState;
use vocab::protocol::Refusal;

type Link = StoredValue<Bridge, LocalStorage>;

/// The most memory the page lets a run take unasked, half of what wasm32 can address: a
/// batch is lowered until the estimate fits, so the learner's browser is not pushed to its
/// 4 GiB edge.
pub const COMFORTABLE_BYTES: u64 = 2 << 30;

/// The batch a run of `shape` uses: the learner's, or the largest smaller one the page
/// offers whose update stays within [`COMFORTABLE_BYTES`] (the smallest offered at worst).
pub fn fitting_batch(
    shape: &ModelShape,
    classes: usize,
    optimizer: OptimizerKind,
    wanted: usize,
) -> usize {
    let fits =
        |batch: usize| shape.cost(classes, batch, optimizer).training_bytes <= COMFORTABLE_BYTES;
    if fits(wanted) {
        return wanted;
    }
    BATCH_SIZES
        .into_iter()
        .filter(|&b| b < wanted)
        .rev()
        .find(|&b| fits(b))
        .unwrap_or(BATCH_SIZES[0])
}

/// The settings of a run of `shape`: the learner's others, the batch lowered if need be.
pub fn settings_for(shape: ModelShape, base: &RunSettings, classes: usize) -> RunSettings {
    RunSettings {
        model: shape,
        batch_size: fitting_batch(&shape, classes, base.optimizer.kind(), base.batch_size),
        ..base.clone()
    }
}

/// Bytes as the page writes sizes: `12 MB`, `1.1 GB` (10⁶ and 10⁹).
pub fn bytes_text(lang: Lang, bytes: u64) -> String {
    let t = lang.text().shape;
    if bytes >= 1_000_000_000 {
        (t.gigabytes)(&decimal(lang, bytes as f64 / 1e9, 1))
    } else {
        let mb = bytes as f64 / 1e6;
        (t.megabytes)(&decimal(lang, mb, if mb < 10.0 { 1 } else { 0 }))
    }
}

/// A duration in ms as the page writes it: `45 ms`, `12.3 s`.
pub fn duration_text(lang: Lang, ms: f64) -> String {
    let space = match lang {
        Lang::En => " ",
        Lang::Fr => "\u{a0}",
    };
    if ms < 1000.0 {
        format!(
            "{}{space}ms",
            decimal(lang, ms, if ms < 10.0 { 1 } else { 0 })
        )
    } else {
        format!("{}{space}s", decimal(lang, ms / 1000.0, 1))
    }
}

/// The experiments the panel offers: two arms of the `small` shape, differing in one number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Experiment {
    /// 1 head vs 4 heads at width 64: d_head 64 vs 16.
    Heads,
    /// Patches of 8 vs 4: 16 vs 64 patches.
    Patch,
    /// 1 block vs 4.
    Depth,
}

impl Experiment {
    pub const ALL: [Experiment; 3] = [Experiment::Heads, Experiment::Patch, Experiment::Depth];

    pub fn key(self) -> &'static str {
        match self {
            Experiment::Heads => "heads",
            Experiment::Patch => "patch",
            Experiment::Depth => "depth",
        }
    }

    /// The two shapes it trains.
    pub fn shapes(self) -> [ModelShape; 2] {
        let small = ModelShape::of_preset(Preset::Small);
        let with = |change: fn(&mut ModelShape)| {
            let mut shape = small;
            change(&mut shape);
            shape
        };
        match self {
            Experiment::Heads => [with(|s| s.heads = 1), small],
            Experiment::Patch => [with(|s| s.patch_size = 8), small],
            Experiment::Depth => [with(|s| s.depth = 1), small],
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        let t = lang.text().shape;
        match self {
            Experiment::Heads => t.heads_experiment,
            Experiment::Patch => t.patch_experiment,
            Experiment::Depth => t.depth_experiment,
        }
    }
}

/// What a shape makes, in the learner's language: one sentence per fact.
pub fn facts(
    lang: Lang,
    shape: &ModelShape,
    cost: &ShapeCost,
    batch: usize,
    optimizer: &str,
) -> Vec<String> {
    let t = lang.text().shape;
    let grid = shape.grid();
    let d = shape.head_dim();
    let root = (d as f64).sqrt();
    let root = match root.fract() == 0.0 {
        true => format!("{root}"),
        false => decimal(lang, root, 2),
    };
    vec![
        (t.tokens)(grid, grid * grid, shape.patch_size, shape.tokens()),
        (t.per_head)(d, &root),
        (t.parameters)(&integer(lang, cost.parameters as u64)),
        (t.memory)(
            batch,
            optimizer,
            &bytes_text(lang, cost.training_bytes),
            &bytes_text(lang, WASM_MEMORY_LIMIT_BYTES),
        ),
    ]
}

#[component]
pub fn ShapePanel(state: PageState, bridge: Link) -> impl IntoView {
    view! {
        <ShapeEditor state bridge />
        <Experiments state bridge />
    }
}

/// The six numbers, what they make, and "Train this shape".
#[component]
fn ShapeEditor(state: PageState, bridge: Link) -> impl IntoView {
    let t = move || state.lang.get().text().shape;
    // The shape being edited: the settings' until the learner changes a number, and again
    // whenever a run starts with another.
    let draft = RwSignal::new(state.settings.get_untracked().model);
    // A memo: another learning rate or batch must not undo the learner's numbers.
    let model = Memo::new(move |_| state.settings.with(|s| s.model));
    Effect::new(move |_| draft.set(model.get()));
    let classes = move || {
        state
            .dataset
            .with(|d| d.as_ref().map_or(40, |d| d.summary.people.len().max(1)))
    };
    let settings = move || settings_for(draft.get(), &state.settings.get(), classes());
    let checked = move || {
        let settings = settings();
        settings
            .model
            .check_for_page(classes(), settings.batch_size, settings.optimizer.kind())
    };
    let field = move |id: &'static str,
                      label: fn(&'static crate::i18n::ShapeText) -> &'static str,
                      get: fn(&ModelShape) -> usize,
                      set: fn(&mut ModelShape, usize)| {
        view! {
            <label>{move || label(t())}
                <input id=id type="number" min="1" step="1"
                    prop:value=move || draft.with(|s| get(s).to_string())
                    on:change=move |ev| {
                        // Not a number: 0, which the check below names.
                        let value = event_target_value(&ev).trim().parse::<usize>().unwrap_or(0);
                        draft.update(|s| set(s, value));
                    } />
            </label>
        }
    };
    let preset_button = move |preset: Preset| {
        let name = move || match preset {
            Preset::VitS14 => t().preset_s14.to_string(),
            other => other.name().to_string(),
        };
        view! {
            <button class="small" data-preset=preset.name()
                aria-pressed=move || (draft.get().preset() == Some(preset)).to_string()
                on:click=move |_| draft.set(preset.into())>
                {name}
            </button>
        }
    };
    let described = move || {
        let lang = state.lang.get();
        let settings = settings();
        match checked() {
            Err(error) => {
                let why = errors::refusal(lang, &Refusal::Train(error.into()));
                view! { <p class="error" id="shape-refused" role="alert">{(lang.text().shape.refused)(&why)}</p> }.into_any()
            }
            Ok(cost) => {
                let shape = settings.model;
                let optimizer = optimizer_name(lang, settings.optimizer);
                let mut lines = facts(lang, &shape, &cost, settings.batch_size, &optimizer);
                let wanted = state.settings.with(|s| s.batch_size);
                if settings.batch_size != wanted {
                    lines.push((lang.text().shape.batch_lowered)(settings.batch_size));
                }
                let faces_size = state.dataset.with(|d| d.as_ref().map(|d| d.summary.size));
                if faces_size.is_some_and(|size| size != shape.image_size) {
                    lines.push((lang.text().shape.faces_at)(shape.image_size));
                }
                // Measured, not estimated: only for the shape of the run in the page.
                let running =
                    state.run.with(|r| r.as_ref().map(|r| r.settings.model)) == Some(shape);
                lines.push(match state.millis.get().filter(|_| running) {
                    Some(ms) => (lang.text().shape.measured)(&duration_text(lang, ms)),
                    None => lang.text().shape.not_measured.to_string(),
                });
                view! {
                    <ul class="shape-facts" id="shape-facts" data-tokens=shape.tokens()
                        data-parameters=cost.parameters data-bytes=cost.training_bytes>
                        {lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                    </ul>
                }
                .into_any()
            }
        }
    };
    let train = move |_| {
        if checked().is_err() {
            return;
        }
        let settings = settings();
        state.settings.set(settings.clone());
        bridge.with_value(|b| b.send(Command::Reset { settings }));
    };
    view! {
        <div class="buttons presets" role="group" aria-label=move || t().presets>
            <span class="note">{move || t().presets}</span>
            {Preset::ALL.into_iter().map(preset_button).collect_view()}
        </div>
        <div class="fields shape-fields">
            {field("shape-image", |t| t.image_size, |s| s.image_size, |s, v| s.image_size = v)}
            {field("shape-patch", |t| t.patch_size, |s| s.patch_size, |s, v| s.patch_size = v)}
            {field("shape-width", |t| t.width, |s| s.width, |s, v| s.width = v)}
            {field("shape-heads", |t| t.heads, |s| s.heads, |s, v| s.heads = v)}
            {field("shape-depth", |t| t.depth, |s| s.depth, |s, v| s.depth = v)}
            {field("shape-mlp", |t| t.mlp_width, |s| s.mlp_width, |s, v| s.mlp_width = v)}
        </div>
        {described}
        <button id="train-shape" class="primary" disabled=move || checked().is_err() || state.run.with(Option::is_none)
            title=move || t().train_help on:click=train>
            {move || t().train}
        </button>
    }
}

/// The three experiments, the one under way, and the last one's runs side by side.
#[component]
fn Experiments(state: PageState, bridge: Link) -> impl IntoView {
    let t = move || state.lang.get().text().shape;
    let updates = RwSignal::new(100u64);
    let running = move || {
        state
            .experiment
            .with(|e| e.as_ref().is_some_and(|e| e.running()))
    };
    let start = move |experiment: Experiment| {
        let base = state.settings.get_untracked();
        let classes = state
            .dataset
            .with_untracked(|d| d.as_ref().map_or(40, |d| d.summary.people.len().max(1)));
        let arms = experiment
            .shapes()
            .into_iter()
            .map(|shape| settings_for(shape, &base, classes))
            .collect();
        bridge.with_value(|b| {
            b.send(Command::RunExperiment {
                arms,
                updates: updates.get_untracked().max(1),
            })
        });
    };
    let buttons = move || {
        let lang = state.lang.get();
        Experiment::ALL
            .into_iter()
            .map(|experiment| {
                view! {
                    <button class="small experiment" data-experiment=experiment.key()
                        disabled=move || running() || state.run.with(Option::is_none)
                        on:click=move |_| start(experiment)>
                        {experiment.label(lang)}
                    </button>
                }
            })
            .collect_view()
    };
    let progress = move || {
        let lang = state.lang.get();
        state.experiment.with(|e| {
            let e = e.as_ref()?;
            if e.stopped {
                return Some((lang.text().shape.stopped)(e.arm + 1));
            }
            e.running().then(|| {
                (lang.text().shape.running)(e.arm + 1, e.arms, state.step.get(), e.updates)
            })
        })
    };
    let results = move || {
        let lang = state.lang.get();
        let done: Vec<Arc<ArmDone>> = state
            .experiment
            .with(|e| e.as_ref().map(|e| e.done.clone()).unwrap_or_default());
        if done.is_empty() {
            return None;
        }
        let labels = arm_labels(lang, &done);
        let step = done[0].step;
        let person = state.dataset.with(|d| {
            d.as_ref().map_or_else(
                || "?".to_string(),
                |d| d.person(done[0].view.label).to_string(),
            )
        });
        // One colour scale for every map, so a stronger share looks stronger anywhere.
        let scale = done
            .iter()
            .flat_map(|d| d.view.heads.iter().flatten().chain(&d.view.rollout))
            .copied()
            .fold(f32::MIN_POSITIVE, f32::max);
        let finished = done.len() == done[0].arms;
        Some(view! {
            <p class="note">{(lang.text().shape.results_caption)(&person, step)}</p>
            <div class="arms" id="experiment-results">
                {done.into_iter().zip(labels).map(|(arm, label)| view! { <ArmFigure state arm label scale /> }).collect_view()}
            </div>
            {finished.then(|| view! { <p class="note">{lang.text().shape.compared_below}</p> })}
        })
    };
    view! {
        <h3>{move || t().experiments}</h3>
        <p class="note">{move || t().experiments_caption}</p>
        <div class="fields">
            <label>{move || t().updates_per_run}
                <input id="experiment-updates" type="number" min="1" step="1"
                    prop:value=move || updates.get().to_string()
                    on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).trim().parse::<u64>() {
                            updates.set(n.max(1));
                        }
                    } />
            </label>
        </div>
        <div class="buttons experiments">{buttons}</div>
        <p class="note" id="experiment-progress" aria-live="polite">{progress}</p>
        {results}
    }
}

/// Each arm named by what differs from the others, as the comparison charts name runs.
fn arm_labels(lang: Lang, done: &[Arc<ArmDone>]) -> Vec<String> {
    let runs: Vec<KeptRun> = done
        .iter()
        .map(|arm| KeptRun {
            id: arm.arm as u64,
            settings: arm.settings.clone(),
            faces: None,
            people: 0,
            steps: arm.step,
            last_loss: None,
            bytes: 0,
            curves: RunCurves::default(),
        })
        .collect();
    labels(lang, &runs.iter().collect::<Vec<_>>())
}

/// One arm: its name, how it did, and where CLS looks in each head and through all blocks.
#[component]
fn ArmFigure(state: PageState, arm: Arc<ArmDone>, label: String, scale: f32) -> impl IntoView {
    let lang = state.lang.get_untracked();
    let t = lang.text().shape;
    let maps: Vec<(String, Vec<f32>)> = arm
        .view
        .heads
        .iter()
        .enumerate()
        .map(|(h, map)| ((t.head)(h + 1), map.clone()))
        .chain([(t.rollout.to_string(), arm.view.rollout.clone())])
        .collect();
    let accuracy = arm
        .validation
        .map_or("–".into(), |v| percent(lang, v.accuracy as f64, 1));
    let loss = decimal(lang, arm.loss as f64, 3);
    let answer = state.dataset.with_untracked(|d| {
        d.as_ref().map(|d| {
            (t.arm_answer)(
                d.person(arm.view.predicted),
                &percent(lang, arm.view.probability as f64, 1),
            )
        })
    });
    let figures = maps
        .into_iter()
        .map(|(name, map)| {
            let canvas = NodeRef::<Canvas>::new();
            let grid = arm.view.grid;
            let image = arm.view.image;
            let json = serde_json::to_string(&map).unwrap_or_default();
            Effect::new(move |_| {
                let face = state.dataset.with(|d| {
                    let d = d.as_ref()?;
                    Some((d.train_image(image)?.to_vec(), d.summary.size))
                });
                let (Some(canvas), Some((pixels, size))) = (canvas.get(), face) else {
                    return;
                };
                let map = map.clone();
                let on = web_sys::Element::from(canvas.clone());
                draw_when_seen("experiment", Some(&on), move || {
                    draw_face_shares(&canvas, (&pixels, size), grid, &map, Some(scale));
                });
            });
            view! {
                <figure>
                    <canvas node_ref=canvas class="view" width="300" height="300" role="img"
                        aria-label=name.clone() data-grid=grid data-shares=json></canvas>
                    <figcaption>{name}</figcaption>
                </figure>
            }
        })
        .collect_view();
    view! {
        <section class="arm" data-arm=arm.arm data-heads=arm.view.heads.len() data-step=arm.step>
            <h4>{label}</h4>
            <p class="note">{(t.arm_facts)(&accuracy, &loss)}{answer.map(|a| format!(" · {a}"))}</p>
            <div class="arm-maps">{figures}</div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_too_large_for_memory_is_lowered_to_one_that_fits() {
        let s14 = ModelShape::of_preset(Preset::VitS14);
        let batch = fitting_batch(&s14, 40, OptimizerKind::Adam, 32);
        assert!(batch < 32 && BATCH_SIZES.contains(&batch), "{batch}");
        assert!(s14.cost(40, batch, OptimizerKind::Adam).training_bytes <= COMFORTABLE_BYTES);
        let small = ModelShape::of_preset(Preset::Small);
        assert_eq!(fitting_batch(&small, 40, OptimizerKind::Adam, 32), 32);
    }

    #[test]
    fn experiments_change_one_number_of_small() {
        let small = ModelShape::of_preset(Preset::Small);
        for experiment in Experiment::ALL {
            let [a, b] = experiment.shapes();
            assert_eq!(b, small);
            let differs = [
                a.image_size != b.image_size,
                a.patch_size != b.patch_size,
                a.width != b.width,
                a.heads != b.heads,
                a.depth != b.depth,
                a.mlp_width != b.mlp_width,
            ];
            assert_eq!(differs.iter().filter(|d| **d).count(), 1, "{experiment:?}");
            a.validate().unwrap();
        }
        assert_eq!(Experiment::Patch.shapes()[0].tokens(), 17);
        assert_eq!(Experiment::Heads.shapes()[0].head_dim(), 64);
    }

    #[test]
    fn the_teaching_text_s_model_is_described_with_its_own_numbers() {
        let s14 = ModelShape::of_preset(Preset::VitS14);
        let cost = s14.cost(40, 4, OptimizerKind::Adam);
        let en = facts(Lang::En, &s14, &cost, 4, "Adam");
        assert!(
            en[0].contains("16×16 = 256 patches of 14×14 pixels, plus CLS: 257 tokens"),
            "{}",
            en[0]
        );
        assert!(
            en[1].contains("d_head = 64") && en[1].contains("√64 = 8."),
            "{}",
            en[1]
        );
        let fr = facts(Lang::Fr, &s14, &cost, 4, "Adam");
        assert!(fr[0].contains("257\u{a0}jetons"), "{}", fr[0]);
        assert!(fr[1].contains("√64 = 8."), "{}", fr[1]);
        let tiny = ModelShape::of_preset(Preset::Tiny);
        let cost = tiny.cost(40, 32, OptimizerKind::Adam);
        assert!(facts(Lang::Fr, &tiny, &cost, 32, "Adam")[1].contains("√16 = 4."));
        let odd = ModelShape { heads: 4, ..tiny };
        let cost = odd.cost(40, 32, OptimizerKind::Adam);
        assert!(facts(Lang::Fr, &odd, &cost, 32, "Adam")[1].contains("√8 = 2,83."));
        assert_eq!(duration_text(Lang::Fr, 12_345.0), "12,3\u{a0}s");
        assert_eq!(duration_text(Lang::En, 45.2), "45 ms");
        assert_eq!(bytes_text(Lang::En, 1_100_000_000), "1.1 GB");
        assert_eq!(bytes_text(Lang::Fr, 12_000_000), "12\u{a0}Mo");
    }
}
