//! A [`Transport`] over the host's `fetch`, with a timer for each request.
//!
//! Everything is reached through `Reflect` and calls that catch, so a `config.fetch` that
//! returns something odd, or throws, becomes a network error rather than a trap.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::http::{HttpRequest, HttpResponse, Transport, TransportError};

/// Answers larger than this are refused unread; a meeting with every occurrence is far smaller.
const MAX_ANSWER_BYTES: u64 = 16 * 1024 * 1024;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &Object) -> Result<Promise, JsValue>;

    // Timer handles stay `JsValue`: Node returns objects, browsers and workerd numbers.
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;

    #[wasm_bindgen(js_name = AbortController)]
    type AbortController;

    #[wasm_bindgen(catch, constructor, js_class = AbortController)]
    fn new() -> Result<AbortController, JsValue>;

    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> JsValue;

    #[wasm_bindgen(catch, method)]
    fn abort(this: &AbortController) -> Result<(), JsValue>;
}

/// Sends requests with the global `fetch`, or with the caller's own function.
pub struct FetchTransport {
    custom: Option<Function>,
}

impl FetchTransport {
    /// A transport over `custom`, or over the global `fetch` when `None`.
    pub fn new(custom: Option<Function>) -> Self {
        Self { custom }
    }

    fn start(&self, request: &HttpRequest, init: &Object) -> Result<Promise, JsValue> {
        match &self.custom {
            Some(fetch) => fetch
                .call2(&JsValue::UNDEFINED, &JsValue::from_str(&request.url), init)
                .map(|answer| Promise::resolve(&answer)),
            None => global_fetch(&request.url, init),
        }
    }
}

/// A timer that resolves a promise with `marker` after `ms`.
struct Deadline {
    promise: Promise,
    marker: Object,
    handle: JsValue,
}

impl Deadline {
    fn start(ms: u32) -> Self {
        let marker = Object::new();
        let mut handle = JsValue::UNDEFINED;
        let promise = Promise::new(&mut |resolve: Function, _reject: Function| {
            let fire: Function = resolve.bind1(&JsValue::NULL, &marker).unchecked_into();
            handle = set_timeout(&fire, f64::from(ms)).unwrap_or(JsValue::UNDEFINED);
        });
        Self {
            promise,
            marker,
            handle,
        }
    }

    /// Awaits `work` unless the deadline passes first; `Ok(None)` means it passed.
    async fn race(&self, work: &Promise) -> Result<Option<JsValue>, JsValue> {
        let both = Array::of2(work, &self.promise);
        let value = JsFuture::from(Promise::race(&both)).await?;
        if Object::is(&value, &self.marker) {
            Ok(None)
        } else {
            Ok(Some(value))
        }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        let _ = clear_timeout(&self.handle);
    }
}

impl Transport for FetchTransport {
    async fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: u32,
    ) -> Result<HttpResponse, TransportError> {
        let controller = AbortController::new().ok();
        let init = request_init(request, controller.as_ref()).map_err(network)?;
        let deadline = Deadline::start(timeout_ms);
        let timed_out = || {
            if let Some(controller) = &controller {
                let _ = controller.abort();
            }
            TransportError::Timeout
        };

        let pending = self.start(request, &init).map_err(network)?;
        let answer = deadline
            .race(&pending)
            .await
            .map_err(network)?
            .ok_or_else(timed_out)?;

        let status = get(&answer, "status")
            .ok()
            .and_then(|s| s.as_f64())
            .filter(|s| (100.0..=599.0).contains(s))
            .ok_or_else(|| {
                TransportError::Network("fetch gave something that is not a Response".into())
            })?;
        let header = |name: &str| read_header(&answer, name);
        if header("content-length")
            .and_then(|len| len.trim().parse::<u64>().ok())
            .is_some_and(|len| len > MAX_ANSWER_BYTES)
        {
            return Err(TransportError::Network("the answer is too large".into()));
        }

        let reading = call_method(&answer, "text")
            .map(|text| Promise::resolve(&text))
            .map_err(network)?;
        let body = deadline
            .race(&reading)
            .await
            .map_err(network)?
            .ok_or_else(timed_out)?;

        Ok(HttpResponse {
            status: status as u16,
            retry_after: header("retry-after"),
            rate_limit_type: header("x-ratelimit-type"),
            body: body.as_string().unwrap_or_default(),
        })
    }

    async fn sleep(&self, ms: u32) {
        let wait = Promise::new(&mut |resolve: Function, _reject: Function| {
            if set_timeout(&resolve, f64::from(ms)).is_err() {
                let _ = resolve.call0(&JsValue::NULL);
            }
        });
        let _ = JsFuture::from(wait).await;
    }

    fn now_ms(&self) -> f64 {
        date_now()
    }
}

fn request_init(
    request: &HttpRequest,
    controller: Option<&AbortController>,
) -> Result<Object, JsValue> {
    let init = Object::new();
    let headers = Object::new();
    for (name, value) in &request.headers {
        Reflect::set(
            &headers,
            &JsValue::from_str(name),
            &JsValue::from_str(value),
        )?;
    }
    Reflect::set(&init, &"method".into(), &request.method.as_str().into())?;
    Reflect::set(&init, &"headers".into(), &headers)?;
    // Zoom's API does not redirect; following one could carry the token to another host.
    Reflect::set(&init, &"redirect".into(), &"manual".into())?;
    if let Some(body) = &request.body {
        Reflect::set(&init, &"body".into(), &JsValue::from_str(body))?;
    }
    if let Some(controller) = controller {
        Reflect::set(&init, &"signal".into(), &controller.signal())?;
    }
    Ok(init)
}

fn get(target: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    if target.is_object() {
        Reflect::get(target, &JsValue::from_str(key))
    } else {
        Err(JsValue::from_str("not an object"))
    }
}

fn call_method(target: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    let method: Function = get(target, name)?.dyn_into()?;
    method.call0(target)
}

fn read_header(answer: &JsValue, name: &str) -> Option<String> {
    let headers = get(answer, "headers").ok()?;
    let lookup: Function = get(&headers, "get").ok()?.dyn_into().ok()?;
    lookup
        .call1(&headers, &JsValue::from_str(name))
        .ok()?
        .as_string()
}

/// Describes a JS error by its name, message and cause's code; never by the request.
fn network(error: JsValue) -> TransportError {
    let text = |value: &JsValue, key: &str| get(value, key).ok().and_then(|v| v.as_string());
    let name = text(&error, "name").unwrap_or_else(|| "Error".to_owned());
    let message = text(&error, "message")
        .or_else(|| error.as_string())
        .unwrap_or_default();
    let cause = get(&error, "cause")
        .ok()
        .and_then(|cause| text(&cause, "code").or_else(|| text(&cause, "message")));
    let mut detail = format!("{name}: {message}");
    if let Some(cause) = cause {
        detail.push_str(&format!(" ({cause})"));
    }
    // The flow redacts, then cuts to length; this only bounds what a hostile error can make.
    TransportError::Network(crate::secret::clip(&detail, 4096).to_owned())
}
