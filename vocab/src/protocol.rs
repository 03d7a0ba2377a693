//! What the page and the training worker say to each other.
//!
//! Both sides are Rust; the messages cross `postMessage` as MessagePack bytes
//! ([`crate::codec`]), with raw bytes (face pixels, the learner's files) beside them rather
//! than inside them. The page sends
//! [`Command`]s; the worker answers with [`Event`]s. The worker owns the model and the data,
//! the page owns nothing but what it was told: data flows one way, from the training loop to
//! the views.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::backend::Backend;
use crate::config::Preset;
use crate::data::{Augmentation, EpochPosition};
use crate::error::{BackendError, TrainError};
use crate::faces::{ImportError, Layout, Skipped, SourceFile};
use crate::optimizer::OptimizerChoice;
use crate::report::{BlockGradientNorms, Evaluation, HeadTarget, StepReport};
use crate::run_file::RunFileError;
use crate::shape::ModelShape;
use crate::shelf::Shelf;
use crate::training::TrainingOptions;

/// Which kind of device the learner asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// WebGPU when the browser gives an adapter, the CPU otherwise.
    Gpu,
    /// burn-flex on the CPU, in the worker.
    Cpu,
}

/// Everything that fixes a run: changing the model's shape or the seed starts a new one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSettings {
    /// Written `preset` (a preset's name, or the shape's numbers when no preset has it), as
    /// run files of earlier versions wrote it.
    #[serde(rename = "preset")]
    pub model: ModelShape,
    pub seed: u64,
    pub optimizer: OptimizerChoice,
    pub learning_rate: f64,
    pub batch_size: usize,
    /// Shifts (and mirrors) of the training images, drawn afresh at every update.
    #[serde(default)]
    pub augmentation: Augmentation,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            model: Preset::Tiny.into(),
            seed: 0,
            optimizer: OptimizerChoice::Adam,
            learning_rate: OptimizerChoice::Adam.usual_learning_rate(),
            batch_size: 32,
            augmentation: Augmentation::PAGE,
        }
    }
}

impl RunSettings {
    /// The page's controls for a trainer's options: `None` for a model the page cannot
    /// shape (colour, another LayerNorm epsilon) or an optimizer it does not offer (`vitp`
    /// can train both).
    pub fn from_training(options: &TrainingOptions) -> Option<RunSettings> {
        let model = &options.model;
        let shape = ModelShape::of(model);
        if shape.config(model.classes, model.seed) != *model {
            return None;
        }
        Some(RunSettings {
            model: shape,
            seed: model.seed,
            optimizer: OptimizerChoice::from_kind(options.optimizer)?,
            learning_rate: options.learning_rate,
            batch_size: options.batch_size,
            augmentation: options.augmentation,
        })
    }
}

/// What a file handed to the worker is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportKind {
    /// Every file of a chosen folder, one folder per person.
    Folder,
    /// A .zip of such a folder.
    Zip,
    /// A `.pack` written by `vitp faces import` (or by this page).
    Pack,
}

/// From the page to the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Opens a device: the first run (fresh weights from the seed), or the run in progress
    /// carried over to another device where it stopped.
    Start {
        device: DeviceChoice,
        settings: RunSettings,
        /// Whether to reopen the run kept in the browser's storage, if there is one, instead
        /// of starting from the seed (the page asks when it opens, and after a worker died).
        #[serde(default)]
        resume: bool,
        /// The kept run's bytes: the worker reads them from its storage into the command.
        #[serde(skip)]
        kept: Vec<u8>,
        /// The recent runs the browser keeps, as the worker read their index.
        #[serde(skip)]
        shelf: Shelf,
        /// The run another worker program handed over ([`Command::HandOver`]), carried on
        /// where it stopped on the device asked for.
        #[serde(default)]
        carried: Option<CarriedRun>,
    },
    /// Pauses and hands the run in progress over, so that the page can carry it on in the
    /// other worker program (the CPU-only one cannot open WebGPU): answered, once the
    /// browser's storage is up to date, by [`Event::HandedOver`], the run file beside it.
    HandOver,
    /// Fresh weights from the seed, with these settings, on the same device and data.
    Reset {
        settings: RunSettings,
    },
    /// Exactly one update.
    Step,
    /// Updates one after another, `delay_ms` apart (0: as fast as the device goes).
    Play {
        delay_ms: u32,
    },
    Pause,
    /// Splits each update's batch between `count` workers, one per core (the CPU backend
    /// only): the same update, computed in parallel (see `model::share`). Answered by
    /// [`Event::Device`] with the number in use.
    SetWorkers {
        count: usize,
    },
    SetSpeed {
        delay_ms: u32,
    },
    SetLearningRate {
        learning_rate: f64,
    },
    SetOptimizer {
        optimizer: OptimizerChoice,
    },
    SetBatchSize {
        batch_size: usize,
    },
    /// Shifts (and mirrors) of the training images from the next update on.
    SetAugmentation {
        augmentation: Augmentation,
    },
    /// Back to the last good weights after a divergence, or one update back otherwise.
    Rollback,
    /// Back to the built-in synthetic faces.
    UseSynthetic,
    /// Which image, block and head the attention views look at; the worker probes it after
    /// every update from now on.
    Inspect(InspectTarget),
    /// The learner's files, read into a face set that is not used yet: the worker answers
    /// with [`Event::ImportPreview`], who was found, for the learner to accept or discard.
    /// Only their paths are written into the message: the bytes travel beside it and the
    /// worker puts them back before handing the command on.
    Import {
        kind: ImportKind,
        name: String,
        files: Vec<SourceFile>,
    },
    /// Writes the run in progress as a run file (answered by [`Event::RunSaved`], the
    /// file's bytes beside it).
    SaveRun {
        reason: SaveReason,
    },
    /// Continues a kept run: a run file's bytes travel beside the message, as an import's
    /// do. A file that cannot be opened leaves the run in use as it was.
    OpenRun {
        origin: RunOrigin,
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// Lets a recent run go from the browser's storage (never the open one).
    ForgetRun {
        id: u64,
    },
    /// Trains on the previewed faces: a new run on them (the run in use is kept).
    AcceptImport,
    /// Drops the previewed faces; nothing else changes.
    DiscardImport,
    /// Trains one fresh run per arm, one after the other, each played to `updates` and kept
    /// among the recent runs, so runs that differ in one setting can be compared at the
    /// same update ([`Event::ArmStarted`], [`Event::ArmDone`]). Pause, or anything that
    /// replaces the run, ends the experiment where it is.
    RunExperiment {
        arms: Vec<RunSettings>,
        updates: u64,
    },
    /// One camera frame through the model, inference only (training pauses): answered by
    /// [`Event::Recognised`]. The frame's RGBA bytes, `width × height`, travel beside the
    /// message.
    Recognise {
        width: u32,
        height: u32,
        #[serde(skip)]
        rgba: Vec<u8>,
    },
    /// Times the run's model on WebGPU, then on the CPU with the workers asked for, with fresh
    /// weights from its settings on its training faces (the run itself is untouched; play
    /// pauses): answered by [`Event::DeviceComparison`]. Only the WebGPU program can time both.
    CompareDevices,
}

/// What one run of an experiment looked like at its last update, for the page to show
/// beside the others: the inspected image, the last block's heads and the rollout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArmDone {
    /// Which arm (from 0) of how many.
    pub arm: usize,
    pub arms: usize,
    pub settings: RunSettings,
    /// Updates done: the experiment's count, or fewer when it stopped early.
    pub step: u64,
    /// Its id among the recent runs, when the browser could keep it.
    pub kept: Option<u64>,
    /// The loss of its last update, and its validation after it.
    pub loss: f32,
    pub validation: Option<Evaluation>,
    pub view: LastBlockView,
}

/// One training image seen by the whole model at once: the model's answer, every head of
/// the last block and the rollout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LastBlockView {
    /// The training image looked at (the attention views' image).
    pub image: usize,
    pub label: usize,
    pub predicted: usize,
    pub probability: f32,
    /// Patches per side: each map below is `grid × grid`.
    pub grid: usize,
    /// The last block's heads: how much CLS attends to each patch (its attention row, CLS
    /// itself left out), one map per head.
    #[serde(with = "crate::packed::rows")]
    pub heads: Vec<Vec<f32>>,
    /// The rollout from CLS over the patches, through every block.
    #[serde(with = "crate::packed")]
    pub rollout: Vec<f32>,
}

/// What the model made of one camera frame: who, and where CLS looked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recognition {
    /// The three most probable people (or fewer), most probable first: (person, probability).
    pub top: Vec<(usize, f32)>,
    /// The frame as the model saw it: `size × size` grey bytes.
    pub size: usize,
    #[serde(with = "serde_bytes")]
    pub seen: Vec<u8>,
    /// Patches per side of every map below.
    pub grid: usize,
    /// The block and head of the attention views.
    pub target: HeadTarget,
    /// CLS's attention over the patches in that head (its own column left out).
    #[serde(with = "crate::packed")]
    pub head: Vec<f32>,
    /// The rollout from CLS over the patches, through every block.
    #[serde(with = "crate::packed")]
    pub rollout: Vec<f32>,
}

/// Why the worker is on the CPU although WebGPU was asked for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum GpuFallback {
    /// The browser offers no WebGPU adapter (the page says so in the learner's language).
    NoAdapter,
    /// WebGPU is there but failed to start, with the driver's words.
    Failed { message: String },
}

/// How fast one device trained a model, timed in the worker.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceSpeed {
    /// The first update, which on WebGPU includes compiling the shaders this model's sizes
    /// need, where nothing compiled them before in this page load.
    pub first_ms: f64,
    /// The median of the updates after the first: what every later update costs.
    pub update_ms: f64,
    /// How many updates `update_ms` is the median of.
    pub updates: usize,
    /// Workers that shared each update (the CPU's helpers, as in the run; 1 on WebGPU).
    #[serde(default = "one_worker")]
    pub workers: usize,
}

/// WebGPU beside the CPU for one model and batch size, in this browser on this machine: the
/// page trains on WebGPU only where it is the faster of the two.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceComparison {
    pub model: ModelShape,
    pub batch_size: usize,
    /// Shared with the helpers that were ready among those asked for, as the run's updates
    /// on the CPU are ([`DeviceSpeed::workers`]).
    pub cpu: DeviceSpeed,
    /// Why there is no figure where WebGPU did not start or could not train the model.
    pub gpu: Result<DeviceSpeed, GpuFallback>,
}

impl DeviceComparison {
    /// The device whose later updates are quicker (WebGPU only where it has a figure and
    /// beats the CPU's): the first update's compilation is paid once per page load, the
    /// difference at every update.
    pub fn faster(&self) -> DeviceChoice {
        match &self.gpu {
            Ok(gpu) if gpu.update_ms < self.cpu.update_ms => DeviceChoice::Gpu,
            _ => DeviceChoice::Cpu,
        }
    }
}

/// One head of one block, looking at one training image.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectTarget {
    /// Index into the training images.
    pub image: usize,
    pub block: usize,
    pub head: usize,
}

/// What one head computed for one image with the current weights: the attention views
/// draw these numbers and nothing else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeadView {
    /// Updates done when it was computed.
    pub step: u64,
    pub target: InspectTarget,
    /// CLS, then the patches row by row.
    pub tokens: usize,
    /// Patches per side of the image.
    pub grid: usize,
    pub head_dim: usize,
    /// The model's width (all heads together).
    pub width: usize,
    /// What the block's Wq, Wk, Wv were applied to, `[tokens, width]`: its input after the
    /// LayerNorm. One X for Q, K and V.
    #[serde(with = "crate::packed")]
    pub input: Vec<f32>,
    /// This head's queries, keys and values, `[tokens, head_dim]` each: recomputed for every
    /// image from the learned Wq, Wk, Wv.
    #[serde(with = "crate::packed")]
    pub q: Vec<f32>,
    #[serde(with = "crate::packed")]
    pub k: Vec<f32>,
    #[serde(with = "crate::packed")]
    pub v: Vec<f32>,
    /// `Q·Kᵀ / √d_head`, `[tokens, tokens]`, row = query token.
    #[serde(with = "crate::packed")]
    pub scores: Vec<f32>,
    /// Softmax of each row of `scores`.
    #[serde(with = "crate::packed")]
    pub attention: Vec<f32>,
    /// Attention rollout from CLS through every block (heads averaged, the residual path
    /// added as the identity): how much each token feeds the CLS token at the end.
    #[serde(with = "crate::packed")]
    pub rollout: Vec<f32>,
    /// The image's person and the model's answer.
    pub label: usize,
    pub predicted: usize,
    pub probability: f32,
}

/// The inspected image, block and head with the weights of update 0: the attention and the
/// rollout before any training. They never change for a target within a run, so the worker
/// sends them once per target and run, not with every probe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InitialView {
    pub target: InspectTarget,
    /// `[tokens, tokens]`, as [`HeadView::attention`].
    #[serde(with = "crate::packed")]
    pub attention: Vec<f32>,
    #[serde(with = "crate::packed")]
    pub rollout: Vec<f32>,
}

/// The learned attention matrices of the inspected block, and how training has moved them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeightsView {
    pub step: u64,
    pub block: usize,
    /// `[width, width]` each, row-major, `x · W`.
    pub width: usize,
    #[serde(with = "crate::packed")]
    pub wq: Vec<f32>,
    #[serde(with = "crate::packed")]
    pub wk: Vec<f32>,
    #[serde(with = "crate::packed")]
    pub wv: Vec<f32>,
    /// The biases of Wq and Wk, `[width]`: `Q = X · Wq + bq`.
    #[serde(with = "crate::packed")]
    pub bq: Vec<f32>,
    #[serde(with = "crate::packed")]
    pub bk: Vec<f32>,
    /// ‖W − W₀‖ / ‖W₀‖ (Frobenius) for Wq, Wk, Wv: how far each has moved from its initial value.
    pub drift: [f32; 3],
    /// Cosine similarity of Wq and Wk as vectors: they start unrelated (near 0).
    pub qk_similarity: f32,
    /// How far every group of learned numbers of the model has moved, in model order.
    #[serde(default)]
    pub groups: Vec<ParameterDrift>,
}

/// How far one group of learned numbers (a weight with its bias, a LayerNorm's γ with its
/// β, CLS, the positions) has moved from its value at update 0: `‖W − W₀‖ / ‖W₀‖`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParameterDrift {
    /// `patch_embed`, `cls_token`, `pos_embed`, `blocks.{i}.norm1`, `blocks.{i}.attn.wq`,
    /// `…wk`, `…wv`, `…wo`, `blocks.{i}.norm2`, `blocks.{i}.mlp.fc1`, `…fc2`, `norm`, `head`.
    pub group: String,
    pub drift: f32,
}

/// The device a run is on, as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceStatus {
    pub backend: Backend,
    pub fallback: Option<GpuFallback>,
    /// Workers that share each update (one per core, see `Command::SetWorkers`): 1 on
    /// WebGPU, and wherever no more were asked for or could be started.
    #[serde(default = "one_worker")]
    pub workers: usize,
    /// Why the helper workers were let go, when one failed (the run went on without them).
    #[serde(default)]
    pub helpers_lost: Option<String>,
}

fn one_worker() -> usize {
    1
}

/// The most workers a run may share its updates between: each holds a copy of the model,
/// and beyond this the copies of the weights sent each update cost more than the shares save.
pub const MAX_WORKERS: usize = 16;

/// The face set in use, described for the dataset view. Its pixels travel beside the
/// event: the training images, then the validation images, `size × size` bytes each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetSummary {
    /// `None` for the built-in synthetic faces, else the folder or file name.
    pub imported_from: Option<String>,
    pub size: usize,
    pub people: Vec<String>,
    pub train_labels: Vec<usize>,
    pub validation_labels: Vec<usize>,
    /// Files left out of the import, and why.
    pub skipped: Vec<Skipped>,
    /// People with enough images beyond the cap on people.
    pub people_left_out: usize,
}

/// The learner's files read into a face set not in use yet: who was found, and what was
/// left out, for the learner to check before training on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// The folder or file name.
    pub name: String,
    /// How the files said whose face each is; `None` for a `.pack`.
    pub layout: Option<Layout>,
    /// Each person found and their usable images, in the set's order.
    pub people: Vec<(String, usize)>,
    /// Files left out, and why.
    pub skipped: Vec<Skipped>,
    /// People with enough images beyond the cap on people.
    pub people_left_out: usize,
}

/// A run the page shows from now on: a fresh one, or one reopened where it stopped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunStarted {
    pub settings: RunSettings,
    pub parameters: usize,
    pub updates_per_epoch: usize,
    /// A number from this run, for the page's stale-report check.
    pub run: u64,
    /// Updates already done: 0 for a fresh run.
    #[serde(default)]
    pub steps: u64,
    /// What the charts showed when the run was kept: empty for a fresh run.
    #[serde(default)]
    pub history: RunHistory,
    /// Where a reopened run came from; `None` for a fresh run.
    #[serde(default)]
    pub reopened: Option<RunOrigin>,
    /// Where its last update's batch sat in its epoch; `None` before the first update.
    #[serde(default)]
    pub position: Option<EpochPosition>,
}

/// The numbers a run's charts show, kept with the run so a reopened run shows its past.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunHistory {
    /// (update, batch loss) of every update.
    pub losses: Vec<(u64, f32)>,
    /// (update, loss and accuracy on the validation images).
    pub validation: Vec<(u64, Evaluation)>,
    /// (update, gradient norms of every block).
    pub gradients: Vec<(u64, Vec<BlockGradientNorms>)>,
}

impl RunHistory {
    /// Adds an update's loss and gradient norms (replacing any from a rolled-back future),
    /// keeping both bounded (see [`crate::history`]).
    pub fn record_step(&mut self, report: &StepReport) {
        let step = report.step;
        self.losses.retain(|(s, _)| *s < step);
        self.losses.push((step, report.loss));
        crate::history::thin(&mut self.losses);
        self.gradients.retain(|(s, _)| *s < step);
        self.gradients
            .push((step, report.gradient_norms.blocks.clone()));
        crate::history::thin_evenly(&mut self.gradients);
    }

    /// Forgets what came after update `step` (a rollback).
    pub fn truncate(&mut self, step: u64) {
        self.losses.retain(|(s, _)| *s <= step);
        self.validation.retain(|(s, _)| *s <= step);
        self.gradients.retain(|(s, _)| *s <= step);
    }
}

/// Where a reopened run came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum RunOrigin {
    /// The browser's own copy, kept while the learner trained.
    Autosave,
    /// A run file the learner opened, by its name.
    File { name: String },
    /// One of the recent runs the browser keeps.
    Kept { id: u64 },
    /// The page's trained model (`assets/`), as `cargo xtask assets` made it.
    Trained,
}

/// Why a run file was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SaveReason {
    /// The learner asked for a file ("Save run…").
    Download,
    /// The worker keeps the run in the browser's storage.
    Autosave,
}

/// A run on its way from one worker program to another: the page starts the new one with it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CarriedRun {
    /// The recent run it is kept as, so that the new program goes on keeping it there.
    pub kept_as: Option<u64>,
    /// The run file; it travels beside the message.
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// Why the browser's storage did not keep the run.
#[derive(Clone, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum StorageError {
    /// No storage for this page (private browsing, or the browser refuses it).
    #[error("this browser gives the page no storage (private browsing?)")]
    Unavailable,
    /// The storage quota is used up.
    #[error("the browser's storage for this page is full")]
    Full,
    /// Anything else, in the browser's words.
    #[error("the browser's storage failed: {0}")]
    Failed(String),
}

/// A run file just written; its bytes travel beside the event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSaved {
    pub reason: SaveReason,
    /// Updates done in the saved run.
    pub steps: u64,
    /// A file name the page can offer, e.g. `vitp-small-adam-update-250.vitp`.
    pub file_name: String,
}

/// An update whose loss or gradients came back NaN or infinite.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DivergenceReport {
    pub step: u64,
    /// NaN or infinite.
    pub loss: f32,
    pub learning_rate: f64,
    /// The update the last good weights come from.
    pub good_steps: u64,
}

/// From the worker to the page.
///
/// Internally tagged: serde buffers each message in a tree of its own to find its tag, then
/// reads the variant from that tree. Read in one pass instead (adjacently or externally
/// tagged), every type's decoding is compiled for the MessagePack reader as well: 0.13 MB
/// more of the page's program once compressed (BENCHMARKS.md, layout issue). The buffering
/// is cheap because the long arrays travel packed ([`crate::packed`]): a `small` probe is a
/// few dozen nodes, not sixteen thousand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The worker's program is running and listens for commands.
    Loaded,
    Device(DeviceStatus),
    Dataset(DatasetSummary),
    Started(RunStarted),
    Step {
        report: Box<StepReport>,
        /// Wall time of the update, read-back included.
        millis: f64,
    },
    Validation {
        step: u64,
        evaluation: Evaluation,
    },
    /// The inspected head after the latest update.
    Probe(Box<HeadView>),
    /// The inspected head with the weights of update 0 (before the first probe of a target).
    Initial(Box<InitialView>),
    /// The inspected block's learned attention weights after the latest update.
    Weights(Box<WeightsView>),
    Playing {
        playing: bool,
    },
    Diverged(DivergenceReport),
    /// The run went back to the weights after update `step`.
    RolledBack {
        step: u64,
    },
    /// An experiment's run `arm` (from 0) of `arms` started; it plays to `updates`.
    ArmStarted {
        arm: usize,
        arms: usize,
        updates: u64,
    },
    /// An experiment's run reached its last update (or was stopped).
    ArmDone(Box<ArmDone>),
    /// A camera frame through the model (see [`Command::Recognise`]).
    Recognised(Box<Recognition>),
    /// The run's model timed on both devices (see [`Command::CompareDevices`]).
    DeviceComparison(DeviceComparison),
    /// The learner's files read, not yet in use (see [`Command::Import`]).
    ImportPreview(ImportPreview),
    /// An import that left the data in use untouched, and the files it skipped on the way.
    ImportFailed {
        reason: Refusal,
        skipped: Vec<Skipped>,
    },
    /// The run in progress, written as a run file (bytes beside the event; an autosave's
    /// stay in the worker's storage).
    RunSaved(RunSaved),
    /// The browser's storage did not take the run: training goes on, unkept.
    NotKept(StorageError),
    /// The recent runs the browser keeps, after one was kept, let go or opened.
    Shelf(Shelf),
    /// The run in progress, paused and handed over ([`Command::HandOver`]): the run file
    /// travels beside the event (none when there was no run, or it could not be written).
    /// The worker does nothing more.
    HandedOver {
        kept_as: Option<u64>,
    },
    /// A command that could not be carried out; nothing changed.
    Refused {
        reason: Refusal,
    },
}

/// Why a command changed nothing. Typed, so the page can word it in the learner's language.
#[derive(Clone, Debug, Error, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "error", rename_all = "snake_case")]
pub enum Refusal {
    #[error(transparent)]
    Train(#[from] TrainError),
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error(transparent)]
    Import(#[from] ImportError),
    /// A run file that could not be opened.
    #[error(transparent)]
    RunFile(#[from] RunFileError),
    /// The worker has no run yet (it is still opening its device).
    #[error("the model is not ready yet")]
    NotReady,
    /// A message between the page and the worker that could not be read: a bug, not the
    /// learner's doing.
    #[error("a message between the page and the worker could not be read: {0}")]
    Garbled(String),
}

/// An event and the bytes that go with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    pub event: Event,
    pub bytes: Option<Vec<u8>>,
}

impl From<Event> for Outgoing {
    fn from(event: Event) -> Self {
        Self { event, bytes: None }
    }
}

impl Command {
    /// The command's name, as it is tagged in a message.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Start { .. } => "start",
            Command::Reset { .. } => "reset",
            Command::Step => "step",
            Command::Play { .. } => "play",
            Command::Pause => "pause",
            Command::SetWorkers { .. } => "set_workers",
            Command::SetSpeed { .. } => "set_speed",
            Command::SetLearningRate { .. } => "set_learning_rate",
            Command::SetOptimizer { .. } => "set_optimizer",
            Command::SetBatchSize { .. } => "set_batch_size",
            Command::SetAugmentation { .. } => "set_augmentation",
            Command::Rollback => "rollback",
            Command::UseSynthetic => "use_synthetic",
            Command::Inspect(_) => "inspect",
            Command::Import { .. } => "import",
            Command::SaveRun { .. } => "save_run",
            Command::OpenRun { .. } => "open_run",
            Command::ForgetRun { .. } => "forget_run",
            Command::AcceptImport => "accept_import",
            Command::DiscardImport => "discard_import",
            Command::RunExperiment { .. } => "run_experiment",
            Command::Recognise { .. } => "recognise",
            Command::HandOver => "hand_over",
            Command::CompareDevices => "compare_devices",
        }
    }
}

impl Event {
    /// The event's name, as it is tagged in a message.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Loaded => "loaded",
            Event::Device(_) => "device",
            Event::Dataset(_) => "dataset",
            Event::Started(_) => "started",
            Event::Step { .. } => "step",
            Event::Validation { .. } => "validation",
            Event::Probe(_) => "probe",
            Event::Initial(_) => "initial",
            Event::Weights(_) => "weights",
            Event::Playing { .. } => "playing",
            Event::Diverged(_) => "diverged",
            Event::RolledBack { .. } => "rolled_back",
            Event::ArmStarted { .. } => "arm_started",
            Event::ArmDone(_) => "arm_done",
            Event::Recognised(_) => "recognised",
            Event::DeviceComparison(_) => "device_comparison",
            Event::ImportPreview(_) => "import_preview",
            Event::ImportFailed { .. } => "import_failed",
            Event::RunSaved(_) => "run_saved",
            Event::NotKept(_) => "not_kept",
            Event::Shelf(_) => "shelf",
            Event::HandedOver { .. } => "handed_over",
            Event::Refused { .. } => "refused",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speed(update_ms: f64) -> DeviceSpeed {
        DeviceSpeed {
            first_ms: update_ms * 20.0,
            update_ms,
            updates: 3,
            workers: 1,
        }
    }

    fn comparison(cpu_ms: f64, gpu: Result<DeviceSpeed, GpuFallback>) -> DeviceComparison {
        DeviceComparison {
            model: Preset::Small.into(),
            batch_size: 32,
            cpu: speed(cpu_ms),
            gpu,
        }
    }

    #[test]
    fn webgpu_is_chosen_only_where_its_later_updates_are_quicker() {
        // A slow first update (compilation) does not count against it.
        assert_eq!(
            comparison(150.0, Ok(speed(40.0))).faster(),
            DeviceChoice::Gpu
        );
        assert_eq!(
            comparison(150.0, Ok(speed(150.0))).faster(),
            DeviceChoice::Cpu
        );
        assert_eq!(
            comparison(150.0, Ok(speed(13_474.0))).faster(),
            DeviceChoice::Cpu
        );
        assert_eq!(
            comparison(150.0, Err(GpuFallback::NoAdapter)).faster(),
            DeviceChoice::Cpu
        );
        let failed = GpuFallback::Failed {
            message: "device lost".into(),
        };
        assert_eq!(comparison(150.0, Err(failed)).faster(), DeviceChoice::Cpu);
    }
}
