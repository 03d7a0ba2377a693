//! `vitp bench`: the median time of one train step (forward, loss, backward, update and the
//! step report's read-back), after warm-up.

use std::time::Instant;

use model::{Backend, InMemorySet, Preset, Trainer, TrainingOptions};

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
