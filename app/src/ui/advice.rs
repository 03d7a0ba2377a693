//! Which device the page trains on when the learner has not said: WebGPU only where it is
//! the faster of the two for the run's model, in this browser, as timed here.
//!
//! index.html asks the browser for a WebGPU adapter before the page's program loads and
//! says what it found ([`Adapter`]). A software adapter computes on the processor, emulating
//! a graphics card, far slower than the CPU path: the page starts on the CPU. With a
//! hardware adapter the WebGPU program is loaded (it trains on the CPU too), and the first
//! run of each model and batch size is timed on both devices
//! ([`vocab::protocol::Command::CompareDevices`]); the answer is kept in the browser, so later
//! visits start on the faster one straight away, and where that is the CPU, with the CPU
//! program only ([`StartHint`]).

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use vocab::protocol::{DeviceChoice, DeviceComparison, RunSettings};
use vocab::ModelShape;

/// The WebGPU adapter the browser gave index.html.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Adapter {
    /// No WebGPU, or no adapter (or index.html could not say).
    #[default]
    None,
    /// One that computes on the processor (SwiftShader, llvmpipe, WARP…), with its name.
    Software(String),
    /// A graphics card, with its name.
    Hardware(String),
}

impl Adapter {
    /// From what index.html found: `kind` is `none`, `software` or `hardware`.
    pub fn from_kind(kind: &str, name: String) -> Adapter {
        match kind {
            "software" => Adapter::Software(name),
            "hardware" => Adapter::Hardware(name),
            _ => Adapter::None,
        }
    }

    fn name(&self) -> Option<&str> {
        match self {
            Adapter::None => None,
            Adapter::Software(name) | Adapter::Hardware(name) => Some(name),
        }
    }
}

/// Comparisons kept in the browser, by adapter, model and batch size.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpeedBook(BTreeMap<String, DeviceComparison>);

/// Where the book is kept (the browser's `localStorage`, a few hundred bytes per model).
const STORAGE_KEY: &str = "vitp-device-speeds";

impl SpeedBook {
    fn key(adapter: &str, model: &ModelShape, batch_size: usize) -> String {
        let model = serde_json::to_string(model).unwrap_or_default();
        format!("{adapter}|{model}|{batch_size}")
    }

    /// The comparison of `settings`' model and batch size on `adapter`, if there is one.
    pub fn find(&self, adapter: &Adapter, settings: &RunSettings) -> Option<&DeviceComparison> {
        let key = Self::key(adapter.name()?, &settings.model, settings.batch_size);
        self.0.get(&key)
    }

    /// Keeps `comparison` for its model and batch size on `adapter` (nowhere without one).
    pub fn insert(&mut self, adapter: &Adapter, comparison: DeviceComparison) {
        if let Some(name) = adapter.name() {
            let key = Self::key(name, &comparison.model, comparison.batch_size);
            self.0.insert(key, comparison);
        }
    }

    /// The book as kept; one that cannot be read (an older page's, say) is an empty one.
    pub fn from_json(json: &str) -> SpeedBook {
        SpeedBook(serde_json::from_str(json).unwrap_or_default())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    pub fn load() -> SpeedBook {
        storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .map(|json| SpeedBook::from_json(&json))
            .unwrap_or_default()
    }

    /// Keeps the book; a browser that refuses (private mode, storage full) times again on
    /// the next visit, nothing worse.
    pub fn save(&self) {
        if let Some(storage) = storage() {
            let _ = storage.set_item(STORAGE_KEY, &self.to_json());
        }
    }
}

/// What index.html reads on the next visit, before the page's program has loaded, to start
/// the worker program the page will likely want: the device the page last chose by itself on
/// this graphics card (the faster for the model of the run it then had; the CPU also where
/// WebGPU failed when timed), or WebGPU while a model was to be timed. Where it says the CPU,
/// the visit downloads the CPU program only, not the WebGPU one, nearly three times its size;
/// a run that then wants WebGPU (a model not timed on this card, or timed faster on it) is
/// handed over to the WebGPU program once it has started ([`crate::ui::bridge`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartHint {
    /// The adapter's name, as index.html makes it (`describe` there).
    pub adapter: String,
    pub device: DeviceChoice,
}

/// Where the hint is kept (`localStorage`); index.html reads the same key.
const START_KEY: &str = "vitp-start-device";

impl StartHint {
    /// The hint for the device chosen on `adapter`: none but for a graphics card's (without
    /// one, index.html starts the CPU program anyway).
    pub fn new(adapter: &Adapter, device: DeviceChoice) -> Option<StartHint> {
        match adapter {
            Adapter::Hardware(name) => Some(StartHint {
                adapter: name.clone(),
                device,
            }),
            _ => None,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Keeps the hint, unless it is already kept; a browser that refuses keeps the hint it
    /// had, if any (a wrong one costs a hand-over, nothing else).
    pub fn save(&self) {
        if let Some(storage) = storage() {
            let json = self.to_json();
            if storage.get_item(START_KEY).ok().flatten().as_deref() != Some(json.as_str()) {
                let _ = storage.set_item(START_KEY, &json);
            }
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// What the page knows about choosing its device, in signals.
#[derive(Clone, Copy)]
pub struct DeviceAdvice {
    /// The page chooses the device: neither the address nor the learner has.
    pub automatic: RwSignal<bool>,
    pub adapter: RwSignal<Adapter>,
    /// The run's model timed on both devices in this browser, where it has been.
    pub comparison: RwSignal<Option<DeviceComparison>>,
    /// A comparison is under way in the worker.
    pub comparing: RwSignal<bool>,
    /// The worker runs the WebGPU program, the one that can time both devices.
    pub can_compare: RwSignal<bool>,
    /// The comparisons made in this browser, read once ([`SpeedBook::load`]) and written
    /// through: one the browser will not keep is still known for this visit.
    pub book: StoredValue<SpeedBook>,
}

impl DeviceAdvice {
    pub fn new(automatic: bool) -> Self {
        Self {
            automatic: RwSignal::new(automatic),
            adapter: RwSignal::new(Adapter::None),
            comparison: RwSignal::new(None),
            comparing: RwSignal::new(false),
            can_compare: RwSignal::new(false),
            book: StoredValue::new(SpeedBook::default()),
        }
    }
}

/// The device the page trains on where nobody said: the CPU without a hardware adapter;
/// with one, the faster of the two where this model has been timed, else WebGPU (while it
/// is timed).
pub fn automatic_choice(adapter: &Adapter, known: Option<&DeviceComparison>) -> DeviceChoice {
    match (adapter, known) {
        (Adapter::Hardware(_), Some(comparison)) => comparison.faster(),
        (Adapter::Hardware(_), None) => DeviceChoice::Gpu,
        _ => DeviceChoice::Cpu,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vocab::protocol::{DeviceSpeed, GpuFallback};
    use vocab::Preset;

    fn timed(model: Preset, cpu_ms: f64, gpu_ms: f64) -> DeviceComparison {
        let speed = |update_ms: f64| DeviceSpeed {
            first_ms: update_ms * 10.0,
            update_ms,
            updates: 3,
            workers: 1,
        };
        DeviceComparison {
            model: model.into(),
            batch_size: 32,
            cpu: speed(cpu_ms),
            gpu: Ok(speed(gpu_ms)),
        }
    }

    fn settings(model: Preset, batch_size: usize) -> RunSettings {
        RunSettings {
            model: model.into(),
            batch_size,
            ..RunSettings::default()
        }
    }

    #[test]
    fn the_cpu_unless_a_graphics_card_was_timed_faster_for_this_model() {
        let card = Adapter::Hardware("nvidia ampere".into());
        let software = Adapter::Software("google swiftshader".into());
        let small = timed(Preset::Small, 150.0, 40.0);
        let tiny = timed(Preset::Tiny, 20.0, 35.0);
        assert_eq!(automatic_choice(&card, Some(&small)), DeviceChoice::Gpu);
        assert_eq!(automatic_choice(&card, Some(&tiny)), DeviceChoice::Cpu);
        assert_eq!(
            automatic_choice(&card, None),
            DeviceChoice::Gpu,
            "timed on WebGPU's program"
        );
        assert_eq!(automatic_choice(&software, None), DeviceChoice::Cpu);
        assert_eq!(automatic_choice(&software, Some(&small)), DeviceChoice::Cpu);
        assert_eq!(automatic_choice(&Adapter::None, None), DeviceChoice::Cpu);
        let failed = DeviceComparison {
            gpu: Err(GpuFallback::Failed {
                message: "lost".into(),
            }),
            ..small
        };
        assert_eq!(automatic_choice(&card, Some(&failed)), DeviceChoice::Cpu);
    }

    #[test]
    fn the_start_hint_is_kept_for_a_graphics_card_only_in_the_form_index_html_reads() {
        let card = Adapter::Hardware("nvidia ampere".into());
        let hint = StartHint::new(&card, DeviceChoice::Cpu).expect("a card's hint");
        // index.html reads exactly these two fields (`vitp-start-device`).
        assert_eq!(
            hint.to_json(),
            r#"{"adapter":"nvidia ampere","device":"cpu"}"#
        );
        assert_eq!(
            StartHint::new(&card, DeviceChoice::Gpu).map(|h| h.to_json()),
            Some(r#"{"adapter":"nvidia ampere","device":"gpu"}"#.to_string())
        );
        let software = Adapter::Software("google swiftshader".into());
        assert_eq!(StartHint::new(&software, DeviceChoice::Cpu), None);
        assert_eq!(StartHint::new(&Adapter::None, DeviceChoice::Cpu), None);
    }

    #[test]
    fn the_book_keeps_each_model_batch_and_adapter_apart_and_survives_its_json() {
        let card = Adapter::Hardware("nvidia ampere".into());
        let other = Adapter::Hardware("amd rdna3".into());
        let mut book = SpeedBook::default();
        book.insert(&card, timed(Preset::Small, 150.0, 40.0));
        book.insert(&card, timed(Preset::Tiny, 20.0, 35.0));
        let book = SpeedBook::from_json(&book.to_json());
        let found = |adapter: &Adapter, model, batch| {
            book.find(adapter, &settings(model, batch))
                .map(|c| c.cpu.update_ms)
        };
        assert_eq!(found(&card, Preset::Small, 32), Some(150.0));
        assert_eq!(found(&card, Preset::Tiny, 32), Some(20.0));
        assert_eq!(found(&card, Preset::Small, 16), None);
        assert_eq!(found(&other, Preset::Small, 32), None);
        assert_eq!(found(&Adapter::None, Preset::Small, 32), None);
        assert_eq!(SpeedBook::from_json("{not json"), SpeedBook::default());
    }
}
