//! How a message crosses `postMessage`: a two-element array, the message's bytes (see
//! [`crate::codec`]) and whatever travels beside it (face pixels as a `Uint8Array`, the
//! learner's `File`s as an array).

use js_sys::{Array, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::codec::{from_bytes, to_bytes, DecodeError};

/// Why a message could not be read.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("a message that is not [bytes, payload]")]
    Shape,
    #[error("a message that does not decode: {0}")]
    Decode(#[from] DecodeError),
}

pub fn encode<T: Serialize>(message: &T, beside: JsValue) -> JsValue {
    let array = Array::new();
    array.push(&bytes(&to_bytes(message)));
    array.push(&beside);
    array.into()
}

pub fn bytes(bytes: &[u8]) -> JsValue {
    Uint8Array::from(bytes).into()
}

pub fn decode<T: DeserializeOwned>(data: &JsValue) -> Result<(T, JsValue), WireError> {
    if !Array::is_array(data) {
        return Err(WireError::Shape);
    }
    let array = Array::from(data);
    let message = array
        .get(0)
        .dyn_into::<Uint8Array>()
        .map_err(|_| WireError::Shape)?;
    Ok((from_bytes(&message.to_vec())?, array.get(1)))
}
