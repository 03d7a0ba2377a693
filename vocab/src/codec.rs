//! The bytes a page–worker message travels as: MessagePack (`rmp-serde`), structs as maps.
//!
//! JSON has no NaN and no infinity: `serde_json` writes them as `null` and then refuses to
//! read the message back, so a step report from a diverging run would vanish on its way to
//! the page. MessagePack keeps every `f32` and `f64` bit for bit, and is smaller and faster
//! to read than JSON text besides.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A message that could not be read back.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(#[from] rmp_serde::decode::Error);

pub fn to_bytes<T: Serialize>(message: &T) -> Vec<u8> {
    rmp_serde::to_vec_named(message).expect("protocol types always serialise")
}

pub fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    Ok(rmp_serde::from_slice(bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;
    use crate::data::EpochPosition;
    use crate::error::TrainError;
    use crate::faces::{ImportError, SkipReason, Skipped, SourceFile};
    use crate::optimizer::OptimizerChoice;
    use crate::protocol::*;
    use crate::report::*;
    use crate::shelf::{KeptRun, RunCurves, Shelf};
    use crate::Backend;

    const NAN: f32 = f32::NAN;
    const INF: f32 = f32::INFINITY;

    // `Command::name` and `Event::name` match every variant: a new one does not build until
    // it is named, and the test below fails until a sample of it round-trips.
    const COMMANDS: usize = 24;
    const EVENTS: usize = 23;

    fn settings() -> RunSettings {
        RunSettings {
            learning_rate: f64::NAN,
            optimizer: OptimizerChoice::Momentum,
            ..RunSettings::default()
        }
    }

    /// A step report from a diverging run: NaN and infinities in every kind of field.
    fn diverged_report() -> StepReport {
        StepReport {
            step: 7,
            position: EpochPosition {
                epoch: 1,
                update_in_epoch: 7,
                updates_per_epoch: 13,
                examples: 400,
            },
            batch_size: 2,
            learning_rate: f64::INFINITY,
            loss: NAN,
            accuracy: 0.5,
            indices: vec![3, 9],
            labels: vec![1, 2],
            true_class_probability: vec![NAN, 0.25],
            predicted: vec![1, 0],
            predicted_probability: vec![NAN, -INF],
            gradient_norms: GradientNorms {
                blocks: vec![BlockGradientNorms {
                    wq: INF,
                    wk: NAN,
                    wv: 1.0,
                    wo: -INF,
                    mlp_fc1: 0.0,
                    mlp_fc2: -0.0,
                }],
                patch_embed: NAN,
                cls_token: 1e-40,
                pos_embed: f32::MAX,
                head: INF,
            },
            tracked: TrackedValue {
                entry: TrackedEntry::default(),
                before: 0.5,
                gradient: NAN,
                after: NAN,
                optimizer: OptimizerState::Adam {
                    t: 3,
                    beta1: 0.9,
                    beta2: 0.999,
                    epsilon: 1e-8,
                    m_before: INF,
                    m: NAN,
                    v_before: 0.0,
                    v: INF,
                },
            },
            attention_gradients: Some(vec![AttentionGradients {
                wq: vec![NAN],
                wk: vec![INF],
                wv: vec![-INF],
                wo: vec![0.0],
            }]),
            backward: Some(Box::new(BackwardPath {
                target: HeadTarget { block: 0, head: 1 },
                image: 3,
                tokens: 1,
                head_dim: 1,
                width: 1,
                x: vec![NAN],
                q: vec![1.0],
                k: vec![INF],
                v: vec![-INF],
                attention: vec![1.0],
                d_output: vec![NAN],
                d_values: vec![NAN],
                d_attention: vec![NAN],
                d_scores: vec![NAN],
                d_queries: vec![NAN],
                d_keys: vec![NAN],
            })),
            augmented: vec![crate::data::ImageShift {
                flip: true,
                dx: -2,
                dy: 1,
            }],
        }
    }

    fn commands() -> Vec<Command> {
        vec![
            Command::Start {
                device: DeviceChoice::Gpu,
                settings: settings(),
                resume: false,
                kept: Vec::new(),
                shelf: Shelf::default(),
                carried: Some(CarriedRun {
                    kept_as: Some(3),
                    bytes: Vec::new(),
                }),
            },
            Command::HandOver,
            Command::Reset {
                settings: settings(),
            },
            Command::Step,
            Command::Play { delay_ms: 100 },
            Command::Pause,
            Command::SetWorkers { count: 4 },
            Command::SetSpeed { delay_ms: 0 },
            Command::SetLearningRate {
                learning_rate: f64::INFINITY,
            },
            Command::SetOptimizer {
                optimizer: OptimizerChoice::Sgd,
            },
            Command::SetBatchSize { batch_size: 16 },
            Command::SetAugmentation {
                augmentation: crate::data::Augmentation::PAGE,
            },
            Command::Rollback,
            Command::UseSynthetic,
            Command::Inspect(InspectTarget {
                image: 2,
                block: 1,
                head: 0,
            }),
            Command::Import {
                kind: ImportKind::Zip,
                name: "faces.zip".into(),
                files: vec![SourceFile {
                    path: "faces.zip".into(),
                    bytes: Vec::new(),
                }],
            },
            Command::SaveRun {
                reason: SaveReason::Download,
            },
            Command::OpenRun {
                origin: RunOrigin::File {
                    name: "run.vitp".into(),
                },
                bytes: Vec::new(),
            },
            Command::ForgetRun { id: 3 },
            Command::AcceptImport,
            Command::DiscardImport,
            Command::RunExperiment {
                arms: vec![RunSettings::default(), RunSettings::default()],
                updates: 100,
            },
            Command::Recognise {
                width: 2,
                height: 1,
                rgba: Vec::new(),
            },
            Command::CompareDevices,
        ]
    }

    fn events() -> Vec<Event> {
        let target = InspectTarget::default();
        vec![
            Event::Loaded,
            Event::Device(DeviceStatus {
                backend: Backend::Flex,
                fallback: Some(GpuFallback::Failed {
                    message: "lost".into(),
                }),
                workers: 2,
                helpers_lost: Some("out of memory".into()),
            }),
            Event::Dataset(DatasetSummary {
                imported_from: Some("faces".into()),
                size: 32,
                people: vec!["s1".into()],
                train_labels: vec![0],
                validation_labels: vec![0],
                skipped: vec![Skipped {
                    path: "x.png".into(),
                    reason: SkipReason::Empty,
                }],
                people_left_out: 0,
            }),
            Event::Started(RunStarted {
                settings: settings(),
                parameters: 21_128,
                updates_per_epoch: 13,
                run: 4,
                steps: 9,
                history: RunHistory {
                    losses: vec![(1, NAN)],
                    validation: vec![(
                        0,
                        Evaluation {
                            loss: INF,
                            accuracy: 0.5,
                            images: 2,
                        },
                    )],
                    gradients: vec![(1, Vec::new())],
                },
                reopened: Some(RunOrigin::Autosave),
                position: None,
            }),
            Event::Step {
                report: Box::new(diverged_report()),
                millis: f64::NAN,
            },
            Event::Validation {
                step: 13,
                evaluation: Evaluation {
                    loss: INF,
                    accuracy: NAN,
                    images: 80,
                },
            },
            Event::Probe(Box::new(HeadView {
                step: 7,
                target,
                tokens: 1,
                grid: 1,
                head_dim: 1,
                width: 1,
                input: vec![NAN],
                q: vec![INF],
                k: vec![-INF],
                v: vec![0.0],
                scores: vec![NAN],
                attention: vec![NAN],
                rollout: vec![NAN],
                label: 0,
                predicted: 0,
                probability: NAN,
            })),
            Event::Initial(Box::new(InitialView {
                target,
                attention: vec![NAN],
                rollout: vec![INF],
            })),
            Event::Weights(Box::new(WeightsView {
                step: 7,
                block: 0,
                width: 1,
                wq: vec![NAN],
                wk: vec![INF],
                wv: vec![-INF],
                bq: vec![0.0],
                bk: vec![0.0],
                drift: [NAN, INF, 0.0],
                qk_similarity: NAN,
                groups: vec![ParameterDrift {
                    group: "head".into(),
                    drift: INF,
                }],
            })),
            Event::Playing { playing: true },
            Event::Diverged(DivergenceReport {
                step: 7,
                loss: NAN,
                learning_rate: 1e30,
                good_steps: 5,
            }),
            Event::RolledBack { step: 5 },
            Event::ArmStarted {
                arm: 1,
                arms: 2,
                updates: 100,
            },
            Event::ArmDone(Box::new(ArmDone {
                arm: 1,
                arms: 2,
                settings: RunSettings::default(),
                step: 100,
                kept: Some(4),
                loss: NAN,
                validation: None,
                view: LastBlockView {
                    image: 0,
                    label: 1,
                    predicted: 2,
                    probability: INF,
                    grid: 1,
                    heads: vec![vec![NAN]],
                    rollout: vec![-INF],
                },
            })),
            Event::Recognised(Box::new(Recognition {
                top: vec![(3, NAN), (1, INF)],
                size: 1,
                seen: vec![7],
                grid: 1,
                target: HeadTarget::default(),
                head: vec![-INF],
                rollout: vec![NAN],
            })),
            Event::ImportPreview(ImportPreview {
                name: "yalefaces".into(),
                layout: Some(crate::faces::Layout::NamesInFiles),
                people: vec![("subject01".into(), 11)],
                skipped: Vec::new(),
                people_left_out: 0,
            }),
            Event::ImportFailed {
                reason: ImportError::WrongImageSize {
                    found: 64,
                    expected: 32,
                }
                .into(),
                skipped: Vec::new(),
            },
            Event::RunSaved(RunSaved {
                reason: SaveReason::Autosave,
                steps: 9,
                file_name: "run.vitp".into(),
            }),
            Event::NotKept(StorageError::Failed("quota".into())),
            Event::Shelf(Shelf {
                runs: vec![KeptRun {
                    id: 2,
                    settings: settings(),
                    faces: Some("class".into()),
                    people: 3,
                    steps: 9,
                    last_loss: Some(NAN),
                    bytes: 1_000,
                    curves: RunCurves {
                        losses: vec![(1, INF)],
                        validation_losses: vec![(0, NAN)],
                        accuracy: vec![(0, 0.5)],
                    },
                }],
                open: Some(2),
                next_id: 3,
            }),
            Event::HandedOver { kept_as: None },
            Event::Refused {
                reason: TrainError::Diverged {
                    step: 4,
                    loss: -INF,
                }
                .into(),
            },
            Event::DeviceComparison(DeviceComparison {
                model: Preset::Small.into(),
                batch_size: 32,
                cpu: DeviceSpeed {
                    first_ms: 160.0,
                    update_ms: f64::NAN,
                    updates: 3,
                    workers: 1,
                },
                gpu: Err(GpuFallback::NoAdapter),
            }),
        ]
    }

    /// Bit for bit: NaN is not equal to itself, so compare what each message writes.
    fn round_trips<T: Serialize + DeserializeOwned>(message: &T) -> bool {
        let bytes = to_bytes(message);
        let back: T = from_bytes(&bytes).expect("the message reads back");
        to_bytes(&back) == bytes
    }

    #[test]
    fn every_command_and_event_round_trips_with_non_finite_numbers() {
        let commands = commands();
        let mut names: Vec<_> = commands.iter().map(Command::name).collect();
        names.dedup();
        assert_eq!(
            names.len(),
            COMMANDS,
            "a command without a sample: {names:?}"
        );
        for command in &commands {
            assert!(round_trips(command), "{}", command.name());
        }
        let events = events();
        let mut names: Vec<_> = events.iter().map(Event::name).collect();
        names.dedup();
        assert_eq!(names.len(), EVENTS, "an event without a sample: {names:?}");
        for event in &events {
            assert!(round_trips(event), "{}", event.name());
        }
        // And the numbers are the ones sent.
        let step: Event = from_bytes(&to_bytes(&events[4])).unwrap();
        let Event::Step { report, millis } = step else {
            panic!("a step");
        };
        assert!(report.loss.is_nan() && millis.is_nan());
        assert_eq!(report.gradient_norms.blocks[0].wq, INF);
        assert_eq!(report.gradient_norms.blocks[0].wo, -INF);
        assert!(report.gradient_norms.blocks[0].mlp_fc2.is_sign_negative());
    }

    #[test]
    fn file_bytes_stay_out_of_the_message() {
        let command = Command::Import {
            kind: ImportKind::Folder,
            name: "faces".into(),
            files: vec![SourceFile {
                path: "s1/1.pgm".into(),
                bytes: vec![7; 1000],
            }],
        };
        let bytes = to_bytes(&command);
        assert!(bytes.len() < 200, "{} bytes", bytes.len());
        let Command::Import { files, .. } = from_bytes(&bytes).unwrap() else {
            panic!("an import");
        };
        assert_eq!(
            (files[0].path.as_str(), files[0].bytes.len()),
            ("s1/1.pgm", 0)
        );
    }
}
