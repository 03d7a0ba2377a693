//! `vitp step --dump`: one update, written so that another framework can replay it.

use std::path::Path;

use faces::{FaceSet, SyntheticConfig};
use model::{BackendDevice, Batch, ImageSet, StepExtras, Trainer, TrainingOptions};
use serde_json::{json, Map, Value};

use crate::TrainArgs;

fn tensor(shape: &[usize], values: &[f32]) -> Value {
    json!({ "shape": shape, "values": values })
}

/// One update from the seed, or (`resume`) from a kept run's weights, on the first images
/// of the training split.
pub fn run(args: &TrainArgs, out: &Path, resume: Option<&Path>) -> Result<(), String> {
    let (mut trainer, faces) = match resume {
        Some(path) => {
            let (trainer, faces, _) = crate::runs::resume(path, args.backend)?;
            (trainer, faces)
        }
        None => fresh(args)?,
    };
    let options = trainer.options().clone();
    let config = options.model.clone();

    // A deterministic batch: the first images of the training split, in order.
    let indices: Vec<usize> = (0..options.batch_size.min(faces.train.len())).collect();
    let batch = Batch::gather(&faces.train, &indices);

    // The weights this update starts from.
    let params = trainer
        .model()
        .named_parameters()
        .wait()
        .map_err(|e| e.to_string())?;
    let report = trainer
        .step_on(
            &batch,
            StepExtras {
                attention_gradients: true,
                ..StepExtras::default()
            },
        )
        .map_err(|e| e.to_string())?;

    let mut params_json = Map::new();
    for (name, t) in &params {
        params_json.insert(name.clone(), tensor(&t.shape, &t.values));
    }
    let width = config.width;
    let mut grads = Map::new();
    for (i, block) in report.attention_gradients.iter().flatten().enumerate() {
        for (name, values) in [
            ("wq", &block.wq),
            ("wk", &block.wk),
            ("wv", &block.wv),
            ("wo", &block.wo),
        ] {
            grads.insert(
                format!("blocks.{i}.attn.{name}.weight"),
                tensor(&[width, width], values),
            );
        }
    }
    let mut report_json = serde_json::to_value(&report).map_err(|e| e.to_string())?;
    let report_map = report_json.as_object_mut().expect("a report is an object");
    report_map.remove("attention_gradients");
    report_map.insert("grads".into(), Value::Object(grads));

    let dump = json!({
        "config": config,
        "convention": "y = x · W + b",
        "optimizer": options.optimizer,
        "learning_rate": options.learning_rate,
        "params": params_json,
        "batch": {
            "images": tensor(&[batch.len(), config.channels, config.image_size, config.image_size], &batch.images),
            "labels": batch.labels,
        },
        "report": report_json,
    });
    let text = serde_json::to_string(&dump).map_err(|e| e.to_string())?;
    std::fs::write(out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!(
        "update {} on {} images (seed {}): loss {:.6}; dump written to {}",
        report.step,
        batch.len(),
        config.seed,
        report.loss,
        out.display()
    );
    Ok(())
}

/// A trainer from the seed on the synthetic faces.
fn fresh(args: &TrainArgs) -> Result<(Trainer, FaceSet), String> {
    let config = args.preset.config(0).with_seed(args.seed);
    let faces = faces::generate(&SyntheticConfig {
        size: config.image_size,
        seed: args.seed,
        ..Default::default()
    });
    let mut config = config;
    config.classes = faces.classes();
    let mut options = TrainingOptions::new(config);
    options.optimizer = args.optimizer()?;
    options.learning_rate = args.lr;
    options.batch_size = args.batch;
    let device = args.backend.device().map_err(|e| e.to_string())?;
    let trainer = Trainer::new(options, faces.train.len(), device).map_err(|e| e.to_string())?;
    Ok((trainer, faces))
}
