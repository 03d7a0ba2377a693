//! The page: small components over one [`PageState`], fed by the worker through the
//! [`Bridge`]. Components render what the worker reported; the only things they send back
//! are the learner's commands.

mod advice;
mod attention;
mod backward;
mod breakdown;
mod bridge;
mod camera;
mod charts;
mod controls;
mod dataset;
pub mod draw;
mod export;
mod flow;
mod notices;
mod numbers;
mod playground;
mod recent;
mod runs;
mod shape;
mod sight;
pub mod state;
mod then_now;
mod tour;
mod walkthrough;
mod weights;

use leptos::prelude::*;

use crate::i18n::Lang;
use attention::AttentionPanel;
use backward::BackwardPathPanel;
use breakdown::TokenBreakdown;
use bridge::Bridge;
use camera::CameraPanel;
use charts::{AccuracyChart, GradientChart, LossChart};
use controls::{install_keyboard, Controls, DeviceSwitch, Progress, WorkersSwitch};
use dataset::{BatchView, DatasetPanel};
use flow::FlowOfV;
use notices::{DivergenceBanner, Notices};
use playground::QkPlayground;
use recent::RecentRuns;
use runs::{install_drop, ReopenedBanner, RunFiles, WorkerDownBanner};
use shape::ShapePanel;
pub use state::PageState;
use then_now::ThenAndNow;
use tour::Tour;
use vocab::protocol::DeviceChoice;
use walkthrough::Walkthrough;
use weights::WeightsPanel;

/// A `?name=value` of the page's address.
fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

fn initial_lang() -> Lang {
    match query("lang").as_deref() {
        Some("fr") => Lang::Fr,
        Some("en") => Lang::En,
        _ => {
            let browser = web_sys::window()
                .and_then(|w| w.navigator().language())
                .unwrap_or_default();
            Lang::from_browser(&browser)
        }
    }
}

/// The cores this browser reports (1 where it does not say).
fn cores() -> usize {
    web_sys::window()
        .map(|w| w.navigator().hardware_concurrency() as usize)
        .unwrap_or(1)
        .clamp(1, vocab::protocol::MAX_WORKERS)
}

/// Workers sharing each update: the address's `workers`, else one per core up to
/// [`DEFAULT_WORKERS`].
fn initial_workers() -> usize {
    query("workers")
        .and_then(|w| w.parse::<usize>().ok())
        .unwrap_or(DEFAULT_WORKERS)
        .clamp(1, cores())
}

/// Workers a page starts with where the address does not say: one per core, up to 4 (each
/// holds a copy of the model; see BENCHMARKS.md for the measured gain).
const DEFAULT_WORKERS: usize = 4;

/// The device the address asks for (`?device=cpu` or `gpu`), or `None`: the page chooses
/// (see [`advice`]).
fn initial_device() -> Option<DeviceChoice> {
    match query("device").as_deref() {
        Some("cpu") => Some(DeviceChoice::Cpu),
        Some("gpu") => Some(DeviceChoice::Gpu),
        _ => None,
    }
}

/// The lesson, model, seed and classroom switch of the address, so that a teacher's link
/// opens the page exactly there (the language is read by [`initial_lang`]).
fn apply_address(state: PageState) {
    if let Some(lesson) = query("lesson").and_then(|l| l.parse::<usize>().ok()) {
        state
            .lesson
            .set(lesson.clamp(1, crate::lessons::LESSONS.len()) - 1);
    }
    state
        .classroom
        .set(query("classroom").as_deref() == Some("1"));
    state.settings.update(|settings| {
        if let Some(shape) = query("model").and_then(|m| m.parse::<vocab::ModelShape>().ok()) {
            // The built-in faces' 40 people until the worker says otherwise.
            *settings = shape::settings_for(shape, settings, 40);
        }
        if let Some(seed) = query("seed").and_then(|s| s.parse().ok()) {
            settings.seed = seed;
        }
    });
}

/// Keeps the address in step with the page, without adding to the browser's history.
fn follow_in_address(state: PageState) {
    Effect::new(move |_| {
        let lesson = state.lesson.get() + 1;
        let lang = state.lang.get().code();
        let classroom = state.classroom.get();
        let (shape, seed) = state.settings.with(|s| (s.model, s.seed));
        // Only the built-in faces can be reopened from an address; imported ones stay local.
        let synthetic = state
            .dataset
            .with(|d| d.as_ref().is_none_or(|d| d.summary.imported_from.is_none()));
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(params) =
            web_sys::UrlSearchParams::new_with_str(&window.location().search().unwrap_or_default())
        else {
            return;
        };
        params.set("lesson", &lesson.to_string());
        params.set("lang", lang);
        params.set("model", &shape.name());
        params.set("seed", &seed.to_string());
        if synthetic {
            params.set("data", "synthetic");
        } else {
            params.delete("data");
        }
        if classroom {
            params.set("classroom", "1");
        } else {
            params.delete("classroom");
        }
        let address = format!(
            "{}?{}",
            window.location().pathname().unwrap_or_default(),
            String::from(params.to_string())
        );
        if let Ok(history) = window.history() {
            let _ =
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
        }
    });
}

/// A panel with its title and its "what am I looking at".
#[component]
fn Panel(
    state: PageState,
    id: &'static str,
    title: fn(&'static crate::i18n::Text) -> &'static str,
    /// Read inside the panel's own reactive scope, so a help text can quote the live model.
    help: fn(PageState) -> String,
    children: Children,
) -> impl IntoView {
    let t = move || state.lang.get().text();
    // Its contents follow the run while the browser draws it (`sight::while_seen`).
    let section = NodeRef::<leptos::html::Section>::new();
    provide_context(sight::Seen::of(section));
    view! {
        <section class="panel" node_ref=section id=id aria-labelledby=format!("{id}-title")>
            <h2 id=format!("{id}-title")>{move || title(t())}</h2>
            <details class="help">
                <summary>{move || t().help}</summary>
                <p>{move || help(state)}</p>
            </details>
            {children()}
        </section>
    }
}

#[component]
fn App() -> impl IntoView {
    let asked = initial_device();
    // Where nobody said, WebGPU until the bridge hears which adapter index.html found.
    let state = PageState::new(initial_lang(), asked.unwrap_or(DeviceChoice::Gpu));
    state.advice.automatic.set(asked.is_none());
    state.workers.set(initial_workers());
    apply_address(state);
    follow_in_address(state);
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body
                .class_list()
                .toggle_with_force("classroom", state.classroom.get());
        }
    });
    let bridge = StoredValue::new_local(Bridge::new(state));
    install_keyboard(state, bridge);
    install_drop(bridge);
    Effect::new(move |_| {
        let lang = state.lang.get();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", lang.code());
        }
        document().set_title(lang.text().title);
    });
    let t = move || state.lang.get().text();
    let other = move || state.lang.get().other();
    view! {
        <header>
            <div class="title">
                <h1>{move || t().title}</h1>
                <p class="tagline">{move || t().tagline}</p>
            </div>
            <div class="header-tools">
                <label class="check classroom-switch" title=move || t().tour.classroom_hint>
                    <input type="checkbox" id="classroom" prop:checked=move || state.classroom.get()
                        on:change=move |ev| state.classroom.set(event_target_checked(&ev)) />
                    {move || t().tour.classroom}
                </label>
                <div class="advanced">
                    <DeviceSwitch state bridge />
                    <WorkersSwitch state bridge cores=cores() />
                </div>
                <button id="language" lang=move || other().code()
                    on:click=move |_| state.lang.update(|l| *l = l.other())>
                    {move || other().text().language_name}
                </button>
            </div>
        </header>
        <main>
            <Tour state />
            <DivergenceBanner state bridge />
            <ReopenedBanner state bridge />
            <WorkerDownBanner state bridge />
            <Notices state />
            <div class="layout">
                <div class="column narrow">
                    <Panel state id="controls" title=|t| t.controls help=|s| s.text().help_controls.into()>
                        <Controls state bridge />
                        <RunFiles state bridge />
                    </Panel>
                    <Panel state id="progress" title=|t| t.progress help=|s| s.text().help_progress.into()>
                        <Progress state />
                    </Panel>
                </div>
                <div class="column wide">
                    <div class="charts">
                        <Panel state id="loss" title=|t| t.loss_chart help=|s| s.text().help_loss.into()>
                            <label class="check">
                                <input type="checkbox" id="log-scale" prop:checked=move || state.log_scale.get()
                                    on:change=move |ev| state.log_scale.set(event_target_checked(&ev)) />
                                {move || t().log_scale}
                            </label>
                            <LossChart state />
                        </Panel>
                        <Panel state id="accuracy" title=|t| t.accuracy_chart help=|s| s.text().help_accuracy.into()>
                            <AccuracyChart state />
                        </Panel>
                    </div>
                    <Panel state id="batch-panel" title=|t| t.batch help=|s| s.text().help_batch.into()>
                        <BatchView state />
                    </Panel>
                </div>
            </div>
            <div class="layout attention-layout">
                <Panel state id="attention" title=|t| t.attention help=|s| { let shape = s.model_shape(); (s.text().help_attention)(shape.head_dim(), shape.width) }>
                    <AttentionPanel state bridge />
                </Panel>
                <div class="column">
                    <Panel state id="gradients" title=|t| t.gradients help=|s| s.text().help_gradients.into()>
                        <GradientChart state />
                    </Panel>
                    <Panel state id="walkthrough-section" title=|t| t.walkthrough help=|s| s.text().help_walkthrough.into()>
                        <Walkthrough state />
                    </Panel>
                </div>
            </div>
            <Panel state id="backward" title=|t| t.backward.title help=|s| s.text().backward.help.into()>
                <BackwardPathPanel state />
            </Panel>
            <div class="layout lesson-layout">
                <Panel state id="then-now" title=|t| t.tour.then_now_title help=|s| s.text().tour.then_now_help.into()>
                    <ThenAndNow state />
                </Panel>
                <Panel state id="token-breakdown" title=|t| t.tour.breakdown_title help=|s| s.text().tour.breakdown_help.into()>
                    <TokenBreakdown state />
                </Panel>
            </div>
            <Panel state id="qk-playground" title=|t| t.playground.title help=|s| s.text().playground.help.into()>
                <QkPlayground state />
            </Panel>
            <div class="layout weights-layout">
                <Panel state id="weights" title=|t| t.weights help=|s| s.text().help_weights.into()>
                    <WeightsPanel state />
                </Panel>
                <Panel state id="flow" title=|t| t.flow_title help=|s| s.text().help_flow.into()>
                    <FlowOfV state />
                </Panel>
            </div>
            <Panel state id="camera" title=|t| t.camera.title help=|s| s.text().camera.help.into()>
                <CameraPanel state bridge />
            </Panel>
            <Panel state id="dataset" title=|t| t.dataset help=|s| s.text().help_dataset.into()>
                <DatasetPanel state bridge />
            </Panel>
            <Panel state id="shape" title=|t| t.shape.title help=|s| s.text().shape.help.into()>
                <ShapePanel state bridge />
            </Panel>
            <Panel state id="recent" title=|t| t.runs.recent_title help=|s| s.text().runs.recent_help.into()>
                <RecentRuns state bridge />
            </Panel>
        </main>
    }
}

/// The page's entry point.
pub fn start() {
    console_error_panic_hook::set_once();
    sight::watch_panels(draw::frame::draw_waiting);
    leptos::mount::mount_to_body(App);
}
