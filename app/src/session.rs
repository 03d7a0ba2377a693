//! The training worker's state and its answers: one run on one device, on one face set.
//!
//! This is the training loop of the page, in one place. It knows nothing of the browser: the
//! worker glue (`worker.rs`) hands it commands and files and posts back what it returns, and
//! the native tests drive it directly on burn-flex.

use burn::tensor::Device;
use faces::{
    generate, import_files, import_zip, read_pack, CurrentFaces, FaceSet, ImportError,
    ImportOptions, Skipped, SourceFile, SyntheticConfig,
};
use model::{
    burn, AttentionWeights, Backend, BackendError, ImageSet, TrainError, Trainer, TrainingOptions,
};
use thiserror::Error;

use crate::protocol::{
    Command, DatasetSummary, DeviceChoice, DeviceStatus, DivergenceReport, Event, GpuFallback,
    HeadView, ImportKind, InitialView, InspectTarget, Outgoing, RunSettings, RunStarted,
    WeightsView,
};

/// Why a session cannot start.
#[derive(Debug, Error)]
pub enum SessionError {
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error(transparent)]
    Train(#[from] TrainError),
}

/// Opens the device asked for. WebGPU that does not start falls back to the CPU, and says why.
pub async fn open_device(choice: DeviceChoice) -> Result<(Device, DeviceStatus), SessionError> {
    let cpu = Backend::default_cpu();
    if choice == DeviceChoice::Gpu {
        match Backend::Wgpu.device_async().await {
            Ok(device) => {
                let status = DeviceStatus {
                    backend: Backend::Wgpu,
                    fallback: None,
                };
                return Ok((device, status));
            }
            Err(error) => {
                let fallback = match error {
                    BackendError::NoGpuAdapter => GpuFallback::NoAdapter,
                    other => GpuFallback::Failed {
                        message: other.to_string(),
                    },
                };
                let status = DeviceStatus {
                    backend: cpu,
                    fallback: Some(fallback),
                };
                return Ok((cpu.device_async().await?, status));
            }
        }
    }
    let status = DeviceStatus {
        backend: cpu,
        fallback: None,
    };
    Ok((cpu.device_async().await?, status))
}

/// Where the data in use came from, beyond the set itself.
#[derive(Clone, Debug, Default)]
struct ImportNotes {
    name: Option<String>,
    skipped: Vec<Skipped>,
    people_left_out: usize,
}

/// One run of the model, the data it trains on, and whether it is playing.
pub struct Session {
    device: Device,
    faces: CurrentFaces,
    notes: ImportNotes,
    settings: RunSettings,
    trainer: Trainer,
    run: u64,
    playing: bool,
    delay_ms: u32,
    /// What the attention views look at, if they are open.
    inspect: Option<InspectTarget>,
    /// When the last probe was read back (ms on `clock`).
    last_probe: f64,
    /// The inspected block's weights at update 0 of this run, for the drift.
    initial_weights: Option<(usize, AttentionWeights)>,
    /// The target whose attention with the weights of update 0 ("then" beside "now") was
    /// last sent: it is computed and sent once per target and run.
    initial_sent: Option<InspectTarget>,
    /// Milliseconds since some fixed instant, for timing updates.
    clock: fn() -> f64,
}

/// While playing, the attention views are refreshed at most this often: a probe is one more
/// forward pass and read-back, and the eye does not follow faster.
const PROBE_INTERVAL_MS: f64 = 100.0;

/// The built-in faces: always there, no download.
pub fn synthetic_faces() -> FaceSet {
    generate(&SyntheticConfig::default())
}

fn trainer_for(
    settings: &RunSettings,
    faces: &FaceSet,
    device: &Device,
) -> Result<Trainer, TrainError> {
    let mut config = settings.preset.config(faces.classes());
    config.seed = settings.seed;
    if config.image_size != faces.size {
        return Err(TrainError::ImageShapeMismatch {
            got: faces.size * faces.size,
            expected: config.image_size * config.image_size,
        });
    }
    let mut options = TrainingOptions::new(config);
    options.optimizer = settings.optimizer.kind();
    options.learning_rate = settings.learning_rate;
    options.batch_size = settings.batch_size;
    Trainer::new(options, faces.train.labels().len(), device.clone())
}

impl Session {
    /// A fresh run on the built-in faces. Returns what the page needs to draw it.
    pub fn new(
        device: Device,
        settings: RunSettings,
        clock: fn() -> f64,
    ) -> Result<(Self, Vec<Outgoing>), SessionError> {
        let faces = synthetic_faces();
        let trainer = trainer_for(&settings, &faces, &device)?;
        let session = Self {
            device,
            faces: CurrentFaces::new(faces),
            notes: ImportNotes::default(),
            settings,
            trainer,
            run: 1,
            playing: false,
            delay_ms: 0,
            inspect: None,
            last_probe: f64::NEG_INFINITY,
            initial_weights: None,
            initial_sent: None,
            clock,
        };
        let mut out = vec![session.dataset()];
        out.push(session.started());
        Ok((session, out))
    }

    pub fn playing(&self) -> bool {
        self.playing
    }

    pub fn delay_ms(&self) -> u32 {
        self.delay_ms
    }

    pub fn settings(&self) -> &RunSettings {
        &self.settings
    }

    pub fn steps(&self) -> u64 {
        self.trainer.steps()
    }

    /// Moves the same settings and data to another device: a new run from the seed, whose
    /// first weights equal the old run's first weights (they are drawn on the CPU).
    pub fn switch_device(&mut self, device: Device, settings: RunSettings) -> Vec<Outgoing> {
        match trainer_for(&settings, self.faces.get(), &device) {
            Ok(trainer) => {
                self.device = device;
                self.settings = settings;
                self.new_run(trainer)
            }
            Err(e) => vec![refused(e)],
        }
    }

    /// Carries out one command. `Start` and `Import` need the browser and go through
    /// [`Session::switch_device`] and [`Session::import`].
    pub async fn handle(&mut self, command: Command) -> Vec<Outgoing> {
        match command {
            Command::Start { .. } | Command::Import { .. } => {
                vec![Event::Refused {
                    message: "internal: start and import go through the worker".into(),
                }
                .into()]
            }
            Command::Reset { settings } => self.reset(settings),
            Command::Step => {
                let mut out = self.pause();
                out.extend(self.step().await);
                out
            }
            Command::Play { delay_ms } => self.play(delay_ms),
            Command::Pause => self.pause(),
            Command::SetSpeed { delay_ms } => {
                self.delay_ms = delay_ms;
                Vec::new()
            }
            Command::SetLearningRate { learning_rate } => {
                match self.trainer.set_learning_rate(learning_rate) {
                    Ok(()) => {
                        self.settings.learning_rate = learning_rate;
                        Vec::new()
                    }
                    Err(e) => vec![refused(e)],
                }
            }
            Command::SetOptimizer { optimizer } => {
                self.trainer.set_optimizer(optimizer.kind());
                self.settings.optimizer = optimizer;
                Vec::new()
            }
            Command::SetBatchSize { batch_size } => match self.trainer.set_batch_size(batch_size) {
                Ok(()) => {
                    self.settings.batch_size = batch_size;
                    Vec::new()
                }
                Err(e) => vec![refused(e)],
            },
            Command::Rollback => {
                let mut out = self.pause();
                match self.trainer.rollback() {
                    Ok(()) => out.push(
                        Event::RolledBack {
                            step: self.trainer.steps(),
                        }
                        .into(),
                    ),
                    Err(e) => out.push(refused(e)),
                }
                out
            }
            Command::UseSynthetic => self.replace_faces(synthetic_faces(), ImportNotes::default()),
            Command::Inspect(target) => {
                self.inspect = Some(target);
                self.probe().await
            }
        }
    }

    /// The inspected head and block with the current weights, when the views are open and
    /// the weights are sound. Also called after each command that changes the weights.
    pub async fn probe(&mut self) -> Vec<Outgoing> {
        let mut out = self.probe_head().await;
        out.extend(self.weights().await);
        out
    }

    async fn weights(&mut self) -> Option<Outgoing> {
        let block = self
            .inspect?
            .block
            .min(self.trainer.options().model.depth - 1);
        if self.trainer.diverged().is_some() {
            return None;
        }
        let now = self
            .trainer
            .model()
            .attention_weights(block)?
            .resolve()
            .await
            .ok()?;
        if self
            .initial_weights
            .as_ref()
            .is_none_or(|(b, _)| *b != block)
        {
            let first = self.trainer.initial_model().attention_weights(block)?;
            self.initial_weights = Some((block, first.resolve().await.ok()?));
        }
        let (_, first) = self.initial_weights.as_ref()?;
        let norm = |a: &[f32]| a.iter().map(|x| x * x).sum::<f32>().sqrt();
        let drift = |now: &[f32], then: &[f32]| {
            let moved: Vec<f32> = now.iter().zip(then).map(|(a, b)| a - b).collect();
            norm(&moved) / norm(then).max(1e-12)
        };
        let dot: f32 = now
            .wq
            .values
            .iter()
            .zip(&now.wk.values)
            .map(|(a, b)| a * b)
            .sum();
        let similarity = dot / (norm(&now.wq.values) * norm(&now.wk.values)).max(1e-12);
        let view = WeightsView {
            step: self.trainer.steps(),
            block,
            width: now.wq.shape[0],
            drift: [
                drift(&now.wq.values, &first.wq.values),
                drift(&now.wk.values, &first.wk.values),
                drift(&now.wv.values, &first.wv.values),
            ],
            qk_similarity: similarity,
            wq: now.wq.values,
            wk: now.wk.values,
            wv: now.wv.values,
            bq: now.bq.values,
            bk: now.bk.values,
        };
        let finite = view
            .wq
            .iter()
            .chain(&view.wk)
            .chain(&view.wv)
            .all(|v| v.is_finite());
        finite.then(|| Event::Weights(Box::new(view)).into())
    }

    /// The inspected head now, preceded by its attention at update 0 the first time a target
    /// is probed in a run.
    async fn probe_head(&mut self) -> Vec<Outgoing> {
        self.probe_head_events().await.unwrap_or_default()
    }

    async fn probe_head_events(&mut self) -> Option<Vec<Outgoing>> {
        let requested = self.inspect?;
        if self.trainer.diverged().is_some() {
            return None;
        }
        let set = self.faces.get();
        let config = &self.trainer.options().model;
        let target = InspectTarget {
            image: requested
                .image
                .min(set.train.labels().len().checked_sub(1)?),
            block: requested.block.min(config.depth - 1),
            head: requested.head.min(config.heads - 1),
        };
        let mut image = Vec::new();
        set.train.write_image(target.image, &mut image);
        let report = self
            .trainer
            .model()
            .probe(config, &image, self.trainer.device())
            .resolve()
            .await
            .ok()?;
        self.last_probe = (self.clock)();
        let head = report.blocks.get(target.block)?.get(target.head)?;
        if !head.scores.iter().all(|v| v.is_finite()) {
            return None;
        }
        let rollout = rollout_from_cls(&report.blocks, report.tokens);
        let mut out = Vec::new();
        if self.initial_sent != Some(target) {
            let first = self
                .trainer
                .initial_model()
                .probe(config, &image, self.trainer.device())
                .resolve()
                .await
                .ok()?;
            let attention = first
                .blocks
                .get(target.block)?
                .get(target.head)?
                .attention
                .clone();
            out.push(
                Event::Initial(Box::new(InitialView {
                    target,
                    attention,
                    rollout: rollout_from_cls(&first.blocks, first.tokens),
                }))
                .into(),
            );
            self.initial_sent = Some(target);
        }
        let input = report.block_inputs.get(target.block)?.clone();
        let (predicted, probability) = report
            .probabilities
            .iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        out.push(
            Event::Probe(Box::new(HeadView {
                step: self.trainer.steps(),
                target,
                tokens: report.tokens,
                grid: config.grid_size(),
                head_dim: report.head_dim,
                width: config.width,
                input,
                q: head.q.clone(),
                k: head.k.clone(),
                v: head.v.clone(),
                scores: head.scores.clone(),
                attention: head.attention.clone(),
                rollout,
                label: set.train.labels()[target.image],
                predicted,
                probability,
            }))
            .into(),
        );
        Some(out)
    }

    /// A probe after an update: every update when stepping, at most every
    /// `PROBE_INTERVAL_MS` while playing.
    async fn probe_after_update(&mut self) -> Vec<Outgoing> {
        if self.playing && (self.clock)() - self.last_probe < PROBE_INTERVAL_MS {
            return Vec::new();
        }
        self.probe().await
    }

    /// One update while playing; pauses by itself when the run diverges or fails.
    pub async fn play_one(&mut self) -> Vec<Outgoing> {
        if !self.playing {
            return Vec::new();
        }
        self.step().await
    }

    /// Replaces the data with the learner's files if they make a usable set; otherwise
    /// reports why and changes nothing.
    pub async fn import(
        &mut self,
        kind: ImportKind,
        name: String,
        files: Vec<SourceFile>,
    ) -> Vec<Outgoing> {
        let mut out = self.pause();
        let size = self.settings.preset.config(2).image_size;
        let options = ImportOptions {
            size,
            ..ImportOptions::default()
        };
        let imported = match kind {
            ImportKind::Folder => import_files(&name, files, &options),
            ImportKind::Zip => match files.first() {
                Some(file) => import_zip(&name, &file.bytes, &options),
                None => Err(ImportError::NoFiles),
            },
            ImportKind::Pack => {
                let set = files
                    .first()
                    .ok_or_else(|| "no file was chosen".to_string())
                    .and_then(|file| read_pack(&file.bytes).map_err(|e| e.to_string()))
                    .and_then(|set| {
                        if set.size == size {
                            Ok(set)
                        } else {
                            Err(format!(
                                "this pack holds {0}×{0} images; the model takes {1}×{1} \
                                 (import the folder again with --size {1})",
                                set.size, size
                            ))
                        }
                    });
                return match set {
                    Ok(set) => {
                        let notes = ImportNotes {
                            name: Some(name),
                            ..ImportNotes::default()
                        };
                        out.extend(self.replace_faces(set, notes));
                        out
                    }
                    Err(message) => {
                        out.push(
                            Event::ImportFailed {
                                message,
                                skipped: Vec::new(),
                            }
                            .into(),
                        );
                        out
                    }
                };
            }
        };
        match imported {
            Ok(imported) => {
                let notes = ImportNotes {
                    name: Some(name),
                    skipped: imported.skipped,
                    people_left_out: imported.people_left_out,
                };
                out.extend(self.replace_faces(imported.set, notes));
            }
            Err(error) => out.push(
                Event::ImportFailed {
                    message: error.to_string(),
                    skipped: error.skipped().to_vec(),
                }
                .into(),
            ),
        }
        out
    }

    fn replace_faces(&mut self, set: FaceSet, notes: ImportNotes) -> Vec<Outgoing> {
        let mut out = self.pause();
        match trainer_for(&self.settings, &set, &self.device) {
            Ok(trainer) => {
                self.faces.replace(set);
                self.notes = notes;
                out.push(self.dataset());
                out.extend(self.new_run(trainer));
            }
            Err(e) => out.push(
                Event::ImportFailed {
                    message: e.to_string(),
                    skipped: notes.skipped,
                }
                .into(),
            ),
        }
        out
    }

    fn reset(&mut self, settings: RunSettings) -> Vec<Outgoing> {
        let mut out = self.pause();
        match trainer_for(&settings, self.faces.get(), &self.device) {
            Ok(trainer) => {
                self.settings = settings;
                out.extend(self.new_run(trainer));
            }
            Err(e) => out.push(refused(e)),
        }
        out
    }

    fn new_run(&mut self, trainer: Trainer) -> Vec<Outgoing> {
        let mut out = self.pause();
        self.trainer = trainer;
        self.initial_weights = None;
        self.initial_sent = None;
        self.run += 1;
        out.push(self.started());
        out
    }

    fn play(&mut self, delay_ms: u32) -> Vec<Outgoing> {
        self.delay_ms = delay_ms;
        if let Some(divergence) = self.trainer.diverged() {
            return vec![refused(TrainError::Diverged {
                step: divergence.step,
                loss: divergence.loss,
            })];
        }
        if self.playing {
            return Vec::new();
        }
        self.playing = true;
        vec![Event::Playing { playing: true }.into()]
    }

    fn pause(&mut self) -> Vec<Outgoing> {
        if !self.playing {
            return Vec::new();
        }
        self.playing = false;
        vec![Event::Playing { playing: false }.into()]
    }

    async fn step(&mut self) -> Vec<Outgoing> {
        let start = (self.clock)();
        let report = match self.trainer.step_async(&self.faces.get().train).await {
            Ok(report) => report,
            Err(e) => {
                let mut out = self.pause();
                out.push(refused(e));
                return out;
            }
        };
        let millis = (self.clock)() - start;
        if let Some(divergence) = self.trainer.diverged() {
            let mut out = self.pause();
            out.push(
                Event::Diverged(DivergenceReport {
                    step: divergence.step,
                    loss: divergence.loss.to_string(),
                    learning_rate: report.learning_rate,
                    good_steps: divergence.good_steps,
                })
                .into(),
            );
            return out;
        }
        let epoch_done = report.position.update_in_epoch == report.position.updates_per_epoch;
        let step = report.step;
        let mut out = vec![Event::Step {
            report: Box::new(report),
            millis,
        }
        .into()];
        if epoch_done {
            out.extend(self.validate(step).await);
        }
        out.extend(self.probe_after_update().await);
        out
    }

    async fn validate(&mut self, step: u64) -> Option<Outgoing> {
        let evaluation = self
            .trainer
            .evaluate_async(&self.faces.get().validation)
            .await
            .ok()?;
        Some(Event::Validation { step, evaluation }.into())
    }

    /// The validation accuracy before any update, so the chart starts at chance level.
    pub async fn first_validation(&mut self) -> Vec<Outgoing> {
        self.validate(self.trainer.steps())
            .await
            .into_iter()
            .collect()
    }

    fn started(&self) -> Outgoing {
        Event::Started(RunStarted {
            settings: self.settings.clone(),
            parameters: self.trainer.model().parameter_count(),
            updates_per_epoch: self.trainer.updates_per_epoch(),
            run: self.run,
        })
        .into()
    }

    fn dataset(&self) -> Outgoing {
        let set = self.faces.get();
        let mut bytes = set.train.all_pixels().to_vec();
        bytes.extend_from_slice(set.validation.all_pixels());
        Outgoing {
            event: Event::Dataset(DatasetSummary {
                imported_from: self.notes.name.clone(),
                size: set.size,
                people: set.people.clone(),
                train_labels: set.train.labels().to_vec(),
                validation_labels: set.validation.labels().to_vec(),
                skipped: self.notes.skipped.clone(),
                people_left_out: self.notes.people_left_out,
            }),
            bytes: Some(bytes),
        }
    }
}

/// Attention rollout (Abnar & Zuidema, 2020): each block's attention averaged over its heads,
/// with the residual connection counted as attending to oneself, `(A + I) / 2`, multiplied
/// from the first block to the last. Returns the CLS row: what the classifier's token is
/// made of, over all blocks.
pub fn rollout_from_cls(blocks: &[Vec<model::HeadProbe>], tokens: usize) -> Vec<f32> {
    let mut rollout: Vec<f32> = (0..tokens * tokens)
        .map(|i| if i / tokens == i % tokens { 1.0 } else { 0.0 })
        .collect();
    for heads in blocks {
        let mut mixed = vec![0.0f32; tokens * tokens];
        for head in heads {
            for (m, a) in mixed.iter_mut().zip(&head.attention) {
                *m += a / heads.len() as f32;
            }
        }
        for (i, m) in mixed.iter_mut().enumerate() {
            *m = (*m + if i / tokens == i % tokens { 1.0 } else { 0.0 }) / 2.0;
        }
        let mut next = vec![0.0f32; tokens * tokens];
        for row in 0..tokens {
            for k in 0..tokens {
                let a = mixed[row * tokens + k];
                for col in 0..tokens {
                    next[row * tokens + col] += a * rollout[k * tokens + col];
                }
            }
        }
        rollout = next;
    }
    rollout[..tokens].to_vec()
}

fn refused(error: impl std::fmt::Display) -> Outgoing {
    Event::Refused {
        message: error.to_string(),
    }
    .into()
}
