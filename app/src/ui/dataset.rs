//! Faces as the model sees them: the current batch with its predictions, and the data set.

use std::sync::Arc;

use image::ImageEncoder;
use js_sys::Array;
use leptos::html::Input;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
#[cfg(target_family = "wasm")]
use web_sys::{Blob, BlobPropertyBag};
use web_sys::{CanvasRenderingContext2d, File, Url};

use crate::i18n::decimal;
use crate::ui::bridge::Bridge;
use crate::ui::draw::canvas::{pixel_context, put_grey};
use crate::ui::sight::while_seen;
use crate::ui::state::{DatasetView, PageState};
use vocab::faces::Layout;
use vocab::protocol::{Command, ImportKind};
use vocab::SourceFile;

/// How many images of each person the dataset view shows.
const SAMPLES_PER_PERSON: usize = 4;

/// Every training image of a face set, tiled into one picture (an atlas), so that the data
/// set's view encodes one PNG and each of its hundreds of faces is a window onto it: a canvas
/// per face costs a 2-D context each, an image per face a PNG encoding each, and both took
/// seconds. (The batch grid's few faces, repainted after every update, have a canvas each.)
#[derive(Debug, PartialEq)]
pub struct FaceAtlas {
    /// A PNG data URL of the atlas.
    pub url: String,
    pub columns: usize,
    pub rows: usize,
}

impl FaceAtlas {
    pub fn new(pixels: &[u8], size: usize, count: usize) -> Self {
        let columns = count.clamp(1, 24);
        let rows = count.div_ceil(columns).max(1);
        let (width, height) = (columns * size, rows * size);
        // Grey levels, one byte a pixel: the faces are grey, and a quarter of RGBA's bytes
        // is a quarter of the work.
        let mut grey = vec![255u8; width * height];
        for image in 0..count {
            let (x0, y0) = ((image % columns) * size, (image / columns) * size);
            let face = &pixels[image * size * size..(image + 1) * size * size];
            for (y, row) in face.chunks(size).enumerate() {
                let at = (y0 + y) * width + x0;
                grey[at..at + size].copy_from_slice(row);
            }
        }
        Self {
            url: png_url(&grey, width as u32, height as u32).unwrap_or_default(),
            columns,
            rows,
        }
    }

    /// The CSS that shows image `index` of the atlas, filling its box.
    pub fn style(&self, index: usize) -> String {
        let percent = |i: usize, n: usize| {
            if n > 1 {
                i as f64 * 100.0 / (n - 1) as f64
            } else {
                0.0
            }
        };
        format!(
            "background-size:{}% {}%;background-position:{:.4}% {:.4}%",
            self.columns * 100,
            self.rows * 100,
            percent(index % self.columns, self.columns),
            percent(index / self.columns, self.rows),
        )
    }

    /// The CSS custom property that hands the atlas to every face inside a container.
    pub fn variable(&self) -> String {
        format!("--atlas:url({})", self.url)
    }
}

/// The atlas as a PNG in a `blob:` URL: a short address, where a data URL would be parsed
/// again by every face that uses it. Unfiltered and quickly compressed: the picture lives in
/// this tab only.
fn png_url(grey: &[u8], width: u32, height: u32) -> Option<String> {
    object_url(&grey_png(grey, width, height)?)
}

fn grey_png(grey: &[u8], width: u32, height: u32) -> Option<Vec<u8>> {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut png = Vec::new();
    PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::NoFilter)
        .write_image(grey, width, height, image::ExtendedColorType::L8)
        .ok()?;
    Some(png)
}

#[cfg(target_family = "wasm")]
fn object_url(png: &[u8]) -> Option<String> {
    let parts = Array::of1(&js_sys::Uint8Array::from(png));
    let options = BlobPropertyBag::new();
    options.set_type("image/png");
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    Url::create_object_url_with_blob(&blob).ok()
}

/// Outside a browser (the native tests) there is nowhere to put the picture.
#[cfg(not(target_family = "wasm"))]
fn object_url(_png: &[u8]) -> Option<String> {
    None
}

impl Drop for FaceAtlas {
    fn drop(&mut self) {
        if !self.url.is_empty() {
            let _ = Url::revoke_object_url(&self.url);
        }
    }
}

/// Text made safe to place in HTML: person names come from the learner's folder names.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One training face, enlarged by CSS without smoothing. The face grids are written as HTML
/// in one go: built node by node, hundreds of faces took the main thread a second.
fn face_html(atlas: &FaceAtlas, index: usize, label: &str) -> String {
    format!(
        r#"<div class="face" role="img" aria-label="{}" style="{}"></div>"#,
        escape(label),
        atlas.style(index)
    )
}

/// One face of the batch as the grid shows it, in the learner's language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct BatchFace {
    correct: bool,
    /// Its pixels as the model saw them: moved as the update moved it, when it did.
    pixels: Vec<u8>,
    truth: String,
    guess: String,
    /// When the model is wrong, the probability it gave the right person too.
    p_true: String,
}

/// The batch grid's content after an update.
#[derive(Clone, Debug, PartialEq)]
struct BatchGrid {
    /// Shared with the figure that shows each one (no copy per figure and update).
    faces: Vec<Arc<BatchFace>>,
    /// Side of every face, in pixels.
    size: usize,
    summary: String,
    note: Option<&'static str>,
}

#[component]
pub fn BatchView(state: PageState) -> impl IntoView {
    let report = while_seen(state.report);
    let grid = Memo::new(move |_| {
        let lang = state.lang.get();
        let t = lang.text();
        let (Some(report), Some(data)) = (report.get(), state.dataset.get()) else {
            return None;
        };
        let size = data.summary.size;
        let faces = (0..report.indices.len())
            .map(|i| {
                let (truth, guess) = (report.labels[i], report.predicted[i]);
                let correct = truth == guess;
                let p = decimal(lang, report.predicted_probability[i] as f64, 2);
                // The face as the model saw it: the update's shift, applied to the same pixels.
                let mut pixels = data
                    .train_image(report.indices[i])
                    .map(<[u8]>::to_vec)
                    .unwrap_or_default();
                if let Some(shift) = report.augmented.get(i) {
                    shift.apply(&mut pixels, size);
                }
                Arc::new(BatchFace {
                    correct,
                    pixels,
                    truth: format!("{} {}", t.true_identity, data.person(truth)),
                    guess: format!("{} {} · p={p}", t.predicted, data.person(guess)),
                    p_true: if correct {
                        String::new()
                    } else {
                        let p = decimal(lang, report.true_class_probability[i] as f64, 2);
                        format!("p({})={p}", t.true_identity)
                    },
                })
            })
            .collect();
        let right = report
            .labels
            .iter()
            .zip(&report.predicted)
            .filter(|(a, b)| a == b)
            .count();
        let note = (!report.augmented.is_empty()).then_some(t.batch_augmented);
        Some(BatchGrid {
            faces,
            size,
            summary: (t.batch_summary)(right, report.indices.len()),
            note,
        })
    });
    // The figures are updated in place.
    let count = Memo::new(move |_| grid.with(|g| g.as_ref().map_or(0, |g| g.faces.len())));
    let face = move |i: usize| {
        // Each figure follows its own face: a new batch wakes its 32 figures, where each text
        // of each figure reading the whole grid made the grid's followers a few hundred, and
        // the page spent milliseconds re-subscribing them (a CPU profile, BENCHMARKS.md).
        let this = Memo::new(move |_| {
            grid.with(|g| {
                g.as_ref()
                    .and_then(|g| g.faces.get(i).map(|f| (Arc::clone(f), g.size)))
            })
        });
        let field = move |read: fn(&BatchFace) -> String| {
            this.with(|f| f.as_ref().map(|(f, _)| read(f)).unwrap_or_default())
        };
        let correct = move || this.with(|f| f.as_ref().is_some_and(|(f, _)| f.correct));
        // Each figure paints its own face: a few hundred bytes put on a small canvas, where one
        // picture of the whole batch was a PNG to encode, a blob and an image to decode after
        // every update.
        let canvas = NodeRef::<leptos::html::Canvas>::new();
        // The canvas's context is asked for once and kept (the effect's value): asking the
        // browser again at every update cost as much as a fifth of putting the pixels.
        Effect::new(move |context: Option<Option<CanvasRenderingContext2d>>| {
            let canvas = canvas.get()?;
            let context = context.flatten().or_else(|| pixel_context(&canvas))?;
            this.with(|f| {
                if let Some((face, size)) = f {
                    put_grey(&canvas, &context, &face.pixels, *size);
                }
            });
            Some(context)
        });
        view! {
            <figure class="batch-face" class:right=correct class:wrong=move || !correct()
                hidden=move || { i >= count.get() }>
                // Named by its caption's first line, the true person: one attribute set once
                // where a label of its own was written again after every update.
                <canvas class="face" node_ref=canvas role="img"
                    aria-labelledby=format!("batch-truth-{i}")></canvas>
                <figcaption>
                    <span class="truth" id=format!("batch-truth-{i}")>{move || field(|f| f.truth.clone())}</span>
                    <span class="guess">{move || field(|f| f.guess.clone())}</span>
                    <span class="p-true">{move || field(|f| f.p_true.clone())}</span>
                </figcaption>
            </figure>
        }
    };
    // As many figures as the run's batch holds, made when that changes: the last batch of an
    // epoch is smaller, and hides the figures it does not need. Figures made anew at every
    // change of the count never let their reactive parts go (a long session's memory grew
    // with every epoch, BENCHMARKS.md).
    let slots = Memo::new(move |_| {
        let asked = state
            .run
            .with(|r| r.as_ref().map_or(0, |r| r.settings.batch_size));
        asked.max(count.get())
    });
    let empty = Memo::new(move |_| count.get() == 0);
    view! {
        <div id="batch">
            {move || if empty.get() {
                view! { <p class="empty">{move || state.lang.get().text().batch_empty}</p> }.into_any()
            } else {
                view! {
                    <p class="batch-summary" id="batch-summary">
                        {move || grid.with(|g| g.as_ref().map(|g| g.summary.clone()))}
                    </p>
                    {move || grid.with(|g| g.as_ref().and_then(|g| g.note))
                        .map(|note| view! { <p class="note" id="batch-augmented">{note}</p> })}
                    <div class="batch-grid">
                        <For each=move || 0..slots.get() key=|i| *i children=face />
                    </div>
                }.into_any()
            }}
        </div>
    }
}

fn person_samples(data: &DatasetView) -> String {
    let mut html = String::new();
    for (person, name) in data.summary.people.iter().enumerate() {
        html.push_str(r#"<div class="person"><div class="person-faces">"#);
        let images = data.summary.train_labels.iter().enumerate();
        for (index, _) in images
            .filter(|(_, &label)| label == person)
            .take(SAMPLES_PER_PERSON)
        {
            html.push_str(&face_html(&data.atlas, index, name));
        }
        html.push_str(&format!(
            r#"</div><div class="person-name">{}</div></div>"#,
            escape(name)
        ));
    }
    html
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
    // Only the paths go into the message; the `File`s travel beside it, in the same order.
    let files_named = paths
        .into_iter()
        .map(|path| SourceFile {
            path,
            bytes: Vec::new(),
        })
        .collect();
    bridge.send_files(
        Command::Import {
            kind,
            name,
            files: files_named,
        },
        files,
    );
    input.set_value("");
}

/// The files an import left out, each with its reason in the learner's language (the
/// first 200: a long list is read as "many", not one by one).
pub(crate) fn skipped_items(lang: crate::i18n::Lang, skipped: &[vocab::Skipped]) -> impl IntoView {
    let t = lang.text();
    skipped
        .iter()
        .take(200)
        .map(|k| view! { <li><code>{k.path.clone()}</code>{t.colon}{crate::i18n::errors::skip_reason(lang, &k.reason)}</li> })
        .collect_view()
}

/// Who the learner's files hold, before anything is trained on them: the people and their
/// images, how each image's person was read, what was left out; train on them or cancel.
#[component]
fn ImportPreviewBox(state: PageState, bridge: StoredValue<Bridge, LocalStorage>) -> impl IntoView {
    move || {
        let preview = state.import_preview.get()?;
        let lang = state.lang.get();
        let t = lang.text();
        let how = preview.layout.map(|layout| match layout {
            Layout::PersonFolders => t.preview_by_folder,
            Layout::NamesInFiles => t.preview_by_name,
        });
        let people = preview
            .people
            .iter()
            .map(|(name, images)| view! { <li>{(t.preview_person)(name, *images)}</li> })
            .collect_view();
        let skipped = (!preview.skipped.is_empty()).then(|| {
            let items = skipped_items(lang, &preview.skipped);
            view! { <details class="skipped"><summary>{(t.skipped)(preview.skipped.len())}</summary><ul>{items}</ul></details> }
        });
        let left_out =
            (preview.people_left_out > 0).then(|| (t.people_left_out)(preview.people_left_out));
        let accept = move |_| {
            state.import_preview.set(None);
            state.importing.set(true);
            bridge.with_value(|b| b.send(Command::AcceptImport));
        };
        let discard = move |_| {
            state.import_preview.set(None);
            bridge.with_value(|b| b.send(Command::DiscardImport));
        };
        Some(view! {
            <section class="import-preview" id="import-preview" data-people=preview.people.len()
                data-layout=match preview.layout {
                    Some(Layout::PersonFolders) => "folders",
                    Some(Layout::NamesInFiles) => "names",
                    None => "pack",
                }>
                <p><strong>{(t.preview_found)(preview.people.len(), &preview.name)}</strong>" "{how}</p>
                <ul class="preview-people">{people}</ul>
                <p class="note">{left_out}</p>
                {skipped}
                <div class="import">
                    <button id="accept-import" class="primary" on:click=accept>{t.accept_import}</button>
                    <button id="discard-import" on:click=discard>{t.discard_import}</button>
                </div>
            </section>
        })
    }
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
        let lang = state.lang.get();
        let t = lang.text();
        state.dataset.with(|d| {
            let d = d.as_ref()?;
            let s = &d.summary;
            if s.skipped.is_empty() && s.people_left_out == 0 {
                return None;
            }
            let items = skipped_items(lang, &s.skipped);
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
    let grid = move || state.dataset.with(|d| d.as_deref().map(person_samples));
    let atlas = move || {
        state
            .dataset
            .with(|d| d.as_ref().map(|d| d.atlas.variable()))
    };
    view! {
        <p class="statement" id="dataset-statement">{statement}</p>
        <p id="dataset-counts"><strong>{move || t().in_use}{move || t().colon}</strong>{in_use}" · "{description}</p>
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
        <ImportPreviewBox state bridge />
        <p class="note">{move || t().privacy}</p>
        {skipped}
        <p class="note">{move || t().samples_per_person}</p>
        <div class="people" id="dataset-grid" style=atlas inner_html=grid></div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_atlas_picture_decodes_to_the_same_grey_levels() {
        let grey: Vec<u8> = (0..6 * 4).map(|i| (i * 10) as u8).collect();
        let png = grey_png(&grey, 6, 4).expect("encoded");
        let decoded = image::load_from_memory(&png).expect("decoded").to_luma8();
        assert_eq!((decoded.width(), decoded.height()), (6, 4));
        assert_eq!(decoded.into_raw(), grey);
    }

    #[test]
    fn each_face_is_a_window_onto_its_tile_of_the_atlas() {
        let atlas = FaceAtlas::new(&[0; 4 * 30], 2, 30);
        assert_eq!((atlas.columns, atlas.rows), (24, 2));
        assert_eq!(
            atlas.style(0),
            "background-size:2400% 200%;background-position:0.0000% 0.0000%"
        );
        assert_eq!(
            atlas.style(25),
            "background-size:2400% 200%;background-position:4.3478% 100.0000%"
        );
    }

    #[test]
    fn names_from_folders_are_escaped_in_html() {
        assert_eq!(escape("<b>&\"'"), "&lt;b&gt;&amp;&quot;&#39;");
    }
}
