//! Runs that last: the run in progress written as a run file (for the learner to download,
//! or for the worker to keep in the browser's storage among the recent runs), and a kept
//! run reopened exactly where it stopped.

use model::burn::tensor::Device;
use model::run_file::{RunFile, RunFileError, RunPart, StoredTensor};
use model::{Backend, Trainer};
use vocab::protocol::{
    Event, Outgoing, Refusal, RunHistory, RunOrigin, RunSaved, RunSettings, SaveReason,
};
use vocab::run_file::{RunManifest, FACES_TENSOR};
use vocab::shelf::{run_file_name, KeptRun, RunCurves, Shelf, INDEX_FILE, LEGACY_AUTOSAVE_FILE};

use crate::source::{Candidate, ImportNotes};
use crate::{Run, Session};

/// While playing, the run is kept at most this often; a paused run as soon as it changes.
pub const AUTOSAVE_INTERVAL_MS: f64 = 5_000.0;

/// What the last autosave kept: which run, at which update, and when.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Autosaved {
    run: u64,
    steps: u64,
    at_ms: f64,
}

/// `vitp-small-adam-update-250.vitp`.
fn file_name(settings: &RunSettings, steps: u64) -> String {
    format!(
        "vitp-{}-{}-update-{steps}.{}",
        settings.model.name(),
        settings.optimizer.code(),
        vocab::run_file::RUN_FILE_EXTENSION
    )
}

/// The page's controls for a kept run: as saved, or read from what `vitp` trained; they
/// must give the model the file holds.
fn settings_of(manifest: &RunManifest, classes: usize) -> Result<RunSettings, RunFileError> {
    let training = &manifest.training;
    let settings = manifest
        .settings
        .clone()
        .or_else(|| RunSettings::from_training(training))
        .ok_or(RunFileError::Inconsistent {
            part: RunPart::PageSettings,
        })?;
    let mut expected = settings.model.config(classes, settings.seed);
    expected.classes = training.model.classes;
    if expected != training.model {
        return Err(RunFileError::Inconsistent {
            part: RunPart::ModelShape,
        });
    }
    Ok(settings)
}

/// What the worker writes and removes to keep runs in the browser's storage (writes first,
/// in order: a run's file before the index that lists it), and what it tells the page once
/// all went well.
#[derive(Debug, Default)]
pub struct StorageWork {
    pub writes: Vec<(String, Vec<u8>)>,
    pub removes: Vec<String>,
    pub done: Vec<Outgoing>,
}

impl Session {
    /// The run in progress as a run file, for `reason`.
    pub(crate) async fn save_run(&mut self, reason: SaveReason) -> Result<Outgoing, Refusal> {
        let run = self.run.as_ref().ok_or(Refusal::NotReady)?;
        let bytes = run_file_bytes(run, self.data.set()).await?;
        let steps = run.trainer.steps();
        Ok(Outgoing {
            event: Event::RunSaved(RunSaved {
                reason,
                steps,
                file_name: file_name(&run.settings, steps),
            }),
            bytes: Some(bytes),
        })
    }

    /// The recent runs the browser keeps.
    pub fn shelf(&self) -> &Shelf {
        &self.shelf
    }

    /// What the worker should write or remove now: the runs that something replaced, kept as
    /// they were, and the run in progress when it is due (it has changed since it was last
    /// kept: at most every [`AUTOSAVE_INTERVAL_MS`] while playing, at once otherwise). A run
    /// without a single update is not kept: it is only its seed.
    pub async fn storage_work(&mut self) -> Vec<StorageWork> {
        let mut work = std::mem::take(&mut self.pending_storage);
        if self.changed_since_kept() {
            let waiting =
                self.playing && (self.clock)() - self.autosaved.at_ms < AUTOSAVE_INTERVAL_MS;
            if !waiting {
                work.extend(self.shelve().await);
            }
        }
        if std::mem::take(&mut self.handing_over) {
            // Last, so that the page replaces this program only once its writes are done.
            work.push(StorageWork {
                done: vec![self.hand_over().await],
                ..StorageWork::default()
            });
        }
        work
    }

    /// The run in progress for another worker program to carry on; without its file when
    /// there is no run or it cannot be written (the page then reopens the kept one).
    async fn hand_over(&self) -> Outgoing {
        let bytes = match &self.run {
            Some(run) => run_file_bytes(run, self.data.set()).await.ok(),
            None => None,
        };
        Outgoing {
            event: Event::HandedOver {
                kept_as: self.kept_as,
            },
            bytes,
        }
    }

    fn changed_since_kept(&self) -> bool {
        let Some(run) = &self.run else {
            return false;
        };
        let current = (self.runs, run.trainer.steps());
        current.1 > 0 && current != (self.autosaved.run, self.autosaved.steps)
    }

    /// Keeps the run in progress among the recent runs (under a new id the first time),
    /// letting the oldest others go past the storage budget.
    async fn shelve(&mut self) -> Option<StorageWork> {
        let run = self.run.as_ref()?;
        let bytes = run_file_bytes(run, self.data.set()).await.ok()?;
        let steps = run.trainer.steps();
        let id = match self.kept_as {
            Some(id) => id,
            None => self.shelf.new_id(),
        };
        let set = self.data.set();
        let kept = KeptRun {
            id,
            settings: run.settings.clone(),
            faces: faces_name(set),
            people: set.classes(),
            steps,
            last_loss: run.history.losses.last().map(|(_, loss)| *loss),
            bytes: bytes.len() as u64,
            curves: RunCurves::of(&run.history),
        };
        let saved = RunSaved {
            reason: SaveReason::Autosave,
            steps,
            file_name: file_name(&run.settings, steps),
        };
        self.kept_as = Some(id);
        let gone = self.shelf.put(kept);
        self.autosaved = Autosaved {
            run: self.runs,
            steps,
            at_ms: (self.clock)(),
        };
        let mut removes: Vec<String> = gone.into_iter().map(run_file_name).collect();
        if std::mem::take(&mut self.legacy_autosave) {
            removes.push(LEGACY_AUTOSAVE_FILE.into());
        }
        Some(StorageWork {
            writes: vec![
                (run_file_name(id), bytes),
                (INDEX_FILE.into(), self.shelf.to_json()),
            ],
            removes,
            done: vec![
                Event::RunSaved(saved).into(),
                Event::Shelf(self.shelf.clone()).into(),
            ],
        })
    }

    /// Keeps the run in progress as it is now, before something replaces it: nothing is
    /// replaced silently.
    pub(crate) async fn set_aside(&mut self) {
        if self.changed_since_kept() {
            if let Some(work) = self.shelve().await {
                self.pending_storage.push(work);
            }
        }
    }

    /// Marks the run just shown as kept under `id` (or not kept yet), so a reload reopens it
    /// (or nothing, for a run not kept yet).
    pub(crate) fn now_open(&mut self, id: Option<u64>) {
        self.kept_as = id;
        if self.shelf.open != id {
            self.shelf.open = id;
            self.pending_storage.push(StorageWork {
                writes: vec![(INDEX_FILE.into(), self.shelf.to_json())],
                removes: Vec::new(),
                done: vec![Event::Shelf(self.shelf.clone()).into()],
            });
        }
    }

    /// Lets a recent run go; the open one stays.
    pub(crate) fn forget(&mut self, id: u64) {
        if self.shelf.forget(id) {
            self.pending_storage.push(StorageWork {
                writes: vec![(INDEX_FILE.into(), self.shelf.to_json())],
                removes: vec![run_file_name(id)],
                done: vec![Event::Shelf(self.shelf.clone()).into()],
            });
        }
    }

    /// Continues the run kept in `bytes` on the device in use, with its faces. A file that
    /// cannot be opened leaves everything as it was.
    pub(crate) async fn open_run(&mut self, origin: RunOrigin, bytes: &[u8]) -> Vec<Outgoing> {
        let mut out = self.pause();
        let Some(current) = &self.run else {
            out.push(
                Event::Refused {
                    reason: Refusal::NotReady,
                }
                .into(),
            );
            return out;
        };
        let (device, backend) = (current.device.clone(), current.backend);
        let kept_as = match origin {
            RunOrigin::Kept { id } => Some(id),
            _ => None,
        };
        match opened(bytes, &device) {
            Ok(opened) => out.extend(
                self.reopen(opened, device, backend, Some(origin), kept_as)
                    .await,
            ),
            Err(error) => out.push(
                Event::Refused {
                    reason: error.into(),
                }
                .into(),
            ),
        }
        out
    }

    /// The run in progress, written out before its device changed, carried on on `device`.
    pub(crate) async fn carry_over(
        &mut self,
        device: Device,
        backend: Backend,
        bytes: &[u8],
    ) -> Vec<Outgoing> {
        match opened(bytes, &device) {
            Ok(opened) => {
                let kept_as = self.kept_as;
                self.reopen(opened, device, backend, None, kept_as).await
            }
            Err(error) => vec![Event::Refused {
                reason: error.into(),
            }
            .into()],
        }
    }

    /// Makes `opened` the run in progress. `kept_as`: the recent run it is (its stored copy
    /// is this very run, so there is nothing to keep until it changes); `None` for a run
    /// the browser does not keep yet.
    pub(crate) async fn reopen(
        &mut self,
        opened: Opened,
        device: Device,
        backend: Backend,
        origin: Option<RunOrigin>,
        kept_as: Option<u64>,
    ) -> Vec<Outgoing> {
        self.set_aside().await;
        let Opened {
            history,
            set,
            settings,
            trainer,
        } = opened;
        let name = faces_name(&set);
        self.data.replace(Candidate {
            set,
            notes: ImportNotes {
                name,
                ..ImportNotes::default()
            },
            layout: None,
        });
        let mut out = vec![self.data.described()];
        let run = Run {
            device,
            backend,
            settings,
            trainer,
            history,
        };
        out.extend(self.show(run, origin).await);
        self.now_open(kept_as);
        if kept_as.is_some() {
            self.autosaved = Autosaved {
                run: self.runs,
                steps: self.steps(),
                at_ms: (self.clock)(),
            };
        }
        out.extend(self.probe().await);
        out
    }
}

/// The imported face set's name; `None` for the built-in faces.
fn faces_name(set: &faces::FaceSet) -> Option<String> {
    match &set.source {
        faces::Source::Synthetic(_) => None,
        faces::Source::Imported { name, .. } => Some(name.clone()),
    }
}

/// A run file's run, rebuilt and ready to carry on.
pub(crate) struct Opened {
    history: RunHistory,
    set: faces::FaceSet,
    settings: RunSettings,
    trainer: Trainer,
}

pub(crate) fn opened(bytes: &[u8], device: &Device) -> Result<Opened, RunFileError> {
    let file = RunFile::from_bytes(bytes)?;
    let set =
        faces::read_pack(file.bytes(FACES_TENSOR)?).map_err(|_| RunFileError::Inconsistent {
            part: RunPart::Faces,
        })?;
    let settings = settings_of(&file.manifest, set.classes())?;
    let trainer = Trainer::resume(&file, set.train.labels().len(), device.clone())?;
    Ok(Opened {
        history: file.manifest.history,
        set,
        settings,
        trainer,
    })
}

/// Burn reads the optimizer's state synchronously, which WebGPU in the browser cannot do;
/// there the file keeps everything else and a reopened run starts its optimizer afresh.
fn optimizer_readable(backend: Backend) -> bool {
    !(cfg!(target_family = "wasm") && backend == Backend::Wgpu)
}

pub(crate) async fn run_file_bytes(run: &Run, faces: &faces::FaceSet) -> Result<Vec<u8>, Refusal> {
    let saved = run
        .trainer
        .save(optimizer_readable(run.backend))
        .resolve()
        .await?;
    let file = saved.into_run_file(
        "ViT Playground (page)",
        Some(run.settings.clone()),
        run.history.clone(),
        [StoredTensor::bytes(FACES_TENSOR, faces::write_pack(faces))],
    );
    Ok(file.to_bytes())
}
