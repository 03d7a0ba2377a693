//! `vitp train`: a whole training run on the command line, with a progress bar.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use model::{BackendDevice, ImageSet, Trainer, TrainingOptions};
use serde_json::json;

use crate::TrainArgs;
use faces::FaceSet;
use vocab::protocol::RunHistory;

/// Where `vitp train` keeps its run, and where it resumes one from.
#[derive(Clone, Debug, Default)]
pub struct RunPaths {
    pub save: Option<std::path::PathBuf>,
    pub resume: Option<std::path::PathBuf>,
}

/// The preset's shape, optimizer and learning rate, for the progress line.
fn describe(trainer: &Trainer) -> String {
    let o = trainer.options();
    format!(
        "width {}, {} heads, {} blocks, {:?} at {}",
        o.model.width, o.model.heads, o.model.depth, o.optimizer, o.learning_rate
    )
}

/// A run from the seed on the face set `data` names.
fn fresh(args: &TrainArgs, data: &str) -> Result<(Trainer, FaceSet), String> {
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
    let trainer = Trainer::new(options, faces.train.len(), device).map_err(|e| e.to_string())?;
    Ok((trainer, faces))
}

pub fn run(
    args: &TrainArgs,
    data: &str,
    epochs: usize,
    as_json: bool,
    runs: &RunPaths,
) -> Result<(), String> {
    let (mut trainer, faces, mut history) = match &runs.resume {
        // A kept run carries on with its own model, settings, faces and place in the epoch.
        Some(path) => crate::runs::resume(path, args.backend)?,
        None => {
            let (trainer, faces) = fresh(args, data)?;
            (trainer, faces, RunHistory::default())
        }
    };
    let updates = trainer.updates_per_epoch() * epochs;
    eprintln!(
        "{} people, {} training / {} validation images; {} on {}; {} updates per epoch{}",
        faces.classes(),
        faces.train.len(),
        faces.validation.len(),
        describe(&trainer),
        args.backend,
        trainer.updates_per_epoch(),
        match trainer.steps() {
            0 => String::new(),
            n => format!("; carrying on from update {n}"),
        }
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
    if history.validation.is_empty() {
        let before = trainer
            .evaluate(&faces.validation)
            .map_err(|e| e.to_string())?;
        history.validation.push((trainer.steps(), before));
    }
    for _ in 0..updates {
        let report = trainer.step(&faces.train).map_err(|e| e.to_string())?;
        last_loss = report.loss;
        history.record_step(&report);
        if report.position.update_in_epoch == report.position.updates_per_epoch {
            let evaluation = trainer
                .evaluate(&faces.validation)
                .map_err(|e| e.to_string())?;
            history.validation.push((report.step, evaluation));
        }
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
    if let Some(path) = &runs.save {
        crate::runs::save(path, &trainer, &faces, history)?;
        eprintln!(
            "run saved to {} at update {}",
            path.display(),
            trainer.steps()
        );
    }
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
