//! WebGPU beside the CPU: the run's model timed on each, so that the page trains on WebGPU
//! only where it is the faster of the two for that model (a small model's update is a few
//! small kernels, each paying WebGPU's dispatch; a large one's keeps the GPU busy).

use model::burn::tensor::Device;
use model::{default_cpu, device_async, Backend, StepExtras, TrainError};
use vocab::protocol::{
    DeviceComparison, DeviceSpeed, Event, GpuFallback, Outgoing, Refusal, RunSettings,
};
use vocab::shape::WORKER_BASE_BYTES;
use vocab::{ConfigError, WASM_MEMORY_LIMIT_BYTES};

use crate::{gpu_fallback, refused, shared_step, trainer_for, Session};

/// Updates timed after the first, at most: their median is the device's figure.
const TIMED_UPDATES: usize = 3;

/// Time after the first update past which no further update is started: a model that takes
/// seconds per update on one device is timed on one or two updates there, not three.
const TIMING_BUDGET_MS: f64 = 3_000.0;

impl Session {
    /// Fresh weights from the run's settings on each device, a few updates on its training
    /// faces, timed: the run itself, its weights, its batches' order and its play stay as
    /// they were (play pauses: the worker has one thread).
    pub(crate) async fn compare_devices(&mut self) -> Vec<Outgoing> {
        let mut out = self.pause();
        let Some(run) = &self.run else {
            out.push(refused(Refusal::NotReady));
            return out;
        };
        let settings = run.settings.clone();
        if run.backend != Backend::Wgpu {
            // The run is in the worker's memory too: the CPU's copy must fit beside it.
            if let Err(error) = fits_beside_run(&settings, self.data.set().classes()) {
                out.push(refused(error));
                return out;
            }
        }
        let run_backend = run.backend;
        // The CPU is timed as the run would train there: with the helpers the learner asked
        // for, started now (they load while WebGPU is timed) and let go after if the run is
        // on WebGPU.
        if let Some(helpers) = &mut self.helpers {
            helpers.set_count(self.workers - 1);
        }
        let gpu = match device_async(Backend::Wgpu).await {
            Ok(device) => self
                .time_updates(&settings, &device, false)
                .await
                .map_err(|error| GpuFallback::Failed {
                    message: error.to_string(),
                }),
            Err(error) => Err(gpu_fallback(error)),
        };
        let cpu = match device_async(default_cpu()).await {
            Ok(device) => {
                (self.time_updates(&settings, &device, true).await).map_err(Refusal::from)
            }
            Err(error) => Err(Refusal::from(error)),
        };
        self.arrange_helpers(run_backend);
        let cpu = match cpu {
            Ok(speed) => speed,
            Err(error) => {
                out.push(refused(error));
                return out;
            }
        };
        out.push(
            Event::DeviceComparison(DeviceComparison {
                model: settings.model,
                batch_size: settings.batch_size,
                cpu,
                gpu,
            })
            .into(),
        );
        out
    }

    /// The first update on `device`, then up to [`TIMED_UPDATES`] more within
    /// [`TIMING_BUDGET_MS`], each read back before the clock stops; `shared` between this
    /// worker and the helpers ready, as the run's updates on the CPU are.
    async fn time_updates(
        &mut self,
        settings: &RunSettings,
        device: &Device,
        shared: bool,
    ) -> Result<DeviceSpeed, TrainError> {
        let faces = self.data.set();
        let mut trainer = trainer_for(settings, faces, device)?;
        let helpers = self.helpers.as_deref_mut().filter(|_| shared);
        let parts = helpers
            .as_ref()
            .map_or(1, |h| 1 + h.ready().min(self.workers - 1));
        let mut helpers = helpers.filter(|_| parts > 1);
        let mut workers = parts;
        let clock = self.clock;
        let mut times = Vec::with_capacity(TIMED_UPDATES + 1);
        // The first, then the timed ones while the budget, counted after the first, lasts.
        let mut after_first = None;
        while times.len() < 1 + TIMED_UPDATES
            && (times.len() < 2 || after_first.is_some_and(|t| clock() - t < TIMING_BUDGET_MS))
        {
            let start = clock();
            match helpers.as_deref_mut() {
                Some(helpers) => {
                    let data = &faces.train;
                    let (_, done) =
                        shared_step(&mut trainer, helpers, data, StepExtras::default(), parts)
                            .await?;
                    workers = workers.min(done.in_parallel);
                }
                None => {
                    trainer
                        .step_async(&faces.train, StepExtras::default())
                        .await?;
                }
            }
            times.push(clock() - start);
            after_first.get_or_insert_with(clock);
        }
        let first_ms = times.remove(0);
        times.sort_by(f64::total_cmp);
        Ok(DeviceSpeed {
            first_ms,
            update_ms: times[times.len() / 2],
            updates: times.len(),
            workers,
        })
    }
}

/// Whether a second trainer of `settings` fits in the worker's memory beside the run's
/// (the program itself counted once).
fn fits_beside_run(settings: &RunSettings, classes: usize) -> Result<(), TrainError> {
    let kind = settings.optimizer.kind();
    let cost = settings.model.cost(classes, settings.batch_size, kind);
    let both = 2 * cost.training_bytes - WORKER_BASE_BYTES;
    if both > WASM_MEMORY_LIMIT_BYTES {
        return Err(ConfigError::TooLargeForPage {
            estimated_bytes: both,
            limit_bytes: WASM_MEMORY_LIMIT_BYTES,
        }
        .into());
    }
    Ok(())
}
