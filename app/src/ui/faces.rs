//! Faces as the model sees them: the current batch with its predictions, and the data set.

use std::sync::Arc;

use js_sys::Array;
use leptos::html::{Canvas, Input};
use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, File, ImageData};

use crate::i18n::decimal;
use crate::protocol::{Command, ImportKind};
use crate::ui::bridge::Bridge;
use crate::ui::state::{DatasetView, PageState};

/// How many images of each person the dataset view shows.
const SAMPLES_PER_PERSON: usize = 4;

fn paint(canvas: &web_sys::HtmlCanvasElement, pixels: &[u8], size: usize) {
    let Ok(Some(context)) = canvas.get_context("2d") else {
        return;
    };
    let Ok(context) = context.dyn_into::<CanvasRenderingContext2d>() else {
        return;
    };
    let rgba: Vec<u8> = pixels.iter().flat_map(|&p| [p, p, p, 255]).collect();
    if let Ok(image) =
        ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), size as u32, size as u32)
    {
        let _ = context.put_image_data(&image, 0.0, 0.0);
    }
}

/// One grayscale face at its training resolution, enlarged by CSS without smoothing.
#[component]
fn Face(pixels: Vec<u8>, size: usize, #[prop(into)] label: String) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        if let Some(element) = canvas.get() {
            paint(&element, &pixels, size);
        }
    });
    view! {
        <canvas node_ref=canvas class="face" width=size height=size role="img" aria-label=label></canvas>
    }
}

#[component]
pub fn BatchView(state: PageState) -> impl IntoView {
    let faces = move || {
        let lang = state.lang.get();
        let t = lang.text();
        let (Some(report), Some(data)) = (state.report.get(), state.dataset.get()) else {
            return view! { <p class="empty">{t.batch_empty}</p> }.into_any();
        };
        let right = report
            .labels
            .iter()
            .zip(&report.predicted)
            .filter(|(a, b)| a == b)
            .count();
        let cards = (0..report.indices.len())
            .map(|i| {
                let truth = report.labels[i];
                let guess = report.predicted[i];
                let correct = truth == guess;
                let p = decimal(lang, report.predicted_probability[i] as f64, 2);
                let pixels = data.train_image(report.indices[i]).to_vec();
                let truth_name = data.person(truth).to_string();
                let guess_name = data.person(guess).to_string();
                view! {
                    <figure class="batch-face" class:right=correct class:wrong=!correct>
                        <Face pixels=pixels size=data.summary.size label=truth_name.clone() />
                        <figcaption>
                            <span class="truth">{t.true_identity}" "{truth_name}</span>
                            <span class="guess">{t.predicted}" "{guess_name}" · p="{p}</span>
                        </figcaption>
                    </figure>
                }
            })
            .collect_view();
        view! {
            <p class="batch-summary" id="batch-summary">
                {(t.batch_summary)(right, report.indices.len())}
            </p>
            <div class="batch-grid">{cards}</div>
        }
        .into_any()
    };
    view! { <div id="batch">{faces}</div> }
}

fn person_samples(data: &Arc<DatasetView>) -> impl IntoView {
    let size = data.summary.size;
    data.summary
        .people
        .iter()
        .enumerate()
        .map(|(person, name)| {
            let images = data
                .summary
                .train_labels
                .iter()
                .enumerate()
                .filter(|(_, &label)| label == person)
                .take(SAMPLES_PER_PERSON)
                .map(|(index, _)| {
                    view! { <Face pixels=data.train_image(index).to_vec() size=size label=name.clone() /> }
                })
                .collect_view();
            view! {
                <div class="person">
                    <div class="person-faces">{images}</div>
                    <div class="person-name">{name.clone()}</div>
                </div>
            }
        })
        .collect_view()
}

/// The learner's folder (`webkitdirectory`) or file, handed to the worker as `File`s.
fn send_import(
    bridge: &Bridge,
    state: PageState,
    kind: Option<ImportKind>,
    input: &web_sys::HtmlInputElement,
) {
    let Some(list) = input.files() else { return };
    let files = Array::new();
    let mut paths = Vec::new();
    for i in 0..list.length() {
        let Some(file) = list.get(i) else { continue };
        let relative = js_sys::Reflect::get(&file, &JsValue::from_str("webkitRelativePath"))
            .ok()
            .and_then(|v| v.as_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| file.name());
        paths.push(relative);
        files.push(&file);
    }
    if paths.is_empty() {
        return;
    }
    let (kind, name) = match kind {
        Some(kind) => {
            let name = paths[0].split('/').next().unwrap_or("faces").to_string();
            (kind, name)
        }
        None => {
            let file: File = files.get(0).unchecked_into();
            let name = file.name();
            let kind = if name.to_ascii_lowercase().ends_with(".pack") {
                ImportKind::Pack
            } else {
                ImportKind::Zip
            };
            (kind, name)
        }
    };
    state.importing.set(true);
    bridge.send_files(Command::Import { kind, name, paths }, files);
    input.set_value("");
}

#[component]
pub fn DatasetPanel(state: PageState, bridge: StoredValue<Bridge, LocalStorage>) -> impl IntoView {
    let folder = NodeRef::<Input>::new();
    let file = NodeRef::<Input>::new();
    let on_folder = move |_| {
        if let Some(input) = folder.get() {
            bridge.with_value(|b| send_import(b, state, Some(ImportKind::Folder), &input));
        }
    };
    let on_file = move |_| {
        if let Some(input) = file.get() {
            bridge.with_value(|b| send_import(b, state, None, &input));
        }
    };
    // A folder picker: Leptos has no typed `webkitdirectory` attribute.
    Effect::new(move |_| {
        if let Some(input) = folder.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });
    let t = move || state.lang.get().text();
    let description = move || {
        let t = t();
        state.dataset.with(|d| {
            let Some(d) = d else { return String::new() };
            let s = &d.summary;
            (t.counts)(
                s.people.len(),
                s.train_labels.len(),
                s.validation_labels.len(),
                s.size,
            )
        })
    };
    let statement = move || {
        let t = t();
        state.dataset.with(
            |d| match d.as_ref().and_then(|d| d.summary.imported_from.clone()) {
                None => t.synthetic_statement.to_string(),
                Some(name) => (t.imported_statement)(&name),
            },
        )
    };
    let in_use = move || {
        let t = t();
        state.dataset.with(
            |d| match d.as_ref().and_then(|d| d.summary.imported_from.clone()) {
                None => t.builtin_name.to_string(),
                Some(name) => name,
            },
        )
    };
    let imported = move || {
        state.dataset.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.summary.imported_from.is_some())
        })
    };
    let skipped = move || {
        let t = t();
        state.dataset.with(|d| {
            let d = d.as_ref()?;
            let s = &d.summary;
            if s.skipped.is_empty() && s.people_left_out == 0 {
                return None;
            }
            let items = s
                .skipped
                .iter()
                .take(200)
                .map(|k| view! { <li><code>{k.path.clone()}</code>": "{k.reason.to_string()}</li> })
                .collect_view();
            let left_out = (s.people_left_out > 0).then(|| (t.people_left_out)(s.people_left_out));
            Some(view! {
                <details class="skipped">
                    <summary>{(t.skipped)(s.skipped.len())}</summary>
                    <ul>{items}</ul>
                    <p>{left_out}</p>
                </details>
            })
        })
    };
    let grid = move || state.dataset.get().map(|d| person_samples(&d));
    view! {
        <p class="statement" id="dataset-statement">{statement}</p>
        <p id="dataset-counts"><strong>{move || t().in_use}": "</strong>{in_use}" · "{description}</p>
        <div class="import">
            <label class="button">
                {move || t().choose_folder}
                <input node_ref=folder type="file" multiple=true class="visually-hidden"
                    id="import-folder" on:change=on_folder />
            </label>
            <label class="button">
                {move || t().choose_file}
                <input node_ref=file type="file" accept=".zip,.pack" class="visually-hidden"
                    id="import-file" on:change=on_file />
            </label>
            <Show when=imported>
                <button id="use-synthetic" on:click=move |_| bridge.with_value(|b| b.send(Command::UseSynthetic))>
                    {move || t().use_synthetic}
                </button>
            </Show>
            <Show when=move || state.importing.get()>
                <span class="busy">{move || t().importing}</span>
            </Show>
        </div>
        <p class="note">{move || t().privacy}</p>
        {skipped}
        <p class="note">{move || t().samples_per_person}</p>
        <div class="people" id="dataset-grid">{grid}</div>
    }
}
