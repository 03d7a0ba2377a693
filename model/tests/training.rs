//! The trainer's promises, on the CPU backends: exact gradients, distinct Wq/Wk/Wv
//! gradients, a falling loss, reproducibility, and a caught divergence.

use model::burn::module::Module;
use model::burn::tensor::activation::log_softmax;
use model::burn::tensor::{Device, Int, Tensor, TensorData};
use model::rng::SeededRng;
use model::{
    Backend, BackendDevice, Batch, ImageSet, InMemorySet, OptimizerKind, Preset, StepExtras,
    TrainError, Trainer, TrainingOptions, Vit, VitInit,
};

const CLASSES: usize = 4;

/// A learnable set: each class lights a different quadrant, on top of noise.
fn quadrant_set(images: usize, seed: u64) -> InMemorySet {
    let size = 32;
    let mut rng = SeededRng::new(seed);
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    for i in 0..images {
        let label = i % CLASSES;
        for y in 0..size {
            for x in 0..size {
                let quadrant = (y / 16) * 2 + x / 16;
                let signal = if quadrant == label { 1.0 } else { -0.5 };
                pixels.push(signal + 0.3 * rng.normal() as f32);
            }
        }
        labels.push(label);
    }
    InMemorySet {
        image_len: size * size,
        images: pixels,
        labels,
    }
}

fn tiny_options(seed: u64) -> TrainingOptions {
    let mut options = TrainingOptions::new(Preset::Tiny.config(CLASSES).with_seed(seed));
    options.batch_size = 8;
    options
}

fn device() -> Device {
    Backend::Flex.device().unwrap()
}

/// The mean cross-entropy of `model` on `batch`, computed without the trainer.
fn loss_of(model: &Vit, batch: &Batch, device: &Device) -> f64 {
    let n = batch.len();
    let images = Tensor::<4>::from_data(
        TensorData::new(batch.images.clone(), [n, 1, 32, 32]),
        device,
    );
    let labels: Vec<i64> = batch.labels.iter().map(|&l| l as i64).collect();
    let labels = Tensor::<2, Int>::from_data(TensorData::new(labels, [n, 1]), device);
    let log_probs = log_softmax(model.forward(images, false).logits, 1);
    let loss = log_probs.gather(1, labels).mean().neg();
    loss.into_data().iter::<f32>().next().unwrap() as f64
}

/// `model` with one entry of one attention weight moved by `delta`.
fn nudged(
    model: &Vit,
    block: usize,
    matrix: usize,
    index: usize,
    delta: f32,
    device: &Device,
) -> Vit {
    let mut model = model.clone();
    let attn = &mut model.blocks[block].attn;
    let weight = match matrix {
        0 => &mut attn.wq.weight,
        1 => &mut attn.wk.weight,
        2 => &mut attn.wv.weight,
        _ => &mut attn.wo.weight,
    };
    let [rows, cols] = weight.val().dims();
    let mut bump = vec![0f32; rows * cols];
    bump[index] = delta;
    let bump = Tensor::<2>::from_data(TensorData::new(bump, [rows, cols]), device);
    *weight = weight.clone().map(|w| w + bump);
    model
}

#[test]
fn autodiff_matches_finite_differences_for_wq_wk_wv_wo() {
    let device = device();
    let data = quadrant_set(8, 1);
    let batch = Batch::gather(&data, &(0..8).collect::<Vec<_>>());
    let mut options = tiny_options(3);
    options.optimizer = OptimizerKind::Sgd { momentum: 0.0 };
    let mut trainer = Trainer::new(options, data.len(), device.clone()).unwrap();
    let initial = trainer.initial_model().clone();
    let report = trainer
        .step_on(
            &batch,
            StepExtras {
                attention_gradients: true,
                ..StepExtras::default()
            },
        )
        .unwrap();
    assert!((report.loss as f64 - loss_of(&initial, &batch, &device)).abs() < 1e-5);

    let eps = 5e-3;
    let mut checked = 0;
    for (block, grads) in report.attention_gradients.unwrap().iter().enumerate() {
        for (matrix, grad) in [&grads.wq, &grads.wk, &grads.wv, &grads.wo]
            .into_iter()
            .enumerate()
        {
            // The two largest entries, where a wrong gradient could not hide, and one fixed one.
            let mut order: Vec<usize> = (0..grad.len()).collect();
            order.sort_by(|&a, &b| grad[b].abs().total_cmp(&grad[a].abs()));
            for &index in [order[0], order[1], 37].iter() {
                let up = loss_of(
                    &nudged(&initial, block, matrix, index, eps, &device),
                    &batch,
                    &device,
                );
                let down = loss_of(
                    &nudged(&initial, block, matrix, index, -eps, &device),
                    &batch,
                    &device,
                );
                let numeric = (up - down) / (2.0 * eps as f64);
                let analytic = grad[index] as f64;
                assert!(
                    (numeric - analytic).abs() <= 2e-4 + 0.03 * analytic.abs(),
                    "block {block} matrix {matrix} entry {index}: finite difference {numeric}, autodiff {analytic}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 2 * 4 * 3);
}

#[test]
fn wq_wk_wv_get_different_gradients_from_the_first_update() {
    let data = quadrant_set(16, 2);
    let mut trainer = Trainer::new(tiny_options(5), data.len(), device()).unwrap();
    let batch = Batch::gather(&data, &(0..8).collect::<Vec<_>>());
    let report = trainer
        .step_on(
            &batch,
            StepExtras {
                attention_gradients: true,
                ..StepExtras::default()
            },
        )
        .unwrap();
    assert_eq!(report.step, 1);
    for (norms, full) in report
        .gradient_norms
        .blocks
        .iter()
        .zip(report.attention_gradients.unwrap())
    {
        assert!(
            norms.wq > 0.0 && norms.wk > 0.0 && norms.wv > 0.0,
            "{norms:?}"
        );
        assert_ne!(norms.wq, norms.wk);
        assert_ne!(norms.wk, norms.wv);
        assert_ne!(norms.wq, norms.wv);
        assert_ne!(full.wq, full.wk);
        assert_ne!(full.wk, full.wv);
        // The norm in the report is the norm of the full gradient.
        let norm = full.wq.iter().map(|g| g * g).sum::<f32>().sqrt();
        assert!((norm - norms.wq).abs() <= 1e-4 * norm.max(1.0));
    }
}

#[test]
fn loss_falls_over_fifty_updates() {
    let data = quadrant_set(32, 3);
    let mut options = tiny_options(7);
    options.batch_size = 32;
    let mut trainer = Trainer::new(options, data.len(), device()).unwrap();
    let losses: Vec<f32> = (0..50).map(|_| trainer.step(&data).unwrap().loss).collect();
    let first = losses[0];
    let last = losses[45..].iter().sum::<f32>() / 5.0;
    assert!(losses.iter().all(|l| l.is_finite()));
    assert!(
        last < 0.5 * first,
        "loss went from {first} to {last}: {losses:?}"
    );
    let evaluation = trainer.evaluate(&data).unwrap();
    assert!(evaluation.accuracy > 0.9, "{evaluation:?}");
    assert_eq!(evaluation.images, 32);
}

#[test]
fn same_config_and_seed_give_the_same_run() {
    let data = quadrant_set(24, 4);
    let backends = [Backend::Flex, Backend::NdArray];
    for backend in backends.into_iter().filter(|b| b.compiled()) {
        let run = || {
            let mut trainer =
                Trainer::new(tiny_options(9), data.len(), backend.device().unwrap()).unwrap();
            (0..6)
                .map(|_| trainer.step(&data).unwrap().loss)
                .collect::<Vec<f32>>()
        };
        let (a, b) = (run(), run());
        assert_eq!(a, b, "{backend} is not reproducible");
    }
    // The initial weights do not depend on the backend.
    let params = |backend: Backend| {
        let device = backend.device().unwrap();
        Preset::Tiny
            .config(CLASSES)
            .with_seed(9)
            .init(&device)
            .unwrap()
            .named_parameters()
            .wait()
            .unwrap()
    };
    if Backend::NdArray.compiled() {
        assert_eq!(params(Backend::Flex), params(Backend::NdArray));
    }
}

#[test]
fn epoch_counters_follow_the_data() {
    // 20 images at batch 8: 3 updates per epoch, the last one of 4 images.
    let data = quadrant_set(20, 5);
    let mut trainer = Trainer::new(tiny_options(1), data.len(), device()).unwrap();
    let reports: Vec<_> = (0..4).map(|_| trainer.step(&data).unwrap()).collect();
    let positions: Vec<_> = reports
        .iter()
        .map(|r| {
            (
                r.step,
                r.position.epoch,
                r.position.update_in_epoch,
                r.batch_size,
            )
        })
        .collect();
    assert_eq!(
        positions,
        [(1, 1, 1, 8), (2, 1, 2, 8), (3, 1, 3, 4), (4, 2, 1, 8)]
    );
    assert!(reports.iter().all(|r| r.position.updates_per_epoch == 3));
    for r in &reports {
        assert_eq!(r.true_class_probability.len(), r.batch_size);
        for (i, &index) in r.indices.iter().enumerate() {
            assert_eq!(r.labels[i], data.label(index));
        }
    }
}

#[test]
fn sgd_moves_the_tracked_entry_by_minus_lr_times_its_gradient() {
    let data = quadrant_set(16, 6);
    let mut options = tiny_options(2);
    options.optimizer = OptimizerKind::Sgd { momentum: 0.0 };
    options.learning_rate = 0.05;
    options.tracked = model::TrackedEntry {
        block: 1,
        row: 3,
        col: 5,
    };
    let mut trainer = Trainer::new(options, data.len(), device()).unwrap();
    let t = trainer.step(&data).unwrap().tracked;
    assert_ne!(t.gradient, 0.0);
    let expected = t.before - 0.05 * t.gradient;
    assert!((t.after - expected).abs() < 1e-6, "{t:?}");
    // The value after one update is the value before the next.
    let next = trainer.step(&data).unwrap().tracked;
    assert_eq!(next.before, t.after);
}

/// The state the report carries redoes each update by hand: `after = before + change`,
/// for plain SGD, SGD with momentum and Adam, over several updates (so the velocity and
/// the moments carry history), and after the tracked entry moves to another block.
#[test]
fn the_reported_optimizer_state_reproduces_every_update() {
    let data = quadrant_set(16, 9);
    for (optimizer, lr) in [
        (OptimizerKind::Sgd { momentum: 0.0 }, 0.05),
        (OptimizerKind::Sgd { momentum: 0.9 }, 0.02),
        (OptimizerKind::Adam, 1e-3),
    ] {
        let mut options = tiny_options(3);
        options.optimizer = optimizer;
        options.learning_rate = lr;
        let mut trainer = Trainer::new(options, data.len(), device()).unwrap();
        let mut previous: Option<model::OptimizerState> = None;
        for update in 1..=6u32 {
            if update == 4 {
                trainer
                    .set_tracked(model::TrackedEntry {
                        block: 1,
                        row: 2,
                        col: 7,
                    })
                    .unwrap();
                previous = None;
            }
            let t = trainer.step(&data).unwrap().tracked;
            assert_ne!(t.gradient, 0.0);
            let redone = t.before as f64 + t.optimizer.change(lr, t.gradient);
            let tolerance = 1e-6 * (t.before.abs() as f64).max(1e-2);
            assert!(
                (redone - t.after as f64).abs() < tolerance,
                "{optimizer:?}, update {update}: {t:?} redone as {redone}"
            );
            match (t.optimizer, previous) {
                (model::OptimizerState::Sgd, _) => {}
                (
                    model::OptimizerState::Momentum {
                        momentum,
                        velocity_before,
                        velocity,
                    },
                    previous,
                ) => {
                    let expected = if update == 1 {
                        t.gradient
                    } else {
                        (momentum as f32) * velocity_before + t.gradient
                    };
                    assert!(
                        (velocity - expected).abs() <= 1e-6 * expected.abs().max(1e-6),
                        "{t:?}"
                    );
                    if let Some(model::OptimizerState::Momentum { velocity: last, .. }) = previous {
                        assert_eq!(velocity_before, last);
                    }
                }
                (
                    model::OptimizerState::Adam {
                        t: time,
                        m_before,
                        m,
                        v_before,
                        v,
                        ..
                    },
                    previous,
                ) => {
                    assert_eq!(time, update);
                    // β and 1 − β in f32, as Burn computes them.
                    let (b1, b2) = (0.9f32, 0.999f32);
                    assert!(
                        (m - (b1 * m_before + (1.0 - b1) * t.gradient)).abs()
                            <= 1e-6 * m.abs().max(1e-9)
                    );
                    assert!(
                        (v - (b2 * v_before + (1.0 - b2) * t.gradient * t.gradient)).abs()
                            <= 1e-6 * v.abs().max(1e-12)
                    );
                    if let Some(model::OptimizerState::Adam {
                        m: last_m,
                        v: last_v,
                        ..
                    }) = previous
                    {
                        assert_eq!((m_before, v_before), (last_m, last_v));
                    }
                }
            }
            previous = Some(t.optimizer);
        }
    }
}

#[test]
fn a_diverging_update_is_caught_and_can_be_rolled_back() {
    let data = quadrant_set(16, 7);
    let mut options = tiny_options(4);
    options.optimizer = OptimizerKind::Sgd { momentum: 0.9 };
    options.learning_rate = 0.01;
    let mut trainer = Trainer::new(options, data.len(), device()).unwrap();
    let good = trainer.step(&data).unwrap();
    assert!(!good.diverged());

    trainer.set_learning_rate(1e12).unwrap();
    let mut bad = None;
    for _ in 0..10 {
        let report = trainer.step(&data).unwrap();
        if report.diverged() {
            bad = Some(report);
            break;
        }
    }
    let bad = bad.expect("a learning rate of 1e12 should blow the loss up");
    assert!(matches!(
        trainer.step(&data),
        Err(TrainError::Diverged { .. })
    ));

    let divergence = trainer.diverged().unwrap();
    assert_eq!(divergence.step, bad.step);
    trainer.rollback().unwrap();
    assert!(trainer.steps() < bad.step);
    assert_eq!(trainer.steps(), divergence.good_steps);
    assert!(trainer.diverged().is_none());
    // The weights we are back to gave a finite loss.
    assert!(trainer.evaluate(&data).unwrap().loss.is_finite());
    trainer.set_learning_rate(0.01).unwrap();
    let resumed = trainer.step(&data).unwrap();
    assert_eq!(resumed.step, divergence.good_steps + 1);
    assert!(resumed.loss.is_finite(), "{resumed:?}");
    assert!(matches!(
        trainer.set_learning_rate(f64::NAN),
        Err(TrainError::BadLearningRate(_))
    ));
}

#[test]
fn bad_inputs_are_refused_before_any_tensor() {
    let data = quadrant_set(8, 8);
    assert!(matches!(
        Trainer::new(tiny_options(1), 0, device()),
        Err(TrainError::EmptyDataset)
    ));
    let mut bad = tiny_options(1);
    bad.model = bad.model.with_heads(5);
    assert!(matches!(
        Trainer::new(bad, 8, device()),
        Err(TrainError::Config(_))
    ));

    let mut trainer = Trainer::new(tiny_options(1), data.len(), device()).unwrap();
    let wrong_size = InMemorySet {
        image_len: 16 * 16,
        images: vec![0.0; 256],
        labels: vec![0],
    };
    assert!(matches!(
        trainer.step(&wrong_size),
        Err(TrainError::ImageShapeMismatch { .. })
    ));
    let mut wrong_label = quadrant_set(2, 1);
    wrong_label.labels[0] = 99;
    let batch = Batch::gather(&wrong_label, &[0, 1]);
    assert!(matches!(
        trainer.step_on(&batch, StepExtras::default()),
        Err(TrainError::LabelOutOfRange { label: 99, .. })
    ));
    assert_eq!(trainer.steps(), 0);
}

#[test]
fn the_dump_names_cover_every_parameter_with_the_config_shapes() {
    let config = Preset::Tiny.config(CLASSES);
    let model = config.init(&device()).unwrap();
    let params = model.named_parameters().wait().unwrap();
    let shape = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .unwrap()
            .1
            .shape
            .clone()
    };
    assert_eq!(shape("patch_embed.weight"), [64, 32]);
    assert_eq!(shape("cls_token"), [32]);
    assert_eq!(shape("pos_embed"), [17, 32]);
    assert_eq!(shape("blocks.1.attn.wk.weight"), [32, 32]);
    assert_eq!(shape("blocks.0.mlp.fc1.weight"), [32, 64]);
    assert_eq!(shape("head.weight"), [32, CLASSES]);
    let total: usize = params.iter().map(|(_, t)| t.values.len()).sum();
    assert_eq!(total, model.parameter_count());
    assert_eq!(params.len(), 2 + 2 + 2 * 16 + 2 + 2);
    let _ = model.valid();
}

#[test]
fn rollback_without_divergence_undoes_the_latest_update() {
    let data = quadrant_set(16, 9);
    let mut trainer = Trainer::new(tiny_options(6), data.len(), device()).unwrap();
    assert!(matches!(
        trainer.rollback(),
        Err(TrainError::NothingToRollBack)
    ));
    let first = trainer.step(&data).unwrap();
    let second = trainer.step(&data).unwrap();
    trainer.rollback().unwrap();
    assert_eq!(trainer.steps(), 1);
    // The same update again, on the same batch from the same weights and optimizer state.
    let again = trainer.step(&data).unwrap();
    assert_eq!(again.step, 2);
    assert_eq!(again.indices, second.indices);
    assert_eq!(again.loss, second.loss);
    assert_eq!(again.tracked, second.tracked);
    assert_ne!(first.loss, second.loss);
}

/// Question 2's "why", checked: the backward path's pieces, rebuilt into the head's
/// columns of dWq, dWk and dWv (`Xᵀ·dQ`, `Xᵀ·dK`, `Xᵀ·dV`), are autodiff's own gradients;
/// and asking for them changes nothing in the update.
#[test]
fn the_backward_path_rebuilds_autodiffs_wq_wk_wv_gradients() {
    let data = quadrant_set(8, 11);
    // One image: its share of the update is the whole update.
    let batch = Batch::gather(&data, &[3]);
    let target = model::HeadTarget { block: 1, head: 1 };
    let extras = StepExtras {
        attention_gradients: true,
        backward_path: Some(target),
    };
    let mut traced = Trainer::new(tiny_options(5), data.len(), device()).unwrap();
    let report = traced.step_on(&batch, extras).unwrap();
    let mut plain = Trainer::new(tiny_options(5), data.len(), device()).unwrap();
    let reference = plain.step_on(&batch, StepExtras::default()).unwrap();
    assert_eq!(report.loss, reference.loss);
    assert_eq!(report.tracked, reference.tracked);
    assert!(reference.backward.is_none());

    let path = report.backward.expect("a backward path was asked for");
    assert_eq!(
        (path.target, path.image, path.tokens, path.head_dim),
        (target, 3, 17, 16)
    );
    let full = &report.attention_gradients.unwrap()[target.block];
    let (width, d) = (path.width, path.head_dim);
    for (name, rebuilt, autodiff) in [
        ("dWq", &path.weight_gradients()[0], &full.wq),
        ("dWk", &path.weight_gradients()[1], &full.wk),
        ("dWv", &path.weight_gradients()[2], &full.wv),
    ] {
        let peak = autodiff.iter().fold(0f32, |m, g| m.max(g.abs()));
        assert!(peak > 0.0, "{name} is zero");
        for i in 0..width {
            for j in 0..d {
                let a = autodiff[i * width + target.head * d + j];
                let r = rebuilt[i * d + j];
                assert!(
                    (a - r).abs() <= 1e-4 * peak,
                    "{name}[{i}, {j}]: autodiff {a}, rebuilt {r}"
                );
            }
        }
    }
    // Softmax's Jacobian: each row of dL/dS sums to zero.
    let t = path.tokens;
    for row in path.d_scores.chunks(t) {
        let peak = row.iter().fold(1e-12f32, |m, g| m.max(g.abs()));
        assert!(
            row.iter().sum::<f32>().abs() <= 1e-4 * peak * t as f32,
            "{row:?}"
        );
    }
}

/// Everything trains, not only the attention: after a few updates every group of learned
/// numbers (LayerNorms, MLPs, embeddings, CLS, positions, classifier) has moved, and a model
/// has not moved from itself.
#[test]
fn every_group_of_learned_numbers_drifts_under_training() {
    let data = quadrant_set(16, 13);
    let mut trainer = Trainer::new(tiny_options(6), data.len(), device()).unwrap();
    let still = trainer
        .model()
        .drift_from(trainer.initial_model())
        .wait()
        .unwrap();
    assert!(still.iter().all(|g| g.drift == 0.0), "{still:?}");
    for _ in 0..3 {
        trainer.step(&data).unwrap();
    }
    let groups = trainer
        .model()
        .drift_from(trainer.initial_model())
        .wait()
        .unwrap();
    let depth = trainer.options().model.depth;
    assert_eq!(groups.len(), 3 + 8 * depth + 2, "{groups:?}");
    assert_eq!(groups[0].group, "patch_embed");
    assert_eq!(groups[3].group, "blocks.0.norm1");
    assert_eq!(groups.last().unwrap().group, "head");
    for g in &groups {
        assert!(
            g.drift.is_finite() && g.drift > 0.0,
            "{} did not move: {}",
            g.group,
            g.drift
        );
    }
}

/// The losses of `updates` more updates, and every parameter afterwards, bit for bit.
fn carry_on(trainer: &mut Trainer, data: &InMemorySet, updates: usize) -> (Vec<u32>, Vec<u32>) {
    let losses = (0..updates)
        .map(|_| trainer.step(data).unwrap().loss.to_bits())
        .collect();
    let weights = trainer
        .model()
        .named_parameters()
        .wait()
        .unwrap()
        .into_iter()
        .flat_map(|(_, t)| t.values)
        .map(f32::to_bits)
        .collect();
    (losses, weights)
}

#[test]
fn a_run_saved_at_update_50_and_resumed_equals_one_never_interrupted() {
    use model::run_file::RunFile;
    let data = quadrant_set(36, 5);
    for optimizer in [
        OptimizerKind::Adam,
        OptimizerKind::Sgd { momentum: 0.9 },
        OptimizerKind::Sgd { momentum: 0.0 },
    ] {
        let mut options = tiny_options(3);
        options.optimizer = optimizer;
        options.learning_rate = if optimizer == OptimizerKind::Adam {
            1e-3
        } else {
            0.05
        };
        // Shifts and mirrors drawn per update: resuming must draw the same ones.
        options.augmentation = model::Augmentation {
            horizontal_flip: true,
            max_shift: 2,
        };
        let mut straight = Trainer::new(options.clone(), data.len(), device()).unwrap();
        carry_on(&mut straight, &data, 50);
        let uninterrupted = carry_on(&mut straight, &data, 50);

        let mut first = Trainer::new(options, data.len(), device()).unwrap();
        carry_on(&mut first, &data, 50);
        let saved = first.save(true).wait().unwrap();
        let bytes = saved
            .into_run_file("test", None, Default::default(), [])
            .to_bytes();
        drop(first);
        let file = RunFile::from_bytes(&bytes).unwrap();
        let mut resumed = Trainer::resume(&file, data.len(), device()).unwrap();
        assert_eq!(resumed.steps(), 50);
        let report = resumed.step(&data).unwrap();
        assert_eq!(report.step, 51);
        // The optimizer state the walkthrough shows carries on too.
        let mut check = Trainer::resume(&file, data.len(), device()).unwrap();
        let mut again = Trainer::resume(&file, data.len(), device()).unwrap();
        assert_eq!(
            check.step(&data).unwrap().tracked,
            again.step(&data).unwrap().tracked
        );
        let mut resumed = Trainer::resume(&file, data.len(), device()).unwrap();
        assert_eq!(
            carry_on(&mut resumed, &data, 50),
            uninterrupted,
            "{optimizer:?}: losses or weights differ after resuming"
        );
        // The weights of update 0 (for "then and now") are the seed's.
        let initial = resumed.initial_model().named_parameters().wait().unwrap();
        let seed = straight.initial_model().named_parameters().wait().unwrap();
        assert_eq!(initial, seed);
    }
}

#[test]
fn a_run_file_for_other_data_or_missing_a_weight_is_refused() {
    use model::run_file::RunFileError;
    let data = quadrant_set(16, 1);
    let mut trainer = Trainer::new(tiny_options(0), data.len(), device()).unwrap();
    carry_on(&mut trainer, &data, 3);
    let file =
        trainer
            .save(true)
            .wait()
            .unwrap()
            .into_run_file("test", None, Default::default(), []);
    assert!(matches!(
        Trainer::resume(&file, 20, device()),
        Err(RunFileError::Inconsistent { .. })
    ));
    let mut missing = file.clone();
    missing.tensors.remove("blocks.1.attn.wk.weight");
    assert_eq!(
        Trainer::resume(&missing, data.len(), device()).err(),
        Some(RunFileError::MissingTensor {
            name: "blocks.1.attn.wk.weight".into()
        })
    );
    // The names Burn's module tree gives are the dump's names.
    let ids: Vec<String> = trainer
        .model()
        .parameter_ids()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let named: Vec<String> = trainer
        .model()
        .named_parameters()
        .wait()
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(ids, named);
}
