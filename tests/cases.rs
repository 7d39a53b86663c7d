//! Every situation in the shared cases file, run through the flow over a scripted transport.
//!
//! The cases are read from `../shared/cases/cases.json` when it is there (it may gain cases),
//! else from the copy in `tests/fixtures/`.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeMap;

use common::{matches_subset, Script};
use serde_json::Value;
use zoom_gateway::{HttpRequest, HttpResponse};

fn load_cases() -> Value {
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/cases/cases.json");
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cases.json");
    let text = std::fs::read_to_string(shared)
        .or_else(|_| std::fs::read_to_string(fixture))
        .expect("cases.json is readable");
    serde_json::from_str(&text).expect("cases.json is JSON")
}

fn response(respond: &Value) -> HttpResponse {
    let status = respond["status"].as_u64().expect("status") as u16;
    let body = match (&respond["json"], &respond["text"]) {
        (Value::Null, Value::String(text)) => text.clone(),
        (json, _) if !json.is_null() => json.to_string(),
        _ => String::new(),
    };
    let header = |name: &str| {
        respond["headers"]
            .as_object()
            .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
            .and_then(|(_, v)| v.as_str())
            .map(str::to_owned)
    };
    HttpResponse {
        status,
        retry_after: header("retry-after"),
        rate_limit_type: header("x-ratelimit-type"),
        body,
        kept: false,
    }
}

fn split_url(url: &str) -> (&str, BTreeMap<String, String>) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let pairs = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    (path, pairs)
}

/// Checks one sent request against a case's `expect`; returns what differs.
fn check_request(expect: &Value, sent: &HttpRequest) -> Vec<String> {
    let mut problems = Vec::new();
    if expect["method"].as_str() != Some(sent.method.as_str()) {
        problems.push(format!(
            "method {} != {}",
            sent.method.as_str(),
            expect["method"]
        ));
    }
    let (path, query) = split_url(&sent.url);
    if expect["url"].as_str() != Some(path) {
        problems.push(format!("url {path} != {}", expect["url"]));
    }
    let want_query: BTreeMap<String, String> = expect["query"]
        .as_object()
        .map(|q| {
            q.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    if want_query != query {
        problems.push(format!("query {query:?} != {want_query:?}"));
    }
    if let Some(headers) = expect["headers"].as_object() {
        for (name, value) in headers {
            if sent.header(name) != value.as_str() {
                problems.push(format!("header {name} differs"));
            }
        }
    }
    if !expect["json"].is_null() {
        let body: Value = sent
            .body
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
            .unwrap_or(Value::Null);
        if body != expect["json"] {
            problems.push(format!("json body {body} != {}", expect["json"]));
        }
    }
    if let Some(form) = expect["form"].as_object() {
        let sent_form: BTreeMap<String, String> =
            form_urlencoded::parse(sent.body.as_deref().unwrap_or_default().as_bytes())
                .into_owned()
                .collect();
        for (name, value) in form {
            if sent_form.get(name).map(String::as_str) != value.as_str() {
                problems.push(format!("form field {name} differs"));
            }
        }
    }
    problems
}

fn check_envelope(want: &Value, envelope: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut want = want.clone();
    if let Some(needle) = want.as_object_mut().and_then(|w| w.remove("msg_contains")) {
        let needle = needle.as_str().unwrap_or_default().to_lowercase();
        let msg = envelope["msg"].as_str().unwrap_or_default().to_lowercase();
        if !msg.contains(&needle) {
            problems.push(format!("msg {msg:?} lacks {needle:?}"));
        }
    }
    if !matches_subset(&want, envelope) {
        problems.push(format!("envelope {envelope} does not match {want}"));
    }
    // Contract shape: a code from 0 to 3 and a string msg, always.
    if envelope["error"].as_u64().is_none_or(|c| c > 3) || !envelope["msg"].is_string() {
        problems.push("envelope lacks error or msg".to_owned());
    }
    problems
}

#[test]
fn every_shared_case_gives_its_envelope() {
    let cases = load_cases();
    // Each case is its own session; within one process the gateway would otherwise hand a
    // pair refreshed by an earlier case to a later one that presents the same refresh token.
    let mut config = cases["config"].clone();
    config["ZOOM_REFRESH_REUSE_MS"] = "0".into();
    let config = config.to_string();
    let list = cases["cases"].as_array().expect("cases is a list");
    assert!(list.len() >= 16, "the shared file has at least 16 cases");
    let mut failures = Vec::new();

    for case in list {
        let id = case["id"].as_str().unwrap_or("?");
        let exchanges = case["zoom"].as_array().cloned().unwrap_or_default();
        let mut script = Script::new(exchanges.iter().map(|x| Ok(response(&x["respond"]))));
        script.repeat_last = case["zoom_may_repeat_last"].as_bool().unwrap_or(false);

        let event = case["event"].to_string();
        let envelope_text = pollster::block_on(zoom_gateway::handle_json(&event, &config, &script));
        let envelope: Value = serde_json::from_str(&envelope_text).expect("envelope is JSON");

        let mut problems = check_envelope(&case["envelope"], &envelope);
        let sent = script.sent();
        let allowed = if script.repeat_last {
            usize::MAX
        } else {
            exchanges.len()
        };
        if sent.len() < exchanges.len() || sent.len() > allowed {
            problems.push(format!(
                "sent {} requests, expected {}",
                sent.len(),
                exchanges.len()
            ));
        }
        for (i, request) in sent.iter().enumerate() {
            let expect = exchanges.get(i).or(exchanges.last()).map(|x| &x["expect"]);
            if let Some(expect) = expect {
                problems.extend(
                    check_request(expect, request)
                        .into_iter()
                        .map(|p| format!("request {i}: {p}")),
                );
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{id}: {}", problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "cases failed:\n{}",
        failures.join("\n")
    );
}
