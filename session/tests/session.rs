//! The page's training loop, driven as the worker drives it, on burn-flex: every event a
//! command causes, as the page receives them.

use futures::executor::block_on;
use session::keep::StorageWork;
use session::Session;
use vocab::protocol::{
    CarriedRun, Command, DeviceChoice, Event, GpuFallback, ImportKind, InspectTarget, Outgoing,
    Refusal, RunOrigin, RunSettings, SaveReason,
};
use vocab::run_file::RunFileError;
use vocab::shelf::Shelf;
use vocab::{ImportError, OptimizerChoice, SourceFile, TrainError};

fn clock() -> f64 {
    use std::time::Instant;
    thread_local!(static START: Instant = Instant::now());
    START.with(|start| start.elapsed().as_secs_f64() * 1e3)
}

/// A session started on the CPU, as the page starts it, and the events of the start.
fn session() -> (Session, Vec<Outgoing>) {
    let mut session = Session::new(clock);
    let out = block_on(session.handle(Command::Start {
        device: DeviceChoice::Cpu,
        settings: RunSettings::default(),
        resume: false,
        kept: Vec::new(),
        shelf: Shelf::default(),
        carried: None,
    }));
    (session, out)
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

fn kinds(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(Event::name).collect()
}

#[test]
fn every_event_each_command_causes_in_order() {
    let mut session = Session::new(clock);
    // Before the page's Start there is no run to act on.
    assert_eq!(
        run(&mut session, Command::Step),
        vec![Event::Refused {
            reason: Refusal::NotReady
        }]
    );
    let start = Command::Start {
        device: DeviceChoice::Cpu,
        settings: RunSettings::default(),
        resume: false,
        kept: Vec::new(),
        shelf: Shelf::default(),
        carried: None,
    };
    assert_eq!(
        kinds(&run(&mut session, start.clone())),
        ["device", "shelf", "dataset", "started", "validation"]
    );
    // With the views open, every change of weights is probed before `handle` returns.
    let look = Command::Inspect(InspectTarget::default());
    assert_eq!(
        kinds(&run(&mut session, look)),
        ["initial", "probe", "weights"]
    );
    assert_eq!(
        kinds(&run(&mut session, Command::Step)),
        ["step", "probe", "weights"]
    );
    assert_eq!(
        kinds(&run(&mut session, Command::Play { delay_ms: 0 })),
        ["playing"]
    );
    assert_eq!(
        kinds(&run(&mut session, Command::Pause)),
        ["playing", "probe", "weights"]
    );
    assert_eq!(
        kinds(&run(&mut session, Command::Rollback)),
        ["rolled_back", "probe", "weights"]
    );
    let reset = Command::Reset {
        settings: RunSettings::default(),
    };
    assert_eq!(
        kinds(&run(&mut session, reset)),
        ["started", "validation", "initial", "probe", "weights"]
    );
    assert_eq!(
        kinds(&run(&mut session, Command::UseSynthetic)),
        [
            "dataset",
            "started",
            "validation",
            "initial",
            "probe",
            "weights"
        ]
    );
    // Another device: the same run carries on there, with its data and its charts.
    run(&mut session, Command::Step);
    let moved = run(&mut session, start);
    assert_eq!(
        kinds(&moved),
        ["device", "dataset", "started", "initial", "probe", "weights"]
    );
    let Event::Started(started) = &moved[2] else {
        panic!("a started run")
    };
    assert_eq!((started.steps, started.history.losses.len()), (1, 1));
    assert_eq!(session.steps(), 1);
    for quiet in [
        Command::SetSpeed { delay_ms: 10 },
        Command::SetLearningRate {
            learning_rate: 0.01,
        },
        Command::SetOptimizer {
            optimizer: OptimizerChoice::Sgd,
        },
        Command::SetBatchSize { batch_size: 16 },
    ] {
        assert_eq!(run(&mut session, quiet), Vec::new());
    }
    assert_eq!(session.settings().unwrap().batch_size, 16);
    // A bad value is refused with its typed reason, and changes nothing.
    assert_eq!(
        run(
            &mut session,
            Command::SetLearningRate {
                learning_rate: -1.0
            }
        ),
        vec![Event::Refused {
            reason: TrainError::BadLearningRate(-1.0).into()
        }]
    );
    assert_eq!(session.settings().unwrap().learning_rate, 0.01);
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
    assert!(!divergence.loss.is_finite());
    assert!(divergence.good_steps >= 2);
    // Playing or stepping on is refused until the rollback.
    assert!(matches!(
        run(&mut session, Command::Play { delay_ms: 0 })[..],
        [Event::Refused {
            reason: Refusal::Train(TrainError::Diverged { .. })
        }]
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
    let out = run(
        &mut session,
        Command::Import {
            kind: ImportKind::Folder,
            name: "mine".into(),
            files: junk,
        },
    );
    match &out[..] {
        [Event::ImportFailed { reason, skipped }] => {
            assert!(matches!(
                reason,
                Refusal::Import(ImportError::NothingUsable { .. })
            ));
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
    let out = run(
        &mut session,
        Command::Import {
            kind: ImportKind::Pack,
            name: "faces.pack".into(),
            files: pack,
        },
    );
    assert!(
        matches!(
            out[..],
            [Event::ImportFailed {
                reason: Refusal::Import(ImportError::Pack(_)),
                ..
            }]
        ),
        "{out:?}"
    );
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
    let import = Command::Import {
        kind: ImportKind::Pack,
        name: "three.pack".into(),
        files,
    };
    // First who was found; nothing changes until the learner accepts.
    let out = run(&mut session, import.clone());
    match &out[..] {
        [Event::ImportPreview(preview)] => {
            assert_eq!(preview.name, "three.pack");
            let people: Vec<usize> = preview.people.iter().map(|p| p.1).collect();
            assert_eq!(people, [4, 4, 4]);
        }
        other => panic!("expected a preview, got {other:?}"),
    }
    assert_eq!(session.steps(), 1, "a preview changes nothing");
    assert!(run(&mut session, Command::DiscardImport).is_empty());
    assert!(
        run(&mut session, Command::AcceptImport).is_empty(),
        "a discarded preview cannot be accepted"
    );
    assert_eq!(session.steps(), 1);
    run(&mut session, import);
    let out = run(&mut session, Command::AcceptImport);
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
fn the_inspected_block_s_weights_report_how_far_training_moved_them() {
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

/// The bytes of a run file the session wrote for `reason`.
fn saved(session: &mut Session, reason: SaveReason) -> Vec<u8> {
    let out = block_on(session.handle(Command::SaveRun { reason }));
    let [Outgoing {
        event: Event::RunSaved(saved),
        bytes: Some(bytes),
    }] = &out[..]
    else {
        panic!("a saved run, not {:?}", kinds(&events(out)));
    };
    assert_eq!(saved.reason, reason);
    assert!(saved.file_name.ends_with(".vitp"), "{}", saved.file_name);
    bytes.clone()
}

fn losses(events: &[Event]) -> Vec<u32> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Step { report, .. } => Some(report.loss.to_bits()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_saved_run_reopens_in_another_session_and_carries_on_bit_for_bit() {
    let (mut original, _) = session();
    let settings = RunSettings {
        optimizer: OptimizerChoice::Momentum,
        learning_rate: 0.05,
        ..RunSettings::default()
    };
    run(
        &mut original,
        Command::Reset {
            settings: settings.clone(),
        },
    );
    for _ in 0..5 {
        run(&mut original, Command::Step);
    }
    let bytes = saved(&mut original, SaveReason::Download);
    let next: Vec<Event> = (0..3)
        .flat_map(|_| run(&mut original, Command::Step))
        .collect();

    let (mut other, _) = session();
    let opened = run(
        &mut other,
        Command::OpenRun {
            origin: RunOrigin::File {
                name: "run.vitp".into(),
            },
            bytes,
        },
    );
    assert_eq!(kinds(&opened), ["dataset", "started"]);
    let Event::Started(started) = &opened[1] else {
        panic!()
    };
    assert_eq!(started.steps, 5);
    assert_eq!(started.settings, settings);
    assert_eq!(started.history.losses.len(), 5);
    assert_eq!(started.history.validation[0].0, 0);
    assert_eq!(
        started.reopened,
        Some(RunOrigin::File {
            name: "run.vitp".into()
        })
    );
    let carried: Vec<Event> = (0..3)
        .flat_map(|_| run(&mut other, Command::Step))
        .collect();
    assert_eq!(steps_in(&carried), [6, 7, 8]);
    assert_eq!(losses(&carried), losses(&next));
}

#[test]
fn a_damaged_or_foreign_file_is_refused_and_the_run_goes_on() {
    let (mut session, _) = session();
    run(&mut session, Command::Step);
    let mut bytes = saved(&mut session, SaveReason::Download);
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    for (bytes, why) in [
        (bytes.clone(), RunFileError::Corrupt),
        (bytes[..bytes.len() / 3].to_vec(), RunFileError::Truncated),
        (b"not a run".to_vec(), RunFileError::Foreign),
    ] {
        let out = run(
            &mut session,
            Command::OpenRun {
                origin: RunOrigin::File { name: "x".into() },
                bytes,
            },
        );
        assert_eq!(
            out,
            vec![Event::Refused {
                reason: Refusal::RunFile(why)
            }]
        );
        assert_eq!(session.steps(), 1);
    }
    assert_eq!(steps_in(&run(&mut session, Command::Step)), [2]);
}

/// The storage work due now, as the worker would carry it out: (files written, files
/// removed, events told to the page).
fn storage(session: &mut Session) -> Vec<StorageWork> {
    block_on(session.storage_work())
}

fn written(work: &[StorageWork]) -> Vec<&str> {
    work.iter()
        .flat_map(|w| w.writes.iter().map(|(name, _)| name.as_str()))
        .collect()
}

fn file<'a>(work: &'a [StorageWork], name: &str) -> &'a [u8] {
    work.iter()
        .flat_map(|w| &w.writes)
        .find(|(n, _)| n == name)
        .map(|(_, bytes)| bytes.as_slice())
        .expect("written")
}

#[test]
fn the_run_is_autosaved_when_it_changes_and_not_before() {
    let (mut first, _) = session();
    let session = &mut first;
    // A run without an update is only its seed: it is not kept.
    assert!(storage(session).is_empty());
    run(session, Command::Step);
    let work = storage(session);
    assert_eq!(written(&work), ["run-0.vitp", "runs.json"]);
    let told: Vec<Event> = work[0].done.iter().map(|o| o.event.clone()).collect();
    assert!(matches!(
        &told[..],
        [Event::RunSaved(s), Event::Shelf(shelf)]
            if s.reason == SaveReason::Autosave && s.steps == 1
                && shelf.open == Some(0) && shelf.runs[0].steps == 1
    ));
    assert!(storage(session).is_empty(), "nothing changed");
    // A reload reads the index and the open run's file: it reopens where it stopped, and
    // there is nothing to keep until it changes.
    let mut later = Session::new(clock);
    let out = run(
        &mut later,
        Command::Start {
            device: DeviceChoice::Cpu,
            settings: RunSettings::default(),
            resume: true,
            kept: file(&work, "run-0.vitp").to_vec(),
            shelf: Shelf::from_json(file(&work, "runs.json")),
            carried: None,
        },
    );
    assert_eq!(later.steps(), 1);
    assert!(out.iter().any(|e| matches!(e, Event::Started(s)
        if s.reopened == Some(RunOrigin::Autosave)
            && s.position.map(|p| (p.epoch, p.update_in_epoch)) == Some((1, 1)))));
    assert!(
        storage(&mut later).is_empty(),
        "just reopened: already kept"
    );
    run(&mut later, Command::Step);
    assert_eq!(written(&storage(&mut later)), ["run-0.vitp", "runs.json"]);
}

/// What the worker program does with storage work: the page hears `done` once the writes
/// are through.
fn told(work: &[StorageWork]) -> Vec<&Outgoing> {
    work.iter().flat_map(|w| &w.done).collect()
}

#[test]
fn a_run_handed_over_to_another_program_carries_on_bit_for_bit_and_stays_kept_in_place() {
    // The page's default run: Adam, whose moments must come along.
    let (mut first, _) = session();
    run(&mut first, Command::Step);
    storage(&mut first);
    run(&mut first, Command::Play { delay_ms: 0 });
    for _ in 0..3 {
        block_on(first.play_one());
    }
    // Playing, with updates not kept yet: handing over pauses, keeps them, and only then
    // hands the run over, last.
    let out = run(&mut first, Command::HandOver);
    assert_eq!(kinds(&out), ["playing"]);
    assert!(!first.playing());
    let work = storage(&mut first);
    assert_eq!(written(&work), ["run-0.vitp", "runs.json"]);
    let last = told(&work).last().copied();
    let Some(Outgoing {
        event: Event::HandedOver { kept_as },
        bytes: Some(bytes),
    }) = last
    else {
        panic!("handed over last, not {:?}", last.map(|o| o.event.name()));
    };
    assert_eq!(*kept_as, Some(0));
    assert_eq!(
        bytes.as_slice(),
        file(&work, "run-0.vitp"),
        "the run as kept"
    );
    let next: Vec<Event> = (0..3)
        .flat_map(|_| run(&mut first, Command::Step))
        .collect();

    // The other program starts with it, as the page asks: the device event, then the run
    // where it stopped, not a reopened one, and already kept where it was.
    let mut other = Session::new(clock);
    let out = run(
        &mut other,
        Command::Start {
            device: DeviceChoice::Cpu,
            settings: RunSettings::default(),
            resume: false,
            kept: Vec::new(),
            shelf: Shelf::from_json(file(&work, "runs.json")),
            carried: Some(CarriedRun {
                kept_as: *kept_as,
                bytes: bytes.clone(),
            }),
        },
    );
    assert_eq!(kinds(&out), ["device", "dataset", "started"]);
    assert!(matches!(&out[2], Event::Started(s) if s.steps == 4 && s.reopened.is_none()));
    assert!(storage(&mut other).is_empty(), "already kept as it is");
    let carried: Vec<Event> = (0..3)
        .flat_map(|_| run(&mut other, Command::Step))
        .collect();
    assert_eq!(steps_in(&carried), [5, 6, 7]);
    assert_eq!(losses(&carried), losses(&next));
    assert_eq!(written(&storage(&mut other)), ["run-0.vitp", "runs.json"]);

    // Without a run there is nothing to carry: the page reopens what is kept instead.
    let mut empty = Session::new(clock);
    run(&mut empty, Command::HandOver);
    let work = storage(&mut empty);
    assert!(matches!(
        told(&work)[..],
        [Outgoing {
            event: Event::HandedOver { kept_as: None },
            bytes: None
        }]
    ));
}

#[test]
fn nothing_replaces_a_run_silently_and_a_recent_run_reopens_where_it_stopped() {
    let (mut session, _) = session();
    run(&mut session, Command::Step);
    run(&mut session, Command::Step);
    // Reset while the run was never kept: it is kept first, then the new run is open.
    let reset = Command::Reset {
        settings: RunSettings::default(),
    };
    run(&mut session, reset);
    let work = storage(&mut session);
    assert_eq!(written(&work), ["run-0.vitp", "runs.json", "runs.json"]);
    let first_run = file(&work, "run-0.vitp").to_vec();
    assert_eq!(session.shelf().open, None);
    run(&mut session, Command::Step);
    storage(&mut session);
    let shelf = session.shelf();
    let listed: Vec<(u64, u64)> = shelf.runs.iter().map(|r| (r.id, r.steps)).collect();
    assert_eq!(listed, [(0, 2), (1, 1)]);
    assert_eq!(shelf.open, Some(1));
    let first = &shelf.runs[0];
    assert_eq!(first.curves.losses.len(), 2);
    assert_eq!(first.last_loss, Some(first.curves.losses[1].1));
    assert_eq!(first.accuracy().map(|a| a.0), Some(0));
    // The first run reopens from its own file and carries on under its own id.
    let out = run(
        &mut session,
        Command::OpenRun {
            origin: RunOrigin::Kept { id: 0 },
            bytes: first_run,
        },
    );
    assert!(out
        .iter()
        .any(|e| matches!(e, Event::Started(s) if s.steps == 2)));
    assert_eq!(written(&storage(&mut session)), ["runs.json"]);
    assert_eq!(steps_in(&run(&mut session, Command::Step)), [3]);
    assert_eq!(written(&storage(&mut session)), ["run-0.vitp", "runs.json"]);
    let listed: Vec<u64> = session.shelf().runs.iter().map(|r| r.id).collect();
    assert_eq!(listed, [1, 0], "the newest last");
    // The open run cannot be forgotten; another one can, and its file goes.
    run(&mut session, Command::ForgetRun { id: 0 });
    assert!(storage(&mut session).is_empty());
    run(&mut session, Command::ForgetRun { id: 1 });
    let work = storage(&mut session);
    assert_eq!(work[0].removes, ["run-1.vitp"]);
    assert_eq!(session.shelf().runs.len(), 1);
}

#[test]
fn the_single_autosave_of_earlier_versions_joins_the_recent_runs() {
    let (mut first, _) = session();
    run(&mut first, Command::Step);
    let bytes = file(&storage(&mut first), "run-0.vitp").to_vec();
    let mut later = Session::new(clock);
    run(
        &mut later,
        Command::Start {
            device: DeviceChoice::Cpu,
            settings: RunSettings::default(),
            resume: true,
            kept: bytes,
            shelf: Shelf::default(),
            carried: None,
        },
    );
    assert_eq!(later.steps(), 1);
    let work = storage(&mut later);
    assert_eq!(written(&work), ["run-0.vitp", "runs.json"]);
    assert_eq!(work[0].removes, ["autosave.vitp"]);
}

#[test]
fn a_start_with_a_kept_run_reopens_it_and_a_damaged_one_starts_afresh() {
    let (mut first, _) = session();
    run(&mut first, Command::Step);
    run(&mut first, Command::Step);
    let work = storage(&mut first);
    let kept = file(&work, "run-0.vitp").to_vec();
    let shelf = Shelf::from_json(file(&work, "runs.json"));
    let start = |kept: Vec<u8>| Command::Start {
        device: DeviceChoice::Cpu,
        settings: RunSettings::default(),
        resume: true,
        kept,
        shelf: shelf.clone(),
        carried: None,
    };
    let mut later = Session::new(clock);
    let out = run(&mut later, start(kept.clone()));
    assert_eq!(kinds(&out), ["device", "shelf", "dataset", "started"]);
    assert!(
        matches!(&out[3], Event::Started(s) if s.steps == 2 && s.reopened == Some(RunOrigin::Autosave))
    );
    let mut damaged = kept;
    damaged.truncate(100);
    let mut other = Session::new(clock);
    let out = run(&mut other, start(damaged));
    assert_eq!(
        kinds(&out),
        [
            "device",
            "shelf",
            "refused",
            "dataset",
            "started",
            "validation"
        ]
    );
    assert_eq!(other.steps(), 0);
}

#[test]
fn the_page_shifts_training_faces_by_default_and_reports_each_shift() {
    let (mut session, _) = session();
    assert_eq!(
        session.settings().unwrap().augmentation,
        vocab::Augmentation::PAGE
    );
    let out = run(&mut session, Command::Step);
    let Some(Event::Step { report, .. }) = out.first() else {
        panic!("a step")
    };
    assert_eq!(report.augmented.len(), report.indices.len());
    assert!(report
        .augmented
        .iter()
        .all(|s| !s.flip && s.dx.abs() <= 2 && s.dy.abs() <= 2));
    let off = vocab::Augmentation::default();
    run(&mut session, Command::SetAugmentation { augmentation: off });
    let out = run(&mut session, Command::Step);
    let Some(Event::Step { report, .. }) = out.first() else {
        panic!("a step")
    };
    assert!(report.augmented.is_empty());
    assert_eq!(session.settings().unwrap().augmentation, off);
}

/// The default settings with another shape.
fn shaped(change: impl FnOnce(&mut vocab::ModelShape)) -> RunSettings {
    let mut settings = RunSettings {
        batch_size: 8,
        ..RunSettings::default()
    };
    change(&mut settings.model);
    settings
}

#[test]
fn a_shaped_model_trains_on_faces_made_at_its_size_and_an_impossible_one_changes_nothing() {
    let (mut session, _) = session();
    // 16×16 faces, patches of 8: 4 patches and CLS, one head.
    let small_images = shaped(|shape| {
        shape.image_size = 16;
        shape.heads = 1;
        shape.depth = 1;
    });
    let out = run(
        &mut session,
        Command::Reset {
            settings: small_images.clone(),
        },
    );
    assert_eq!(kinds(&out)[..3], ["dataset", "started", "validation"]);
    let Event::Dataset(summary) = &out[0] else {
        panic!("the faces at the new size")
    };
    assert_eq!((summary.size, summary.people.len()), (16, 40));
    run(&mut session, Command::Inspect(InspectTarget::default()));
    let stepped = run(&mut session, Command::Step);
    assert_eq!(steps_in(&stepped), [1]);
    let probe = stepped
        .iter()
        .find_map(|e| match e {
            Event::Probe(view) => Some(view),
            _ => None,
        })
        .expect("a probe");
    assert_eq!((probe.tokens, probe.grid, probe.head_dim), (5, 2, 32));
    assert_eq!(probe.attention.len(), 25);

    // Impossible shapes are refused with their reason; the run and its faces stay.
    for (bad, reason) in [
        (
            shaped(|shape| shape.heads = 3),
            vocab::ConfigError::HeadsDoNotDivideWidth {
                width: 32,
                heads: 3,
            },
        ),
        (
            shaped(|shape| shape.image_size = 1024),
            vocab::ConfigError::ImageTooLarge {
                image_size: 1024,
                largest: vocab::MAX_PAGE_IMAGE_SIZE,
            },
        ),
    ] {
        assert_eq!(
            run(&mut session, Command::Reset { settings: bad }),
            vec![Event::Refused {
                reason: TrainError::from(reason).into()
            }]
        );
    }
    assert_eq!(session.settings(), Some(&small_images));
    assert_eq!(session.steps(), 1);
    // Back to the page's own size: the faces follow.
    let out = run(
        &mut session,
        Command::Reset {
            settings: RunSettings::default(),
        },
    );
    let Event::Dataset(summary) = &out[0] else {
        panic!("the faces at 32×32 again")
    };
    assert_eq!(summary.size, 32);
}

#[test]
fn an_experiment_plays_each_arm_to_the_same_update_and_keeps_them_all() {
    let (mut session, _) = session();
    run(&mut session, Command::Inspect(InspectTarget::default()));
    let arms = vec![
        shaped(|shape| shape.heads = 1),
        shaped(|shape| shape.heads = 2),
    ];
    let mut out = run(
        &mut session,
        Command::RunExperiment {
            arms: arms.clone(),
            updates: 2,
        },
    );
    assert!(
        kinds(&out).ends_with(&["arm_started", "playing"]),
        "{:?}",
        kinds(&out)
    );
    while session.playing() {
        out.extend(events(block_on(session.play_one())));
    }
    let done: Vec<_> = out
        .iter()
        .filter_map(|e| match e {
            Event::ArmDone(done) => Some(done),
            _ => None,
        })
        .collect();
    assert_eq!(done.len(), 2);
    for (i, arm) in done.iter().enumerate() {
        assert_eq!((arm.arm, arm.arms, arm.step), (i, 2, 2));
        assert_eq!(arm.settings, arms[i]);
        assert_eq!(arm.view.heads.len(), arms[i].model.heads);
        assert!(arm.view.heads.iter().all(|map| map.len() == 16));
        assert_eq!(arm.view.rollout.len(), 16);
        assert_eq!(arm.validation.map(|v| v.images), Some(80));
        assert!(arm.loss.is_finite());
    }
    // Both arms are among the recent runs, at update 2.
    let (a, b) = (done[0].kept.unwrap(), done[1].kept.unwrap());
    assert_ne!(a, b);
    for id in [a, b] {
        let kept = session.shelf().runs.iter().find(|r| r.id == id).unwrap();
        assert_eq!(kept.steps, 2);
    }
    // It ends paused, on the last arm.
    assert_eq!(kinds(&out).last(), Some(&"weights"));
    assert_eq!(session.settings(), Some(&arms[1]));

    // Pause ends an experiment where it is: no more arms.
    run(
        &mut session,
        Command::RunExperiment {
            arms: arms.clone(),
            updates: 50,
        },
    );
    block_on(session.play_one());
    run(&mut session, Command::Pause);
    assert!(!session.playing());
    assert_eq!(events(block_on(session.play_one())), Vec::new());
    assert_eq!(session.settings(), Some(&arms[0]));

    // An impossible arm is refused before anything starts.
    let steps = session.steps();
    let refused = run(
        &mut session,
        Command::RunExperiment {
            arms: vec![arms[0].clone(), shaped(|shape| shape.patch_size = 5)],
            updates: 2,
        },
    );
    assert!(
        matches!(refused[..], [Event::Refused { .. }]),
        "{refused:?}"
    );
    assert_eq!(session.steps(), steps);
}

#[test]
fn a_camera_frame_goes_through_the_model_as_a_training_face_does_and_changes_nothing() {
    let (mut session, _) = session();
    run(&mut session, Command::Step);
    run(&mut session, Command::Play { delay_ms: 0 });
    // A training face of the built-in set, sent as a camera sends it: RGBA, grey on all three.
    let set = session::synthetic_faces(32);
    let face = set.train.pixels(3);
    let rgba: Vec<u8> = face.iter().flat_map(|&g| [g, g, g, 255]).collect();
    let out = run(
        &mut session,
        Command::Recognise {
            width: 32,
            height: 32,
            rgba,
        },
    );
    assert_eq!(
        kinds(&out),
        ["playing", "recognised"],
        "training pauses while live"
    );
    let Event::Recognised(seen) = &out[1] else {
        panic!("a recognition")
    };
    assert_eq!(
        seen.seen, face,
        "the same grey, crop and size as the face itself"
    );
    assert_eq!(seen.top.len(), 3);
    assert!(seen.top.windows(2).all(|p| p[0].1 >= p[1].1));
    assert!(seen
        .top
        .iter()
        .all(|(person, p)| *person < 40 && (0.0..=1.0).contains(p)));
    assert_eq!(
        (seen.grid, seen.head.len(), seen.rollout.len()),
        (4, 16, 16)
    );
    // Inference only: the run has not moved, and a frame of the wrong size is ignored.
    assert_eq!(session.steps(), 1);
    let wrong = run(
        &mut session,
        Command::Recognise {
            width: 32,
            height: 32,
            rgba: vec![0; 10],
        },
    );
    assert_eq!(wrong, Vec::new());
}

/// A CPU session whose updates are shared between `workers` (its helpers in this thread:
/// the same code the page's helper workers run), on `optimizer`.
fn shared_session(workers: usize, optimizer: OptimizerChoice) -> Session {
    use model::BackendDevice;
    let device = model::default_cpu().device().unwrap();
    let helpers = session::workers::InThread::new(device);
    let mut session = Session::new(clock).with_helpers(Box::new(helpers));
    let settings = RunSettings {
        optimizer,
        ..RunSettings::default()
    };
    block_on(session.handle(Command::Start {
        device: DeviceChoice::Cpu,
        settings,
        resume: false,
        kept: Vec::new(),
        shelf: Shelf::default(),
        carried: None,
    }));
    let told = run(&mut session, Command::SetWorkers { count: workers });
    assert!(
        told.iter()
            .any(|e| matches!(e, Event::Device(s) if s.workers == workers)),
        "{told:?}"
    );
    session
}

fn reports(session: &mut Session, updates: usize) -> Vec<vocab::StepReport> {
    (0..updates)
        .map(|_| {
            run(session, Command::Step)
                .into_iter()
                .find_map(|e| match e {
                    Event::Step { report, .. } => Some(*report),
                    _ => None,
                })
                .expect("a step report")
        })
        .collect()
}

fn close(a: f32, b: f32) -> bool {
    close_within(a, b, 1e-4)
}

fn close_within(a: f32, b: f32, relative: f32) -> bool {
    (a - b).abs() <= relative * a.abs().max(b.abs()).max(1e-3)
}

#[test]
fn an_update_shared_between_workers_is_the_one_worker_update() {
    for optimizer in [OptimizerChoice::Sgd, OptimizerChoice::Adam] {
        let mut alone = shared_session(1, optimizer);
        let mut three = shared_session(3, optimizer);
        let (a, b) = (reports(&mut alone, 10), reports(&mut three, 10));
        for (a, b) in a.iter().zip(&b) {
            let step = a.step;
            assert!(
                close(a.loss, b.loss),
                "{optimizer:?} update {step}: {} vs {}",
                a.loss,
                b.loss
            );
            // The same batch, the same people guessed, in batch order.
            assert_eq!(a.indices, b.indices);
            assert_eq!(a.predicted, b.predicted, "update {step}");
            for (x, y) in a
                .true_class_probability
                .iter()
                .zip(&b.true_class_probability)
            {
                assert!(close(*x, *y), "update {step}: p {x} vs {y}");
            }
            for (x, y) in a.gradient_norms.blocks.iter().zip(&b.gradient_norms.blocks) {
                for (g, h) in [
                    (x.wq, y.wq),
                    (x.wk, y.wk),
                    (x.wv, y.wv),
                    (x.wo, y.wo),
                    (x.mlp_fc1, y.mlp_fc1),
                    (x.mlp_fc2, y.mlp_fc2),
                ] {
                    assert!(close(g, h), "{optimizer:?} update {step}: ‖∇‖ {g} vs {h}");
                }
            }
            for (g, h) in [
                (a.gradient_norms.patch_embed, b.gradient_norms.patch_embed),
                (a.gradient_norms.cls_token, b.gradient_norms.cls_token),
                (a.gradient_norms.pos_embed, b.gradient_norms.pos_embed),
                (a.gradient_norms.head, b.gradient_norms.head),
            ] {
                assert!(close(g, h), "{optimizer:?} update {step}: ‖∇‖ {g} vs {h}");
            }
            assert!(close(a.tracked.after, b.tracked.after));
        }
        // The single Step's backward path comes from the training worker's share, which
        // holds the batch's first image.
        let path = |r: &vocab::StepReport| r.backward.clone().expect("a single Step's path");
        let (p, q) = (path(&a[9]), path(&b[9]));
        assert_eq!(p.image, q.image);
        // After ten Adam updates, its small entries carry the rounding of the shares' sums
        // amplified (Adam divides each gradient by its own running size): 4e-5 with Burn's
        // GELU and softmax, 2e-4 with the model's kernels; every other figure stays within
        // 5e-6.
        for (x, y) in p.x.iter().zip(&q.x) {
            assert!(close_within(*x, *y, 1e-3), "the path's X: {x} vs {y}");
        }
    }
}

#[test]
fn shared_runs_are_reproducible_and_the_workers_in_use_follow_the_device() {
    let mut first = shared_session(2, OptimizerChoice::Adam);
    let mut again = shared_session(2, OptimizerChoice::Adam);
    let losses = |r: Vec<vocab::StepReport>| r.iter().map(|r| r.loss.to_bits()).collect::<Vec<_>>();
    assert_eq!(
        losses(reports(&mut first, 5)),
        losses(reports(&mut again, 5))
    );
    // One worker alone when asked for 1; never more than the batch has images.
    let told = run(&mut first, Command::SetWorkers { count: 1 });
    assert!(told
        .iter()
        .any(|e| matches!(e, Event::Device(s) if s.workers == 1)));
    let after = run(&mut first, Command::Step);
    assert!(
        !after.iter().any(|e| matches!(e, Event::Device(_))),
        "one worker asked, one in use: nothing to tell: {after:?}"
    );
    run(&mut first, Command::SetBatchSize { batch_size: 2 });
    run(&mut first, Command::SetWorkers { count: 4 });
    let step = reports(&mut first, 1);
    assert_eq!(step[0].batch_size, 2);
    assert_eq!(step[0].predicted.len(), 2);
    // Without helpers (native `Session::new`) a session always trains alone.
    let (mut plain, _) = session();
    let told = run(&mut plain, Command::SetWorkers { count: 4 });
    assert!(told
        .iter()
        .any(|e| matches!(e, Event::Device(s) if s.workers == 1)));
}

/// One helper, which finishes loading when the test says so (never, unless told): until
/// then every share is computed by the training worker.
struct LoadingWhenTold(std::rc::Rc<std::cell::Cell<usize>>);

impl session::workers::Helpers for LoadingWhenTold {
    fn set_count(&mut self, _count: usize) {}
    fn count(&self) -> usize {
        1
    }
    fn ready(&self) -> usize {
        self.0.get()
    }
    fn compute(
        &mut self,
        jobs: &[session::workers::ShareJob],
        _weights: &[f32],
    ) -> session::workers::Answers {
        assert!(jobs.is_empty(), "a job for a helper that is not ready");
        Box::pin(std::future::ready(Ok(Vec::new())))
    }
}

/// `session` with a fresh run on the CPU from `settings`, then asked for `workers`: whether
/// the page is told `told` workers share the updates.
fn on_cpu_with_workers(
    session: &mut Session,
    settings: RunSettings,
    workers: usize,
    told: usize,
) -> bool {
    block_on(session.handle(Command::Start {
        device: DeviceChoice::Cpu,
        settings,
        resume: false,
        kept: Vec::new(),
        shelf: Shelf::default(),
        carried: None,
    }));
    run(session, Command::SetWorkers { count: workers })
        .iter()
        .any(|e| matches!(e, Event::Device(s) if s.workers == told))
}

#[test]
fn a_helper_that_finishes_loading_between_updates_is_counted_at_once_and_once_only() {
    let ready = std::rc::Rc::new(std::cell::Cell::new(0));
    let mut session = Session::new(clock).with_helpers(Box::new(LoadingWhenTold(ready.clone())));
    assert!(
        session.helpers_changed().is_none(),
        "no run, no device to tell of"
    );
    assert!(on_cpu_with_workers(
        &mut session,
        RunSettings::default(),
        2,
        1
    ));
    assert!(session.helpers_changed().is_none(), "nothing changed yet");
    ready.set(1);
    let workers = |out: Option<Outgoing>| match out.map(|o| o.event) {
        Some(Event::Device(status)) => Some(status.workers),
        _ => None,
    };
    assert_eq!(workers(session.helpers_changed()), Some(2));
    assert_eq!(workers(session.helpers_changed()), None, "told once");
    // Asked for one worker again: a ready helper is not counted.
    let told = run(&mut session, Command::SetWorkers { count: 1 });
    assert!(told
        .iter()
        .any(|e| matches!(e, Event::Device(s) if s.workers == 1)));
    assert_eq!(workers(session.helpers_changed()), None);
}

#[test]
fn a_shared_update_is_the_same_bit_for_bit_whichever_helpers_were_ready() {
    let mut ready = shared_session(2, OptimizerChoice::Adam);
    let never = std::rc::Rc::new(std::cell::Cell::new(0));
    let mut loading = Session::new(clock).with_helpers(Box::new(LoadingWhenTold(never)));
    // Asked for 2, one computes: the page is told 1 worker, and the batch is still split in 2.
    let adam = RunSettings {
        optimizer: OptimizerChoice::Adam,
        ..RunSettings::default()
    };
    assert!(on_cpu_with_workers(&mut loading, adam, 2, 1));
    let bits = |r: Vec<vocab::StepReport>| {
        r.iter()
            .map(|r| (r.loss.to_bits(), r.tracked.after.to_bits()))
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(reports(&mut ready, 5)), bits(reports(&mut loading, 5)));
}

#[test]
fn devices_are_compared_on_fresh_weights_and_the_run_carries_on_as_if_they_were_not() {
    let (mut compared, _) = session();
    let (mut twin, _) = session();
    run(&mut compared, Command::Step);
    run(&mut twin, Command::Step);
    run(&mut compared, Command::Play { delay_ms: 0 });
    let out = run(&mut compared, Command::CompareDevices);
    assert_eq!(
        kinds(&out),
        ["playing", "device_comparison"],
        "play pauses first"
    );
    let Event::DeviceComparison(comparison) = &out[1] else {
        panic!()
    };
    assert_eq!(comparison.model, RunSettings::default().model);
    assert_eq!(comparison.batch_size, RunSettings::default().batch_size);
    let cpu = comparison.cpu;
    assert!(cpu.first_ms > 0.0 && cpu.update_ms > 0.0, "{cpu:?}");
    assert!((1..=3).contains(&cpu.updates), "{cpu:?}");
    assert_eq!(cpu.workers, 1, "no helpers in this session");
    // This build has no WebGPU: no figure for it, and the CPU is the faster.
    assert_eq!(comparison.gpu, Err(GpuFallback::NoAdapter));
    assert_eq!(comparison.faster(), DeviceChoice::Cpu);

    let after: Vec<Event> = (0..3)
        .flat_map(|_| run(&mut compared, Command::Step))
        .collect();
    let alone: Vec<Event> = (0..3).flat_map(|_| run(&mut twin, Command::Step)).collect();
    assert_eq!(steps_in(&after), [2, 3, 4]);
    assert_eq!(losses(&after), losses(&alone));
}

#[test]
fn the_cpu_is_timed_with_the_workers_the_run_shares_its_updates_with() {
    let mut shared = shared_session(2, OptimizerChoice::Adam);
    run(&mut shared, Command::Step);
    let out = run(&mut shared, Command::CompareDevices);
    let Some(Event::DeviceComparison(comparison)) = out.last() else {
        panic!("{:?}", kinds(&out));
    };
    assert_eq!(comparison.cpu.workers, 2);
    // The run's updates are still shared as before.
    let after = run(&mut shared, Command::Step);
    assert_eq!(steps_in(&after), [2]);
    let told = run(&mut shared, Command::SetWorkers { count: 2 });
    assert!(
        told.iter()
            .any(|e| matches!(e, Event::Device(s) if s.workers == 2)),
        "{told:?}"
    );
}
