//! The training worker's logic: one run of the model on one face set, driven by the page's
//! [`Command`]s, answering with [`Event`]s.
//!
//! This is the page's training loop, in one place, as a plain library: every event a command
//! causes comes from [`Session::handle`] (the follow-ups included: a fresh run is validated
//! and probed before `handle` returns), so the native tests see exactly what the page sees.
//! The worker program only carries messages: it reads the learner's files into the command,
//! calls `handle` or [`Session::play_one`], and posts what comes back.
//!
//! - [`source`]: the faces in use and the learner's imports;
//! - [`inspector`]: what the attention views look at, read from the model by probes;
//! - [`analysis`]: drift, similarity and rollout, computed from what the probes read;
//! - `compare`: the run's model timed on WebGPU and on the CPU;
//! - `experiment`: runs that differ in one setting, played to the same update and kept;
//! - [`workers`]: helpers that compute shares of an update's batch, one per core.

pub mod analysis;
mod compare;
mod experiment;
pub mod inspector;
pub mod keep;
pub mod source;
pub mod workers;

use model::burn::tensor::Device;
use model::{
    default_cpu, device_async, Backend, BackendError, StepExtras, TrainError, Trainer,
    TrainingOptions,
};
use vocab::protocol::{
    CarriedRun, Command, DeviceChoice, DeviceStatus, DivergenceReport, Event, GpuFallback,
    Outgoing, Refusal, RunHistory, RunOrigin, RunSettings, RunStarted,
};
use vocab::shelf::Shelf;

use crate::inspector::Inspector;
use crate::source::{Candidate, DataSource, Rejected};
use crate::workers::{HelperLost, Helpers, ShareGradients, ShareJob, ShareWorker};

pub use source::synthetic_faces;

/// Opens the device asked for. WebGPU that does not start falls back to the CPU, and says why.
pub async fn open_device(choice: DeviceChoice) -> Result<(Device, DeviceStatus), BackendError> {
    let cpu = default_cpu();
    let fallback = match choice {
        DeviceChoice::Cpu => None,
        DeviceChoice::Gpu => match device_async(Backend::Wgpu).await {
            Ok(device) => {
                let status = DeviceStatus {
                    backend: Backend::Wgpu,
                    fallback: None,
                    workers: 1,
                    helpers_lost: None,
                };
                return Ok((device, status));
            }
            Err(error) => Some(gpu_fallback(error)),
        },
    };
    let status = DeviceStatus {
        backend: cpu,
        fallback,
        workers: 1,
        helpers_lost: None,
    };
    Ok((device_async(cpu).await?, status))
}

/// Why WebGPU did not open, as the page says it. The page asks the program without WebGPU
/// for it only where the browser has no WebGPU, or gave index.html no adapter.
pub(crate) fn gpu_fallback(error: BackendError) -> GpuFallback {
    match error {
        BackendError::NoGpuAdapter | BackendError::NotCompiled(Backend::Wgpu) => {
            GpuFallback::NoAdapter
        }
        other => GpuFallback::Failed {
            message: other.to_string(),
        },
    }
}

/// A trainer for `settings` on `faces`, on `device`.
fn trainer_for(
    settings: &RunSettings,
    faces: &faces::FaceSet,
    device: &Device,
) -> Result<Trainer, TrainError> {
    fits_page(settings, faces.classes())?;
    let config = settings.model.config(faces.classes(), settings.seed);
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
    options.augmentation = settings.augmentation;
    Trainer::new(options, faces.train.labels().len(), device.clone())
}

/// Multiply-adds a validation before the first update may cost: about 7 s in the page on a
/// slow machine's single core. The teaching text's `vit-s14` needs some 490 billion for the
/// 80 built-in validation faces (over a minute there), so it is validated at the end of each
/// epoch only; its untrained accuracy is chance, one in the number of people.
const START_VALIDATION_MULTIPLY_ADDS: u64 = 50_000_000_000;

fn validation_is_quick(config: &vocab::VitConfig, images: usize) -> bool {
    // The forward pass's cost does not depend on the optimizer.
    let adam = vocab::OptimizerKind::Adam;
    let cost = vocab::ModelShape::of(config).cost(config.classes, 1, adam);
    cost.forward_multiply_adds.saturating_mul(images as u64) <= START_VALIDATION_MULTIPLY_ADDS
}

/// Refuses, before anything is made, a run the page cannot hold: an impossible shape, too
/// large an image, or more memory than the worker can have.
pub(crate) fn fits_page(settings: &RunSettings, classes: usize) -> Result<(), TrainError> {
    settings
        .model
        .check_for_page(classes, settings.batch_size, settings.optimizer.kind())?;
    Ok(())
}

/// The run in progress: its device, the settings it was started with, its trainer, and
/// what its charts have shown (kept with the run, so a reopened run shows its past).
pub(crate) struct Run {
    device: Device,
    backend: Backend,
    settings: RunSettings,
    trainer: Trainer,
    history: RunHistory,
}

/// One run of the model at a time, the data it trains on, and whether it is playing.
pub struct Session {
    data: DataSource,
    inspector: Inspector,
    /// `None` until the page's first `Start` has opened a device.
    run: Option<Run>,
    /// Runs started so far: the page drops reports from an older run.
    runs: u64,
    playing: bool,
    delay_ms: u32,
    /// Milliseconds since some fixed instant, for timing updates.
    clock: fn() -> f64,
    /// When the run was last kept in the browser's storage, and as it was then.
    autosaved: keep::Autosaved,
    /// The recent runs the browser keeps, and the id the run in progress is kept under.
    shelf: Shelf,
    kept_as: Option<u64>,
    /// Storage work waiting for the worker (see [`Session::storage_work`]).
    pending_storage: Vec<keep::StorageWork>,
    /// The kept run came from the single autosave file of earlier versions, to let go once
    /// it is kept among the recent runs.
    legacy_autosave: bool,
    /// The learner's faces, read and shown, not yet accepted.
    previewed: Option<Candidate>,
    experiment: Option<experiment::Experiment>,
    /// Workers the page asked to share each update (1: this one alone).
    workers: usize,
    /// The other workers, where the program can start them (see [`workers`]).
    helpers: Option<Box<dyn Helpers>>,
    /// The device in use as the page was last told.
    status: Option<DeviceStatus>,
    /// The page asked for the run, to carry it on in another worker program: handed over
    /// with the next storage work, once the browser's storage is up to date.
    handing_over: bool,
}

pub(crate) fn refused(reason: impl Into<Refusal>) -> Outgoing {
    Event::Refused {
        reason: reason.into(),
    }
    .into()
}

impl Session {
    /// A session on the built-in faces, with no run until the page sends `Start`.
    pub fn new(clock: fn() -> f64) -> Self {
        Self {
            data: DataSource::default(),
            inspector: Inspector::default(),
            run: None,
            runs: 0,
            playing: false,
            delay_ms: 0,
            clock,
            autosaved: keep::Autosaved::default(),
            shelf: Shelf::default(),
            kept_as: None,
            pending_storage: Vec::new(),
            legacy_autosave: false,
            previewed: None,
            experiment: None,
            workers: 1,
            helpers: None,
            status: None,
            handing_over: false,
        }
    }

    /// This session with `helpers` to share its updates with, once the page asks for more
    /// than one worker.
    pub fn with_helpers(mut self, helpers: Box<dyn Helpers>) -> Self {
        self.helpers = Some(helpers);
        self
    }

    /// Starts or stops helpers to match the workers asked for on this backend (the CPU's
    /// only: WebGPU has its own parallelism), and says how many workers share an update.
    fn arrange_helpers(&mut self, backend: Backend) -> usize {
        let wanted = self.helpers_wanted(backend);
        if let Some(helpers) = &mut self.helpers {
            helpers.set_count(wanted);
        }
        self.workers_ready(backend)
    }

    fn helpers_wanted(&self, backend: Backend) -> usize {
        match backend {
            Backend::Wgpu => 0,
            Backend::Flex | Backend::NdArray => self.workers - 1,
        }
    }

    /// The training worker and the helpers ready for a job now (at most those asked for).
    fn workers_ready(&self, backend: Backend) -> usize {
        let wanted = self.helpers_wanted(backend);
        1 + self.helpers.as_ref().map_or(0, |h| h.ready().min(wanted))
    }

    /// A helper finished loading while no update runs (the training worker is paused): the
    /// page hears how many workers will share the next update, instead of the count from
    /// before it loaded, which it would otherwise show until an update ran.
    pub fn helpers_changed(&mut self) -> Option<Outgoing> {
        let backend = self.status.as_ref()?.backend;
        let parts = self.workers_ready(backend);
        self.workers_changed(parts)
    }

    /// The shares the next update's batch is split in: one per worker asked for, on the
    /// CPU. Fixed by the setting alone, never by which helpers happen to be ready, so that
    /// the sums are taken in the same order every time: a run resumed from a file makes
    /// the same updates, bit for bit, as one never stopped.
    fn shares(&self) -> usize {
        match self.status.as_ref().map(|s| s.backend) {
            Some(Backend::Flex | Backend::NdArray) if self.helpers.is_some() => self.workers,
            _ => 1,
        }
    }

    /// Tells the page when the workers sharing updates changed (helpers that finished
    /// loading).
    fn workers_changed(&mut self, parts: usize) -> Option<Outgoing> {
        let status = self.status.as_mut()?;
        if status.workers == parts || status.helpers_lost.is_some() {
            return None;
        }
        status.workers = parts;
        Some(Event::Device(status.clone()).into())
    }

    /// The device status with the workers in use now.
    fn device_status(&mut self, mut status: DeviceStatus) -> Outgoing {
        status.workers = self.arrange_helpers(status.backend);
        self.status = Some(status.clone());
        Event::Device(status).into()
    }

    pub fn playing(&self) -> bool {
        self.playing
    }

    pub fn delay_ms(&self) -> u32 {
        self.delay_ms
    }

    /// The settings of the run in progress.
    pub fn settings(&self) -> Option<&RunSettings> {
        self.run.as_ref().map(|run| &run.settings)
    }

    /// Updates done in the run in progress.
    pub fn steps(&self) -> u64 {
        self.run.as_ref().map_or(0, |run| run.trainer.steps())
    }

    /// Carries out one command, and returns every event it causes, in order.
    pub async fn handle(&mut self, command: Command) -> Vec<Outgoing> {
        if experiment::ends_experiment(&command) {
            self.experiment = None;
        }
        match command {
            Command::Start {
                device,
                settings,
                kept,
                shelf,
                carried,
                ..
            } => self.start(device, settings, kept, shelf, carried).await,
            Command::HandOver => {
                self.handing_over = true;
                self.pause()
            }
            Command::Reset { settings } => {
                let mut out = self.pause();
                match self.fresh_run(settings).await {
                    Ok(events) => out.extend(events),
                    Err(refusal) => out.push(refused(refusal)),
                }
                out
            }
            Command::Step => {
                let mut out = self.pause();
                // A single Step is read whole: it carries the inspected head's backward
                // pass, which Play leaves out (it would slow every update down).
                let extras = StepExtras {
                    backward_path: Some(self.inspector.head_target()),
                    ..StepExtras::default()
                };
                out.extend(self.step(extras).await);
                out
            }
            Command::Play { delay_ms } => {
                self.delay_ms = delay_ms;
                self.play()
            }
            Command::Pause => {
                // The views skipped probes while playing: bring them up to date.
                let mut out = self.pause();
                out.extend(self.probe().await);
                out
            }
            Command::SetSpeed { delay_ms } => {
                self.delay_ms = delay_ms;
                Vec::new()
            }
            Command::SetWorkers { count } => {
                self.workers = count.clamp(1, workers::MAX_WORKERS);
                match self.status.clone() {
                    Some(status) => vec![self.device_status(DeviceStatus {
                        helpers_lost: None,
                        ..status
                    })],
                    None => Vec::new(),
                }
            }
            Command::SetLearningRate { learning_rate } => {
                let Some(run) = &mut self.run else {
                    return vec![refused(Refusal::NotReady)];
                };
                match run.trainer.set_learning_rate(learning_rate) {
                    Ok(()) => {
                        run.settings.learning_rate = learning_rate;
                        Vec::new()
                    }
                    Err(e) => vec![refused(e)],
                }
            }
            Command::SetOptimizer { optimizer } => {
                let Some(run) = &mut self.run else {
                    return vec![refused(Refusal::NotReady)];
                };
                run.trainer.set_optimizer(optimizer.kind());
                run.settings.optimizer = optimizer;
                Vec::new()
            }
            Command::SetBatchSize { batch_size } => {
                let Some(run) = &mut self.run else {
                    return vec![refused(Refusal::NotReady)];
                };
                let larger = RunSettings {
                    batch_size,
                    ..run.settings.clone()
                };
                let fits = fits_page(&larger, self.data.set().classes());
                match fits.and_then(|()| run.trainer.set_batch_size(batch_size)) {
                    Ok(()) => {
                        run.settings.batch_size = batch_size;
                        Vec::new()
                    }
                    Err(e) => vec![refused(e)],
                }
            }
            Command::SetAugmentation { augmentation } => {
                let Some(run) = &mut self.run else {
                    return vec![refused(Refusal::NotReady)];
                };
                run.trainer.set_augmentation(augmentation);
                run.settings.augmentation = augmentation;
                Vec::new()
            }
            Command::Rollback => {
                let mut out = self.pause();
                let Some(run) = &mut self.run else {
                    return vec![refused(Refusal::NotReady)];
                };
                match run.trainer.rollback() {
                    Ok(()) => {
                        let step = run.trainer.steps();
                        run.history.truncate(step);
                        out.push(Event::RolledBack { step }.into());
                        out.extend(self.probe().await);
                    }
                    Err(e) => out.push(refused(e)),
                }
                out
            }
            Command::UseSynthetic => {
                let size = self.data.set().size;
                let candidate = Candidate {
                    set: synthetic_faces(size),
                    notes: Default::default(),
                    layout: None,
                };
                self.use_faces(candidate).await
            }
            Command::Inspect(target) => {
                self.inspector.look_at(target);
                self.probe().await
            }
            Command::Import { kind, name, files } => {
                let Some(run) = &self.run else {
                    return vec![refused(Refusal::NotReady)];
                };
                let size = run.trainer.options().model.image_size;
                match source::import(kind, name, files, size) {
                    // Kept aside until the learner has seen who was found.
                    Ok(candidate) => {
                        let preview = candidate.preview();
                        self.previewed = Some(candidate);
                        vec![Event::ImportPreview(preview).into()]
                    }
                    Err(Rejected { error, skipped }) => {
                        let mut out = self.pause();
                        out.push(
                            Event::ImportFailed {
                                reason: error.into(),
                                skipped,
                            }
                            .into(),
                        );
                        out.extend(self.probe().await);
                        out
                    }
                }
            }
            Command::SaveRun { reason } => match self.save_run(reason).await {
                Ok(saved) => vec![saved],
                Err(refusal) => vec![refused(refusal)],
            },
            Command::OpenRun { origin, bytes } => self.open_run(origin, &bytes).await,
            Command::ForgetRun { id } => {
                self.forget(id);
                Vec::new()
            }
            Command::AcceptImport => match self.previewed.take() {
                Some(candidate) => self.use_faces(candidate).await,
                None => Vec::new(),
            },
            Command::DiscardImport => {
                self.previewed = None;
                Vec::new()
            }
            Command::RunExperiment { arms, updates } => self.run_experiment(arms, updates).await,
            Command::CompareDevices => self.compare_devices().await,
            Command::Recognise {
                width,
                height,
                rgba,
            } => {
                // Inference only: training waits while the camera is live.
                let mut out = self.pause();
                let Some(run) = &self.run else {
                    return vec![refused(Refusal::NotReady)];
                };
                let size = run.trainer.options().model.image_size;
                if let Some(seen) = faces::frame_face(&rgba, width, height, size) {
                    let recognised = self.inspector.recognise(&run.trainer, seen).await;
                    out.extend(recognised.map(|r| Event::Recognised(Box::new(r)).into()));
                }
                out
            }
        }
    }

    /// Opens the device asked for. The first time, a run starts on it: the run another
    /// worker program handed over, or the `kept` one, where it stopped, or one from the seed;
    /// after that, the run in progress moves to it and carries on where it stopped (a device
    /// that does not open leaves it where it was).
    async fn start(
        &mut self,
        choice: DeviceChoice,
        settings: RunSettings,
        kept: Vec<u8>,
        shelf: Shelf,
        carried: Option<CarriedRun>,
    ) -> Vec<Outgoing> {
        let mut out = self.pause();
        if self.run.is_none() {
            self.legacy_autosave = !kept.is_empty() && shelf.open.is_none();
            self.shelf = shelf;
        }
        // Kept before the device changes: the old one may be the one that fails.
        let moving = match (&self.run, carried) {
            (Some(run), _) => match keep::run_file_bytes(run, self.data.set()).await {
                Ok(bytes) => Some(bytes),
                Err(error) => {
                    out.push(refused(error));
                    return out;
                }
            },
            // Kept where the program that handed it over kept it.
            (None, Some(carried)) if !carried.bytes.is_empty() => {
                self.kept_as = carried.kept_as;
                Some(carried.bytes)
            }
            (None, _) => None,
        };
        let (device, status) = match open_device(choice).await {
            Ok(opened) => opened,
            Err(error) => {
                out.push(refused(error));
                return out;
            }
        };
        out.push(self.device_status(status.clone()));
        if let Some(bytes) = moving {
            out.extend(self.carry_over(device, status.backend, &bytes).await);
            return out;
        }
        out.push(Event::Shelf(self.shelf.clone()).into());
        // The run kept in the browser, reopened where it stopped; a kept run that cannot be
        // opened is said, and a fresh run starts.
        if !kept.is_empty() {
            match keep::opened(&kept, &device) {
                Ok(opened) => {
                    let origin = Some(RunOrigin::Autosave);
                    let kept_as = self.shelf.open;
                    out.extend(
                        self.reopen(opened, device, status.backend, origin, kept_as)
                            .await,
                    );
                    return out;
                }
                Err(error) => out.push(refused(error)),
            }
        }
        match self.faces_for(&settings) {
            Ok(Some(set)) => self.data.resize(set),
            Ok(None) => {}
            Err(error) => {
                out.push(self.data.described());
                out.push(refused(error));
                return out;
            }
        }
        out.push(self.data.described());
        match trainer_for(&settings, self.data.set(), &device) {
            Ok(trainer) => out.extend(self.begin(device, status.backend, settings, trainer).await),
            Err(error) => out.push(refused(error)),
        }
        out
    }

    /// A run from the seed with `settings`, on the device and faces in use (made at its
    /// input size if needed); the run it replaces is kept. Nothing changes when it cannot
    /// be made.
    async fn fresh_run(&mut self, settings: RunSettings) -> Result<Vec<Outgoing>, Refusal> {
        let run = self.run.as_ref().ok_or(Refusal::NotReady)?;
        let (device, backend) = (run.device.clone(), run.backend);
        let resized = self.faces_for(&settings)?;
        let faces = resized.as_ref().unwrap_or(self.data.set());
        let trainer = trainer_for(&settings, faces, &device)?;
        self.set_aside().await;
        let mut out = Vec::new();
        if let Some(set) = resized {
            self.data.resize(set);
            out.push(self.data.described());
        }
        out.extend(self.begin(device, backend, settings, trainer).await);
        Ok(out)
    }

    /// The faces a run with `settings` needs, when they are not the ones in use (another
    /// input size); a run the page cannot hold is refused first, before any face is drawn.
    fn faces_for(&self, settings: &RunSettings) -> Result<Option<faces::FaceSet>, TrainError> {
        fits_page(settings, self.data.set().classes())?;
        Ok(self.data.at_size(settings.model.image_size))
    }

    /// Switches to another complete face set and starts a new run on it; a set the model
    /// cannot take is refused and the faces in use stay.
    async fn use_faces(&mut self, candidate: Candidate) -> Vec<Outgoing> {
        let mut out = self.pause();
        let Some(run) = &self.run else {
            return vec![refused(Refusal::NotReady)];
        };
        match trainer_for(&run.settings, &candidate.set, &run.device) {
            Ok(trainer) => {
                let (device, backend) = (run.device.clone(), run.backend);
                let settings = run.settings.clone();
                self.set_aside().await;
                self.data.replace(candidate);
                out.push(self.data.described());
                out.extend(self.begin(device, backend, settings, trainer).await);
            }
            Err(error) => out.push(
                Event::ImportFailed {
                    reason: error.into(),
                    skipped: candidate.notes.skipped,
                }
                .into(),
            ),
        }
        out
    }

    /// A new run: announced, validated once before any update when that is quick (so the
    /// accuracy chart starts at chance level), and probed when the views are open.
    async fn begin(
        &mut self,
        device: Device,
        backend: Backend,
        settings: RunSettings,
        trainer: Trainer,
    ) -> Vec<Outgoing> {
        let run = Run {
            device,
            backend,
            settings,
            trainer,
            history: RunHistory::default(),
        };
        let images = self.data.set().validation.labels().len();
        let quick = validation_is_quick(&run.trainer.options().model, images);
        let mut out = self.show(run, None).await;
        self.now_open(None);
        if quick {
            out.extend(self.validate().await);
        }
        out.extend(self.probe().await);
        out
    }

    /// Makes `run` the one in progress and announces it; a reopened run comes with its
    /// counters and the history of its charts.
    async fn show(&mut self, run: Run, reopened: Option<RunOrigin>) -> Vec<Outgoing> {
        let out = self.pause();
        self.runs += 1;
        self.inspector.new_run();
        let started = RunStarted {
            settings: run.settings.clone(),
            parameters: run.trainer.model().parameter_count(),
            updates_per_epoch: run.trainer.updates_per_epoch(),
            run: self.runs,
            steps: run.trainer.steps(),
            history: run.history.clone(),
            reopened,
            position: run.trainer.position(),
        };
        self.run = Some(run);
        let mut out = out;
        out.push(Event::Started(started).into());
        out
    }

    /// One update while playing; pauses by itself when the run diverges or fails.
    pub async fn play_one(&mut self) -> Vec<Outgoing> {
        if !self.playing {
            return Vec::new();
        }
        let mut out = self.step(StepExtras::default()).await;
        out.extend(self.after_update_in_experiment().await);
        out
    }

    fn play(&mut self) -> Vec<Outgoing> {
        let Some(run) = &self.run else {
            return vec![refused(Refusal::NotReady)];
        };
        if let Some(divergence) = run.trainer.diverged() {
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

    async fn step(&mut self, extras: StepExtras) -> Vec<Outgoing> {
        let parts = self.shares();
        let Some(run) = &mut self.run else {
            return vec![refused(Refusal::NotReady)];
        };
        let start = (self.clock)();
        let data = &self.data.set().train;
        let stepped = match &mut self.helpers {
            Some(helpers) if parts > 1 => {
                shared_step(&mut run.trainer, helpers.as_mut(), data, extras, parts).await
            }
            _ => run
                .trainer
                .step_async(data, extras)
                .await
                .map(|report| (report, Shared::alone())),
        };
        let (report, shared) = match stepped {
            Ok(stepped) => stepped,
            Err(e) => {
                let mut out = self.pause();
                out.push(refused(e));
                return out;
            }
        };
        let millis = (self.clock)() - start;
        if let Some(divergence) = run.trainer.diverged() {
            let event = Event::Diverged(DivergenceReport {
                step: divergence.step,
                loss: divergence.loss,
                learning_rate: report.learning_rate,
                good_steps: divergence.good_steps,
            });
            let mut out = self.pause();
            out.push(event.into());
            return out;
        }
        let epoch_done = report.position.update_in_epoch == report.position.updates_per_epoch;
        run.history.record_step(&report);
        let mut out = vec![Event::Step {
            report: Box::new(report),
            millis,
        }
        .into()];
        match shared.lost {
            Some(lost) => out.extend(self.helpers_lost(lost)),
            None => out.extend(self.workers_changed(shared.in_parallel)),
        }
        if epoch_done {
            out.extend(self.validate().await);
        }
        // Every update when stepping, at most every `PROBE_INTERVAL_MS` while playing.
        if !self.playing || self.inspector.due((self.clock)()) {
            out.extend(self.probe().await);
        }
        out
    }

    /// A helper failed (its share was computed here instead): the run carries on with this
    /// worker alone, and the page is told why.
    fn helpers_lost(&mut self, lost: HelperLost) -> Option<Outgoing> {
        if let Some(helpers) = &mut self.helpers {
            helpers.set_count(0);
        }
        let mut status = self.status.clone()?;
        status.workers = 1;
        status.helpers_lost = Some(lost.to_string());
        self.status = Some(status.clone());
        Some(Event::Device(status).into())
    }

    /// Loss and accuracy on the validation images, after the latest update.
    async fn validate(&mut self) -> Option<Outgoing> {
        let run = self.run.as_mut()?;
        let evaluation = run
            .trainer
            .evaluate_async(&self.data.set().validation)
            .await
            .ok()?;
        let step = run.trainer.steps();
        run.history.validation.retain(|(s, _)| *s < step);
        run.history.validation.push((step, evaluation));
        vocab::history::thin_evenly_to(
            &mut run.history.validation,
            vocab::history::VALIDATION_POINTS,
        );
        Some(Event::Validation { step, evaluation }.into())
    }

    async fn probe(&mut self) -> Vec<Outgoing> {
        let Some(run) = &self.run else {
            return Vec::new();
        };
        let now = (self.clock)();
        self.inspector
            .probe(&run.trainer, self.data.set(), now)
            .await
    }
}

/// How an update was shared.
struct Shared {
    /// Workers that computed at the same time: this one and the helpers that were ready.
    in_parallel: usize,
    /// Why the helpers were let go, if one failed.
    lost: Option<HelperLost>,
}

impl Shared {
    /// An update this worker made alone.
    fn alone() -> Self {
        Self {
            in_parallel: 1,
            lost: None,
        }
    }
}

/// One update with its batch split in `parts` shares (see [`workers`]): the helpers ready
/// get theirs first, so that all compute at once; the shares left over (helpers still
/// loading, or failed) are computed here, with the same code and so the same numbers.
async fn shared_step(
    trainer: &mut Trainer,
    helpers: &mut dyn Helpers,
    data: &impl model::ImageSet,
    extras: StepExtras,
    parts: usize,
) -> Result<(vocab::StepReport, Shared), TrainError> {
    let mut update = trainer.share_next(data, parts)?;
    let handed = helpers.ready().min(update.jobs.len());
    let answers = helpers.compute(&update.jobs[..handed], &update.weights);
    trainer.compute_own_share(&mut update, extras);
    let mut here = None;
    let mut compute_here = |jobs: &[ShareJob]| -> Result<Vec<ShareGradients>, TrainError> {
        let worker = here.get_or_insert_with(|| ShareWorker::new(trainer.device().clone()));
        jobs.iter()
            .map(|job| worker.compute(job, &update.weights))
            .collect()
    };
    let left_over = compute_here(&update.jobs[handed..]);
    let (mut others, lost) = match answers.await {
        Ok(answers) => (answers, None),
        Err(lost) => (
            compute_here(&update.jobs[..handed]).unwrap_or_default(),
            Some(lost),
        ),
    };
    // A share that cannot be computed here leaves `others` short: `finish_shared` refuses
    // the update and puts the trainer back as it was.
    others.extend(left_over.unwrap_or_default());
    let report = trainer.finish_shared_async(update, extras, others).await?;
    let in_parallel = if lost.is_some() { 1 } else { 1 + handed };
    Ok((report, Shared { in_parallel, lost }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vocab::Preset;

    #[test]
    fn only_the_teaching_text_s_model_skips_the_validation_before_its_first_update() {
        assert!(validation_is_quick(&Preset::Tiny.config(40), 80));
        assert!(validation_is_quick(&Preset::Small.config(40), 80));
        assert!(!validation_is_quick(&Preset::VitS14.config(40), 80));
    }
}
