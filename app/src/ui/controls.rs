//! The training controls, the keyboard, and the progress through the epoch.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use vocab::Preset;
use wasm_bindgen::JsCast;

use crate::i18n::decimal;
use crate::ui::bridge::Bridge;
use crate::ui::state::PageState;
use vocab::protocol::{Command, DeviceChoice, DeviceComparison, GpuFallback, RunSettings};

use crate::i18n::Timing;
use crate::ui::advice::Adapter;
use vocab::{Augmentation, Backend, OptimizerChoice};

/// Learning rates offered beside the free field, from timid to absurd.
const LEARNING_RATES: [f64; 9] = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 1.0, 100.0];
/// Batch sizes on offer: the small ones for large models (the teaching text's `vit-s14`).
pub const BATCH_SIZES: [usize; 8] = [1, 2, 4, 8, 16, 32, 64, 128];
/// Delays between updates while playing, in ms (0: as fast as the device goes).
const SPEEDS: [u32; 4] = [0, 100, 500, 1000];

type Link = StoredValue<Bridge, LocalStorage>;

fn toggle_play(state: PageState, bridge: Link) {
    let command = if state.playing.get_untracked() {
        Command::Pause
    } else {
        Command::Play {
            delay_ms: state.delay_ms.get_untracked(),
        }
    };
    bridge.with_value(|b| b.send(command));
}

/// One update, unless one is already waiting behind the one running: a Step pressed
/// during an update counts once, and holding a key cannot queue dozens of slow updates.
fn request_step(state: PageState, bridge: Link) {
    if state.take_step_slot() {
        bridge.with_value(|b| b.send(Command::Step));
    }
}

fn can_train(state: PageState) -> bool {
    state.run.with(Option::is_some) && state.divergence.with(Option::is_none)
}

fn reset_with(state: PageState, bridge: Link, change: impl FnOnce(&mut RunSettings)) {
    let mut settings = state.settings.get_untracked();
    change(&mut settings);
    state.settings.set(settings.clone());
    bridge.with_value(|b| b.send(Command::Reset { settings }));
}

/// Space steps, P plays or pauses, unless the learner is typing in a field.
pub fn install_keyboard(state: PageState, bridge: Link) {
    let handle = window_event_listener(leptos::ev::keydown, move |event: KeyboardEvent| {
        // A held key repeats: one press, one action.
        if event.ctrl_key() || event.meta_key() || event.alt_key() || event.repeat() {
            return;
        }
        let typing = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| {
                matches!(
                    e.tag_name().as_str(),
                    "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"
                ) || e.closest("[contenteditable]").ok().flatten().is_some()
            });
        if typing {
            return;
        }
        match event.key().as_str() {
            " " => {
                event.prevent_default();
                if can_train(state) {
                    request_step(state, bridge);
                }
            }
            "p" | "P" => {
                if can_train(state) || state.playing.get_untracked() {
                    event.prevent_default();
                    toggle_play(state, bridge);
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

/// An optimizer as the controls and the walkthrough name it.
pub fn optimizer_name(lang: crate::i18n::Lang, choice: OptimizerChoice) -> String {
    let t = lang.text();
    match choice {
        OptimizerChoice::Sgd => t.sgd_plain.to_string(),
        OptimizerChoice::Momentum => (t.sgd)(&crate::i18n::rate(lang, vocab::SGD_MOMENTUM)),
        OptimizerChoice::Adam => "Adam".to_string(),
    }
}

#[component]
pub fn Controls(state: PageState, bridge: Link) -> impl IntoView {
    let t = move || state.lang.get().text();
    // The rate as the learner's language writes it (0,001 in French); either mark is read.
    let written = move |lr: f64| crate::format::rate(state.lang.get_untracked(), lr);
    let read = |text: &str| text.trim().replace(',', ".").parse::<f64>().ok();
    let lr_text = RwSignal::new(written(state.settings.get_untracked().learning_rate));
    let lr_invalid = RwSignal::new(false);
    // Keep the field in step with settings changed elsewhere (a new run, another optimizer)
    // and with the language.
    Effect::new(move |_| {
        let lr = state.settings.with(|s| s.learning_rate);
        state.lang.track();
        if read(&lr_text.get_untracked()) != Some(lr) || lr_text.get_untracked() != written(lr) {
            lr_text.set(written(lr));
        }
    });
    let set_lr = move |text: String| {
        lr_text.set(text.clone());
        match read(&text) {
            Some(lr) if lr.is_finite() && lr > 0.0 => {
                lr_invalid.set(false);
                state.settings.update(|s| s.learning_rate = lr);
                bridge.with_value(|b| b.send(Command::SetLearningRate { learning_rate: lr }));
            }
            _ => lr_invalid.set(true),
        }
    };
    let on_optimizer = move |ev| {
        let Some(optimizer) = OptimizerChoice::from_code(&event_target_value(&ev)) else {
            return;
        };
        let lr = optimizer.usual_learning_rate();
        state.settings.update(|s| {
            s.optimizer = optimizer;
            s.learning_rate = lr;
        });
        bridge.with_value(|b| {
            b.send(Command::SetOptimizer { optimizer });
            b.send(Command::SetLearningRate { learning_rate: lr });
        });
    };
    let on_batch = move |ev| {
        if let Ok(batch_size) = event_target_value(&ev).parse::<usize>() {
            state.settings.update(|s| s.batch_size = batch_size);
            bridge.with_value(|b| b.send(Command::SetBatchSize { batch_size }));
        }
    };
    let on_augmentation = move |ev| {
        let augmentation = if event_target_checked(&ev) {
            Augmentation::PAGE
        } else {
            Augmentation::default()
        };
        state.settings.update(|s| s.augmentation = augmentation);
        bridge.with_value(|b| b.send(Command::SetAugmentation { augmentation }));
    };
    let on_preset = move |ev| {
        if let Ok(preset) = event_target_value(&ev).parse::<Preset>() {
            let classes = state
                .dataset
                .with_untracked(|d| d.as_ref().map_or(40, |d| d.summary.people.len().max(1)));
            reset_with(state, bridge, |s| {
                *s = crate::ui::shape::settings_for(preset.into(), s, classes)
            });
        }
    };
    let on_seed = move |ev| {
        if let Ok(seed) = event_target_value(&ev).trim().parse::<u64>() {
            reset_with(state, bridge, |s| s.seed = seed);
        }
    };
    let on_speed = move |ev| {
        if let Ok(delay_ms) = event_target_value(&ev).parse::<u32>() {
            state.delay_ms.set(delay_ms);
            bridge.with_value(|b| b.send(Command::SetSpeed { delay_ms }));
        }
    };
    let speed_name = move |delay: u32| {
        let t = t();
        if delay == 0 {
            t.speed_fastest.to_string()
        } else {
            (t.speed_per_second)(1000 / delay)
        }
    };
    view! {
        <div class="buttons">
            <button id="step" class="primary" disabled=move || !can_train(state) || state.playing.get()
                on:click=move |_| request_step(state, bridge)>
                {move || t().step}
            </button>
            <button id="play" class="primary" disabled=move || !can_train(state) && !state.playing.get()
                aria-pressed=move || state.playing.get().to_string()
                on:click=move |_| toggle_play(state, bridge)>
                {move || if state.playing.get() { t().pause } else { t().play }}
            </button>
            <button id="reset" disabled=move || state.run.with(Option::is_none)
                on:click=move |_| reset_with(state, bridge, |_| {})>
                {move || t().reset}
            </button>
        </div>
        <p class="note">{move || t().keyboard}</p>
        <div class="fields">
            <label>{move || t().speed}
                <select id="speed" on:change=on_speed>
                    {SPEEDS.into_iter().map(|d| view! {
                        <option value=d.to_string() selected=move || state.delay_ms.get() == d>{move || speed_name(d)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>{move || t().learning_rate}
                <input id="learning-rate" type="text" inputmode="decimal" list="learning-rates"
                    class:invalid=move || lr_invalid.get()
                    aria-invalid=move || lr_invalid.get().to_string()
                    prop:value=move || lr_text.get()
                    on:change=move |ev| set_lr(event_target_value(&ev)) />
                <datalist id="learning-rates">
                    {move || LEARNING_RATES.into_iter().map(|lr| view! { <option value=crate::format::rate(state.lang.get(), lr)></option> }).collect_view()}
                </datalist>
            </label>
            <label class="advanced">{move || t().optimizer}
                <select id="optimizer" on:change=on_optimizer>
                    {OptimizerChoice::ALL.into_iter().map(|choice| view! {
                        <option value=choice.code() selected=move || state.settings.with(|s| s.optimizer == choice)>
                            {move || optimizer_name(state.lang.get(), choice)}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <label class="advanced">{move || t().batch_size}
                <select id="batch-size" on:change=on_batch>
                    {BATCH_SIZES.into_iter().map(|n| view! {
                        <option value=n.to_string() selected=move || state.settings.with(|s| s.batch_size == n)>{n}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="check advanced" title=move || t().augmentation_help>
                <input type="checkbox" id="augmentation"
                    prop:checked=move || state.settings.with(|s| !s.augmentation.is_off())
                    on:change=on_augmentation />
                {move || (t().augmentation)(Augmentation::PAGE.max_shift)}
            </label>
            <label>{move || t().preset}
                <select id="preset" on:change=on_preset>
                    <option value="tiny" selected=move || state.settings.with(|s| s.model.preset() == Some(Preset::Tiny))>{move || t().preset_tiny}</option>
                    <option value="small" selected=move || state.settings.with(|s| s.model.preset() == Some(Preset::Small))>{move || t().preset_small}</option>
                    <option value="vit-s14" selected=move || state.settings.with(|s| s.model.preset() == Some(Preset::VitS14))>{move || t().preset_s14}</option>
                    <option value="shaped" disabled selected=move || state.settings.with(|s| s.model.preset().is_none())>{move || t().preset_shaped}</option>
                </select>
            </label>
            <label class="advanced">{move || t().seed}
                <input id="seed" type="number" min="0" step="1"
                    prop:value=move || state.settings.with(|s| s.seed.to_string())
                    on:change=on_seed />
            </label>
        </div>
        <p class="note">{move || t().restart_note}</p>
    }
}

#[component]
pub fn DeviceSwitch(state: PageState, bridge: Link) -> impl IntoView {
    let t = move || state.lang.get().text();
    let choose = move |choice: DeviceChoice| {
        state.advice.automatic.set(false);
        bridge.with_value(|b| b.choose_device(choice));
    };
    let running = move || {
        let t = t();
        match state.device.get() {
            Some(status) => (t.device_running)(PageState::backend_name(status.backend)),
            None => t.device_starting.to_string(),
        }
    };
    let backend = move || {
        state
            .device
            .with(|d| d.as_ref().map(|d| d.backend.name()).unwrap_or("none"))
    };
    let advice = state.advice;
    let compare = move |_| bridge.with_value(|b| b.compare_devices());
    view! {
        <div class="device" role="group" aria-label=move || t().device title=move || t().device_switch_note>
            <span class="device-label">{move || t().device}{move || t().colon}</span>
            <button id="device-gpu" class:chosen=move || state.device_choice.get() == DeviceChoice::Gpu
                aria-pressed=move || (state.device_choice.get() == DeviceChoice::Gpu).to_string()
                on:click=move |_| choose(DeviceChoice::Gpu)>{move || t().device_gpu}</button>
            <button id="device-cpu" class:chosen=move || state.device_choice.get() == DeviceChoice::Cpu
                aria-pressed=move || (state.device_choice.get() == DeviceChoice::Cpu).to_string()
                on:click=move |_| choose(DeviceChoice::Cpu)>{move || t().device_cpu}</button>
            <span id="device-status" class="device-status" data-backend=backend>{running}</span>
            <Show when=move || advice.can_compare.get()>
                <button id="compare-devices" title=move || t().devices.compare_help
                    disabled=move || advice.comparing.get() || state.run.with(Option::is_none)
                        || state.experiment.with(|e| e.as_ref().is_some_and(|e| e.running()))
                    on:click=compare>{move || t().devices.compare}</button>
            </Show>
            <p id="device-advice" class="device-advice" aria-live="polite"
                data-comparison=move || advice.comparison.with(|c| c.as_ref().map(|c| match c.faster() {
                    DeviceChoice::Gpu => "gpu",
                    DeviceChoice::Cpu => "cpu",
                }).unwrap_or("none"))
                data-timed=move || advice.comparison.with(|c| c.as_ref().map(timed_json))>
                {move || advice_text(state)}
            </p>
        </div>
    }
}

/// The comparison's figures, for the benchmark that reads them (`npm run bench:devices`).
fn timed_json(comparison: &DeviceComparison) -> String {
    serde_json::json!({
        "cpu": comparison.cpu,
        "gpu": comparison.gpu.as_ref().ok(),
    })
    .to_string()
}

/// Why the page trains where it does, in a sentence or two: empty where the learner or the
/// address chose and nothing was timed.
fn advice_text(state: PageState) -> String {
    let lang = state.lang.get();
    let t = lang.text().devices;
    let advice = state.advice;
    if advice.comparing.get() {
        return t.comparing.to_string();
    }
    let automatic = advice.automatic.get();
    if let Some(comparison) = advice.comparison.get() {
        let duration = |ms| crate::ui::shape::duration_text(lang, ms);
        let cpu = duration(comparison.cpu.update_ms);
        let gpu = match &comparison.gpu {
            Ok(gpu) => Ok((duration(gpu.update_ms), duration(gpu.first_ms))),
            Err(GpuFallback::NoAdapter) => Err(Some(lang.text().no_gpu_adapter.to_string())),
            Err(GpuFallback::Failed { message }) => Err(Some(message.clone())),
        };
        let cpu_workers = (lang.text().workers_in_use)(comparison.cpu.workers);
        let timed = (t.timed)(&Timing {
            batch_size: comparison.batch_size,
            cpu: &cpu,
            cpu_workers: &cpu_workers,
            gpu: match &gpu {
                Ok((update, first)) => Ok((update.as_str(), first.as_str())),
                Err(why) => Err(why.as_deref()),
            },
        });
        // "The page trains on…" only where it does: a run that fell back to the CPU, or the
        // learner's own choice, gets the plain comparison.
        let faster = comparison.faster();
        let on = state.device.with(|d| d.as_ref().map(|d| d.backend));
        let there = match faster {
            DeviceChoice::Gpu => on == Some(Backend::Wgpu),
            DeviceChoice::Cpu => on.is_some_and(|b| b != Backend::Wgpu),
        };
        let verdict = match (automatic && there, faster) {
            (true, DeviceChoice::Gpu) => t.chose_gpu,
            (true, DeviceChoice::Cpu) => t.chose_cpu,
            (false, DeviceChoice::Gpu) => t.gpu_is_faster,
            (false, DeviceChoice::Cpu) => t.cpu_is_faster,
        };
        return format!("{timed} {verdict}");
    }
    if !automatic {
        return String::new();
    }
    match advice.adapter.get() {
        Adapter::None => t.no_adapter.to_string(),
        Adapter::Software(name) => (t.software_adapter)(&name),
        Adapter::Hardware(_) => String::new(),
    }
}

/// How many workers share each update: one per core, on the CPU.
#[component]
pub fn WorkersSwitch(state: PageState, bridge: Link, cores: usize) -> impl IntoView {
    let t = move || state.lang.get().text();
    let on_gpu = move || {
        state
            .device
            .with(|d| d.as_ref().is_some_and(|d| d.backend == Backend::Wgpu))
    };
    let in_use = move || state.device.with(|d| d.as_ref().map_or(1, |d| d.workers));
    let choose = move |count: usize| {
        state.workers.set(count);
        bridge.with_value(|b| b.send(Command::SetWorkers { count }));
    };
    let status = move || {
        let t = t();
        if on_gpu() {
            return t.workers_on_gpu.to_string();
        }
        match state
            .device
            .with(|d| d.as_ref().and_then(|d| d.helpers_lost.clone()))
        {
            Some(why) => (t.workers_lost)(&why),
            None => (t.workers_in_use)(in_use()),
        }
    };
    view! {
        <div class="workers" title=move || (t().workers_note)(cores)>
            <label for="workers">{move || t().workers}{move || t().colon}</label>
            <select id="workers" disabled=move || on_gpu() || cores == 1
                on:change=move |ev| {
                    if let Ok(count) = event_target_value(&ev).parse::<usize>() {
                        choose(count);
                    }
                }>
                {(1..=cores).map(|n| view! {
                    <option value=n.to_string() selected=move || state.workers.get() == n>{n}</option>
                }).collect_view()}
            </select>
            <span id="workers-status" class="device-status" data-workers=move || in_use().to_string()>{status}</span>
        </div>
    }
}

#[component]
pub fn Progress(state: PageState) -> impl IntoView {
    let t = move || state.lang.get().text();
    // The last update's place; before any this session, where the reopened run had stopped.
    let position = move || {
        state
            .report
            .with(|r| r.as_ref().map(|r| r.position))
            .or_else(|| state.run.with(|r| r.as_ref().and_then(|r| r.position)))
    };
    let epoch = move || position().map_or(1, |p| p.epoch);
    let fraction = move || {
        position().map_or(0.0, |p| {
            p.update_in_epoch as f64 / p.updates_per_epoch.max(1) as f64
        })
    };
    let in_epoch = move || {
        let t = t();
        let per_epoch = state
            .run
            .with(|r| r.as_ref().map_or(0, |r| r.updates_per_epoch));
        let done = position().map_or(0, |p| p.update_in_epoch);
        (t.in_epoch)(done, per_epoch)
    };
    let millis = move || {
        let lang = state.lang.get();
        state
            .millis
            .get()
            .map(|m| decimal(lang, m, if m < 10.0 { 1 } else { 0 }))
    };
    let parameters = move || state.run.with(|r| r.as_ref().map(|r| r.parameters));
    // A long update (the teaching text's model takes seconds): how long it has run so far.
    let busy = move || state.playing.get() || state.steps_in_flight.get() > 0;
    let since = RwSignal::new(None::<f64>);
    let clock = RwSignal::new(0.0);
    Effect::new(move |_| {
        state.step.track();
        state.run.track();
        since.set(busy().then(crate::ui::draw::frame::now));
    });
    let ticking = set_interval_with_handle(
        move || {
            if since.get_untracked().is_some() {
                clock.set(crate::ui::draw::frame::now());
            }
        },
        std::time::Duration::from_millis(500),
    )
    .ok();
    on_cleanup(move || {
        if let Some(handle) = ticking {
            handle.clear();
        }
    });
    let running = move || {
        let lang = state.lang.get();
        let elapsed = clock.get() - since.get()?;
        if elapsed < 1000.0 {
            return None;
        }
        let t = lang.text();
        let last = state
            .millis
            .get()
            .map(|ms| crate::ui::shape::duration_text(lang, ms));
        let mut line = (t.update_running)(
            state.step.get() + 1,
            &crate::ui::shape::duration_text(lang, elapsed),
            last.as_deref(),
        );
        if state.playing.get() {
            line.push(' ');
            line.push_str(t.pause_after);
        }
        Some(line)
    };
    view! {
        <div class="counters">
            <div class="counter"><span class="counter-label">{move || t().update}</span>
                <span class="counter-value" id="step-count">{move || state.step.get()}</span></div>
            <div class="counter"><span class="counter-label">{move || t().epoch}</span>
                <span class="counter-value" id="epoch-count">{epoch}</span></div>
            <div class="counter"><span class="counter-label">{move || t().ms_per_update}</span>
                <span class="counter-value" id="ms-per-update">{move || millis().unwrap_or_else(|| "–".into())}</span></div>
            <div class="counter"><span class="counter-label">{move || t().parameters}</span>
                <span class="counter-value" id="parameters">{move || parameters().map_or("–".into(), |p| p.to_string())}</span></div>
        </div>
        <div class="epoch-bar" role="progressbar" aria-valuemin="0" aria-valuemax="100"
            aria-valuenow=move || format!("{:.0}", fraction() * 100.0) aria-label=in_epoch>
            <div class="epoch-fill" style:width=move || format!("{:.1}%", fraction() * 100.0)></div>
        </div>
        <p class="note" id="epoch-progress">{in_epoch}</p>
        <p class="note" id="update-running" aria-live="polite">{running}</p>
    }
}
