//! The JS boundary: the export the npm package wraps, and a transport over `fetch`.

mod fetch;

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub use fetch::FetchTransport;

/// Handles an event and settings given as JSON text; resolves to `[envelope, kept]`: the
/// envelope as JSON text and, when the transport kept Zoom's answer on the JS side, that
/// answer, which belongs in the envelope's `body`. `fetch`, when a function, replaces the
/// global `fetch`. The package's `handle` wraps this.
#[wasm_bindgen(js_name = handleJson)]
pub async fn handle_json(event: String, config: String, fetch: JsValue) -> Array {
    let transport = FetchTransport::new(fetch.dyn_into::<Function>().ok());
    let envelope = crate::handle_json(&event, &config, &transport).await;
    Array::of2(&JsValue::from_str(&envelope), &transport.kept_answer())
}
