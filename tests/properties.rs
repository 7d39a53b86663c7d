//! Generated events: whatever arrives, the flow answers with an envelope whose code is 0 to 3,
//! makes no request for an event it refuses, and never panics. 100,000 events a run by
//! default (`PROPTEST_CASES` changes it).

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{Answer, Script};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};
use serde_json::{json, Map, Value};
use zoom_gateway::{flow, Config, HttpResponse, TransportError};

const API_NAMES: [&str; 5] = [
    "GET_ACCESS_TOKEN",
    "CREATE_MEETING",
    "GET_MEETING",
    "EDIT_MEETING",
    "DELETE_MEETING",
];

/// Keys the gateway reads, mixed with others, so generated objects hit real rules.
const KEYS: [&str; 24] = [
    "token",
    "refresh_token",
    "meetingId",
    "userId",
    "occurrence_id",
    "code",
    "redirect_uri",
    "code_verifier",
    "grant_type",
    "topic",
    "type",
    "start_time",
    "duration",
    "timezone",
    "password",
    "agenda",
    "schedule_for",
    "recurrence",
    "settings",
    "weekly_days",
    "end_times",
    "__proto__",
    "constructor",
    "ünïcödé",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z0-9]{1,12}".prop_map(String::from),
        any::<String>(),
        prop::collection::vec(any::<char>(), 0..300).prop_map(|c| c.into_iter().collect()),
        (1usize..5_000).prop_map(|n| "é".repeat(n)),
        Just("85746065432/../../users/me".to_owned()),
        Just("acc\r\nX-Injected: 1".to_owned()),
        Just("2026-12-10T15:00:00Z".to_owned()),
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e300f64..1e300).prop_map(Value::from),
        (0u64..100).prop_map(Value::from),
        text().prop_map(Value::String),
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(&KEYS[..]), inner), 0..8).prop_map(
                |pairs| {
                    Value::Object(
                        pairs
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect::<Map<_, _>>(),
                    )
                }
            ),
        ]
    })
}

/// A valid event of each API.
fn template(api: &str) -> Value {
    let body = match api {
        "GET_ACCESS_TOKEN" => json!({ "code": "code-1", "redirect_uri": "https://a.example/cb" }),
        "CREATE_MEETING" => {
            json!({ "token": "acc", "refresh_token": "ref", "topic": "T", "type": 8,
            "start_time": "2026-12-10T15:00:00Z", "duration": 30, "timezone": "UTC", "password": "abc",
            "recurrence": { "type": 2, "weekly_days": "2,4", "end_times": 3 } })
        }
        "EDIT_MEETING" => {
            json!({ "token": "acc", "refresh_token": "ref", "meetingId": 85746065432_u64, "agenda": "A" })
        }
        _ => {
            json!({ "token": "acc", "refresh_token": "ref", "meetingId": "85746065432", "occurrence_id": "1" })
        }
    };
    json!({ "APIName": api, "body": body })
}

/// A valid event with one field replaced, removed or added.
fn near_valid() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(&API_NAMES[..]),
        prop::sample::select(&KEYS[..]),
        any_json(),
        0u8..3,
    )
        .prop_map(|(api, key, value, how)| {
            let mut event = template(api);
            if let Some(body) = event.get_mut("body").and_then(Value::as_object_mut) {
                match how {
                    0 => {
                        body.remove(key);
                    }
                    _ => {
                        body.insert(key.to_owned(), value);
                    }
                }
            }
            event
        })
}

/// Event text, including some that is not JSON or nests very deeply.
fn event_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => near_valid().prop_map(|v| v.to_string()),
        2 => (prop::sample::select(&API_NAMES[..]), any_json())
            .prop_map(|(api, body)| json!({ "APIName": api, "body": body }).to_string()),
        1 => any_json().prop_map(|v| v.to_string()),
        1 => any::<String>(),
        1 => (1usize..3_000, prop::sample::select(&API_NAMES[..])).prop_map(|(depth, api)| {
            format!(r#"{{"APIName":"{api}","body":{{"token":"t","settings":{}0{}}}}}"#, "[".repeat(depth), "]".repeat(depth))
        }),
    ]
}

/// What Zoom answers, whatever was asked.
fn zoom_answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        Just(Ok(HttpResponse::new(
            200,
            r#"{"id":85746065432,"big":12345678901234567890}"#
        ))),
        Just(Ok(HttpResponse::new(201, r#"{"id":1}"#))),
        Just(Ok(HttpResponse::new(204, ""))),
        Just(Ok(HttpResponse::new(
            200,
            r#"{"access_token":"a2","refresh_token":"r2"}"#
        ))),
        Just(Ok(HttpResponse::new(
            401,
            r#"{"code":124,"message":"Invalid access token."}"#
        ))),
        Just(Ok(HttpResponse::new(
            400,
            r#"{"reason":"Invalid Token!","error":"invalid_grant"}"#
        ))),
        Just(Ok(HttpResponse::new(
            429,
            r#"{"code":429,"message":"slow down"}"#
        ))),
        Just(Err(TransportError::Timeout)),
        Just(Err(TransportError::Network("reset".into()))),
        (100u16..600, any::<String>())
            .prop_map(|(status, body)| Ok(HttpResponse::new(status, body))),
    ]
}

fn check(event: &str, answers: Vec<Answer>) -> Result<(), TestCaseError> {
    let config = Config::default()
        .with_client("client-id", "client-secret")
        .with_redirect_uri("https://a.example/cb");
    let mut script = Script::new(answers);
    script.repeat_last = true;
    let text = pollster::block_on(zoom_gateway::handle_json(event, "{}", &script));
    let envelope: Value = serde_json::from_str(&text)
        .map_err(|e| TestCaseError::fail(format!("envelope is not JSON: {e}: {text}")))?;
    let code = envelope["error"].as_u64().unwrap_or(99);
    prop_assert!(code <= 3, "code {code}");
    prop_assert!(envelope["msg"].is_string());
    prop_assert!(envelope["body"].is_object());
    prop_assert!(!text.contains("client-secret"));
    if code == 3 {
        prop_assert!(script.sent().is_empty(), "a refused event made a request");
    }
    for request in script.sent() {
        if request.header("content-type") == Some("application/json") {
            let body = request.body.as_deref().unwrap_or_default();
            prop_assert!(
                serde_json::from_str::<Value>(body).is_ok(),
                "the body sent to Zoom is not JSON: {}",
                body
            );
        }
    }

    // The same event with a configured client also answers, within three attempts a request.
    let script = Script::new(vec![Ok(HttpResponse::new(401, "{}"))]);
    let envelope = pollster::block_on(flow::handle(event, &config, &script));
    prop_assert!((envelope.code as u8) <= 3);
    prop_assert!(script.sent().len() <= 9);
    Ok(())
}

#[test]
fn every_generated_event_gets_an_envelope() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let mut runner = TestRunner::new(RunnerConfig {
        cases,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    let strategy = (event_text(), prop::collection::vec(zoom_answer(), 1..4));
    runner
        .run(&strategy, |(event, answers)| check(&event, answers))
        .unwrap();
}
