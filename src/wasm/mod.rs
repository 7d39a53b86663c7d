//! The JS boundary: the flow's steps (see [`crate::steps`]) as two exports, which the npm
//! package's `handle` drives with `fetch`.

use wasm_bindgen::prelude::*;

use crate::steps::{self, Outcome};

/// Begins a call: an event and settings as JSON text (`undefined`: the same settings as the
/// call before), and the host's clock (`Date.now()`). Returns the first step as JSON text: a
/// request to send, a pause, or the envelope.
#[wasm_bindgen]
pub fn start(event: String, config: Option<String>, now: f64) -> String {
    steps::start(event, config, now)
}

/// Hands call `call` the outcome of its last step (see [`Outcome`]) and the host's clock.
/// Returns the next step as JSON text.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn resume(
    call: f64,
    now: f64,
    status: i32,
    text: Option<String>,
    retry_after: Option<String>,
    rate_limit_type: Option<String>,
    kept: bool,
) -> String {
    let outcome = Outcome {
        status,
        text,
        retry_after,
        rate_limit_type,
        kept,
    };
    steps::resume(call, now, outcome)
}
