//! How a message crosses `postMessage`: a two-element array, the JSON text and whatever
//! travels beside it (face pixels as a `Uint8Array`, the learner's `File`s as an array).

use js_sys::{Array, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// Why a message could not be read.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("a message that is not [text, payload]")]
    Shape,
    #[error("a message that does not parse: {0}")]
    Json(#[from] serde_json::Error),
}

pub fn encode<T: Serialize>(message: &T, beside: JsValue) -> JsValue {
    let text = serde_json::to_string(message).expect("protocol types always serialise");
    let array = Array::new();
    array.push(&JsValue::from_str(&text));
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
    let text = array.get(0).as_string().ok_or(WireError::Shape)?;
    Ok((serde_json::from_str(&text)?, array.get(1)))
}
