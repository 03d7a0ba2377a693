//! Run files on the command line: `vitp train --save/--resume`, `vitp export`, `vitp info`.
//! The same files as the page's "Save run…" and "Open run…" (see `vocab::run_file`).

use std::path::Path;

use faces::FaceSet;
use model::run_file::{RunFile, StoredTensor};
use model::{Backend, BackendDevice, Trainer};
use vocab::protocol::{RunHistory, RunSettings};
use vocab::run_file::FACES_TENSOR;

fn read(path: &Path) -> Result<RunFile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    RunFile::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// The run in `path`, on `backend`, with its faces and its charts' history.
pub fn resume(path: &Path, backend: Backend) -> Result<(Trainer, FaceSet, RunHistory), String> {
    let file = read(path)?;
    let faces = file
        .bytes(FACES_TENSOR)
        .map_err(|e| e.to_string())
        .and_then(|pack| faces::read_pack(pack).map_err(|e| e.to_string()))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let device = backend.device().map_err(|e| e.to_string())?;
    let trainer = Trainer::resume(&file, faces.train.labels().len(), device)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((trainer, faces, file.manifest.history))
}

/// Writes the run to `path`: the page opens it and carries on.
pub fn save(
    path: &Path,
    trainer: &Trainer,
    faces: &FaceSet,
    history: RunHistory,
) -> Result<(), String> {
    let saved = trainer.save(true).wait().map_err(|e| e.to_string())?;
    let file = saved.into_run_file(
        &format!("vitp {}", env!("CARGO_PKG_VERSION")),
        RunSettings::from_training(trainer.options()),
        history,
        [StoredTensor::bytes(FACES_TENSOR, faces::write_pack(faces))],
    );
    std::fs::write(path, file.to_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `vitp export`: the weights alone, as safetensors.
pub fn export(run: &Path, out: &Path) -> Result<(), String> {
    let file = read(run)?;
    let bytes = file.weights_safetensors().map_err(|e| e.to_string())?;
    std::fs::write(out, bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!(
        "{} parameters of the run at update {} written to {} (Burn's layout: a Linear weight \
         is [d_in, d_out], the transpose of PyTorch's)",
        file.manifest.parameter_ids.len(),
        file.manifest.steps,
        out.display()
    );
    Ok(())
}

/// `vitp info`: what a run file holds.
pub fn info(path: &Path) -> Result<(), String> {
    let file = read(path)?;
    let m = &file.manifest;
    let c = &m.training.model;
    let faces = file
        .bytes(FACES_TENSOR)
        .ok()
        .and_then(|pack| faces::read_pack(pack).ok());
    println!("saved by      {}", m.saved_by);
    println!("updates       {}", m.steps);
    println!(
        "model         {}×{} images, patch {}, width {}, {} heads, {} blocks, MLP {}, {} classes, seed {}",
        c.image_size, c.image_size, c.patch_size, c.width, c.heads, c.depth, c.mlp_width, c.classes, c.seed
    );
    println!(
        "training      {:?}, learning rate {}, batch {}, {}",
        m.training.optimizer,
        m.training.learning_rate,
        m.training.batch_size,
        augmentation(&m.training.augmentation)
    );
    match &m.settings {
        Some(s) => println!(
            "page          opens as {} with {} (the page's controls)",
            s.model.name(),
            s.optimizer.code()
        ),
        None => println!("page          the page's controls do not offer these settings"),
    }
    if let Some(faces) = faces {
        println!(
            "faces         {} people, {} training and {} validation images, {}",
            faces.classes(),
            faces.train.labels().len(),
            faces.validation.labels().len(),
            match &faces.source {
                faces::Source::Synthetic(spec) => format!(
                    "the built-in synthetic faces (seed {}, {}×{})",
                    spec.seed, spec.size, spec.size
                ),
                faces::Source::Imported { name, .. } => format!("imported from {name}"),
            }
        );
    }
    if let Some((step, loss)) = m.history.losses.last() {
        println!("last loss     {loss:.4} (update {step})");
    }
    if let Some((step, e)) = m.history.validation.last() {
        println!(
            "validation    {:.1} % accuracy, loss {:.4} (update {step})",
            e.accuracy * 100.0,
            e.loss
        );
    }
    println!(
        "optimizer     {}",
        if m.optimizer_state {
            "state kept (resumes exactly)"
        } else {
            "state not kept (saved from WebGPU in a browser): resumes with a fresh optimizer"
        }
    );
    Ok(())
}

/// An augmentation as `vitp info` writes it.
fn augmentation(augmentation: &vocab::Augmentation) -> String {
    match (augmentation.max_shift, augmentation.horizontal_flip) {
        (0, false) => "no augmentation".into(),
        (0, true) => "random mirror images".into(),
        (shift, flip) => format!(
            "shifts of up to {shift} pixels{}",
            if flip { " and mirror images" } else { "" }
        ),
    }
}
