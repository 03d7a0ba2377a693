//! The worker's browser side: `postMessage` in and out, timers, and the learner's files.

use futures::channel::mpsc::{unbounded, UnboundedReceiver};
use futures::{FutureExt, StreamExt};
use js_sys::{Array, Promise, Uint8Array};
use session::keep::StorageWork;
use session::Session;
use vocab::protocol::{Command, Event, Outgoing, Refusal, RunOrigin};
use vocab::shelf::run_file_name;
use vocab::wire;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent, WorkerGlobalScope};

use crate::storage;

/// Runs the program's static constructors (burn's GPU stack registers its compiler passes
/// with `inventory`), once, at start.
///
/// Without an explicit call, the wasm linker treats the program as a "command" and runs every
/// constructor again at the top of every function it exports: every message from the page
/// then re-walked thousands of registrations. Calling it once, first thing in `main`, makes
/// the linker drop those wrappers (see the `inventory` crate's notes on WebAssembly).
pub fn run_constructors() {
    unsafe extern "C" {
        fn __wasm_call_ctors();
    }
    // SAFETY: called once, first thing in `main`, before any code that reads what the
    // constructors register; `inventory`'s constructors are idempotent besides.
    unsafe { __wasm_call_ctors() }
}

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
                    reason: Refusal::Garbled(error.to_string()),
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

/// Carries out the session's storage work: the runs it keeps and lets go. A storage that
/// fails is reported once; training goes on regardless.
async fn keep(session: &mut Session, reported: &mut bool) {
    for work in session.storage_work().await {
        match carry_out(&work).await {
            // The page only needs to know what is kept, not the bytes.
            Ok(()) => post_all(work.done),
            Err(error) if !*reported => {
                *reported = true;
                post(Event::NotKept(error).into());
            }
            Err(_) => {}
        }
    }
}

async fn carry_out(work: &StorageWork) -> Result<(), vocab::protocol::StorageError> {
    for (name, bytes) in &work.writes {
        storage::write(name, bytes).await?;
    }
    for name in &work.removes {
        storage::remove(name).await?;
    }
    Ok(())
}

async fn drive(mut commands: UnboundedReceiver<(Command, JsValue)>) {
    // A helper that finishes loading while paused: the page hears it at once (while
    // playing, the next update counts it).
    let (helper_ready, mut helpers_ready) = unbounded::<()>();
    let mut session =
        Session::new(now).with_helpers(Box::new(crate::pool::Pool::new(helper_ready)));
    let mut storage_reported = false;
    // At full speed, updates run back to back and the worker looks for commands every
    // YIELD_MS: often enough for Pause to feel instant, rarely enough to cost nothing.
    const YIELD_MS: f64 = 30.0;
    let mut last_yield = now();
    loop {
        let next = if session.playing() {
            post_all(session.play_one().await);
            keep(&mut session, &mut storage_reported).await;
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
            futures::select! {
                command = commands.next() => command,
                _ = helpers_ready.next() => {
                    post_all(session.helpers_changed().into_iter().collect());
                    continue;
                }
            }
        };
        let Some((mut command, beside)) = next else {
            return;
        };
        match &mut command {
            Command::Import { files, .. } => read_files(&beside, files).await,
            Command::OpenRun {
                origin: RunOrigin::Kept { id },
                bytes,
            } => {
                *bytes = storage::read(&run_file_name(*id))
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default()
            }
            Command::OpenRun { bytes, .. } => *bytes = read_file(&beside).await,
            // A camera frame's pixels, beside the message.
            Command::Recognise { rgba, .. } => {
                if let Some(pixels) = beside.dyn_ref::<Uint8Array>() {
                    *rgba = pixels.to_vec();
                }
            }
            // The list of recent runs is read at every start, so it is never written over;
            // the open run only when the page asks to resume it.
            Command::Start {
                resume,
                kept,
                shelf,
                carried,
                ..
            } => {
                // A run handed over by the other program: its file is beside the message.
                if let (Some(carried), Some(bytes)) = (carried, beside.dyn_ref::<Uint8Array>()) {
                    carried.bytes = bytes.to_vec();
                }
                match storage::read_kept(*resume).await {
                    Ok((index, open)) => {
                        *shelf = index;
                        *kept = open;
                    }
                    Err(error) => {
                        storage_reported = true;
                        post(Event::NotKept(error).into());
                    }
                }
            }
            _ => {}
        }
        post_all(session.handle(command).await);
        keep(&mut session, &mut storage_reported).await;
    }
}

/// The bytes of the one file beside the message (a run file to open).
async fn read_file(beside: &JsValue) -> Vec<u8> {
    let mut files = [vocab::SourceFile {
        path: String::new(),
        bytes: Vec::new(),
    }];
    read_files(beside, &mut files).await;
    let [file] = files;
    file.bytes
}

/// Puts the learner's files' bytes (the `File`s beside the message, in order) into the
/// command; one that cannot be read stays empty, which the import reports as skipped.
async fn read_files(beside: &JsValue, files: &mut [vocab::SourceFile]) {
    let handles = Array::from(beside);
    for (index, file) in files.iter_mut().enumerate() {
        // A `File` from the learner, or a `Blob` the page fetched (the trained model).
        if let Ok(handle) = handles.get(index as u32).dyn_into::<Blob>() {
            if let Ok(buffer) = JsFuture::from(handle.array_buffer()).await {
                file.bytes = Uint8Array::new(&buffer).to_vec();
            }
        }
    }
}
