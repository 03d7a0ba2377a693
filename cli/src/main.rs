//! `vitp`: ViT Playground's model and data, without the page.
//!
//! - `vitp step` runs one update and dumps everything needed to replay it elsewhere;
//! - `vitp train` trains on the synthetic faces or the learner's own, and reports accuracy;
//! - `vitp bench` times train steps on each CPU backend;
//! - `vitp train --save run.vitp` keeps the run in the file the page opens, and
//!   `--resume run.vitp` carries on one (from the page or from `vitp`);
//! - `vitp export` writes a run's weights as plain safetensors, `vitp info` says what a run holds;
//! - `vitp faces import` turns a folder of faces into a pack file the page loads;
//! - `vitp faces preview` draws a face set as a PNG contact sheet.

mod bench;
mod compute;
mod data;
mod dump;
mod preview;
mod runs;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use model::{Backend, OptimizerKind, Preset};

#[derive(Parser)]
#[command(name = "vitp", version, about = "ViT Playground on the command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// What every training command shares.
#[derive(clap::Args, Clone, Debug)]
pub struct TrainArgs {
    /// Model size: tiny, small or vit-s14.
    #[arg(long, default_value = "tiny")]
    pub preset: Preset,
    /// Seed of the initial weights and of the batch order.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// sgd or adam.
    #[arg(long, default_value = "adam")]
    pub optimizer: String,
    /// Momentum of SGD.
    #[arg(long, default_value_t = 0.9)]
    pub momentum: f64,
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    #[arg(long, default_value_t = 32)]
    pub batch: usize,
    /// Shift training images by up to this many pixels (0 = off).
    #[arg(long, default_value_t = 0)]
    pub shift: usize,
    /// Mirror training images left–right at random.
    #[arg(long)]
    pub flip: bool,
    /// flex (ndarray or wgpu when built with the `ndarray` or `wgpu` feature).
    #[arg(long, default_value = "flex")]
    pub backend: Backend,
}

impl TrainArgs {
    pub fn optimizer(&self) -> Result<OptimizerKind, String> {
        match self.optimizer.as_str() {
            "sgd" => Ok(OptimizerKind::Sgd {
                momentum: self.momentum,
            }),
            "adam" => Ok(OptimizerKind::Adam),
            other => Err(format!(
                "unknown optimizer `{other}` (expected sgd or adam)"
            )),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run one update on a deterministic batch and write a replayable JSON dump.
    Step {
        #[command(flatten)]
        train: TrainArgs,
        /// Where to write the dump.
        #[arg(long)]
        dump: PathBuf,
        /// Start from the weights of a kept run (.vitp) instead of the seed's.
        #[arg(long)]
        resume: Option<PathBuf>,
    },
    /// Train on a face set and print the validation accuracy.
    Train {
        #[command(flatten)]
        train: TrainArgs,
        /// `synthetic`, a .pack file, a .zip, or a folder with one folder per person.
        #[arg(long, default_value = "synthetic")]
        data: String,
        #[arg(long, default_value_t = 30)]
        epochs: usize,
        /// Also print the result as one line of JSON.
        #[arg(long)]
        json: bool,
        /// Keep the run in this file at the end (the page's "Open run…" opens it).
        #[arg(long)]
        save: Option<PathBuf>,
        /// Carry on the run kept in this file (from the page or `--save`) for `--epochs`
        /// more epochs, with its own model, settings and faces.
        #[arg(long, conflicts_with = "data")]
        resume: Option<PathBuf>,
    },
    /// Write a run file's weights as plain safetensors (for PyTorch and friends).
    Export {
        /// The run file (.vitp).
        run: PathBuf,
        #[arg(long)]
        safetensors: PathBuf,
    },
    /// Say what a run file holds: model, settings, updates, faces, last loss and accuracy.
    Info {
        /// The run file (.vitp).
        run: PathBuf,
    },
    /// Median milliseconds per train step, after warm-up, for each preset and CPU backend.
    Bench {
        #[arg(long, value_delimiter = ',', default_value = "tiny,small")]
        presets: Vec<Preset>,
        /// flex (ndarray or wgpu when built with the `ndarray` or `wgpu` feature).
        #[arg(long, value_delimiter = ',', default_value = "flex")]
        backends: Vec<Backend>,
        #[arg(long, default_value_t = 32)]
        batch: usize,
        #[arg(long, default_value_t = 5)]
        warmup: usize,
        #[arg(long, default_value_t = 30)]
        steps: usize,
        /// Also split the step into forward, backward and the rest.
        #[arg(long)]
        breakdown: bool,
        /// Split each update's batch in this many shares computed at once, as the page
        /// splits it between workers (its rows are marked "×n shares").
        #[arg(long, default_value_t = 1)]
        shares: usize,
    },
    /// Face sets: import the learner's own, or look at one.
    Faces {
        #[command(subcommand)]
        command: FacesCommand,
    },
}

#[derive(Subcommand)]
enum FacesCommand {
    /// Import a folder (or .zip) into a pack file: one folder per person, or every image in
    /// one folder with the person in its name (subject01.happy, 12_3.png, Name_0001.jpg).
    Import {
        /// The folder or .zip.
        source: PathBuf,
        #[arg(long, default_value_t = 32)]
        size: usize,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 2)]
        min_images: usize,
        #[arg(long, default_value_t = 100)]
        max_people: usize,
        #[arg(long, default_value_t = 50)]
        max_images: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Draw a face set as a PNG: one row per person.
    Preview {
        #[arg(long, default_value = "synthetic")]
        data: String,
        #[arg(long, default_value_t = 12)]
        people: usize,
        /// Pixels per image pixel.
        #[arg(long, default_value_t = 3)]
        zoom: usize,
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    compute::keep_freed_memory();
    let cli = Cli::parse();
    let result = compute::on_kernel_threads(|| match cli.command {
        Command::Step {
            train,
            dump,
            resume,
        } => dump::run(&train, &dump, resume.as_deref()),
        Command::Train {
            train,
            data,
            epochs,
            json,
            save,
            resume,
        } => train::run(
            &train,
            &data,
            epochs,
            json,
            &train::RunPaths { save, resume },
        ),
        Command::Export { run, safetensors } => runs::export(&run, &safetensors),
        Command::Info { run } => runs::info(&run),
        Command::Bench {
            presets,
            backends,
            batch,
            warmup,
            steps,
            breakdown,
            shares,
        } => bench::run(&presets, &backends, batch, warmup, steps, shares).and_then(|()| {
            if breakdown {
                println!();
                bench::breakdown(&presets, &backends, batch, warmup, steps)
            } else {
                Ok(())
            }
        }),
        Command::Faces { command } => match command {
            FacesCommand::Import {
                source,
                size,
                out,
                min_images,
                max_people,
                max_images,
                seed,
            } => {
                let options = faces::ImportOptions {
                    size,
                    min_images,
                    max_people,
                    max_images_per_person: max_images,
                    seed,
                    ..Default::default()
                };
                data::import_to_pack(&source, &options, &out)
            }
            FacesCommand::Preview {
                data,
                people,
                zoom,
                out,
            } => preview::run(&data, people, zoom, &out),
        },
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("vitp: {message}");
            ExitCode::FAILURE
        }
    }
}
