//! A [`Transport`] over the host's `fetch`, with a timer for each request.
//!
//! The exchange itself is one small JS function (`exchange.js`): building the request, racing
//! the timer, reading the status, headers and body cost dozens of calls across the boundary
//! when made from Rust one by one. It never throws; whatever `config.fetch` does, the answer
//! is an array read here with checks, so odd values become network errors, not traps.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::http::{HttpRequest, HttpResponse, Transport, TransportError};

#[wasm_bindgen(module = "/src/wasm/exchange.js")]
extern "C" {
    fn exchange(
        fetch: &JsValue,
        url: &str,
        method: &str,
        headers: &Object,
        body: Option<String>,
        timeout_ms: u32,
        keep: bool,
        holder: &Object,
    ) -> Promise;

    fn sleep(ms: u32) -> Promise;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// Sends requests with the global `fetch`, or with the caller's own function.
pub struct FetchTransport {
    custom: JsValue,
    kept: Object,
}

impl FetchTransport {
    /// A transport over `custom`, or over the global `fetch` when `None`.
    pub fn new(custom: Option<Function>) -> Self {
        Self {
            custom: custom.map_or(JsValue::UNDEFINED, JsValue::from),
            kept: Object::new(),
        }
    }

    /// The answer kept on the JS side for the caller, if one was (see `exchange.js`).
    pub fn kept_answer(&self) -> JsValue {
        Reflect::get(&self.kept, &JsValue::from_str("body")).unwrap_or(JsValue::UNDEFINED)
    }
}

impl Transport for FetchTransport {
    async fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: u32,
    ) -> Result<HttpResponse, TransportError> {
        let headers = Object::new();
        for (name, value) in &request.headers {
            Reflect::set(
                &headers,
                &JsValue::from_str(name),
                &JsValue::from_str(value),
            )
            .map_err(|_| {
                TransportError::Network("the request's headers could not be set".into())
            })?;
        }
        let pending = exchange(
            &self.custom,
            &request.url,
            request.method.as_str(),
            &headers,
            request.body.clone(),
            timeout_ms,
            request.answer_to_caller,
            &self.kept,
        );
        let outcome: Array = match JsFuture::from(pending).await {
            Ok(outcome) => outcome.into(),
            Err(_) => return Err(TransportError::Network("the exchange failed".into())),
        };

        let text = |i: u32| outcome.get(i).as_string();
        match outcome.get(0).as_f64() {
            Some(status) if (100.0..=599.0).contains(&status) => Ok(HttpResponse {
                status: status as u16,
                body: text(1).unwrap_or_default(),
                retry_after: text(2),
                rate_limit_type: text(3),
                kept: outcome.get(4).as_bool() == Some(true),
            }),
            Some(0.0) => Err(TransportError::Timeout),
            _ => Err(TransportError::Network(
                text(1).unwrap_or_else(|| "Error: fetch failed".to_owned()),
            )),
        }
    }

    async fn sleep(&self, ms: u32) {
        let _ = JsFuture::from(sleep(ms)).await;
    }

    fn now_ms(&self) -> f64 {
        date_now()
    }
}
