//! The real `fetch` transport against the local Zoom simulator on 127.0.0.1, shared by the
//! Node and the headless Chromium suites. `scripts/wasm-tests.sh` starts the simulator and
//! passes its address (and a port nothing listens on) at compile time.

use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;
use zoom_gateway::wasm::FetchTransport;
use zoom_gateway::{HttpRequest, Method, Transport};

const SIM: Option<&str> = option_env!("ZOOM_SIM_URL");
const CLOSED_PORT: Option<&str> = option_env!("ZOOM_CLOSED_PORT");

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

async fn control(path: &str, body: Value) -> Value {
    let request = HttpRequest {
        method: Method::Post,
        url: format!("{}/_sim/{path}", sim()),
        headers: vec![("content-type", "application/json".to_owned())],
        body: Some(body.to_string()),
        answer_to_caller: false,
    };
    let response = FetchTransport::new(None)
        .send(&request, 5_000)
        .await
        .expect("the simulator answers its control API");
    serde_json::from_str(&response.body).unwrap_or(Value::Null)
}

/// What the package's `handle` does: the envelope, with the answer the transport kept on
/// the JS side put in its `body`.
async fn handle(event: Value, config: &str) -> Value {
    let transport = FetchTransport::new(None);
    let text = zoom_gateway::handle_json(&event.to_string(), config, &transport).await;
    let mut envelope: Value = serde_json::from_str(&text).expect("the envelope is JSON");
    let kept = transport.kept_answer();
    if !kept.is_undefined() {
        let kept = js_sys::JSON::stringify(&kept)
            .ok()
            .and_then(|text| text.as_string())
            .expect("the kept answer is JSON");
        envelope["body"] = serde_json::from_str(&kept).expect("the kept answer is JSON");
    }
    envelope
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
