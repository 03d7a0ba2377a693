//! The same model on the GPU path (burn-wgpu; Vulkan natively, WebGPU in the browser):
//! same initial weights, the same first loss, and training that goes the same way.
//! Runs with `--features wgpu` on a machine with a Vulkan driver (lavapipe will do).
#![cfg(feature = "wgpu")]

use model::rng::SeededRng;
use model::{Backend, BackendDevice, InMemorySet, Preset, Trainer, TrainingOptions};

fn data() -> InMemorySet {
    let mut rng = SeededRng::new(3);
    let labels: Vec<usize> = (0..16).map(|i| i % 4).collect();
    let images = labels
        .iter()
        .flat_map(|&label| {
            let noise: Vec<f32> = (0..1024).map(|_| 0.3 * rng.normal() as f32).collect();
            (0..1024).map(move |p| noise[p] + if (p / 16) % 4 == label { 1.0 } else { -0.5 })
        })
        .collect();
    InMemorySet {
        image_len: 1024,
        images,
        labels,
    }
}

fn losses(backend: Backend) -> Vec<f32> {
    let data = data();
    let mut options = TrainingOptions::new(Preset::Tiny.config(4).with_seed(2));
    options.batch_size = 8;
    let mut trainer = Trainer::new(options, data.labels.len(), backend.device().unwrap()).unwrap();
    (0..8).map(|_| trainer.step(&data).unwrap().loss).collect()
}

#[test]
fn wgpu_trains_like_the_cpu() {
    let gpu = losses(Backend::Wgpu);
    let cpu = losses(Backend::Flex);
    eprintln!("wgpu {gpu:?}\nflex {cpu:?}");
    assert!(
        (gpu[0] - cpu[0]).abs() < 1e-4,
        "first losses differ: {} vs {}",
        gpu[0],
        cpu[0]
    );
    for (g, c) in gpu.iter().zip(&cpu) {
        assert!(
            (g - c).abs() < 1e-2 * c.abs().max(1.0),
            "{gpu:?} vs {cpu:?}"
        );
    }
    assert!(gpu[7] < gpu[0]);
}
