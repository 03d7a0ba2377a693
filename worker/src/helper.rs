//! A helper worker: the same program, started by the training worker under the name
//! [`HELPER_NAME`]. It computes the gradients of one share of an update at a time (see
//! `model::share`) and keeps nothing between updates but a model to fill with the weights
//! that come with each job.

use futures::channel::mpsc::{unbounded, UnboundedReceiver};
use futures::StreamExt;
use js_sys::Uint8Array;
use session::workers::{helper_device, HelperMessage, ShareJob, ShareWorker};
use vocab::{packed, wire};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// The name a helper worker is started under; the training worker has none.
pub const HELPER_NAME: &str = "vitp-helper";

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Whether this program was started as a helper.
pub fn is_helper() -> bool {
    scope().name() == HELPER_NAME
}

fn post(message: &HelperMessage, beside: JsValue) {
    let _ = scope().post_message(&wire::encode(message, beside));
}

/// The helper's entry point.
pub fn start() {
    console_error_panic_hook::set_once();
    let (sender, receiver) = unbounded::<(ShareJob, Vec<u8>)>();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match wire::decode::<ShareJob>(&event.data()) {
            Ok((job, beside)) => {
                let weights = beside
                    .dyn_ref::<Uint8Array>()
                    .map(Uint8Array::to_vec)
                    .unwrap_or_default();
                let _ = sender.unbounded_send((job, weights));
            }
            Err(error) => post(&HelperMessage::Unreadable(error.to_string()), JsValue::NULL),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    spawn_local(serve(receiver));
    post(&HelperMessage::Ready, JsValue::NULL);
}

async fn serve(mut jobs: UnboundedReceiver<(ShareJob, Vec<u8>)>) {
    let device = match helper_device().await {
        Ok(device) => device,
        Err(error) => {
            post(&HelperMessage::NoDevice(error), JsValue::NULL);
            return;
        }
    };
    let mut worker = ShareWorker::new(device);
    while let Some((job, weights)) = jobs.next().await {
        let weights = packed::from_le_bytes(&weights);
        match worker.compute(&job, &weights) {
            Ok(mut share) => {
                let gradients = std::mem::take(&mut share.gradients);
                let bytes = wire::bytes(&packed::to_le_bytes(&gradients));
                post(&HelperMessage::Done(Ok(share)), bytes);
            }
            Err(error) => post(&HelperMessage::Done(Err(error)), JsValue::NULL),
        }
    }
}
