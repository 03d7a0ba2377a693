//! What the page knows: only what the worker reported, held in signals.

use std::sync::Arc;

use leptos::prelude::*;
use model::{Backend, BlockGradientNorms, StepReport};

use crate::i18n::Lang;
use crate::protocol::{
    DatasetSummary, DeviceChoice, DeviceStatus, DivergenceReport, Event, GpuFallback, HeadView,
    InitialView, InspectTarget, RunSettings, RunStarted, WeightsView,
};
use crate::ui::faces::FaceAtlas;

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
    Refused(String),
    RolledBack(u64),
    ImportFailed {
        message: String,
        skipped: Vec<faces::Skipped>,
    },
}

/// Every signal of the page. `Copy`, so components take it by value.
#[derive(Clone, Copy)]
pub struct PageState {
    pub lang: RwSignal<Lang>,
    pub device_choice: RwSignal<DeviceChoice>,
    pub device: RwSignal<Option<DeviceStatus>>,
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
    pub report: RwSignal<Option<Arc<StepReport>>>,
    pub millis: RwSignal<Option<f64>>,
    pub dataset: RwSignal<Option<Arc<DatasetView>>>,
    pub divergence: RwSignal<Option<DivergenceReport>>,
    pub notices: RwSignal<Vec<Notice>>,
    pub importing: RwSignal<bool>,
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
    /// The guided tour's lesson (from 0), and whether the page is set up for a projector.
    pub lesson: RwSignal<usize>,
    pub classroom: RwSignal<bool>,
}

impl PageState {
    pub fn new(lang: Lang, device_choice: DeviceChoice) -> Self {
        Self {
            lang: RwSignal::new(lang),
            device_choice: RwSignal::new(device_choice),
            device: RwSignal::new(None),
            settings: RwSignal::new(RunSettings::default()),
            delay_ms: RwSignal::new(0),
            playing: RwSignal::new(false),
            run: RwSignal::new(None),
            step: RwSignal::new(0),
            losses: RwSignal::new(Vec::new()),
            accuracy: RwSignal::new(Vec::new()),
            report: RwSignal::new(None),
            millis: RwSignal::new(None),
            dataset: RwSignal::new(None),
            divergence: RwSignal::new(None),
            notices: RwSignal::new(Vec::new()),
            importing: RwSignal::new(false),
            log_scale: RwSignal::new(false),
            inspect: RwSignal::new(InspectTarget::default()),
            probe: RwSignal::new(None),
            initial: RwSignal::new(None),
            gradients: RwSignal::new(Vec::new()),
            weights: RwSignal::new(None),
            weight_history: RwSignal::new(Vec::new()),
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
                if let Some(why) = &status.fallback {
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
            Event::Started(run) => {
                self.settings.set(run.settings.clone());
                self.run.set(Some(run));
                self.step.set(0);
                self.losses.set(Vec::new());
                self.accuracy.set(Vec::new());
                self.gradients.set(Vec::new());
                self.probe.set(None);
                self.initial.set(None);
                self.weights.set(None);
                self.weight_history.set(Vec::new());
                self.report.set(None);
                self.millis.set(None);
                self.divergence.set(None);
            }
            Event::Step { report, millis } => {
                let step = report.step;
                self.losses.update(|points| {
                    points.retain(|(s, _)| *s < step);
                    points.push((step, report.loss));
                });
                self.millis.set(Some(millis));
                self.step.set(step);
                self.gradients.update(|points| {
                    points.retain(|(s, _)| *s < step);
                    points.push((step, report.gradient_norms.blocks.clone()));
                });
                self.report.set(Some(Arc::new(*report)));
            }
            Event::Validation { step, evaluation } => self.accuracy.update(|points| {
                points.retain(|(s, _)| *s < step);
                points.push((step, evaluation.accuracy));
            }),
            Event::Playing { playing } => self.playing.set(playing),
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
                });
                self.weights.set(Some(Arc::from(view)));
            }
            Event::Diverged(report) => {
                self.playing.set(false);
                self.divergence.set(Some(report));
            }
            Event::RolledBack { step } => {
                self.divergence.set(None);
                self.losses.update(|p| p.retain(|(s, _)| *s <= step));
                self.accuracy.update(|p| p.retain(|(s, _)| *s <= step));
                self.gradients.update(|p| p.retain(|(s, _)| *s <= step));
                self.weight_history
                    .update(|p| p.retain(|(s, _, _)| *s <= step));
                if self
                    .report
                    .with_untracked(|r| r.as_ref().is_some_and(|r| r.step > step))
                {
                    self.report.set(None);
                }
                self.step.set(step);
                self.notify(Notice::RolledBack(step));
            }
            Event::ImportFailed { message, skipped } => {
                self.importing.set(false);
                self.notify(Notice::ImportFailed { message, skipped });
            }
            Event::Refused { message } => {
                self.importing.set(false);
                self.notify(Notice::Refused(message));
            }
        }
    }
}
