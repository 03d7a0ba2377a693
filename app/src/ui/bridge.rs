//! The page's end of the worker: starts it, sends commands, folds its events into the
//! page's state once per frame, and starts it again on the CPU if it dies.
//!
//! The worker comes as two programs (`worker/`): one on the CPU only, and one with WebGPU,
//! nearly three times its download. The page starts the one the chosen device needs, and
//! moves the run from the first to the second when WebGPU is chosen, by the learner or by
//! the page ([`Command::HandOver`]).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Array;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use crate::ui::state::{Notice, PageState};
use vocab::protocol::{
    CarriedRun, Command, DeviceChoice, DeviceComparison, Event, Refusal, SaveReason,
};

use crate::ui::advice::{automatic_choice, Adapter, SpeedBook, StartHint};
use vocab::wire;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The two builds of the worker (see index.html).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Program {
    /// burn-flex only: what the CPU needs.
    Cpu,
    /// burn-flex and burn-wgpu: nearly three times the download (gzip), 3.5 times the code.
    Gpu,
}

impl Program {
    /// Where Trunk puts the program's loader (index.html starts the same one first).
    pub fn script(self) -> &'static str {
        match self {
            Program::Cpu => "./worker_loader.js",
            Program::Gpu => "./worker_gpu_loader.js",
        }
    }

    /// The program a device choice needs: WebGPU's only where the browser may have WebGPU
    /// (elsewhere the CPU program says there is no adapter, and trains on the CPU).
    pub fn for_choice(choice: DeviceChoice, browser_has_webgpu: bool) -> Program {
        match choice {
            DeviceChoice::Gpu if browser_has_webgpu => Program::Gpu,
            _ => Program::Cpu,
        }
    }

    /// Whether this program can carry out the choice, so the run stays where it is: the
    /// WebGPU program trains on the CPU too.
    pub fn serves(self, wanted: Program) -> bool {
        self == Program::Gpu || wanted == Program::Cpu
    }
}

/// Whether the browser has WebGPU (`navigator.gpu`; whether it gives an adapter, index.html
/// asks at load).
fn browser_has_webgpu() -> bool {
    web_sys::window()
        .map(|w| js_sys::Reflect::has(&w.navigator(), &JsValue::from_str("gpu")).unwrap_or(false))
        .unwrap_or(false)
}

/// The worker index.html starts before the page's program loads: a promise of it, taken
/// once, so a restarted worker is a new one (see index.html: it asks the browser for a WebGPU
/// adapter first, and starts the WebGPU program only where there is one).
fn take_early_worker() -> Option<js_sys::Promise> {
    let window: JsValue = web_sys::window()?.into();
    let key = JsValue::from_str("vitpEarlyWorker");
    let early = js_sys::Reflect::get(&window, &key).ok()?;
    let _ = js_sys::Reflect::delete_property(window.unchecked_ref::<js_sys::Object>(), &key);
    early.dyn_into::<js_sys::Promise>().ok()
}

/// The early worker, its program and the events it sent before the page listened.
fn early_parts(early: &JsValue) -> Option<(Worker, Program, Vec<JsValue>)> {
    let field = |name: &str| js_sys::Reflect::get(early, &JsValue::from_str(name)).ok();
    let worker = field("worker")?.dyn_into::<Worker>().ok()?;
    let script = field("script")?.as_string();
    let Some(program) = [Program::Cpu, Program::Gpu]
        .into_iter()
        .find(|p| script.as_deref() == Some(p.script()))
    else {
        worker.terminate();
        return None;
    };
    let events = field("early")?.dyn_into::<Array>().ok()?;
    Some((worker, program, events.iter().collect()))
}

/// The adapter index.html found (`adapter: { kind, name }`).
fn adapter_of(early: &JsValue) -> Option<Adapter> {
    let adapter = js_sys::Reflect::get(early, &JsValue::from_str("adapter")).ok()?;
    let field = |name: &str| {
        js_sys::Reflect::get(&adapter, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
    };
    Some(Adapter::from_kind(
        &field("kind")?,
        field("name").unwrap_or_default(),
    ))
}

/// What a worker's error event says, or that it failed (a script that did not load says
/// nothing).
fn why_it_failed(event: &JsValue) -> String {
    event
        .dyn_ref::<ErrorEvent>()
        .map(|e| e.message())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "the worker failed".into())
}

struct Inner {
    state: PageState,
    worker: RefCell<Option<Worker>>,
    /// The program the worker runs.
    program: Cell<Program>,
    /// Commands sent before the worker's program is listening.
    waiting: RefCell<Vec<JsValue>>,
    listening: Cell<bool>,
    /// The worker is handing its run over to the other program: commands wait for that one.
    handing_over: Cell<bool>,
    held: RefCell<Vec<JsValue>>,
    /// Whether the worker was asked to reopen the kept run.
    resumed: Cell<bool>,
    /// The worker index.html starts is on its way (it is dropped if another starts first).
    early_pending: Cell<bool>,
    /// Whether WebGPU may be there: `navigator.gpu`, until the browser gave no adapter.
    webgpu: Cell<bool>,
    /// Events received since the last frame.
    inbox: RefCell<Vec<(Event, Option<Vec<u8>>)>>,
    frame_requested: Cell<bool>,
    /// Handlers of the current worker, kept alive with it.
    handlers: RefCell<Vec<Closure<dyn FnMut(JsValue)>>>,
    restarts: Cell<Restarts>,
    /// A worker running the WebGPU program, or one handing its run over to it, died in this
    /// visit: the page no longer moves a run there by itself (it could die again, in a loop).
    webgpu_died: Cell<bool>,
}

/// How many workers in a row may die before their first run: one that dies at start-up
/// every time (a kept run it cannot take, a broken GPU driver) must not be restarted in a loop.
pub const STARTS_BEFORE_GIVING_UP: u32 = 3;

/// Counts the workers that died before they started a run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Restarts {
    failed_starts: u32,
    started: bool,
}

impl Restarts {
    /// A new worker is on its way.
    pub fn spawned(&mut self) {
        self.started = false;
    }

    /// Its run started: it is alive, whatever came before.
    pub fn run_started(&mut self) {
        self.started = true;
        self.failed_starts = 0;
    }

    /// It died: whether to start another one.
    pub fn died(&mut self) -> bool {
        if !self.started {
            self.failed_starts += 1;
        }
        self.failed_starts < STARTS_BEFORE_GIVING_UP
    }
}

/// A handle to the training worker; clones share it.
#[derive(Clone)]
pub struct Bridge(Rc<Inner>);

impl Bridge {
    pub fn new(state: PageState) -> Self {
        let bridge = Bridge(Rc::new(Inner {
            state,
            worker: RefCell::new(None),
            program: Cell::new(Program::Cpu),
            waiting: RefCell::new(Vec::new()),
            listening: Cell::new(false),
            handing_over: Cell::new(false),
            held: RefCell::new(Vec::new()),
            resumed: Cell::new(false),
            early_pending: Cell::new(false),
            webgpu: Cell::new(browser_has_webgpu()),
            inbox: RefCell::new(Vec::new()),
            frame_requested: Cell::new(false),
            handlers: RefCell::new(Vec::new()),
            restarts: Cell::new(Restarts::default()),
            webgpu_died: Cell::new(false),
        }));
        state.advice.book.set_value(SpeedBook::load());
        match take_early_worker() {
            Some(early) => {
                // The run is asked for once index.html says which adapter it found (nearly
                // always before this program runs): what the page asks meanwhile waits.
                bridge.0.early_pending.set(true);
                bridge.0.resumed.set(true);
                let adopting = bridge.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let early = wasm_bindgen_futures::JsFuture::from(early).await;
                    adopting.adopt(early.ok());
                });
            }
            None => {
                bridge.choose_automatically();
                let program = bridge.program_for(state.device_choice.get_untracked());
                bridge.spawn(program, true, None);
            }
        }
        bridge
    }

    fn program_for(&self, choice: DeviceChoice) -> Program {
        Program::for_choice(choice, self.0.webgpu.get())
    }

    /// The worker index.html started, with whatever it said meanwhile and the adapter it
    /// found, unless another one was started since.
    fn adopt(&self, early: Option<JsValue>) {
        // What index.html found holds even where the learner chose meanwhile.
        if let Some(adapter) = early.as_ref().and_then(adapter_of) {
            self.0.state.advice.adapter.set(adapter);
        }
        let parts = early.as_ref().and_then(early_parts);
        if !self.0.early_pending.replace(false) {
            if let Some((worker, ..)) = parts {
                worker.terminate();
            }
            return;
        }
        self.choose_automatically();
        let wanted = self.program_for(self.0.state.device_choice.get_untracked());
        let Some((worker, program, events)) = parts else {
            self.begin(wanted, true, None);
            match Worker::new(wanted.script()) {
                Ok(worker) => self.attach(worker, Vec::new()),
                Err(error) => self.cannot_start(error),
            }
            return;
        };
        if program == Program::Cpu && wanted == Program::Gpu {
            if matches!(
                self.0.state.advice.adapter.get_untracked(),
                Adapter::Hardware(_)
            ) {
                // index.html started the CPU program on a card, as the page last chose
                // there ([`StartHint`]). The run starts on the CPU: the kept run it reopens
                // may have another model than the address's, so whether it goes to the
                // WebGPU program is decided once it has started ([`Bridge::follow_advice`]).
                self.0.state.device_choice.set(DeviceChoice::Cpu);
            } else {
                // WebGPU was asked for, and the browser gave no adapter.
                self.0.webgpu.set(false);
            }
        }
        self.begin(program, true, None);
        self.attach(worker, events);
    }

    /// Where nobody said which device: the one [`automatic_choice`] picks for the adapter
    /// found and the settings the page opens with (a kept run that reopens with another
    /// model is looked at again when it has started: [`Bridge::follow_advice`]).
    fn choose_automatically(&self) {
        let state = self.0.state;
        if !state.advice.automatic.get_untracked() {
            return;
        }
        let adapter = state.advice.adapter.get_untracked();
        let choice = state.settings.with_untracked(|settings| {
            state
                .advice
                .book
                .with_value(|book| automatic_choice(&adapter, book.find(&adapter, settings)))
        });
        state.device_choice.set(choice);
    }

    /// Keeps where the page chose to train on this card, for index.html's next visit.
    fn remember_start(&self, choice: DeviceChoice) {
        let adapter = self.0.state.advice.adapter.get_untracked();
        if let Some(hint) = StartHint::new(&adapter, choice) {
            hint.save();
        }
    }

    /// After a run started: the comparison of its model and batch shown where there is one;
    /// where the page chooses, the run moved to the faster device, or, with a graphics card,
    /// the model timed on both if it has not been (from the CPU program, the run is handed
    /// over to the WebGPU program first, which times it once started there).
    fn follow_advice(&self) {
        let state = self.0.state;
        let advice = state.advice;
        let adapter = advice.adapter.get_untracked();
        let known = state.settings.with_untracked(|settings| {
            advice
                .book
                .with_value(|book| book.find(&adapter, settings).cloned())
        });
        advice.comparison.set(known.clone());
        match known {
            Some(comparison) => self.move_to_faster(automatic_choice(&adapter, Some(&comparison))),
            None if matches!(adapter, Adapter::Hardware(_)) && self.may_choose() => {
                self.remember_start(DeviceChoice::Gpu);
                self.compare_devices()
            }
            // On a card, in the CPU program (index.html started it as the page last chose):
            // a model not timed here goes to the WebGPU program, which times it.
            None if matches!(adapter, Adapter::Hardware(_))
                && self.may_move()
                && self.may_load_webgpu() =>
            {
                self.choose_device(DeviceChoice::Gpu)
            }
            None => {}
        }
    }

    /// A comparison came: kept (in this visit even where the browser will not keep it).
    /// Moving the run to the faster device is [`Bridge::flush`]'s, once every event is applied.
    fn keep_comparison(&self, comparison: &DeviceComparison) {
        let advice = self.0.state.advice;
        let adapter = advice.adapter.get_untracked();
        advice.book.update_value(|book| {
            book.insert(&adapter, comparison.clone());
            book.save();
        });
    }

    /// Whether the page may time the run's model now: it may move the run, and its worker
    /// runs the WebGPU program (the one that trains on either, and times both).
    fn may_choose(&self) -> bool {
        self.may_move() && self.0.program.get() == Program::Gpu
    }

    /// Whether the page may move the run now: it chooses the device, and nothing the
    /// learner started (the play, an experiment, a comparison) would be cut short.
    fn may_move(&self) -> bool {
        let state = self.0.state;
        state.advice.automatic.get_untracked()
            && !state.advice.comparing.get_untracked()
            && !state.playing.get_untracked()
            && !state
                .experiment
                .with_untracked(|e| e.as_ref().is_some_and(|e| e.running()))
    }

    /// Whether the page may hand the run over to the WebGPU program by itself: it runs the
    /// CPU program, the browser may have WebGPU, and no WebGPU program died in this visit.
    fn may_load_webgpu(&self) -> bool {
        self.0.program.get() == Program::Cpu && self.0.webgpu.get() && !self.0.webgpu_died.get()
    }

    /// Where the page chooses: the run goes to the device timed faster for its model, and
    /// the next visit starts there. From the CPU program that is a hand-over to the WebGPU
    /// program (a kept run reopened with a model faster on the card).
    fn move_to_faster(&self, faster: DeviceChoice) {
        let reachable = self.0.program.get() == Program::Gpu
            || faster == DeviceChoice::Cpu
            || self.may_load_webgpu();
        if self.may_move() && reachable {
            self.remember_start(faster);
            if faster != self.0.state.device_choice.get_untracked() {
                self.choose_device(faster);
            }
        }
    }

    /// Times the run's model on both devices (the WebGPU program only).
    pub fn compare_devices(&self) {
        self.0.state.advice.comparing.set(true);
        self.send(Command::CompareDevices);
    }

    /// The learner's, or the page's, choice of device: the run moves there.
    pub fn choose_device(&self, choice: DeviceChoice) {
        let state = self.0.state;
        if state.device_choice.get_untracked() == choice
            && state.device.with_untracked(Option::is_some)
        {
            return;
        }
        state.device_choice.set(choice);
        state.device.set(None);
        state.playing.set(false);
        self.switch_device(choice);
    }

    fn cannot_start(&self, error: JsValue) {
        let why = error.as_string().unwrap_or_else(|| format!("{error:?}"));
        self.0.state.notify(Notice::WorkerLost(why));
    }

    /// Starts a worker running `program` and asks it for a run on the chosen device: the
    /// `carried` one, else the run kept in the browser when `resume`, else one from the seed.
    fn spawn(&self, program: Program, resume: bool, carried: Option<CarriedRun>) {
        self.0.early_pending.set(false);
        self.begin(program, resume, carried);
        match Worker::new(program.script()) {
            Ok(worker) => self.attach(worker, Vec::new()),
            Err(error) => self.cannot_start(error),
        }
    }

    /// Queues what a new worker is asked first: a run (see [`Bridge::spawn`]), the workers
    /// and the views, then what waited for it.
    fn begin(&self, program: Program, resume: bool, carried: Option<CarriedRun>) {
        let mut restarts = self.0.restarts.get();
        restarts.spawned();
        self.0.restarts.set(restarts);
        self.0.program.set(program);
        // Only the WebGPU program can time both devices; a new worker is timing nothing.
        self.0.state.advice.can_compare.set(program == Program::Gpu);
        self.0.state.advice.comparing.set(false);
        self.0.resumed.set(resume);
        self.0.listening.set(false);
        let state = self.0.state;
        self.start(resume, carried);
        self.send(Command::SetWorkers {
            count: state.workers.get_untracked(),
        });
        self.send(Command::Inspect(state.inspect.get_untracked()));
        // What the page asked for while the run was on its way here.
        let held: Vec<JsValue> = self.0.held.borrow_mut().drain(..).collect();
        self.0.waiting.borrow_mut().extend(held);
    }

    /// Asks for a run on the device chosen in the page (see [`Bridge::spawn`]).
    fn start(&self, resume: bool, carried: Option<CarriedRun>) {
        let state = self.0.state;
        // The run file travels beside the command, as the worker handed it over.
        let beside = carried.as_ref().map_or(JsValue::NULL, |carried| {
            js_sys::Uint8Array::from(carried.bytes.as_slice()).into()
        });
        self.send_with(
            Command::Start {
                device: state.device_choice.get_untracked(),
                settings: state.settings.get_untracked(),
                resume,
                kept: Vec::new(),
                shelf: Default::default(),
                carried,
            },
            beside,
        );
    }

    /// Listens to `worker`, and reads what it said before the page listened (`early`).
    fn attach(&self, worker: Worker, early: Vec<JsValue>) {
        let on_message = {
            let bridge = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let event: MessageEvent = event.unchecked_into();
                bridge.receive(event.data());
            })
        };
        let on_error = {
            let bridge = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                bridge.restart_on_cpu(why_it_failed(&event));
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *self.0.handlers.borrow_mut() = vec![on_message, on_error];
        *self.0.worker.borrow_mut() = Some(worker);
        // What the early worker said before the page listened, in the order it said it.
        for event in early {
            match event.dyn_ref::<MessageEvent>() {
                Some(message) => self.receive(message.data()),
                None => {
                    // It failed: it is replaced, and nothing it said after counts.
                    self.restart_on_cpu(why_it_failed(&event));
                    break;
                }
            }
        }
    }

    /// Opens the device chosen, by the learner or the page (already in the page's state),
    /// the run in progress carried over: by the worker itself where its program can, else
    /// handed over to a worker running the program that can.
    pub fn switch_device(&self, choice: DeviceChoice) {
        let wanted = self.program_for(choice);
        if self.0.program.get().serves(wanted) {
            self.start(false, None);
            return;
        }
        if self.0.handing_over.get() {
            return; // already on its way
        }
        if !self.0.listening.get() {
            // Still loading: it has no run yet, so the other program simply starts instead,
            // as this one would have (reopening the kept run if it was asked to).
            self.replace_worker();
            self.0.waiting.borrow_mut().clear();
            self.spawn(wanted, self.0.resumed.get(), None);
            return;
        }
        self.send(Command::HandOver);
        self.0.handing_over.set(true);
    }

    /// The worker handed its run over: a worker running the other program carries it on.
    fn take_over(&self, kept_as: Option<u64>, bytes: Option<Vec<u8>>) {
        self.0.handing_over.set(false);
        self.replace_worker();
        let wanted = match self.0.program.get() {
            Program::Cpu => Program::Gpu,
            Program::Gpu => Program::Cpu,
        };
        match bytes {
            Some(bytes) => self.spawn(wanted, false, Some(CarriedRun { kept_as, bytes })),
            // No run came (none yet, or it could not be written): the kept one reopens.
            None => self.spawn(wanted, true, None),
        }
    }

    /// Stops the worker: nothing it says afterwards reaches the page.
    fn replace_worker(&self) {
        if let Some(worker) = self.0.worker.borrow_mut().take() {
            worker.terminate();
        }
        self.0.handlers.borrow_mut().clear();
    }

    /// A worker that died (a lost GPU, a crash) is replaced by a fresh one on the CPU, with
    /// the same settings; the learner is told.
    fn restart_on_cpu(&self, why: String) {
        if self.0.program.get() == Program::Gpu || self.0.handing_over.get() {
            self.0.webgpu_died.set(true);
        }
        self.replace_worker();
        self.0.handing_over.set(false);
        self.0.held.borrow_mut().clear();
        self.0.waiting.borrow_mut().clear();
        let state = self.0.state;
        state.playing.set(false);
        state.device_choice.set(DeviceChoice::Cpu);
        state.device.set(None);
        let mut restarts = self.0.restarts.get();
        let again = restarts.died();
        self.0.restarts.set(restarts);
        if !again {
            state.worker_down.set(Some(why));
            return;
        }
        state.notify(Notice::WorkerLost(why));
        // The new worker reopens the last autosave; the page says what was lost since.
        state.lost_at.set(Some(state.step.get_untracked()));
        self.spawn(Program::Cpu, true, None);
    }

    /// After the workers kept dying at start-up: a fresh run from the seed on the CPU,
    /// leaving the kept run aside.
    pub fn start_fresh_on_cpu(&self) {
        self.0.restarts.set(Restarts::default());
        self.0.state.worker_down.set(None);
        self.0.state.lost_at.set(None);
        self.spawn(Program::Cpu, false, None);
    }

    pub fn send(&self, command: Command) {
        self.send_with(command, JsValue::NULL);
    }

    /// Sends a command with something beside it (the learner's files).
    pub fn send_with(&self, command: Command, beside: JsValue) {
        let message = wire::encode(&command, beside);
        if self.0.handing_over.get() || self.0.early_pending.get() {
            self.0.held.borrow_mut().push(message);
            return;
        }
        if !self.0.listening.get() {
            self.0.waiting.borrow_mut().push(message);
            return;
        }
        if let Some(worker) = self.0.worker.borrow().as_ref() {
            if let Err(error) = worker.post_message(&message) {
                let why = error.as_string().unwrap_or_else(|| format!("{error:?}"));
                self.0.state.notify(Notice::Refused(Refusal::Garbled(why)));
            }
        }
    }

    pub fn send_files(&self, command: Command, files: Array) {
        self.send_with(command, files.into());
    }

    fn receive(&self, data: JsValue) {
        let (event, beside) = match wire::decode::<Event>(&data) {
            Ok(decoded) => decoded,
            Err(error) => {
                self.0
                    .state
                    .notify(Notice::Refused(Refusal::Garbled(error.to_string())));
                return;
            }
        };
        if event == Event::Loaded {
            self.0.listening.set(true);
            let waiting: Vec<JsValue> = self.0.waiting.borrow_mut().drain(..).collect();
            if let Some(worker) = self.0.worker.borrow().as_ref() {
                for message in waiting {
                    let _ = worker.post_message(&message);
                }
            }
            return;
        }
        let bytes = beside
            .dyn_ref::<js_sys::Uint8Array>()
            .map(|array| array.to_vec());
        if let Event::HandedOver { kept_as } = event {
            self.take_over(kept_as, bytes);
            return;
        }
        self.0.inbox.borrow_mut().push((event, bytes));
        if !self.0.frame_requested.replace(true) {
            let bridge = self.clone();
            request_animation_frame(move || bridge.flush());
        }
    }

    /// Applies every event received since the last frame, so a fast run redraws the page
    /// at most once per frame.
    fn flush(&self) {
        self.0.frame_requested.set(false);
        let events: Vec<_> = self.0.inbox.borrow_mut().drain(..).collect();
        let start = now();
        let (mut started, mut faster) = (false, None);
        for (event, bytes) in events {
            if let Event::DeviceComparison(comparison) = &event {
                self.keep_comparison(comparison);
                let adapter = self.0.state.advice.adapter.get_untracked();
                faster = Some(automatic_choice(&adapter, Some(comparison)));
            }
            if matches!(event, Event::Started(_)) {
                started = true;
                let mut restarts = self.0.restarts.get();
                restarts.run_started();
                self.0.restarts.set(restarts);
            }
            // A run file the learner asked for goes to the browser's downloads.
            if let (Event::RunSaved(saved), Some(bytes)) = (&event, &bytes) {
                if saved.reason == SaveReason::Download {
                    crate::ui::runs::download(&saved.file_name, bytes);
                }
            }
            self.0.state.apply(event, bytes);
        }
        // After the events are applied: a comparison's pause, say, is known.
        match faster {
            Some(faster) => self.move_to_faster(faster),
            None if started => self.follow_advice(),
            None => {}
        }
        let applied = now() - start;
        // Effects update the DOM after this; a zero-delay timeout runs once they are done.
        set_timeout(
            move || crate::ui::draw::frame::record_update(applied, now() - start),
            std::time::Duration::ZERO,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_webgpu_program_is_loaded_only_for_webgpu_where_the_browser_has_it() {
        use DeviceChoice::{Cpu, Gpu};
        assert_eq!(Program::for_choice(Gpu, true), Program::Gpu);
        assert_eq!(Program::for_choice(Gpu, false), Program::Cpu);
        assert_eq!(Program::for_choice(Cpu, true), Program::Cpu);
        // Going to the CPU, the run stays in the WebGPU program; going to WebGPU, it moves.
        assert!(Program::Gpu.serves(Program::Cpu));
        assert!(!Program::Cpu.serves(Program::Gpu));
        // index.html starts the same two programs.
        let index = include_str!("../../../index.html");
        for program in [Program::Cpu, Program::Gpu] {
            assert!(
                index.contains(&format!("'{}'", program.script())),
                "{program:?}"
            );
        }
    }

    #[test]
    fn workers_that_die_at_start_up_are_restarted_twice_then_given_up() {
        let mut restarts = Restarts::default();
        restarts.spawned();
        restarts.run_started();
        // A worker that ran, then died: always replaced.
        assert!(restarts.died());
        restarts.spawned();
        assert!(restarts.died(), "first death at start-up");
        restarts.spawned();
        assert!(restarts.died(), "second death at start-up");
        restarts.spawned();
        assert!(!restarts.died(), "third worker in a row dead at start-up");
        // One that starts its run resets the count.
        let mut restarts = Restarts::default();
        restarts.spawned();
        assert!(restarts.died());
        restarts.spawned();
        restarts.run_started();
        assert!(restarts.died());
        restarts.spawned();
        assert!(restarts.died());
    }
}
