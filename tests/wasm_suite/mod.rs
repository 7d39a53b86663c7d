//! The package's two halves together, the wasm steps and js/drive.js with the host's real
//! `fetch`, against the local Zoom simulator on 127.0.0.1; shared by the Node and the headless
//! Chromium suites. `scripts/wasm-tests.sh` starts the simulator and passes its address (and a
//! port nothing listens on) at compile time.

use js_sys::{Array, Object, Promise, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;
use zoom_gateway::steps;

const SIM: Option<&str> = option_env!("ZOOM_SIM_URL");
const CLOSED_PORT: Option<&str> = option_env!("ZOOM_CLOSED_PORT");

#[wasm_bindgen(module = "/js/drive.js")]
extern "C" {
    fn drive(gateway: &Object, event: &str, config: &str, fetch: &JsValue) -> Promise;
    fn exchange(fetch: &JsValue, step: &JsValue) -> Promise;
}

fn sim() -> &'static str {
    SIM.expect("ZOOM_SIM_URL is not set: run scripts/wasm-tests.sh, which starts the simulator")
}

fn config(timeout_ms: u32) -> String {
    json!({
        "ZOOM_CLIENT_ID": "sim-client-id",
        "ZOOM_CLIENT_SECRET": "sim-client-secret",
        "ZOOM_API_BASE": format!("{}/v2", sim()),
        "ZOOM_OAUTH_BASE": sim(),
        "ZOOM_TIMEOUT_MS": timeout_ms.to_string(),
    })
    .to_string()
}

fn js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).expect("JSON for JS")
}

fn rust(value: &JsValue) -> Value {
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .expect("a value JSON can write");
    serde_json::from_str(&text).expect("JSON")
}

/// A request to the simulator's control API, through the same `exchange` the steps use.
async fn control(path: &str, body: Value) -> Value {
    let step = json!({
        "fetch": format!("{}/_sim/{path}", sim()),
        "method": "POST",
        "headers": { "content-type": "application/json" },
        "body": body.to_string(),
        "timeout": 5_000,
        "keep": false,
    });
    let outcome = JsFuture::from(exchange(&JsValue::UNDEFINED, &js(&step)))
        .await
        .expect("exchange never rejects");
    let outcome = Array::from(&outcome);
    assert_eq!(
        outcome.get(0).as_f64(),
        Some(200.0),
        "the simulator answers its control API"
    );
    serde_json::from_str(&outcome.get(1).as_string().unwrap_or_default()).unwrap_or(Value::Null)
}

/// What the package's `handle` does: js/drive.js driving this module's steps.
async fn handle(event: Value, config: &str) -> Value {
    // The module's own exports, as the package's JS calls them.
    let start =
        Closure::<dyn Fn(String, Option<String>, f64) -> String>::new(zoom_gateway::wasm::start);
    let resume = Closure::<
        dyn Fn(f64, f64, i32, Option<String>, Option<String>, Option<String>, bool) -> String,
    >::new(zoom_gateway::wasm::resume);
    let gateway = Object::new();
    Reflect::set(&gateway, &"start".into(), start.as_ref()).expect("an object");
    Reflect::set(&gateway, &"resume".into(), resume.as_ref()).expect("an object");
    let envelope = JsFuture::from(drive(
        &gateway,
        &event.to_string(),
        config,
        &JsValue::UNDEFINED,
    ))
    .await
    .expect("drive resolves to the envelope");
    assert_eq!(steps::in_progress(), 0, "no call is left waiting");
    rust(&envelope)
}

async fn session() -> (String, String) {
    let pair = control("tokens", json!({})).await;
    let access = pair["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned();
    let refresh = pair["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_owned();
    (access, refresh)
}

async fn create_meeting(access: &str, refresh: &str) -> u64 {
    let envelope = handle(
        json!({ "APIName": "CREATE_MEETING", "body": {
            "token": access, "refresh_token": refresh,
            "topic": "wasm test", "type": 2, "start_time": "2030-01-02T10:00:00Z", "duration": 30 } }),
        &config(5_000),
    )
    .await;
    assert_eq!(envelope["error"], 0, "{envelope}");
    envelope["body"]["id"]
        .as_u64()
        .expect("a numeric meeting id")
}

#[wasm_bindgen_test]
async fn create_then_get_succeeds() {
    let (access, refresh) = session().await;
    let id = create_meeting(&access, &refresh).await;
    let envelope = handle(
        json!({ "APIName": "GET_MEETING", "body": { "token": access, "refresh_token": refresh, "meetingId": id } }),
        &config(5_000),
    )
    .await;
    assert_eq!(envelope["error"], 0, "{envelope}");
    assert_eq!(envelope["body"]["id"], id);
    assert_eq!(envelope["body"]["topic"], "wasm test");
    assert_eq!(envelope["token"]["updated"], false);
}

#[wasm_bindgen_test]
async fn edit_answers_204_and_succeeds() {
    let (access, refresh) = session().await;
    let id = create_meeting(&access, &refresh).await;
    let envelope = handle(
        json!({ "APIName": "EDIT_MEETING", "body": { "token": access, "meetingId": id.to_string(), "topic": "renamed" } }),
        &config(5_000),
    )
    .await;
    assert_eq!(envelope["error"], 0, "{envelope}");
    assert_eq!(envelope["body"], json!({}));
}

#[wasm_bindgen_test]
async fn expired_token_is_refreshed_and_the_call_retried() {
    let (access, refresh) = session().await;
    let id = create_meeting(&access, &refresh).await;
    control("expire", json!({ "access_token": access })).await;
    let envelope = handle(
        json!({ "APIName": "DELETE_MEETING", "body": { "token": access, "refresh_token": refresh, "meetingId": id } }),
        &config(5_000),
    )
    .await;
    assert_eq!(envelope["error"], 0, "{envelope}");
    assert_eq!(envelope["token"]["updated"], true);
    let new_access = envelope["token"]["access"].as_str().unwrap_or_default();
    let new_refresh = envelope["token"]["refresh"].as_str().unwrap_or_default();
    assert!(!new_access.is_empty() && new_access != access);
    assert!(!new_refresh.is_empty() && new_refresh != refresh);
}

#[wasm_bindgen_test]
async fn a_slow_zoom_times_out() {
    let (access, _) = session().await;
    control(
        "faults",
        json!({ "endpoint": "get", "kind": "delay", "delayMs": 3_000, "count": 1 }),
    )
    .await;
    let envelope = handle(
        json!({ "APIName": "GET_MEETING", "body": { "token": access, "meetingId": 85746065432_u64 } }),
        &config(300),
    )
    .await;
    assert_eq!(envelope["error"], 1, "{envelope}");
    assert!(
        envelope["msg"]
            .as_str()
            .unwrap_or_default()
            .contains("timeout"),
        "{envelope}"
    );
}

#[wasm_bindgen_test]
async fn a_refused_connection_is_a_network_error() {
    let port = CLOSED_PORT.expect("ZOOM_CLOSED_PORT is not set: run scripts/wasm-tests.sh");
    let config = json!({
        "ZOOM_API_BASE": format!("http://127.0.0.1:{port}/v2"),
        "ZOOM_TIMEOUT_MS": "3000",
    })
    .to_string();
    let envelope = handle(
        json!({ "APIName": "GET_MEETING", "body": { "token": "t", "meetingId": 1 } }),
        &config,
    )
    .await;
    assert_eq!(envelope["error"], 1, "{envelope}");
    assert!(
        envelope["msg"]
            .as_str()
            .unwrap_or_default()
            .contains("network error"),
        "{envelope}"
    );
}
