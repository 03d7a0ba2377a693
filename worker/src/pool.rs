//! The training worker's helpers: Web Workers running this same program under the helper
//! name (see [`crate::helper`]), each handed one share of an update at a time.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::mpsc::UnboundedSender;
use futures::channel::oneshot;
use js_sys::Uint8Array;
use session::workers::{Answers, HelperLost, HelperMessage, Helpers, ShareGradients, ShareJob};
use vocab::{packed, wire};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions};

use crate::helper::HELPER_NAME;

/// Where Trunk puts the CPU-only program's loader: helpers compute on the CPU, so even the
/// WebGPU program's helpers run the smaller program.
const WORKER_SCRIPT: &str = "./worker_loader.js";

type Answer = Result<ShareGradients, HelperLost>;

/// One helper's mailbox: whether it listens yet (a job posted before would be lost), and
/// who waits for its answer.
#[derive(Default)]
struct Mailbox {
    listening: bool,
    waiting: Option<oneshot::Sender<Answer>>,
    /// Set once the helper failed: every later job is answered with it.
    dead: Option<HelperLost>,
}

impl Mailbox {
    fn answer(&mut self, answer: Answer) {
        if let Err(lost) = &answer {
            self.dead = Some(lost.clone());
        }
        if let Some(waiting) = self.waiting.take() {
            let _ = waiting.send(answer);
        }
    }
}

struct Helper {
    worker: Worker,
    mailbox: Rc<RefCell<Mailbox>>,
    _handlers: [Closure<dyn FnMut(JsValue)>; 2],
}

impl Helper {
    /// Starts a helper; `changed` hears when it has loaded and listens.
    fn spawn(changed: UnboundedSender<()>) -> Result<Self, HelperLost> {
        let options = WorkerOptions::new();
        options.set_name(HELPER_NAME);
        let worker = Worker::new_with_options(WORKER_SCRIPT, &options)
            .map_err(|e| HelperLost::Died(describe(&e)))?;
        let mailbox = Rc::new(RefCell::new(Mailbox::default()));
        let on_message = {
            let mailbox = mailbox.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let event: MessageEvent = event.unchecked_into();
                let mut mailbox = mailbox.borrow_mut();
                match wire::decode::<HelperMessage>(&event.data()) {
                    Ok((HelperMessage::Ready, _)) => {
                        mailbox.listening = true;
                        let _ = changed.unbounded_send(());
                    }
                    Ok((HelperMessage::Done(Ok(mut share)), beside)) => {
                        let bytes = beside
                            .dyn_ref::<Uint8Array>()
                            .map(Uint8Array::to_vec)
                            .unwrap_or_default();
                        share.gradients = packed::from_le_bytes(&bytes);
                        mailbox.answer(Ok(share));
                    }
                    Ok((HelperMessage::Done(Err(error)), _)) => mailbox.answer(Err(error.into())),
                    Ok((HelperMessage::NoDevice(error), _)) => mailbox.answer(Err(error.into())),
                    Ok((HelperMessage::Unreadable(why), _)) => {
                        mailbox.answer(Err(HelperLost::Died(why)))
                    }
                    Err(error) => mailbox.answer(Err(HelperLost::Died(error.to_string()))),
                }
            })
        };
        let on_error = {
            let mailbox = mailbox.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let why = event
                    .dyn_ref::<ErrorEvent>()
                    .map(|e| e.message())
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| "the helper worker failed".into());
                mailbox.borrow_mut().answer(Err(HelperLost::Died(why)));
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            mailbox,
            _handlers: [on_message, on_error],
        })
    }

    /// Posts `job` to a listening helper; the answer comes on the channel.
    fn hand(&self, job: JsValue) -> oneshot::Receiver<Answer> {
        let (sender, receiver) = oneshot::channel();
        let mut mailbox = self.mailbox.borrow_mut();
        mailbox.waiting = Some(sender);
        if let Some(lost) = mailbox.dead.clone() {
            mailbox.answer(Err(lost));
        } else if let Err(error) = self.worker.post_message(&job) {
            mailbox.answer(Err(HelperLost::Died(describe(&error))));
        }
        receiver
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

fn describe(error: &JsValue) -> String {
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

/// The helper workers of this training worker.
pub struct Pool {
    helpers: Vec<Helper>,
    /// Why the last helper could not be started, answered to the next jobs.
    failed: Option<HelperLost>,
    /// Told when a helper has loaded, so the page hears it while the run is paused too.
    changed: UnboundedSender<()>,
}

impl Pool {
    /// `changed` hears when a helper has loaded its program and listens.
    pub fn new(changed: UnboundedSender<()>) -> Self {
        Self {
            helpers: Vec::new(),
            failed: None,
            changed,
        }
    }

    /// The helpers whose program listens, and that have not failed.
    fn listening(&self) -> impl Iterator<Item = &Helper> {
        self.helpers.iter().filter(|h| {
            let mailbox = h.mailbox.borrow();
            mailbox.listening && mailbox.dead.is_none()
        })
    }
}

impl Helpers for Pool {
    fn set_count(&mut self, count: usize) {
        self.helpers.truncate(count);
        self.failed = None;
        while self.helpers.len() < count {
            match Helper::spawn(self.changed.clone()) {
                Ok(helper) => self.helpers.push(helper),
                Err(lost) => {
                    self.failed = Some(lost);
                    break;
                }
            }
        }
    }

    fn count(&self) -> usize {
        self.helpers.len()
    }

    fn ready(&self) -> usize {
        self.listening().count()
    }

    fn compute(&mut self, jobs: &[ShareJob], weights: &[f32]) -> Answers {
        if jobs.len() > self.ready() {
            let lost = self.failed.clone().unwrap_or_else(|| {
                HelperLost::Died(format!(
                    "{} helpers for {} shares",
                    self.ready(),
                    jobs.len()
                ))
            });
            return Box::pin(std::future::ready(Err(lost)));
        }
        // One copy of the weights, cloned by each `postMessage`.
        let weights: JsValue = Uint8Array::from(&packed::to_le_bytes(weights)[..]).into();
        let receivers: Vec<_> = jobs
            .iter()
            .zip(self.listening())
            .map(|(job, helper)| helper.hand(wire::encode(job, weights.clone())))
            .collect();
        Box::pin(async move {
            let mut answers = Vec::with_capacity(receivers.len());
            for receiver in receivers {
                match receiver.await {
                    Ok(answer) => answers.push(answer?),
                    Err(_) => return Err(HelperLost::Died("the helper went away".into())),
                }
            }
            Ok(answers)
        })
    }
}
