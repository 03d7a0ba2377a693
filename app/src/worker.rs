//! The Web Worker's side: receives commands, runs the [`Session`], posts back events.
//!
//! One task drives everything, so a command never runs in the middle of an update: while
//! paused it waits for the next command; while playing it runs an update, then waits for a
//! command or for the speed setting's delay, whichever comes first.

use futures::channel::mpsc::{unbounded, UnboundedReceiver};
use futures::{FutureExt, StreamExt};
use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{DedicatedWorkerGlobalScope, File, MessageEvent, WorkerGlobalScope};

use faces::SourceFile;

use crate::protocol::{Command, Event, Outgoing};
use crate::session::{open_device, Session};
use crate::wire;

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn now() -> f64 {
    js_sys::global()
        .unchecked_into::<WorkerGlobalScope>()
        .performance()
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

fn post(outgoing: Outgoing) {
    let beside = match &outgoing.bytes {
        Some(bytes) => wire::bytes(bytes),
        None => JsValue::NULL,
    };
    // A page that went away cannot be told anything more.
    let _ = scope().post_message(&wire::encode(&outgoing.event, beside));
}

fn post_all(out: Vec<Outgoing>) {
    out.into_iter().for_each(post);
}

fn sleep(ms: u32) -> JsFuture {
    JsFuture::from(Promise::new(&mut |resolve, _| {
        let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
    }))
}

/// The worker's entry point.
pub fn start() {
    console_error_panic_hook::set_once();
    let (sender, receiver) = unbounded::<(Command, JsValue)>();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match wire::decode::<Command>(&event.data()) {
            Ok(message) => {
                let _ = sender.unbounded_send(message);
            }
            Err(error) => post(
                Event::Refused {
                    message: error.to_string(),
                }
                .into(),
            ),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    spawn_local(drive(receiver));
    post(Event::Loaded.into());
}

async fn drive(mut commands: UnboundedReceiver<(Command, JsValue)>) {
    let mut session: Option<Session> = None;
    // At full speed, updates run back to back and the worker looks for commands every
    // YIELD_MS: often enough for Pause to feel instant, rarely enough to cost nothing.
    const YIELD_MS: f64 = 30.0;
    let mut last_yield = now();
    loop {
        let playing = session.as_ref().is_some_and(Session::playing);
        let next = if playing {
            let session = session.as_mut().expect("playing implies a session");
            post_all(session.play_one().await);
            if !session.playing() {
                continue;
            }
            let delay = session.delay_ms();
            if delay == 0 && now() - last_yield < YIELD_MS {
                continue;
            }
            let delay = sleep(delay).fuse();
            futures::pin_mut!(delay);
            let next = futures::select! {
                command = commands.next() => command,
                _ = delay => None,
            };
            last_yield = now();
            match next {
                Some(command) => Some(command),
                None => continue,
            }
        } else {
            commands.next().await
        };
        let Some((command, beside)) = next else {
            return;
        };
        handle(&mut session, command, beside).await;
    }
}

async fn handle(session: &mut Option<Session>, command: Command, beside: JsValue) {
    match command {
        Command::Start { device, settings } => {
            let (device, status) = match open_device(device).await {
                Ok(opened) => opened,
                Err(error) => {
                    return post(
                        Event::Refused {
                            message: error.to_string(),
                        }
                        .into(),
                    )
                }
            };
            post(Event::Device(status).into());
            match session {
                Some(current) => post_all(current.switch_device(device, settings)),
                None => match Session::new(device, settings, now) {
                    Ok((fresh, out)) => {
                        post_all(out);
                        *session = Some(fresh);
                    }
                    Err(error) => {
                        return post(
                            Event::Refused {
                                message: error.to_string(),
                            }
                            .into(),
                        )
                    }
                },
            }
            if let Some(current) = session.as_mut() {
                post_all(current.first_validation().await);
                post_all(current.probe().await);
            }
        }
        Command::Import { kind, name, paths } => {
            let Some(current) = session.as_mut() else {
                return;
            };
            let files = read_files(&beside, paths).await;
            post_all(current.import(kind, name, files).await);
            post_all(current.first_validation().await);
            post_all(current.probe().await);
        }
        other => {
            if let Some(current) = session.as_mut() {
                let resets = matches!(other, Command::Reset { .. } | Command::UseSynthetic);
                // The weights changed, or the views skipped probes while playing.
                let reprobe = resets || matches!(other, Command::Pause | Command::Rollback);
                post_all(current.handle(other).await);
                if resets {
                    post_all(current.first_validation().await);
                }
                if reprobe {
                    post_all(current.probe().await);
                }
            }
        }
    }
}

/// Reads the learner's files; one that cannot be read becomes an empty file, which the
/// import then reports as skipped.
async fn read_files(beside: &JsValue, paths: Vec<String>) -> Vec<SourceFile> {
    let files = Array::from(beside);
    let mut out = Vec::with_capacity(paths.len());
    for (index, path) in paths.into_iter().enumerate() {
        let bytes = match files.get(index as u32).dyn_into::<File>() {
            Ok(file) => match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => Uint8Array::new(&buffer).to_vec(),
                Err(_) => Vec::new(),
            },
            Err(_) => Vec::new(),
        };
        out.push(SourceFile { path, bytes });
    }
    out
}
