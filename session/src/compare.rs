//! WebGPU beside the CPU: the run's model timed on each, so that the page trains on WebGPU
//! only where it is the faster of the two for that model (a small model's update is a few
//! small kernels, each paying WebGPU's dispatch; a large one's keeps the GPU busy).

use model::burn::tensor::Device;
use model::{default_cpu, device_async, Backend, BackendError, StepExtras, TrainError};
use vocab::protocol::{
    DeviceComparison, DeviceSpeed, Event, GpuFallback, Outgoing, Refusal, RunSettings,
};
use vocab::shape::WORKER_BASE_BYTES;
use vocab::{ConfigError, WASM_MEMORY_LIMIT_BYTES};

use crate::{refused, trainer_for, Session};

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
        let cpu = match device_async(default_cpu()).await {
            Ok(device) => device,
            Err(error) => {
                out.push(refused(error));
                return out;
            }
        };
        let cpu = match self.time_updates(&settings, &cpu).await {
            Ok(speed) => speed,
            Err(error) => {
                out.push(refused(error));
                return out;
            }
        };
        let gpu = match device_async(Backend::Wgpu).await {
            Ok(device) => self
                .time_updates(&settings, &device)
                .await
                .map_err(|error| GpuFallback::Failed {
                    message: error.to_string(),
                }),
            Err(BackendError::NoGpuAdapter | BackendError::NotCompiled(Backend::Wgpu)) => {
                Err(GpuFallback::NoAdapter)
            }
            Err(other) => Err(GpuFallback::Failed {
                message: other.to_string(),
            }),
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
    /// [`TIMING_BUDGET_MS`], each read back before the clock stops.
    async fn time_updates(
        &self,
        settings: &RunSettings,
        device: &Device,
    ) -> Result<DeviceSpeed, TrainError> {
        let faces = self.data.set();
        let mut trainer = trainer_for(settings, faces, device)?;
        let clock = self.clock;
        let start = clock();
        trainer
            .step_async(&faces.train, StepExtras::default())
            .await?;
        let first_ms = clock() - start;
        let timing = clock();
        let mut times = Vec::with_capacity(TIMED_UPDATES);
        while times.len() < TIMED_UPDATES
            && (times.is_empty() || clock() - timing < TIMING_BUDGET_MS)
        {
            let start = clock();
            trainer
                .step_async(&faces.train, StepExtras::default())
                .await?;
            times.push(clock() - start);
        }
        times.sort_by(f64::total_cmp);
        Ok(DeviceSpeed {
            first_ms,
            update_ms: times[times.len() / 2],
            updates: times.len(),
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
