//! The model's train step compiled to wasm32, for timing it where the page runs it.
//!
//! `bench/wasm/run.mjs` loads this (built by `cargo xtask bench-wasm`) in Node.js, whose V8
//! is Chromium's engine, and times `StepBench::step` with `performance.now()`.

use model::{Backend, BackendDevice, InMemorySet, Preset, Trainer, TrainingOptions};
use wasm_bindgen::prelude::*;

/// A trainer on fixed images, ready to step.
#[wasm_bindgen]
pub struct StepBench {
    trainer: Trainer,
    data: InMemorySet,
}

#[wasm_bindgen]
impl StepBench {
    /// `preset`: tiny or small; `backend`: flex or ndarray.
    #[wasm_bindgen(constructor)]
    pub fn new(preset: &str, backend: &str, batch: usize) -> Result<StepBench, JsError> {
        let preset: Preset = preset.parse()?;
        let backend: Backend = backend.parse()?;
        let config = preset.config(40);
        let mut rng = model::rng::SeededRng::new(5);
        let data = InMemorySet {
            image_len: config.image_len(),
            images: (0..config.image_len() * batch)
                .map(|_| rng.normal() as f32)
                .collect(),
            labels: (0..batch).map(|i| i % 40).collect(),
        };
        let mut options = TrainingOptions::new(config);
        options.batch_size = batch;
        let trainer = Trainer::new(options, batch, backend.device()?)?;
        Ok(StepBench { trainer, data })
    }

    /// One whole update, report read back included; returns the loss.
    pub fn step(&mut self) -> Result<f32, JsError> {
        Ok(self.trainer.step(&self.data)?.loss)
    }
}
