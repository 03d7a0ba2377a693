//! `vitp bench`: the median time of one train step (forward, loss, backward, update and the
//! step report's read-back), after warm-up.

use std::time::Instant;

use model::burn::module::Module;
use model::burn::tensor::activation::log_softmax;
use model::burn::tensor::{Int, Tensor, TensorData};
use model::{
    Backend, BackendDevice, Batch, InMemorySet, Preset, ShareGradients, ShareWorker, StepExtras,
    StepReport, TrainError, Trainer, TrainingOptions, VitInit,
};

/// Random-looking but fixed images: the time of a step does not depend on their content.
fn bench_images(image_len: usize, count: usize, classes: usize) -> InMemorySet {
    let mut rng = model::rng::SeededRng::new(5);
    InMemorySet {
        image_len,
        images: (0..image_len * count)
            .map(|_| rng.normal() as f32)
            .collect(),
        labels: (0..count).map(|i| i % classes).collect(),
    }
}

pub fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    let mid = samples.len() / 2;
    if samples.len() % 2 == 0 {
        (samples[mid - 1] + samples[mid]) / 2.0
    } else {
        samples[mid]
    }
}

/// Median ms of `f` over `steps` runs after `warmup`.
fn time(warmup: usize, steps: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..warmup {
        f();
    }
    median(
        (0..steps)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

/// Where a step's time goes: the forward pass alone (no autodiff), forward + loss +
/// backward, and the whole step (with the optimizer and the report's read-back).
pub fn breakdown(
    presets: &[Preset],
    backends: &[Backend],
    batch: usize,
    warmup: usize,
    steps: usize,
) -> Result<(), String> {
    println!(
        "| preset | backend | forward (inference) ms | forward + backward ms | whole step ms |"
    );
    println!("|---|---|---|---|---|");
    for &preset in presets {
        for &backend in backends {
            let config = preset.config(40);
            let data = bench_images(config.image_len(), batch, 40);
            let device = backend.device().map_err(|e| e.to_string())?;
            let batch_data = Batch::gather(&data, &(0..batch).collect::<Vec<_>>());
            let shape = [batch, config.channels, config.image_size, config.image_size];
            let model = config.init(&device).map_err(|e| e.to_string())?;
            let plain = device.clone().inner();
            let inference = model.valid();
            let forward = time(warmup, steps, || {
                let images = Tensor::<4>::from_data(
                    TensorData::new(batch_data.images.clone(), shape),
                    &plain,
                );
                let logits = inference.forward(images, false).logits;
                let _ = logits.into_data();
            });
            let backward = time(warmup, steps, || {
                let images = Tensor::<4>::from_data(
                    TensorData::new(batch_data.images.clone(), shape),
                    &device,
                );
                let labels: Vec<i64> = batch_data.labels.iter().map(|&l| l as i64).collect();
                let labels =
                    Tensor::<2, Int>::from_data(TensorData::new(labels, [batch, 1]), &device);
                let loss = log_softmax(model.forward(images, false).logits, 1)
                    .gather(1, labels)
                    .mean()
                    .neg();
                let grads = loss.backward();
                let g = model.blocks[0]
                    .attn
                    .wq
                    .weight
                    .val()
                    .grad(&grads)
                    .expect("Wq has a gradient");
                let _ = g.into_data();
            });
            let mut options = TrainingOptions::new(config);
            options.batch_size = batch;
            let mut trainer = Trainer::new(options, batch, device).map_err(|e| e.to_string())?;
            let whole = time(warmup, steps, || {
                trainer.step(&data).expect("a bench step runs");
            });
            println!("| {preset} | {backend} | {forward:.2} | {backward:.2} | {whole:.2} |");
        }
    }
    Ok(())
}

/// One update with its batch split in `1 + helpers.len()` shares, as the page splits it
/// between Web Workers (`model::share`): the helpers' shares are rayon tasks, computed while
/// this thread computes the trainer's own, and the trainer adds them up and updates.
fn shared_step(
    trainer: &mut Trainer,
    helpers: &mut [ShareWorker],
    data: &InMemorySet,
) -> Result<StepReport, TrainError> {
    let extras = StepExtras::default();
    let mut update = trainer.share_next(data, helpers.len() + 1)?;
    let mut answers: Vec<Option<Result<ShareGradients, TrainError>>> =
        (0..update.jobs.len()).map(|_| None).collect();
    // Lent to the helpers' tasks while the trainer computes its share (which needs the
    // update itself), then given back.
    let (jobs, weights) = (
        std::mem::take(&mut update.jobs),
        std::mem::take(&mut update.weights),
    );
    // The trainer's share on this thread, which the caller runs inside the kernels' pool.
    rayon::in_place_scope(|scope| {
        for ((job, helper), answer) in jobs.iter().zip(helpers.iter_mut()).zip(&mut answers) {
            let weights = &weights;
            scope.spawn(move |_| *answer = Some(helper.compute(job, weights)));
        }
        trainer.compute_own_share(&mut update, extras);
    });
    (update.jobs, update.weights) = (jobs, weights);
    let others = answers
        .into_iter()
        .flatten()
        .collect::<Result<Vec<_>, _>>()?;
    trainer.finish_shared_sync(update, extras, others)
}

/// `shares` above 1 splits each update's batch between that many tasks (see
/// [`shared_step`]); its rows are marked "×n shares".
pub fn run(
    presets: &[Preset],
    backends: &[Backend],
    batch: usize,
    warmup: usize,
    steps: usize,
    shares: usize,
) -> Result<(), String> {
    println!("| preset | backend | batch | median ms/step | min ms/step |");
    println!("|---|---|---|---|---|");
    for &preset in presets {
        for &backend in backends {
            let config = preset.config(40);
            let data = bench_images(config.image_len(), batch * 4, 40);
            let mut options = TrainingOptions::new(config);
            options.batch_size = batch;
            let device = backend.device().map_err(|e| e.to_string())?;
            let mut helpers: Vec<ShareWorker> = (1..shares)
                .map(|_| ShareWorker::new(device.clone()))
                .collect();
            let mut trainer =
                Trainer::new(options, data.labels.len(), device).map_err(|e| e.to_string())?;
            let mut step = || match shares {
                0 | 1 => trainer.step(&data).map(drop),
                _ => shared_step(&mut trainer, &mut helpers, &data).map(drop),
            };
            for _ in 0..warmup {
                step().map_err(|e| e.to_string())?;
            }
            let mut times = Vec::with_capacity(steps);
            for _ in 0..steps {
                let start = Instant::now();
                step().map_err(|e| e.to_string())?;
                times.push(start.elapsed().as_secs_f64() * 1e3);
            }
            let min = times.iter().copied().fold(f64::INFINITY, f64::min);
            let shared = match shares {
                0 | 1 => String::new(),
                n => format!(" ×{n} shares"),
            };
            println!(
                "| {preset} | {backend}{shared} | {batch} | {:.2} | {:.2} |",
                median(times),
                min
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The benchmark's shared update is the page's: the same losses and gradient norms as
    /// one worker's updates, to float rounding (the shares' sums are added in another order).
    #[test]
    fn shared_updates_match_single_ones() {
        let config = Preset::Tiny.config(40);
        let data = bench_images(config.image_len(), 64, 40);
        let trainer = || {
            let mut options = TrainingOptions::new(config.clone());
            options.batch_size = 16;
            let device = model::default_cpu().device().unwrap();
            Trainer::new(options, data.labels.len(), device).unwrap()
        };
        let (mut alone, mut shared) = (trainer(), trainer());
        let mut helpers: Vec<ShareWorker> = (0..2)
            .map(|_| ShareWorker::new(model::default_cpu().device().unwrap()))
            .collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        for _ in 0..5 {
            let one = alone.step(&data).unwrap();
            let three = pool.install(|| shared_step(&mut shared, &mut helpers, &data).unwrap());
            assert_eq!(one.step, three.step);
            assert_eq!(one.indices, three.indices);
            let close = |a: f32, b: f32| (a - b).abs() <= 1e-5 * a.abs().max(b.abs()).max(1e-3);
            assert!(
                close(one.loss, three.loss),
                "{} vs {}",
                one.loss,
                three.loss
            );
            let norms = |report: &StepReport| {
                let n = &report.gradient_norms;
                let blocks = n
                    .blocks
                    .iter()
                    .flat_map(|b| [b.wq, b.wk, b.wv, b.wo, b.mlp_fc1, b.mlp_fc2]);
                blocks
                    .chain([n.patch_embed, n.cls_token, n.pos_embed, n.head])
                    .collect::<Vec<f32>>()
            };
            let (a, b) = (norms(&one), norms(&three));
            for (x, y) in a.iter().zip(&b) {
                assert!(close(*x, *y), "gradient norm {x} vs {y}");
            }
        }
    }
}
