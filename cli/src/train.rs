//! `vitp train`: a whole training run on the command line, with a progress bar.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use model::{BackendDevice, ImageSet, Trainer, TrainingOptions};
use serde_json::json;

use crate::TrainArgs;

pub fn run(args: &TrainArgs, data: &str, epochs: usize, as_json: bool) -> Result<(), String> {
    let config = args.preset.config(0);
    // Folders and archives are imported straight at the preset's input size.
    let faces = crate::data::load(data, config.image_size)?;
    if faces.size != config.image_size {
        return Err(format!(
            "the {} preset expects {}×{} images, the face set has {}×{}",
            args.preset, config.image_size, config.image_size, faces.size, faces.size
        ));
    }
    let mut config = config.with_seed(args.seed);
    config.classes = faces.classes();
    let mut options = TrainingOptions::new(config);
    options.optimizer = args.optimizer()?;
    options.learning_rate = args.lr;
    options.batch_size = args.batch;
    options.augmentation = model::Augmentation {
        horizontal_flip: args.flip,
        max_shift: args.shift,
    };

    let device = args.backend.device().map_err(|e| e.to_string())?;
    let mut trainer =
        Trainer::new(options, faces.train.len(), device).map_err(|e| e.to_string())?;
    let updates = trainer.updates_per_epoch() * epochs;
    eprintln!(
        "{} people, {} training / {} validation images; {} preset on {}; {} updates per epoch",
        faces.classes(),
        faces.train.len(),
        faces.validation.len(),
        args.preset,
        args.backend,
        trainer.updates_per_epoch()
    );
    let bar = ProgressBar::new(updates as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {pos}/{len} updates, epoch {msg} [{elapsed_precise}<{eta_precise}]",
        )
        .expect("a valid template"),
    );
    let start = Instant::now();
    let mut last_loss = f32::NAN;
    for _ in 0..updates {
        let report = trainer.step(&faces.train).map_err(|e| e.to_string())?;
        last_loss = report.loss;
        if report.diverged() {
            bar.abandon();
            return Err(format!(
                "update {} diverged (loss {}): lower the learning rate",
                report.step, report.loss
            ));
        }
        bar.set_message(format!("{} loss {:.3}", report.position.epoch, report.loss));
        bar.inc(1);
    }
    bar.finish();
    let seconds = start.elapsed().as_secs_f64();
    let validation = trainer
        .evaluate(&faces.validation)
        .map_err(|e| e.to_string())?;
    let training = trainer.evaluate(&faces.train).map_err(|e| e.to_string())?;
    println!(
        "validation accuracy {:.1}% (loss {:.3}); training accuracy {:.1}%; last batch loss {:.3}; {} updates in {:.1} s",
        validation.accuracy * 100.0,
        validation.loss,
        training.accuracy * 100.0,
        last_loss,
        updates,
        seconds
    );
    if as_json {
        println!(
            "{}",
            json!({
                "data": data, "preset": args.preset, "backend": args.backend, "epochs": epochs,
                "updates": updates, "seconds": seconds, "validation_accuracy": validation.accuracy,
                "validation_loss": validation.loss, "training_accuracy": training.accuracy,
            })
        );
    }
    Ok(())
}
