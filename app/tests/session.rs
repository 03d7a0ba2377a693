//! The page's training loop, driven as the worker drives it, on burn-flex.

use app::protocol::{
    Command, DeviceChoice, Event, ImportKind, OptimizerChoice, Outgoing, RunSettings,
};
use app::session::{open_device, Session};
use faces::SourceFile;
use futures::executor::block_on;

fn clock() -> f64 {
    use std::time::Instant;
    thread_local!(static START: Instant = Instant::now());
    START.with(|start| start.elapsed().as_secs_f64() * 1e3)
}

fn session() -> (Session, Vec<Outgoing>) {
    let (device, status) = block_on(open_device(DeviceChoice::Cpu)).unwrap();
    assert_eq!(status.backend, model::Backend::Flex);
    assert_eq!(status.fallback, None);
    Session::new(device, RunSettings::default(), clock).unwrap()
}

fn events(out: Vec<Outgoing>) -> Vec<Event> {
    out.into_iter().map(|o| o.event).collect()
}

fn run(session: &mut Session, command: Command) -> Vec<Event> {
    events(block_on(session.handle(command)))
}

fn steps_in(events: &[Event]) -> Vec<u64> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Step { report, .. } => Some(report.step),
            _ => None,
        })
        .collect()
}

#[test]
fn a_new_session_describes_the_synthetic_faces_and_the_run() {
    let (_, out) = session();
    let dataset = out.iter().find_map(|o| match &o.event {
        Event::Dataset(summary) => Some((summary.clone(), o.bytes.clone().unwrap())),
        _ => None,
    });
    let (summary, pixels) = dataset.expect("a dataset event");
    assert_eq!(summary.imported_from, None);
    assert_eq!(summary.people.len(), 40);
    assert_eq!(summary.train_labels.len(), 400);
    assert_eq!(summary.validation_labels.len(), 80);
    assert_eq!(pixels.len(), 480 * 32 * 32);
    let started = out.iter().find_map(|o| match &o.event {
        Event::Started(run) => Some(run.clone()),
        _ => None,
    });
    let started = started.expect("a started event");
    assert_eq!(started.updates_per_epoch, 13);
    assert!(started.parameters > 10_000);
}

#[test]
fn step_runs_exactly_one_update_and_reports_it() {
    let (mut session, _) = session();
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.extend(steps_in(&run(&mut session, Command::Step)));
    }
    assert_eq!(seen, vec![1, 2, 3]);
    assert_eq!(session.steps(), 3);
}

#[test]
fn play_steps_until_paused_and_the_loss_falls() {
    let (mut session, _) = session();
    assert_eq!(
        run(&mut session, Command::Play { delay_ms: 0 }),
        vec![Event::Playing { playing: true }]
    );
    let mut losses = Vec::new();
    let mut validations = 0;
    for _ in 0..40 {
        for event in events(block_on(session.play_one())) {
            match event {
                Event::Step { report, .. } => losses.push(report.loss),
                Event::Validation { evaluation, .. } => {
                    validations += 1;
                    assert!(evaluation.accuracy >= 0.0 && evaluation.accuracy <= 1.0);
                }
                _ => {}
            }
        }
    }
    assert_eq!(losses.len(), 40);
    assert_eq!(
        validations, 3,
        "one validation at the end of each 13-update epoch"
    );
    let first: f32 = losses[..5].iter().sum();
    let last: f32 = losses[35..].iter().sum();
    assert!(last < first, "loss did not fall: {first} → {last}");
    assert_eq!(
        run(&mut session, Command::Pause),
        vec![Event::Playing { playing: false }]
    );
    assert!(events(block_on(session.play_one())).is_empty());
}

#[test]
fn a_diverging_run_pauses_and_rolls_back_to_the_last_good_update() {
    let (mut session, _) = session();
    run(&mut session, Command::Step);
    run(&mut session, Command::Step);
    run(
        &mut session,
        Command::SetOptimizer {
            optimizer: OptimizerChoice::Sgd,
        },
    );
    run(
        &mut session,
        Command::SetLearningRate {
            learning_rate: 1e30,
        },
    );
    run(&mut session, Command::Play { delay_ms: 0 });
    let mut divergence = None;
    for _ in 0..5 {
        for event in events(block_on(session.play_one())) {
            if let Event::Diverged(report) = event {
                divergence = Some(report);
            }
        }
        if divergence.is_some() {
            break;
        }
    }
    let divergence = divergence.expect("lr 1e30 diverges within five updates");
    assert!(!session.playing(), "a divergence pauses the run");
    assert!(divergence.loss == "NaN" || divergence.loss.contains("inf"));
    assert!(divergence.good_steps >= 2);
    // Playing or stepping on is refused until the rollback.
    assert!(matches!(
        run(&mut session, Command::Play { delay_ms: 0 })[..],
        [Event::Refused { .. }]
    ));
    assert_eq!(
        run(&mut session, Command::Rollback),
        vec![Event::RolledBack {
            step: divergence.good_steps
        }]
    );
    run(
        &mut session,
        Command::SetLearningRate {
            learning_rate: 0.01,
        },
    );
    let after = run(&mut session, Command::Step);
    assert_eq!(steps_in(&after), vec![divergence.good_steps + 1]);
}

#[test]
fn a_bad_import_reports_why_and_keeps_the_faces_and_the_run() {
    let (mut session, _) = session();
    run(&mut session, Command::Step);
    let junk = vec![
        SourceFile {
            path: "mine/alice/1.png".into(),
            bytes: b"not a png".to_vec(),
        },
        SourceFile {
            path: "mine/bob/1.pgm".into(),
            bytes: Vec::new(),
        },
    ];
    let out = events(block_on(session.import(
        ImportKind::Folder,
        "mine".into(),
        junk,
    )));
    match &out[..] {
        [Event::ImportFailed { message, skipped }] => {
            assert!(!message.is_empty());
            assert_eq!(skipped.len(), 2);
        }
        other => panic!("expected one ImportFailed, got {other:?}"),
    }
    assert_eq!(session.steps(), 1, "the run in progress goes on");
    assert_eq!(steps_in(&run(&mut session, Command::Step)), vec![2]);

    let pack = vec![SourceFile {
        path: "faces.pack".into(),
        bytes: b"VITPFACE truncated".to_vec(),
    }];
    let out = events(block_on(session.import(
        ImportKind::Pack,
        "faces.pack".into(),
        pack,
    )));
    assert!(matches!(out[..], [Event::ImportFailed { .. }]), "{out:?}");
}

#[test]
fn a_good_import_replaces_the_faces_and_starts_a_new_run() {
    let (mut session, _) = session();
    run(&mut session, Command::Step);
    let set = faces::generate(&faces::SyntheticConfig {
        identities: 3,
        images_per_identity: 4,
        validation_per_identity: 1,
        ..Default::default()
    });
    let pack = faces::write_pack(&set);
    let files = vec![SourceFile {
        path: "three.pack".into(),
        bytes: pack,
    }];
    let out = events(block_on(session.import(
        ImportKind::Pack,
        "three.pack".into(),
        files,
    )));
    let summary = out.iter().find_map(|e| match e {
        Event::Dataset(s) => Some(s.clone()),
        _ => None,
    });
    let summary = summary.expect("the new faces are described");
    assert_eq!(summary.imported_from.as_deref(), Some("three.pack"));
    assert_eq!(summary.people.len(), 3);
    assert!(out.iter().any(|e| matches!(e, Event::Started(_))));
    assert_eq!(session.steps(), 0);
    assert_eq!(steps_in(&run(&mut session, Command::Step)), vec![1]);
}

#[test]
fn reset_starts_again_from_the_seed() {
    let (mut session, _) = session();
    let first = steps_in(&run(&mut session, Command::Step));
    let loss_of = |events: Vec<Event>| {
        events.into_iter().find_map(|e| match e {
            Event::Step { report, .. } => Some(report.loss),
            _ => None,
        })
    };
    let (mut again, _) = self::session();
    let loss_a = loss_of(run(&mut again, Command::Step));
    run(&mut session, Command::Step);
    run(
        &mut session,
        Command::Reset {
            settings: RunSettings::default(),
        },
    );
    assert_eq!(session.steps(), 0);
    let loss_b = loss_of(run(&mut session, Command::Step));
    assert_eq!(first, vec![1]);
    assert_eq!(loss_a, loss_b, "same seed, same first update");
}

#[test]
fn the_inspected_head_is_probed_after_each_update() {
    use app::protocol::InspectTarget;
    let (mut session, _) = session();
    let target = InspectTarget {
        image: 5,
        block: 1,
        head: 1,
    };
    let probe_in = |events: &[Event]| {
        events.iter().find_map(|e| match e {
            Event::Probe(view) => Some(view.clone()),
            _ => None,
        })
    };
    let initial_in = |events: &[Event]| {
        events.iter().find_map(|e| match e {
            Event::Initial(view) => Some(view.clone()),
            _ => None,
        })
    };
    let events = run(&mut session, Command::Inspect(target));
    let first = probe_in(&events).expect("a probe at once");
    assert_eq!(first.step, 0);
    assert_eq!(first.target, target);
    assert_eq!(first.tokens, 17);
    assert_eq!(first.grid, 4);
    assert_eq!(first.scores.len(), 17 * 17);
    for row in first.attention.chunks(17) {
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
    // The attention with the weights of update 0 comes once per target and run: before any
    // update it is the probe's own.
    let then = initial_in(&events).expect("update 0's attention with the first probe");
    assert_eq!(then.target, target);
    assert_eq!(
        (&then.attention, &then.rollout),
        (&first.attention, &first.rollout)
    );
    assert_eq!(first.input.len(), 17 * first.width);
    let events = run(&mut session, Command::Step);
    assert!(
        initial_in(&events).is_none(),
        "sent again for the same target"
    );
    let after = probe_in(&events).expect("a probe after the update");
    assert_eq!(after.step, 1);
    assert_ne!(after.scores, first.scores, "the update moved Wq and Wk");
    assert_ne!(
        after.attention, then.attention,
        "now is not update 0 any more"
    );
    // Out-of-range choices are clamped to the model, not refused.
    let clamped = InspectTarget {
        image: 10_000,
        block: 9,
        head: 9,
    };
    let view = probe_in(&run(&mut session, Command::Inspect(clamped))).unwrap();
    assert_eq!(
        view.target,
        InspectTarget {
            image: 399,
            block: 1,
            head: 1
        }
    );
}

#[test]
fn rollout_mixes_heads_and_the_residual_path() {
    use app::session::rollout_from_cls;
    use model::HeadProbe;
    let head = |attention: Vec<f32>| HeadProbe {
        q: vec![],
        k: vec![],
        v: vec![],
        scores: vec![],
        attention,
    };
    // Two tokens; one block whose two heads send CLS entirely to the patch.
    let block = vec![
        head(vec![0.0, 1.0, 0.0, 1.0]),
        head(vec![0.0, 1.0, 0.0, 1.0]),
    ];
    let cls = rollout_from_cls(std::slice::from_ref(&block), 2);
    assert_eq!(
        cls,
        vec![0.5, 0.5],
        "half through the residual, half through attention"
    );
    let cls = rollout_from_cls(&[block.clone(), block], 2);
    assert_eq!(cls, vec![0.25, 0.75]);
    assert!((cls.iter().sum::<f32>() - 1.0).abs() < 1e-6);
}

#[test]
fn the_inspected_block_s_weights_report_how_far_training_moved_them() {
    use app::protocol::InspectTarget;
    let (mut session, _) = session();
    let weights_in = |events: &[Event]| {
        events.iter().find_map(|e| match e {
            Event::Weights(view) => Some(view.clone()),
            _ => None,
        })
    };
    let target = InspectTarget {
        image: 0,
        block: 1,
        head: 0,
    };
    let first = weights_in(&run(&mut session, Command::Inspect(target))).expect("weights at once");
    assert_eq!((first.step, first.block, first.width), (0, 1, 32));
    assert_eq!(first.wq.len(), 32 * 32);
    assert_eq!(
        first.drift,
        [0.0, 0.0, 0.0],
        "nothing has moved before the first update"
    );
    assert!(
        first.qk_similarity.abs() < 0.2,
        "Wq and Wk start unrelated: {}",
        first.qk_similarity
    );
    assert_ne!(first.wq, first.wk);
    let after = weights_in(&run(&mut session, Command::Step)).expect("weights after the update");
    assert_eq!(after.step, 1);
    assert!(
        after.drift.iter().all(|d| *d > 0.0 && *d < 0.5),
        "{:?}",
        after.drift
    );
}
