//! zoom-gateway: create, read, edit and delete Zoom meetings and sign users in with Zoom
//! OAuth through one call, `handle(event, config)`, that always answers with the same small
//! envelope and refreshes expired tokens by itself.
//!
//! The flow is plain Rust over a [`http::Transport`]; the `wasm` module supplies a `fetch`
//! transport and the export that the npm package wraps. See README.md for the contract.

#![warn(missing_docs)]

pub mod config;
pub mod envelope;
pub mod event;
pub mod flow;
pub mod http;
pub mod json;
mod renewal;
mod rules;
pub mod secret;
pub mod steps;
pub mod zoom;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use std::cell::RefCell;
use std::rc::Rc;

pub use config::Config;
pub use envelope::{Code, Envelope};
pub use http::{HttpRequest, HttpResponse, Method, Transport, TransportError};

/// Handles an event and settings given as JSON text, and returns the envelope as JSON text.
/// Never fails: every problem becomes an envelope.
pub async fn handle_json<T: Transport>(
    event_json: &str,
    config_json: &str,
    transport: &T,
) -> String {
    match settings(Some(config_json)) {
        Ok(config) => flow::handle(event_json, &config, transport).await.to_json(),
        Err(msg) => Envelope::invalid(msg).to_json(),
    }
}

pub(crate) type Settings = Result<Rc<Config>, String>;

thread_local! {
    /// The settings last read, by their text: a deployment passes the same ones every call.
    static LAST_SETTINGS: RefCell<Option<(String, Settings)>> = const { RefCell::new(None) };
}

/// The settings in `config_json`, or with `None` those of the call before (the package's JS
/// passes none when they are unchanged, sparing the copy and the comparison).
pub(crate) fn settings(config_json: Option<&str>) -> Settings {
    // `try_*` forms: a cache out of reach only means reading the settings again.
    let known = LAST_SETTINGS
        .try_with(|last| match (last.try_borrow().as_deref(), config_json) {
            (Ok(Some((text, settings))), Some(given)) if text == given => Some(settings.clone()),
            (Ok(Some((_, settings))), None) => Some(settings.clone()),
            _ => None,
        })
        .ok()
        .flatten();
    if let Some(settings) = known {
        return settings;
    }
    let Some(config_json) = config_json else {
        return Err("config: none given, and none from an earlier call".to_owned());
    };
    let settings = Config::from_json(config_json).map(Rc::new);
    let _ = LAST_SETTINGS.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = Some((config_json.to_owned(), settings.clone()));
        }
    });
    settings
}
