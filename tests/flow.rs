//! The contract's code table, row by row, over a scripted transport.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{Answer, Script};
use serde_json::{json, Value};
use zoom_gateway::{flow, Config, HttpResponse, Method, TransportError};

const MEETING: &str =
    r#"{"id":85746065432,"topic":"Review","join_url":"https://zoom.us/j/85746065432"}"#;
const NEW_PAIR: &str = r#"{"access_token":"acc-new","refresh_token":"ref-new","expires_in":3599,"token_type":"bearer"}"#;

fn config() -> Config {
    Config::default().with_client("client-id", "client-secret")
}

fn run(event: Value, script: &Script) -> Value {
    run_with(event, script, &config())
}

fn run_with(event: Value, script: &Script, config: &Config) -> Value {
    let envelope = pollster::block_on(flow::handle(&event.to_string(), config, script));
    serde_json::from_str(&envelope.to_json()).expect("the envelope is JSON")
}

fn get(token: &str, refresh: Option<&str>) -> Value {
    let mut body = json!({ "token": token, "meetingId": "85746065432" });
    if let Some(refresh) = refresh {
        body["refresh_token"] = json!(refresh);
    }
    json!({ "APIName": "GET_MEETING", "body": body })
}

fn create() -> Value {
    json!({ "APIName": "CREATE_MEETING", "body": { "token": "acc-1", "refresh_token": "ref-1", "topic": "Review" } })
}

fn with_header(status: u16, body: &str, retry_after: Option<&str>, kind: Option<&str>) -> Answer {
    Ok(HttpResponse {
        status,
        retry_after: retry_after.map(str::to_owned),
        rate_limit_type: kind.map(str::to_owned),
        body: body.to_owned(),
        kept: false,
    })
}

fn unchanged() -> Value {
    json!({ "updated": false, "access": "", "refresh": "" })
}

// ---- 0: success

#[test]
fn create_returns_zooms_meeting() {
    let script = Script::new([Script::status(201, MEETING)]);
    let envelope = run(create(), &script);
    assert_eq!(envelope["error"], 0);
    assert_eq!(
        envelope["body"]["join_url"],
        "https://zoom.us/j/85746065432"
    );
    assert_eq!(envelope["token"], unchanged());
    let sent = script.sent();
    assert_eq!(sent[0].method, Method::Post);
    assert_eq!(sent[0].body.as_deref(), Some(r#"{"topic":"Review"}"#));
}

#[test]
fn edit_and_delete_answer_an_empty_body() {
    for (api, status) in [
        ("EDIT_MEETING", 204),
        ("DELETE_MEETING", 204),
        ("EDIT_MEETING", 200),
    ] {
        let script = Script::new([Script::status(status, "")]);
        let event =
            json!({ "APIName": api, "body": { "token": "t", "meetingId": 1, "topic": "x" } });
        let envelope = run(event, &script);
        assert_eq!(envelope["error"], 0, "{api} {status}");
        assert_eq!(envelope["body"], json!({}));
    }
}

// ---- 1: API errors

#[test]
fn zoom_refusals_are_code_1_with_zooms_words() {
    let cases = [
        (
            404,
            r#"{"code":3001,"message":"Meeting 1 is not found or has expired."}"#,
            Some(3001),
        ),
        (
            400,
            r#"{"code":3161,"message":"Meeting hosting and scheduling capabilities are not allowed for your user account."}"#,
            Some(3161),
        ),
        (403, r#"{"code":200,"message":"No permission."}"#, Some(200)),
        (
            400,
            r#"{"code":4700,"message":"Invalid access token, does not contain scopes:[meeting:read]."}"#,
            Some(4700),
        ),
        (
            400,
            r#"{"code":4711,"message":"Invalid access token, does not contain scopes:[meeting:read]."}"#,
            Some(4711),
        ),
    ];
    for (status, body, code) in cases {
        let script = Script::new([Script::status(status, body)]);
        let envelope = run(get("acc-1", Some("ref-1")), &script);
        assert_eq!(envelope["error"], 1, "{body}");
        assert_eq!(envelope["zoom"]["status"], status);
        assert_eq!(envelope["zoom"]["code"], json!(code));
        assert_eq!(envelope["body"], json!({}));
        // No refresh for any of them, scopes included.
        assert_eq!(script.sent().len(), 1, "{body}");
    }
}

#[test]
fn a_get_is_retried_after_5xx_and_a_create_is_not() {
    let script = Script::new([Script::status(503, "busy"), Script::status(200, MEETING)]);
    assert_eq!(run(get("acc-1", None), &script)["error"], 0);
    assert_eq!(script.sent().len(), 2);
    assert_eq!(*script.slept_ms.borrow(), vec![200]);

    let script = Script::new([Script::status(503, "busy"), Script::status(201, MEETING)]);
    let envelope = run(create(), &script);
    assert_eq!(envelope["error"], 1);
    assert_eq!(envelope["zoom"]["status"], 503);
    assert_eq!(script.sent().len(), 1);
}

#[test]
fn retries_stop_after_three_attempts() {
    let mut script = Script::new([Script::status(500, r#"{"code":500,"message":"oops"}"#)]);
    script.repeat_last = true;
    let envelope = run(get("acc-1", None), &script);
    assert_eq!(envelope["error"], 1);
    assert_eq!(script.sent().len(), 3);
    assert_eq!(*script.slept_ms.borrow(), vec![200, 400]);
}

#[test]
fn network_failures_and_timeouts_say_which() {
    let script = Script::new([Err(TransportError::Timeout)]);
    let envelope = run(create(), &script);
    assert_eq!(envelope["error"], 1);
    assert!(envelope["msg"].as_str().unwrap().contains("timeout"));

    let refused = || {
        Err(TransportError::Network(
            "TypeError: fetch failed (ECONNREFUSED)".into(),
        ))
    };
    let script = Script::new([refused(), refused(), refused()]);
    let envelope = run(get("acc-1", None), &script);
    assert_eq!(envelope["error"], 1);
    assert!(envelope["msg"].as_str().unwrap().contains("ECONNREFUSED"));
    assert_eq!(script.sent().len(), 3);
}

#[test]
fn a_body_that_is_not_json_is_code_1() {
    let script = Script::new([Script::status(200, "<html>hello</html>")]);
    let envelope = run(get("acc-1", None), &script);
    assert_eq!(envelope["error"], 1);
    assert!(envelope["msg"]
        .as_str()
        .unwrap()
        .contains("not a JSON object"));
}

#[test]
fn per_second_429_waits_as_told_even_for_a_create() {
    let script = Script::new([
        with_header(
            429,
            r#"{"code":429,"message":"You have reached the maximum per-second rate limit for this API."}"#,
            Some("1"),
            Some("QPS"),
        ),
        Script::status(201, MEETING),
    ]);
    let envelope = run(create(), &script);
    assert_eq!(envelope["error"], 0);
    assert_eq!(*script.slept_ms.borrow(), vec![1000]);
}

#[test]
fn retry_after_as_an_http_date() {
    let script = Script::new([
        with_header(429, "{}", Some("Sun, 06 Nov 1994 08:49:37 GMT"), None),
        Script::status(200, MEETING),
    ]);
    assert_eq!(run(get("acc-1", None), &script)["error"], 0);
    // A date in the past means: go now.
    assert_eq!(*script.slept_ms.borrow(), vec![0]);
}

#[test]
fn the_daily_limit_is_not_retried_and_says_when_it_resets() {
    let script = Script::new([with_header(
        429,
        r#"{"code":429,"message":"You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00."}"#,
        None,
        Some("Daily-limit"),
    )]);
    let envelope = run(create(), &script);
    assert_eq!(envelope["error"], 1);
    assert!(envelope["msg"].as_str().unwrap().contains("00:00 UTC"));
    assert_eq!(script.sent().len(), 1);
}

#[test]
fn a_refused_code_is_code_1_and_the_code_is_not_echoed() {
    let script = Script::new([Script::status(
        400,
        r#"{"reason":"Invalid authorization code code-4321","error":"invalid_request"}"#,
    )]);
    let event = json!({ "APIName": "GET_ACCESS_TOKEN", "body": { "code": "code-4321", "redirect_uri": "https://app.example/cb" } });
    let envelope = run(event, &script);
    assert_eq!(envelope["error"], 1);
    assert!(!envelope.to_string().contains("code-4321"));
}

// ---- 2: the session is over

#[test]
fn rejected_token_without_refresh_token_is_fatal() {
    let script = Script::new([Script::status(
        401,
        r#"{"code":124,"message":"Invalid access token."}"#,
    )]);
    let envelope = run(get("acc-1", None), &script);
    assert_eq!(envelope["error"], 2);
    assert_eq!(envelope["token"], unchanged());
}

#[test]
fn refused_refresh_token_is_fatal_without_a_loop() {
    let script = Script::new([
        Script::status(401, r#"{"code":124,"message":"Access token is expired."}"#),
        Script::status(
            400,
            r#"{"reason":"Invalid Token!","error":"invalid_grant"}"#,
        ),
    ]);
    let envelope = run(get("acc-1", Some("ref-used")), &script);
    assert_eq!(envelope["error"], 2);
    assert_eq!(script.sent().len(), 2);
    assert!(!envelope.to_string().contains("ref-used"));
}

#[test]
fn still_rejected_after_a_fresh_token_is_fatal_and_keeps_the_new_pair() {
    let script = Script::new([
        Script::status(401, r#"{"code":124,"message":"Access token is expired."}"#),
        Script::status(200, NEW_PAIR),
        Script::status(401, r#"{"code":124,"message":"Invalid access token."}"#),
    ]);
    let envelope = run(get("acc-1", Some("ref-1")), &script);
    assert_eq!(envelope["error"], 2);
    assert_eq!(
        envelope["token"],
        json!({ "updated": true, "access": "acc-new", "refresh": "ref-new" })
    );
    assert_eq!(script.sent().len(), 3);
}

// ---- 3: refused before calling Zoom

#[test]
fn invalid_events_make_no_request() {
    let events = [
        json!(null),
        json!("GET_MEETING"),
        json!({ "APIName": "LIST_WEBINARS", "body": {} }),
        json!({ "APIName": "GET_MEETING" }),
        json!({ "APIName": "GET_MEETING", "body": { "token": "t" } }),
        json!({ "APIName": "GET_MEETING", "body": { "token": "t", "meetingId": "12ab" } }),
        json!({ "APIName": "GET_MEETING", "body": { "meetingId": 1 } }),
        json!({ "APIName": "GET_ACCESS_TOKEN", "body": { "code": "" } }),
        json!({ "APIName": "CREATE_MEETING", "body": { "token": "t", "topic": "x".repeat(201) } }),
    ];
    for event in events {
        let script = Script::new([]);
        let envelope = run(event.clone(), &script);
        assert_eq!(envelope["error"], 3, "{event}");
        assert_eq!(envelope["body"], json!({}));
        assert!(script.sent().is_empty(), "{event}");
    }
}

#[test]
fn missing_client_credentials_for_login_is_code_3() {
    let script = Script::new([]);
    let event = json!({ "APIName": "GET_ACCESS_TOKEN", "body": { "code": "abc", "redirect_uri": "https://a.example/cb" } });
    let envelope = run_with(event, &script, &Config::default());
    assert_eq!(envelope["error"], 3);
    assert!(envelope["msg"].as_str().unwrap().contains("ZOOM_CLIENT_ID"));
}

// ---- refresh

#[test]
fn an_empty_token_refreshes_first() {
    let script = Script::new([Script::status(200, NEW_PAIR), Script::status(200, MEETING)]);
    let envelope = run(get("", Some("ref-1")), &script);
    assert_eq!(envelope["error"], 0);
    assert_eq!(envelope["token"]["updated"], true);
    let sent = script.sent();
    assert_eq!(sent[0].url, "https://zoom.us/oauth/token");
    assert_eq!(sent[1].header("authorization"), Some("Bearer acc-new"));
}

#[test]
fn a_failed_refresh_for_other_reasons_is_code_1() {
    let script = Script::new([
        Script::status(401, r#"{"code":124,"message":"Access token is expired."}"#),
        Script::status(
            401,
            r#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#,
        ),
    ]);
    let envelope = run(get("acc-1", Some("ref-1")), &script);
    assert_eq!(envelope["error"], 1);
    assert!(envelope["msg"].as_str().unwrap().contains("invalid_client"));
    assert!(!envelope.to_string().contains("client-secret"));
}

#[test]
fn a_refresh_is_never_repeated_even_after_5xx() {
    let script = Script::new([
        Script::status(401, r#"{"code":124,"message":"Access token is expired."}"#),
        Script::status(502, "bad gateway"),
        Script::status(200, NEW_PAIR),
    ]);
    let envelope = run(get("acc-1", Some("ref-1")), &script);
    assert_eq!(envelope["error"], 1);
    assert_eq!(script.sent().len(), 2);
}

#[test]
fn login_returns_the_pair_and_extras() {
    let script = Script::new([Script::status(
        200,
        r#"{"access_token":"a","refresh_token":"r","expires_in":3599,"scope":"meeting:read","api_url":"https://api-eu.zoom.us"}"#,
    )]);
    let event = json!({ "APIName": "GET_ACCESS_TOKEN", "body": { "code": "abc", "redirect_uri": "https://a.example/cb" } });
    let envelope = run(event, &script);
    assert_eq!(
        envelope,
        json!({ "error": 0, "msg": "Retrieved Access Token", "body": {
            "accessToken": "a", "refreshToken": "r", "expiresIn": 3599, "scope": "meeting:read", "apiUrl": "https://api-eu.zoom.us"
        } })
    );
}

// ---- secrets in messages, and bodies that are not Zoom's

#[test]
fn echoed_basic_credentials_and_new_tokens_never_reach_a_message() {
    let basic = "Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQ="; // base64("client-id:client-secret")
    let script = Script::new([Script::status(
        400,
        &format!(r#"{{"reason":"bad header Basic {basic}","error":"invalid_request"}}"#),
    )]);
    let event = json!({ "APIName": "GET_ACCESS_TOKEN", "body": { "code": "code-1", "redirect_uri": "https://a.example/cb" } });
    let envelope = run(event, &script);
    assert_eq!(envelope["error"], 1);
    assert!(!envelope.to_string().contains(basic), "{envelope}");

    let script = Script::new([
        Script::status(401, r#"{"code":124,"message":"Access token is expired."}"#),
        Script::status(200, NEW_PAIR),
        Script::status(
            400,
            r#"{"code":300,"message":"rejected Bearer acc-new and ref-new"}"#,
        ),
    ]);
    let envelope = run(get("acc-1", Some("ref-1")), &script);
    assert_eq!(envelope["error"], 1);
    assert_eq!(envelope["token"]["access"], "acc-new");
    assert!(!envelope["msg"].as_str().unwrap().contains("acc-new"));
    assert!(!envelope["zoom"]["message"]
        .as_str()
        .unwrap()
        .contains("ref-new"));
}

#[test]
fn a_long_network_error_is_redacted_then_cut_on_a_character() {
    let detail = format!(
        "TypeError: {} code=acc-secret-123456 {}",
        "é".repeat(290),
        "x".repeat(50)
    );
    let script = Script::new([Err(TransportError::Network(detail))]);
    let event = json!({ "APIName": "CREATE_MEETING", "body": { "token": "acc-secret-123456", "topic": "t" } });
    let envelope = run(event, &script);
    let msg = envelope["msg"].as_str().unwrap();
    assert_eq!(envelope["error"], 1);
    assert!(!msg.contains("acc-secret"), "{msg}");
    assert!(msg.chars().count() < 400);
}

#[test]
fn edit_answered_by_a_page_is_not_a_success() {
    let event = json!({ "APIName": "EDIT_MEETING", "body": { "token": "t", "meetingId": 1, "topic": "x" } });
    let script = Script::new([Script::status(200, "<html>proxy</html>")]);
    let envelope = run(event.clone(), &script);
    assert_eq!(envelope["error"], 1);
    assert_eq!(
        envelope["msg"],
        "Zoom answered 200 with a body that is not a JSON object"
    );
    let script = Script::new([Script::status(200, "{}")]);
    assert_eq!(run(event, &script)["error"], 0);
}

#[test]
fn a_secret_inside_the_word_redacted_cannot_hang_the_call() {
    for token in ["reda", "cted", "redacted", "acte"] {
        let script = Script::new([Script::status(
            400,
            &format!(r#"{{"code":300,"message":"Request rejected: {token} redacted"}}"#),
        )]);
        let envelope = run(get(token, None), &script);
        assert_eq!(envelope["error"], 1, "{token}");
    }
}

#[test]
fn a_retry_after_too_far_away_is_not_waited_for() {
    for value in ["99999999999", "4294967296", "4294967295"] {
        let script = Script::new([
            with_header(
                429,
                r#"{"code":429,"message":"slow down"}"#,
                Some(value),
                None,
            ),
            Script::status(200, MEETING),
        ]);
        assert_eq!(run(get("acc-1", None), &script)["error"], 1, "{value}");
        assert_eq!(script.sent().len(), 1, "{value}");
    }
}

// ---- hostile answers

#[test]
fn a_deeply_nested_refusal_is_summarised_not_built() {
    // Built, it would take a few dozen bytes of memory per level; refused, it costs a scan.
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    for status in [400, 401, 500] {
        let script = Script::new([
            Script::status(status, &deep),
            Script::status(status, &deep),
            Script::status(status, &deep),
            Script::status(200, &deep),
        ]);
        let envelope = run(get("acc-1", None), &script);
        assert_eq!(
            envelope["error"],
            if status == 401 { 2 } else { 1 },
            "{envelope}"
        );
        let msg = envelope["msg"].as_str().unwrap_or_default();
        assert!(msg.contains("a body that is not JSON"), "{status}: {msg}");
    }
    // A token endpoint answering the same: the refresh fails, nothing more.
    let script = Script::new([
        Script::status(401, r#"{"code":124,"message":"Invalid access token."}"#),
        Script::status(200, &deep),
    ]);
    let envelope = run(get("acc-1", Some("ref-1")), &script);
    assert_eq!(envelope["error"], 1, "{envelope}");
}

#[test]
fn text_nested_past_the_bound_is_never_built_into_values() {
    let nested = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
    assert!(zoom_gateway::json::parse(&nested(128)).is_some());
    assert!(zoom_gateway::json::parse(&nested(129)).is_none());
    assert!(zoom_gateway::json::parse(&nested(200_000)).is_none());
}

#[test]
fn odd_fields_in_zoom_refusals_hide_neither_their_error_nor_their_message() {
    // JSON.parse takes a lone surrogate or a number past a double's range; so must the gateway
    // when it reads what Zoom says, or an ended session would look like a passing failure.
    for refusal in [
        r#"{"error":"invalid_grant","reason":"Invalid Token!","hint":"\udc00"}"#,
        r#"{"error":"invalid_grant","reason":"Invalid Token!","n":1e400}"#,
    ] {
        let script = Script::new([Script::status(400, refusal)]);
        let event = json!({ "APIName": "GET_MEETING", "body": { "token": "", "refresh_token": "ref-odd", "meetingId": 1 } });
        let envelope = run(event, &script);
        assert_eq!(envelope["error"], 2, "{refusal}: {envelope}");
    }
    let scope = r#"{"code":4711,"message":"Invalid access token, does not contain scopes:[meeting:write]","echo":"\ud800\u0041"}"#;
    let script = Script::new([Script::status(400, scope)]);
    let envelope = run(create(), &script);
    assert_eq!(envelope["zoom"]["code"], 4711, "{envelope}");
    assert!(
        envelope["msg"]
            .as_str()
            .unwrap_or_default()
            .contains("lacks a scope"),
        "{envelope}"
    );
}

#[test]
fn a_daily_limit_spelled_with_escapes_is_still_the_daily_limit() {
    let escaped = r#"{"code":429,"message":"You have reached the maximum daily rate\u0020limit for this API"}"#;
    let script = Script::new([
        Script::status(429, escaped),
        Script::status(429, escaped),
        Script::status(429, escaped),
    ]);
    let envelope = run(get("acc-1", None), &script);
    assert_eq!(script.sent().len(), 1, "not retried");
    assert!(
        envelope["msg"]
            .as_str()
            .unwrap_or_default()
            .contains("00:00 UTC"),
        "{envelope}"
    );
}
