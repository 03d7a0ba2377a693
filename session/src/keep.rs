//! Runs that last: the run in progress written as a run file (for the learner to download,
//! or for the worker to keep in the browser's storage), and a kept run reopened exactly
//! where it stopped.

use model::burn::tensor::Device;
use model::run_file::{RunFile, RunFileError, RunPart, StoredTensor};
use model::{Backend, Trainer};
use vocab::protocol::{
    Event, Outgoing, Refusal, RunHistory, RunOrigin, RunSaved, RunSettings, SaveReason,
};
use vocab::run_file::{RunManifest, FACES_TENSOR};

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
        settings.preset.name(),
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
    let mut expected = settings.preset.config(classes).with_seed(settings.seed);
    expected.classes = training.model.classes;
    if expected != training.model {
        return Err(RunFileError::Inconsistent {
            part: RunPart::ModelShape,
        });
    }
    Ok(settings)
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

    /// The run kept in the browser's storage, when it has changed since it was last kept:
    /// at most every [`AUTOSAVE_INTERVAL_MS`] while playing, at once otherwise. The fresh
    /// run the page opens with is not kept until it has changed (or it would replace the
    /// run the learner comes back for).
    pub async fn autosave(&mut self) -> Option<Outgoing> {
        let run = self.run.as_ref()?;
        let now = (self.clock)();
        let current = (self.runs, run.trainer.steps());
        let last = (self.autosaved.run, self.autosaved.steps);
        let untouched_first_run = self.runs == 1 && current.1 == 0;
        if current == last || untouched_first_run {
            return None;
        }
        if self.playing && now - self.autosaved.at_ms < AUTOSAVE_INTERVAL_MS {
            return None;
        }
        let saved = self.save_run(SaveReason::Autosave).await.ok()?;
        self.autosaved = Autosaved {
            run: current.0,
            steps: current.1,
            at_ms: now,
        };
        Some(saved)
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
        match opened(bytes, &device) {
            Ok(opened) => out.extend(self.reopen(opened, device, backend, Some(origin)).await),
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
            Ok(opened) => self.reopen(opened, device, backend, None).await,
            Err(error) => vec![Event::Refused {
                reason: error.into(),
            }
            .into()],
        }
    }

    pub(crate) async fn reopen(
        &mut self,
        opened: Opened,
        device: Device,
        backend: Backend,
        origin: Option<RunOrigin>,
    ) -> Vec<Outgoing> {
        let Opened {
            history,
            set,
            settings,
            trainer,
        } = opened;
        let name = match &set.source {
            faces::Source::Synthetic(_) => None,
            faces::Source::Imported { name, .. } => Some(name.clone()),
        };
        self.data.replace(Candidate {
            set,
            notes: ImportNotes {
                name,
                ..ImportNotes::default()
            },
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
        // Kept as it is: nothing to save again until it changes.
        self.autosaved = Autosaved {
            run: self.runs,
            steps: self.steps(),
            at_ms: (self.clock)(),
        };
        out.extend(self.probe().await);
        out
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
