//! What the page knows: only what the worker reported, held in signals.

use std::sync::Arc;

use leptos::prelude::*;
use vocab::shelf::Shelf;
use vocab::{Backend, BackwardPath, BlockGradientNorms, StepReport};

use crate::i18n::Lang;
use crate::ui::advice::DeviceAdvice;
use crate::ui::dataset::FaceAtlas;
use vocab::protocol::{
    ArmDone, DatasetSummary, DeviceChoice, DeviceStatus, DivergenceReport, Event, GpuFallback,
    HeadView, ImportPreview, InitialView, InspectTarget, Recognition, Refusal, RunOrigin,
    RunSettings, RunStarted, SaveReason, StorageError, WeightsView,
};

/// The face set in use, as the worker described it, with its training images ready to show.
#[derive(Debug, PartialEq)]
pub struct DatasetView {
    pub summary: DatasetSummary,
    pub atlas: FaceAtlas,
    /// Training images then validation images, `size × size` bytes each.
    pub pixels: Vec<u8>,
}

impl DatasetView {
    /// `pixels`: training images then validation images, `size × size` bytes each.
    pub fn new(summary: DatasetSummary, pixels: &[u8]) -> Self {
        let count = summary
            .train_labels
            .len()
            .min(pixels.len() / (summary.size * summary.size).max(1));
        let atlas = FaceAtlas::new(pixels, summary.size, count);
        Self {
            summary,
            atlas,
            pixels: pixels.to_vec(),
        }
    }

    pub fn train_image(&self, index: usize) -> Option<&[u8]> {
        let len = self.summary.size * self.summary.size;
        self.pixels.get(index * len..(index + 1) * len)
    }

    pub fn person(&self, label: usize) -> &str {
        self.summary
            .people
            .get(label)
            .map(String::as_str)
            .unwrap_or("?")
    }
}

/// Something the page tells the learner, kept as data so it follows a language switch.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    GpuFallback(GpuFallback),
    WorkerLost(String),
    /// A command the worker could not carry out, and why.
    Refused(Refusal),
    RolledBack(u64),
    /// The browser's storage did not keep the run.
    NotKept(StorageError),
    /// The worker died before the run was kept: a new one starts from the seed.
    StartedAgain,
    /// The trained model could not be fetched, in the browser's words.
    TrainedMissing(String),
    ImportFailed {
        reason: Refusal,
        skipped: Vec<vocab::Skipped>,
    },
}

/// A kept run the page reopened, as the banner tells it.
#[derive(Clone, Debug, PartialEq)]
pub struct Reopened {
    pub origin: RunOrigin,
    pub steps: u64,
    /// After the worker died: updates done since the run was last kept, now lost.
    pub lost: Option<u64>,
    /// Validation accuracy at its latest validation, as it was reopened.
    pub accuracy: Option<f32>,
}

/// An experiment the worker is playing, and the runs it has finished.
#[derive(Clone, Debug, PartialEq)]
pub struct ExperimentProgress {
    pub arms: usize,
    pub updates: u64,
    /// The run playing now (from 0).
    pub arm: usize,
    pub done: Vec<Arc<ArmDone>>,
    /// The learner stopped it before its last run was done.
    pub stopped: bool,
}

impl ExperimentProgress {
    pub fn running(&self) -> bool {
        self.done.len() < self.arms && !self.stopped
    }
}

/// Every signal of the page. `Copy`, so components take it by value.
#[derive(Clone, Copy)]
pub struct PageState {
    pub lang: RwSignal<Lang>,
    pub device_choice: RwSignal<DeviceChoice>,
    pub device: RwSignal<Option<DeviceStatus>>,
    /// Which device is the faster here, where the page chooses.
    pub advice: DeviceAdvice,
    /// Workers asked to share each update (the worker says how many it uses in `device`).
    pub workers: RwSignal<usize>,
    /// The values in the controls; the worker's copy follows through commands.
    pub settings: RwSignal<RunSettings>,
    pub delay_ms: RwSignal<u32>,
    pub playing: RwSignal<bool>,
    pub run: RwSignal<Option<RunStarted>>,
    /// Updates done in this run (after a rollback, fewer than the latest report's).
    pub step: RwSignal<u64>,
    /// (update, loss) of every update of this run.
    pub losses: RwSignal<Vec<(u64, f32)>>,
    /// (update, validation accuracy in [0, 1]).
    pub accuracy: RwSignal<Vec<(u64, f32)>>,
    /// (update, loss on the validation images): beside the batch loss, it shows memorising.
    pub validation_losses: RwSignal<Vec<(u64, f32)>>,
    pub report: RwSignal<Option<Arc<StepReport>>>,
    /// The last single Step's backward pass through the inspected head, with its update
    /// (Play's updates leave it out).
    pub backward: RwSignal<Option<(u64, Arc<BackwardPath>)>>,
    pub millis: RwSignal<Option<f64>>,
    pub dataset: RwSignal<Option<Arc<DatasetView>>>,
    pub divergence: RwSignal<Option<DivergenceReport>>,
    pub notices: RwSignal<Vec<Notice>>,
    pub importing: RwSignal<bool>,
    /// The learner's faces, read and not yet accepted.
    pub import_preview: RwSignal<Option<ImportPreview>>,
    pub log_scale: RwSignal<bool>,
    /// What the attention views look at, and what the worker last computed for it.
    pub inspect: RwSignal<InspectTarget>,
    pub probe: RwSignal<Option<Arc<HeadView>>>,
    /// The inspected head with the weights of update 0, for "then" beside "now".
    pub initial: RwSignal<Option<Arc<InitialView>>>,
    /// (update, gradient norms of every block's Wq, Wk, Wv, Wo).
    pub gradients: RwSignal<Vec<(u64, Vec<BlockGradientNorms>)>>,
    /// The inspected block's weights, and (update, drift of Wq/Wk/Wv, Wq–Wk similarity)
    /// each time they were read.
    pub weights: RwSignal<Option<Arc<WeightsView>>>,
    pub weight_history: RwSignal<Vec<(u64, [f32; 3], f32)>>,
    /// Step commands sent and not yet answered (at most two: one running, one waiting).
    pub steps_in_flight: RwSignal<u8>,
    /// The update at which the worker last kept the run in the browser's storage.
    pub kept: RwSignal<Option<u64>>,
    /// A run reopened (from a file or the browser's storage), until the learner dismisses it.
    pub reopened: RwSignal<Option<Reopened>>,
    /// The recent runs the browser keeps.
    pub shelf: RwSignal<Shelf>,
    /// Recent runs ticked for the comparison charts, in the order they were ticked.
    pub compared: RwSignal<Vec<u64>>,
    /// The last camera frame the model saw, and what it made of it.
    pub recognition: RwSignal<Option<Arc<Recognition>>>,
    /// The experiment under way or last finished.
    pub experiment: RwSignal<Option<ExperimentProgress>>,
    /// Why the workers kept dying at start-up, when the page stopped restarting them.
    pub worker_down: RwSignal<Option<String>>,
    /// The update the page had reached when its worker died: the reopened run says how many
    /// were lost.
    pub lost_at: RwSignal<Option<u64>>,
    /// The guided tour's lesson (from 0), and whether the page is set up for a projector.
    pub lesson: RwSignal<usize>,
    pub classroom: RwSignal<bool>,
}

impl PageState {
    /// The page's words in the chosen language (tracked: a text read here follows the language).
    pub fn text(&self) -> &'static crate::i18n::Text {
        self.lang.get().text()
    }

    /// The shape of the model in training: the running run's (the controls may hold
    /// another until the next run), with one class per person of the faces in use.
    pub fn model_shape(&self) -> vocab::VitConfig {
        let (shape, seed) = self.run.with(|run| {
            run.as_ref()
                .map(|r| (r.settings.model, r.settings.seed))
                .unwrap_or_else(|| self.settings.with(|s| (s.model, s.seed)))
        });
        let people = self
            .dataset
            .with(|d| d.as_ref().map_or(1, |d| d.summary.people.len().max(1)));
        shape.config(people, seed)
    }

    /// Claims a place for one more Step: false when one is running and another waits.
    pub fn take_step_slot(&self) -> bool {
        let free = self.steps_in_flight.get_untracked() < 2;
        if free {
            self.steps_in_flight.update(|n| *n += 1);
        }
        free
    }

    /// A Step was answered (by its update, a divergence or a refusal).
    fn step_answered(&self) {
        self.steps_in_flight.update(|n| *n = n.saturating_sub(1));
    }

    pub fn new(lang: Lang, device_choice: DeviceChoice) -> Self {
        Self {
            lang: RwSignal::new(lang),
            device_choice: RwSignal::new(device_choice),
            device: RwSignal::new(None),
            advice: DeviceAdvice::new(false),
            workers: RwSignal::new(1),
            settings: RwSignal::new(RunSettings::default()),
            delay_ms: RwSignal::new(0),
            playing: RwSignal::new(false),
            run: RwSignal::new(None),
            step: RwSignal::new(0),
            losses: RwSignal::new(Vec::new()),
            accuracy: RwSignal::new(Vec::new()),
            validation_losses: RwSignal::new(Vec::new()),
            report: RwSignal::new(None),
            backward: RwSignal::new(None),
            steps_in_flight: RwSignal::new(0),
            millis: RwSignal::new(None),
            dataset: RwSignal::new(None),
            divergence: RwSignal::new(None),
            notices: RwSignal::new(Vec::new()),
            importing: RwSignal::new(false),
            import_preview: RwSignal::new(None),
            log_scale: RwSignal::new(false),
            inspect: RwSignal::new(InspectTarget::default()),
            probe: RwSignal::new(None),
            initial: RwSignal::new(None),
            gradients: RwSignal::new(Vec::new()),
            weights: RwSignal::new(None),
            weight_history: RwSignal::new(Vec::new()),
            kept: RwSignal::new(None),
            reopened: RwSignal::new(None),
            shelf: RwSignal::new(Shelf::default()),
            compared: RwSignal::new(Vec::new()),
            experiment: RwSignal::new(None),
            recognition: RwSignal::new(None),
            lost_at: RwSignal::new(None),
            worker_down: RwSignal::new(None),
            lesson: RwSignal::new(0),
            classroom: RwSignal::new(false),
        }
    }

    pub fn notify(&self, notice: Notice) {
        self.notices.update(|all| {
            all.retain(|n| n != &notice);
            all.push(notice);
        });
    }

    /// The device's name as the learner reads it.
    pub fn backend_name(backend: Backend) -> &'static str {
        match backend {
            Backend::Wgpu => "WebGPU",
            Backend::Flex => "CPU (burn-flex)",
            Backend::NdArray => "CPU (burn-ndarray)",
        }
    }

    /// Folds one event from the worker into the page.
    pub fn apply(&self, event: Event, bytes: Option<Vec<u8>>) {
        match event {
            Event::Loaded => {}
            Event::Device(status) => {
                // Said once per device: the same status comes again when the workers
                // sharing the updates change, and a notice the learner closed stays closed.
                let known = self
                    .device
                    .with_untracked(|d| d.as_ref().and_then(|d| d.fallback.clone()));
                if let Some(why) = status
                    .fallback
                    .as_ref()
                    .filter(|why| known.as_ref() != Some(*why))
                {
                    self.notify(Notice::GpuFallback(why.clone()));
                }
                self.device.set(Some(status));
            }
            Event::Dataset(summary) => {
                self.importing.set(false);
                let pixels = bytes.unwrap_or_default();
                self.dataset
                    .set(Some(Arc::new(DatasetView::new(summary, &pixels))));
            }
            Event::Started(mut run) => {
                self.steps_in_flight.set(0);
                self.settings.set(run.settings.clone());
                // A reopened run comes with its past; a fresh one with none.
                let history = std::mem::take(&mut run.history);
                self.step.set(run.steps);
                self.losses.set(history.losses);
                self.accuracy.set(
                    history
                        .validation
                        .iter()
                        .map(|(step, e)| (*step, e.accuracy))
                        .collect(),
                );
                self.validation_losses.set(
                    history
                        .validation
                        .iter()
                        .map(|(step, e)| (*step, e.loss))
                        .collect(),
                );
                self.gradients.set(history.gradients);
                let lost_at = self.lost_at.get_untracked();
                let accuracy = history.validation.last().map(|(_, e)| e.accuracy);
                self.reopened
                    .set(run.reopened.clone().map(|origin| Reopened {
                        lost: lost_at.map(|at| at.saturating_sub(run.steps)),
                        origin,
                        steps: run.steps,
                        accuracy,
                    }));
                if lost_at.is_some() {
                    self.lost_at.set(None);
                    if run.reopened.is_none() {
                        // The worker died before anything was kept: the run starts again.
                        self.notify(Notice::StartedAgain);
                    }
                }
                self.kept.set(run.reopened.is_some().then_some(run.steps));
                self.run.set(Some(run));
                self.probe.set(None);
                self.initial.set(None);
                self.weights.set(None);
                self.weight_history.set(Vec::new());
                self.report.set(None);
                self.backward.set(None);
                self.millis.set(None);
                self.divergence.set(None);
            }
            Event::Step { report, millis } => {
                self.step_answered();
                let step = report.step;
                self.losses.update(|points| {
                    points.retain(|(s, _)| *s < step);
                    points.push((step, report.loss));
                    vocab::history::thin(points);
                });
                self.millis.set(Some(millis));
                self.step.set(step);
                self.gradients.update(|points| {
                    points.retain(|(s, _)| *s < step);
                    points.push((step, report.gradient_norms.blocks.clone()));
                    vocab::history::thin_evenly(points);
                });
                let mut report = *report;
                if let Some(path) = report.backward.take() {
                    self.backward.set(Some((step, Arc::from(path))));
                }
                self.report.set(Some(Arc::new(report)));
            }
            Event::Validation { step, evaluation } => {
                use vocab::history::{thin_to, VALIDATION_POINTS};
                self.accuracy.update(|points| {
                    points.retain(|(s, _)| *s < step);
                    points.push((step, evaluation.accuracy));
                    thin_to(points, VALIDATION_POINTS);
                });
                self.validation_losses.update(|points| {
                    points.retain(|(s, _)| *s < step);
                    points.push((step, evaluation.loss));
                    thin_to(points, VALIDATION_POINTS);
                });
            }
            Event::Playing { playing } => {
                if !playing {
                    self.experiment.update(|e| {
                        if let Some(e) = e.as_mut().filter(|e| e.running()) {
                            e.stopped = true;
                        }
                    });
                }
                self.playing.set(playing);
            }
            Event::ArmStarted { arm, arms, updates } => self.experiment.update(|e| match e {
                Some(e) if arm > 0 && e.arms == arms => e.arm = arm,
                _ => {
                    *e = Some(ExperimentProgress {
                        arms,
                        updates,
                        arm,
                        done: Vec::new(),
                        stopped: false,
                    })
                }
            }),
            Event::DeviceComparison(comparison) => {
                self.advice.comparing.set(false);
                self.advice.comparison.set(Some(comparison));
            }
            Event::Recognised(seen) => self.recognition.set(Some(Arc::from(seen))),
            Event::ArmDone(done) => {
                let last = done.arm + 1 == done.arms;
                self.experiment.update(|e| {
                    if let Some(e) = e {
                        e.done.push(Arc::from(done));
                    }
                });
                // Its runs, ticked for the comparison charts.
                if last {
                    let kept: Vec<u64> = self.experiment.with_untracked(|e| {
                        e.iter()
                            .flat_map(|e| &e.done)
                            .filter_map(|d| d.kept)
                            .collect()
                    });
                    self.compared.set(kept);
                }
            }
            Event::Probe(view) => self.probe.set(Some(Arc::from(view))),
            Event::Initial(view) => self.initial.set(Some(Arc::from(view))),
            Event::Weights(view) => {
                // Another block starts another history.
                let block = self.weights.with_untracked(|w| w.as_ref().map(|w| w.block));
                if block.is_some_and(|b| b != view.block) {
                    self.weight_history.set(Vec::new());
                }
                self.weight_history.update(|points| {
                    points.retain(|(s, _, _)| *s < view.step);
                    points.push((view.step, view.drift, view.qk_similarity));
                    if points.len() > vocab::history::HISTORY_POINTS {
                        let mut pairs: Vec<(u64, ([f32; 3], f32))> =
                            points.drain(..).map(|(s, d, q)| (s, (d, q))).collect();
                        vocab::history::thin_evenly(&mut pairs);
                        points.extend(pairs.into_iter().map(|(s, (d, q))| (s, d, q)));
                    }
                });
                self.weights.set(Some(Arc::from(view)));
            }
            Event::Diverged(report) => {
                self.step_answered();
                self.playing.set(false);
                self.divergence.set(Some(report));
            }
            Event::RolledBack { step } => {
                self.divergence.set(None);
                self.losses.update(|p| p.retain(|(s, _)| *s <= step));
                self.accuracy.update(|p| p.retain(|(s, _)| *s <= step));
                self.validation_losses
                    .update(|p| p.retain(|(s, _)| *s <= step));
                self.gradients.update(|p| p.retain(|(s, _)| *s <= step));
                self.weight_history
                    .update(|p| p.retain(|(s, _, _)| *s <= step));
                if self
                    .report
                    .with_untracked(|r| r.as_ref().is_some_and(|r| r.step > step))
                {
                    self.report.set(None);
                }
                if self
                    .backward
                    .with_untracked(|b| b.as_ref().is_some_and(|(s, _)| *s > step))
                {
                    self.backward.set(None);
                }
                self.step.set(step);
                self.notify(Notice::RolledBack(step));
            }
            Event::ImportPreview(preview) => {
                self.importing.set(false);
                self.import_preview.set(Some(preview));
            }
            Event::ImportFailed { reason, skipped } => {
                self.importing.set(false);
                self.notify(Notice::ImportFailed { reason, skipped });
            }
            Event::RunSaved(saved) => {
                if saved.reason == SaveReason::Autosave {
                    self.kept.set(Some(saved.steps));
                }
            }
            Event::NotKept(why) => self.notify(Notice::NotKept(why)),
            Event::Shelf(shelf) => self.shelf.set(shelf),
            // The bridge carries the run over to the other worker program.
            Event::HandedOver { .. } => {}
            Event::Refused { reason } => {
                self.step_answered();
                self.advice.comparing.set(false);
                self.importing.set(false);
                self.notify(Notice::Refused(reason));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vocab::{EpochPosition, Evaluation, GradientNorms, TrackedEntry, TrackedValue, TrainError};

    fn report(step: u64, loss: f32) -> StepReport {
        let norms = BlockGradientNorms {
            wq: 1.0,
            wk: 2.0,
            wv: 3.0,
            wo: 4.0,
            mlp_fc1: 5.0,
            mlp_fc2: 6.0,
        };
        StepReport {
            step,
            position: EpochPosition {
                epoch: 1,
                update_in_epoch: step as usize,
                updates_per_epoch: 13,
                examples: 400,
            },
            batch_size: 32,
            learning_rate: 1e-3,
            loss,
            accuracy: 0.0,
            indices: vec![],
            labels: vec![],
            true_class_probability: vec![],
            predicted: vec![],
            predicted_probability: vec![],
            gradient_norms: GradientNorms {
                blocks: vec![norms],
                patch_embed: 0.0,
                cls_token: 0.0,
                pos_embed: 0.0,
                head: 0.0,
            },
            tracked: TrackedValue {
                entry: TrackedEntry::default(),
                before: 0.0,
                gradient: 0.0,
                after: 0.0,
                optimizer: vocab::OptimizerState::Sgd,
            },
            attention_gradients: None,
            backward: None,
            augmented: Vec::new(),
        }
    }

    fn started(run: u64) -> Event {
        Event::Started(RunStarted {
            settings: RunSettings::default(),
            parameters: 1_000,
            updates_per_epoch: 13,
            run,
            steps: 0,
            history: Default::default(),
            reopened: None,
            position: None,
        })
    }

    fn step(state: &PageState, step: u64, loss: f32) {
        let report = Box::new(report(step, loss));
        state.apply(
            Event::Step {
                report,
                millis: 2.0,
            },
            None,
        );
    }

    #[test]
    fn webgpu_falling_back_is_said_once_however_often_the_workers_change() {
        let state = PageState::new(Lang::En, DeviceChoice::Gpu);
        let on_cpu = |workers| DeviceStatus {
            backend: Backend::Flex,
            fallback: Some(GpuFallback::NoAdapter),
            workers,
            helpers_lost: None,
        };
        let fallbacks = || {
            state
                .notices
                .get_untracked()
                .iter()
                .filter(|n| matches!(n, Notice::GpuFallback(_)))
                .count()
        };
        state.apply(Event::Device(on_cpu(1)), None);
        assert_eq!(fallbacks(), 1);
        // The learner closes it; a helper loads, and the status comes again.
        state.notices.set(Vec::new());
        state.apply(Event::Device(on_cpu(2)), None);
        assert_eq!(fallbacks(), 0, "a closed notice came back");
        assert_eq!(state.device.get_untracked().map(|d| d.workers), Some(2));
        // A new worker (the device forgotten while it starts) says it again.
        state.device.set(None);
        state.apply(Event::Device(on_cpu(1)), None);
        assert_eq!(fallbacks(), 1);
    }

    #[test]
    fn a_reopened_run_brings_its_counter_and_charts_and_says_what_was_lost() {
        let state = PageState::new(Lang::En, DeviceChoice::Cpu);
        state.apply(started(1), None);
        step(&state, 1, 3.0);
        // The worker died at update 9; its replacement reopened the autosave of update 7.
        state.lost_at.set(Some(9));
        let history = vocab::protocol::RunHistory {
            losses: vec![(6, 2.0), (7, 1.5)],
            validation: vec![(
                7,
                Evaluation {
                    loss: 1.0,
                    accuracy: 0.5,
                    images: 80,
                },
            )],
            gradients: Vec::new(),
        };
        state.apply(
            Event::Started(RunStarted {
                steps: 7,
                history,
                reopened: Some(RunOrigin::Autosave),
                ..match started(2) {
                    Event::Started(run) => run,
                    _ => unreachable!(),
                }
            }),
            None,
        );
        assert_eq!(state.step.get_untracked(), 7);
        assert_eq!(state.losses.get_untracked(), vec![(6, 2.0), (7, 1.5)]);
        assert_eq!(state.accuracy.get_untracked(), vec![(7, 0.5)]);
        assert_eq!(state.validation_losses.get_untracked(), vec![(7, 1.0)]);
        assert_eq!(state.kept.get_untracked(), Some(7));
        assert_eq!(
            state.reopened.get_untracked(),
            Some(Reopened {
                origin: RunOrigin::Autosave,
                steps: 7,
                lost: Some(2),
                accuracy: Some(0.5)
            })
        );
        assert_eq!(state.lost_at.get_untracked(), None);
        // A later autosave moves the "kept" mark; a download does not.
        let saved = |reason, steps| {
            Event::RunSaved(vocab::protocol::RunSaved {
                reason,
                steps,
                file_name: "run.vitp".into(),
            })
        };
        state.apply(saved(SaveReason::Download, 8), None);
        assert_eq!(state.kept.get_untracked(), Some(7));
        state.apply(saved(SaveReason::Autosave, 9), None);
        assert_eq!(state.kept.get_untracked(), Some(9));
    }

    #[test]
    fn updates_build_the_loss_history_and_a_new_run_clears_it() {
        let state = PageState::new(Lang::En, DeviceChoice::Cpu);
        state.apply(started(1), None);
        for (n, loss) in [(1, 3.7), (2, 3.5), (3, 3.2)] {
            step(&state, n, loss);
        }
        state.apply(
            Event::Validation {
                step: 3,
                evaluation: Evaluation {
                    loss: 3.0,
                    accuracy: 0.25,
                    images: 80,
                },
            },
            None,
        );
        assert_eq!(state.step.get_untracked(), 3);
        assert_eq!(
            state.losses.get_untracked(),
            vec![(1, 3.7), (2, 3.5), (3, 3.2)]
        );
        assert_eq!(state.accuracy.get_untracked(), vec![(3, 0.25)]);
        assert_eq!(state.gradients.get_untracked().len(), 3);
        state.apply(started(2), None);
        assert_eq!(state.step.get_untracked(), 0);
        assert!(state.losses.get_untracked().is_empty());
        assert!(state.report.get_untracked().is_none());
    }

    #[test]
    fn a_report_for_an_update_seen_before_replaces_it_and_drops_what_came_after() {
        let state = PageState::new(Lang::En, DeviceChoice::Cpu);
        state.apply(started(1), None);
        for n in 1..=4 {
            step(&state, n, 4.0 - n as f32 / 10.0);
        }
        // After a rollback to update 2 the worker reports update 3 again.
        state.apply(Event::RolledBack { step: 2 }, None);
        assert_eq!(state.losses.get_untracked().len(), 2);
        assert_eq!(state.notices.get_untracked(), vec![Notice::RolledBack(2)]);
        step(&state, 3, 1.0);
        assert_eq!(state.losses.get_untracked().last(), Some(&(3, 1.0)));
        assert_eq!(state.losses.get_untracked().len(), 3);
    }

    #[test]
    fn a_divergence_pauses_and_shows_its_report_until_the_rollback() {
        let state = PageState::new(Lang::En, DeviceChoice::Cpu);
        state.apply(Event::Playing { playing: true }, None);
        let report = DivergenceReport {
            step: 5,
            loss: f32::NAN,
            learning_rate: 1e30,
            good_steps: 4,
        };
        state.apply(Event::Diverged(report), None);
        assert!(!state.playing.get_untracked());
        assert!(state.divergence.get_untracked().is_some());
        state.apply(Event::RolledBack { step: 4 }, None);
        assert!(state.divergence.get_untracked().is_none());
    }

    #[test]
    fn a_comparison_ends_the_wait_for_it_and_is_shown_and_so_does_a_refusal() {
        use vocab::protocol::{DeviceComparison, DeviceSpeed};
        let state = PageState::new(Lang::En, DeviceChoice::Gpu);
        state.advice.comparing.set(true);
        let speed = DeviceSpeed {
            first_ms: 40.0,
            update_ms: 30.0,
            updates: 3,
            workers: 1,
        };
        let comparison = DeviceComparison {
            model: vocab::Preset::Tiny.into(),
            batch_size: 32,
            cpu: speed,
            gpu: Ok(DeviceSpeed {
                update_ms: 900.0,
                ..speed
            }),
        };
        state.apply(Event::DeviceComparison(comparison.clone()), None);
        assert!(!state.advice.comparing.get_untracked());
        assert_eq!(state.advice.comparison.get_untracked(), Some(comparison));
        // A comparison that could not be made (no run yet, too large to copy) ends the wait.
        state.advice.comparing.set(true);
        let refused = Event::Refused {
            reason: Refusal::NotReady,
        };
        state.apply(refused, None);
        assert!(!state.advice.comparing.get_untracked());
    }

    #[test]
    fn refusals_become_notices_once_each_and_end_an_import() {
        let state = PageState::new(Lang::En, DeviceChoice::Cpu);
        state.importing.set(true);
        let refused = Event::Refused {
            reason: TrainError::BadLearningRate(-1.0).into(),
        };
        state.apply(refused.clone(), None);
        state.apply(refused, None);
        assert!(!state.importing.get_untracked());
        assert_eq!(
            state.notices.get_untracked(),
            vec![Notice::Refused(TrainError::BadLearningRate(-1.0).into())]
        );
    }

    #[test]
    fn an_import_preview_ends_the_reading_and_waits_for_the_learner() {
        let state = PageState::new(Lang::En, DeviceChoice::Cpu);
        state.importing.set(true);
        let preview = ImportPreview {
            name: "yalefaces".into(),
            layout: Some(vocab::faces::Layout::NamesInFiles),
            people: vec![("subject01".into(), 11), ("subject02".into(), 11)],
            skipped: Vec::new(),
            people_left_out: 0,
        };
        state.apply(Event::ImportPreview(preview.clone()), None);
        assert!(!state.importing.get_untracked());
        assert_eq!(state.import_preview.get_untracked(), Some(preview));
        assert!(
            state.dataset.get_untracked().is_none(),
            "nothing in use changed"
        );
    }

    #[test]
    fn the_weight_history_starts_again_for_another_block() {
        let state = PageState::new(Lang::En, DeviceChoice::Cpu);
        let weights = |step: u64, block: usize| {
            Event::Weights(Box::new(WeightsView {
                step,
                block,
                width: 1,
                wq: vec![0.0],
                wk: vec![0.0],
                wv: vec![0.0],
                bq: vec![0.0],
                bk: vec![0.0],
                drift: [0.1, 0.2, 0.3],
                qk_similarity: 0.05,
                groups: Vec::new(),
            }))
        };
        state.apply(weights(1, 0), None);
        state.apply(weights(2, 0), None);
        assert_eq!(state.weight_history.get_untracked().len(), 2);
        state.apply(weights(3, 1), None);
        assert_eq!(
            state.weight_history.get_untracked(),
            vec![(3, [0.1, 0.2, 0.3], 0.05)]
        );
    }

    #[test]
    fn the_dataset_keeps_its_pixels_and_names_people() {
        let state = PageState::new(Lang::En, DeviceChoice::Cpu);
        let summary = DatasetSummary {
            imported_from: None,
            size: 2,
            people: vec!["Ada".into(), "Alan".into()],
            train_labels: vec![0, 1],
            validation_labels: vec![1],
            skipped: vec![],
            people_left_out: 0,
        };
        let pixels: Vec<u8> = (0..12).collect();
        state.apply(Event::Dataset(summary), Some(pixels));
        let data = state.dataset.get_untracked().unwrap();
        assert_eq!(data.train_image(1), Some(&[4u8, 5, 6, 7][..]));
        assert_eq!(data.person(1), "Alan");
        assert_eq!(data.person(9), "?");
    }

    #[test]
    fn a_step_pressed_during_an_update_counts_once_and_no_more_wait() {
        let state = PageState::new(Lang::En, DeviceChoice::Cpu);
        state.apply(started(1), None);
        assert!(state.take_step_slot(), "the first Step runs");
        assert!(state.take_step_slot(), "one more waits behind it");
        assert!(!state.take_step_slot(), "a third is not queued");
        state.apply(
            Event::Step {
                report: Box::new(report(1, 2.0)),
                millis: 30.0,
            },
            None,
        );
        assert!(state.take_step_slot(), "an answered Step frees its place");
        assert!(!state.take_step_slot());
        // A new run starts with nothing in flight.
        state.apply(started(2), None);
        assert!(state.take_step_slot());
    }
}
