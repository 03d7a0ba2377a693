//! `vitp bench`: the median time of one train step (forward, loss, backward, update and the
//! step report's read-back), after warm-up.

use std::time::Instant;

use model::burn::module::Module;
use model::burn::tensor::activation::log_softmax;
use model::burn::tensor::{Int, Tensor, TensorData};
use model::{
    Backend, BackendDevice, Batch, InMemorySet, Preset, Trainer, TrainingOptions, VitInit,
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

pub fn run(
    presets: &[Preset],
    backends: &[Backend],
    batch: usize,
    warmup: usize,
    steps: usize,
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
            let mut trainer =
                Trainer::new(options, data.labels.len(), device).map_err(|e| e.to_string())?;
            for _ in 0..warmup {
                trainer.step(&data).map_err(|e| e.to_string())?;
            }
            let mut times = Vec::with_capacity(steps);
            for _ in 0..steps {
                let start = Instant::now();
                trainer.step(&data).map_err(|e| e.to_string())?;
                times.push(start.elapsed().as_secs_f64() * 1e3);
            }
            let min = times.iter().copied().fold(f64::INFINITY, f64::min);
            println!(
                "| {preset} | {backend} | {batch} | {:.2} | {:.2} |",
                median(times),
                min
            );
        }
    }
    Ok(())
}
