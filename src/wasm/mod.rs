//! The JS boundary: the export the npm package wraps, and a transport over `fetch`.

mod fetch;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub use fetch::FetchTransport;

/// Handles an event and settings given as JSON text; resolves to the envelope as JSON text.
/// `fetch`, when a function, replaces the global `fetch`. The package's `handle` wraps this.
#[wasm_bindgen(js_name = handleJson)]
pub async fn handle_json(event: String, config: String, fetch: JsValue) -> String {
    let transport = FetchTransport::new(fetch.dyn_into::<Function>().ok());
    crate::handle_json(&event, &config, &transport).await
}
