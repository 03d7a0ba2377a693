//! Runs that last, as the learner handles them: save the run as a file, open one (or drop
//! it on the page), see that the browser keeps it, and a banner when a kept run reopens.

use js_sys::{Array, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, DragEvent, File, HtmlInputElement, Url};

use crate::format::percent;
use crate::ui::bridge::Bridge;
use crate::ui::state::{Notice, PageState};
use vocab::protocol::{Command, RunOrigin, SaveReason};
use vocab::run_file::RUN_FILE_EXTENSION;

type Link = StoredValue<Bridge, LocalStorage>;

/// Hands `bytes` to the browser as a download called `name`.
pub fn download(name: &str, bytes: &[u8]) {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let Ok(blob) = Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(link) = document().create_element("a") {
        let _ = link.set_attribute("href", &url);
        let _ = link.set_attribute("download", name);
        if let Some(link) = link.dyn_ref::<web_sys::HtmlElement>() {
            link.click();
        }
    }
    // Revoked once the browser has surely started the download.
    set_timeout(
        move || {
            let _ = Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
}

/// Where `cargo xtask assets` puts the trained model, beside the page (Trunk copies it).
pub const TRAINED_MODEL: &str = "trained-small.vitp";

/// Fetches the trained model and sends it to the worker to carry on; the run in use is kept
/// among the recent runs. A fetch that fails is said, and nothing changes.
fn start_from_trained(state: PageState, bridge: Link) {
    wasm_bindgen_futures::spawn_local(async move {
        match fetch_bytes(TRAINED_MODEL).await {
            Ok(blob) => bridge.with_value(|b| {
                b.send_with(
                    Command::OpenRun {
                        origin: RunOrigin::Trained,
                        bytes: Vec::new(),
                    },
                    Array::of1(&blob).into(),
                )
            }),
            Err(why) => state.notify(Notice::TrainedMissing(why)),
        }
    });
}

async fn fetch_bytes(url: &str) -> Result<Blob, String> {
    use wasm_bindgen_futures::JsFuture;
    let described = |error: JsValue| error.as_string().unwrap_or_else(|| format!("{error:?}"));
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(described)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let blob = JsFuture::from(response.blob().map_err(described)?)
        .await
        .map_err(described)?;
    Ok(blob.unchecked_into())
}

/// Sends a run file to the worker to carry on (the `File` travels beside the command).
fn open(bridge: Link, file: File) {
    let origin = RunOrigin::File { name: file.name() };
    bridge.with_value(|b| {
        b.send_with(
            Command::OpenRun {
                origin,
                bytes: Vec::new(),
            },
            Array::of1(&file).into(),
        )
    });
}

fn is_run_file(file: &File) -> bool {
    file.name()
        .to_ascii_lowercase()
        .ends_with(&format!(".{RUN_FILE_EXTENSION}"))
}

/// A run file dropped anywhere on the page opens; other drops are left to the page.
pub fn install_drop(bridge: Link) {
    let Some(body) = document().body() else {
        return;
    };
    let over = wasm_bindgen::closure::Closure::<dyn FnMut(DragEvent)>::new(|event: DragEvent| {
        let carries_files = event
            .data_transfer()
            .is_some_and(|d| d.types().includes(&JsValue::from_str("Files"), 0));
        if carries_files {
            event.prevent_default();
        }
    });
    let dropped =
        wasm_bindgen::closure::Closure::<dyn FnMut(DragEvent)>::new(move |event: DragEvent| {
            let Some(file) = event
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|files| files.get(0))
            else {
                return;
            };
            if is_run_file(&file) {
                event.prevent_default();
                open(bridge, file);
            }
        });
    let _ = body.add_event_listener_with_callback("dragover", over.as_ref().unchecked_ref());
    let _ = body.add_event_listener_with_callback("drop", dropped.as_ref().unchecked_ref());
    over.forget();
    dropped.forget();
}

/// Save run…, Open run…, and whether the browser keeps the run.
#[component]
pub fn RunFiles(state: PageState, bridge: Link) -> impl IntoView {
    let t = move || state.lang.get().text().runs;
    let input = NodeRef::<leptos::html::Input>::new();
    let on_open = move |_| {
        let Some(input) = input.get_untracked() else {
            return;
        };
        let input: &HtmlInputElement = &input;
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            open(bridge, file);
        }
        // The same file chosen again should open again.
        input.set_value("");
    };
    let save = move |_| {
        bridge.with_value(|b| {
            b.send(Command::SaveRun {
                reason: SaveReason::Download,
            })
        })
    };
    view! {
        <div class="run-files">
            <button id="save-run" title=move || t().save_help on:click=save
                disabled=move || state.run.with(Option::is_none)>
                {move || t().save}
            </button>
            <label class="button" title=move || t().open_help>
                {move || t().open}
                <input node_ref=input type="file" accept=format!(".{RUN_FILE_EXTENSION}")
                    class="visually-hidden" id="open-run" on:change=on_open />
            </label>
            <button id="start-trained" title=move || t().trained_help
                disabled=move || state.run.with(Option::is_none)
                on:click=move |_| start_from_trained(state, bridge)>
                {move || t().trained}
            </button>
            <p class="kept" id="kept" data-step=move || state.kept.get().map(|s| s.to_string())>
                {move || state.kept.get().map(|step| (t().kept)(step))}
            </p>
        </div>
    }
}

/// A kept run that reopened: from a file, from the browser's storage (with a way to start
/// afresh instead), or after the worker died (with what was lost).
#[component]
pub fn ReopenedBanner(state: PageState, bridge: Link) -> impl IntoView {
    move || {
        let reopened = state.reopened.get()?;
        let t = state.lang.get().text();
        let text = match (&reopened.origin, reopened.lost) {
            (_, Some(lost)) => (t.runs.recovered)(reopened.steps, lost),
            (RunOrigin::Autosave, None) => (t.runs.reopened_autosave)(reopened.steps),
            (RunOrigin::File { name }, None) => (t.runs.reopened_file)(name, reopened.steps),
            (RunOrigin::Kept { .. }, None) => (t.runs.reopened_kept)(reopened.steps),
            (RunOrigin::Trained, None) => {
                let lang = state.lang.get();
                let accuracy = reopened
                    .accuracy
                    .map_or_else(|| "?".into(), |a| percent(lang, a as f64, 1));
                (t.runs.reopened_trained)(reopened.steps, &accuracy)
            }
        };
        let fresh = (reopened.origin == RunOrigin::Autosave).then(|| {
            view! {
                <button id="start-fresh" on:click=move |_| {
                    state.reopened.set(None);
                    let settings = state.settings.get_untracked();
                    bridge.with_value(|b| b.send(Command::Reset { settings }));
                }>{t.runs.start_fresh}</button>
            }
        });
        Some(view! {
            <div class="banner info notice" id="reopened" role="status"
                data-origin=match reopened.origin {
                    RunOrigin::Autosave => "autosave",
                    RunOrigin::File { .. } => "file",
                    RunOrigin::Kept { .. } => "kept",
                    RunOrigin::Trained => "trained",
                }>
                <p>{text}</p>
                {fresh}
                <button class="dismiss" on:click=move |_| state.reopened.set(None)>{t.dismiss}</button>
            </div>
        })
    }
}

/// The workers kept dying at start-up: say why, and offer a fresh run on the CPU.
#[component]
pub fn WorkerDownBanner(state: PageState, bridge: Link) -> impl IntoView {
    move || {
        let why = state.worker_down.get()?;
        let t = state.lang.get().text();
        Some(view! {
            <section class="banner danger" id="worker-down" role="alert">
                <p>{(t.runs.worker_down)(&why)}</p>
                <button id="fresh-on-cpu" class="primary"
                    on:click=move |_| bridge.with_value(Bridge::start_fresh_on_cpu)>
                    {t.runs.fresh_on_cpu}
                </button>
            </section>
        })
    }
}
