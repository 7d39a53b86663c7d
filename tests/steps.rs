//! The flow as steps (`zoom_gateway::steps`), driven by hand the way the package's JS drives
//! it: each step's text read as JS reads it, each outcome handed back.

#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use zoom_gateway::steps::{self, Outcome};

const MEETING: &str = r#"{"id":85746065432,"topic":"Review"}"#;
const NOW: f64 = 1_800_000_000_000.0;

fn config() -> String {
    json!({
        "ZOOM_CLIENT_ID": "client-id",
        "ZOOM_CLIENT_SECRET": "client-secret",
        "ZOOM_API_BASE": "https://api.zoom.test/v2",
        "ZOOM_OAUTH_BASE": "https://zoom.test",
        "ZOOM_TIMEOUT_MS": "5000",
        "ZOOM_REFRESH_REUSE_MS": "0",
    })
    .to_string()
}

fn get(token: &str) -> String {
    json!({ "APIName": "GET_MEETING",
            "body": { "token": token, "refresh_token": "ref-1", "meetingId": 85746065432u64 } })
    .to_string()
}

/// A step as `readStep` in js/drive.js reads it: the JSON, and the body after a line break.
fn read(text: &str) -> Value {
    if text.starts_with("{\"call\":") {
        if let Some((head, body)) = text.split_once('\n') {
            let mut step: Value = serde_json::from_str(head).expect("the step is JSON");
            step["body"] = json!(body);
            return step;
        }
    }
    serde_json::from_str(text).expect("a step or an envelope is JSON")
}

fn answer(status: i32, text: &str) -> Outcome {
    Outcome {
        status,
        text: Some(text.to_owned()),
        ..Outcome::default()
    }
}

fn call_of(step: &Value) -> f64 {
    step["call"].as_f64().expect("a step names its call")
}

/// The slot a call's number names.
fn slot(call: f64) -> u64 {
    call as u64 % 65_536
}

#[test]
fn a_get_is_one_request_step_then_the_envelope() {
    let step = read(&steps::start(get("acc-1"), Some(config()), NOW));
    assert_eq!(
        step["fetch"],
        "https://api.zoom.test/v2/meetings/85746065432"
    );
    assert_eq!(step["method"], "GET");
    assert_eq!(step["headers"]["authorization"], "Bearer acc-1");
    assert_eq!(step["timeout"], 5000);
    assert_eq!(step["keep"], true);
    assert_eq!(step.get("body"), None);
    assert_eq!(steps::in_progress(), 1);

    let envelope = read(&steps::resume(call_of(&step), NOW, answer(200, MEETING)));
    assert_eq!(envelope["error"], 0, "{envelope}");
    assert_eq!(envelope["body"]["id"], 85746065432u64);
    assert_eq!(envelope["token"]["updated"], false);
    assert_eq!(steps::in_progress(), 0);
}

#[test]
fn a_create_carries_its_fields_after_a_line_break_unescaped() {
    let event = json!({ "APIName": "CREATE_MEETING", "body": {
        "token": "acc-1", "refresh_token": "ref-1", "userId": "me",
        "topic": "two\nlines \"quoted\"", "agenda": "é ☃", "duration": 30 } });
    let text = steps::start(event.to_string(), Some(config()), NOW);
    let (head, body) = text.split_once('\n').expect("a body follows the step");
    assert!(!head.contains('\n'));
    let step: Value = serde_json::from_str(head).expect("the step's JSON");
    assert_eq!(step["method"], "POST");
    assert_eq!(step["fetch"], "https://api.zoom.test/v2/users/me/meetings");
    assert_eq!(step["keep"], true);
    assert_eq!(step["headers"]["content-type"], "application/json");
    let sent: Value = serde_json::from_str(body).expect("the body is JSON");
    assert_eq!(
        sent,
        json!({ "topic": "two\nlines \"quoted\"", "agenda": "é ☃", "duration": 30 })
    );

    let envelope = read(&steps::resume(call_of(&step), NOW, answer(201, MEETING)));
    assert_eq!(envelope["msg"], "Meeting created");
}

#[test]
fn a_retry_is_a_pause_step_then_the_request_again() {
    let step = read(&steps::start(get("acc-1"), Some(config()), NOW));
    let call = call_of(&step);
    let pause = read(&steps::resume(call, NOW + 5.0, answer(503, "{}")));
    assert_eq!(pause, json!({ "call": call as u64, "sleep": 200 }));
    let again = read(&steps::resume(call, NOW + 210.0, Outcome::default()));
    assert_eq!(again["fetch"], step["fetch"]);
    // The host's clock counts: the second attempt has what remains of the 5 s.
    assert_eq!(again["timeout"], 4790);
    let envelope = read(&steps::resume(call, NOW + 220.0, answer(200, MEETING)));
    assert_eq!(envelope["error"], 0);
}

#[test]
fn an_expired_token_becomes_a_refresh_then_the_call_with_the_new_token() {
    let step = read(&steps::start(get("acc-old"), Some(config()), NOW));
    let call = call_of(&step);
    let refresh = read(&steps::resume(
        call,
        NOW,
        answer(401, r#"{"code":124,"message":"Invalid access token."}"#),
    ));
    assert_eq!(refresh["fetch"], "https://zoom.test/oauth/token");
    assert_eq!(refresh["keep"], false);
    assert!(refresh["body"]
        .as_str()
        .is_some_and(|form| form.contains("grant_type=refresh_token")));
    let retried = read(&steps::resume(
        call,
        NOW,
        answer(
            200,
            r#"{"access_token":"acc-new","refresh_token":"ref-new","expires_in":3599}"#,
        ),
    ));
    assert_eq!(retried["headers"]["authorization"], "Bearer acc-new");
    let envelope = read(&steps::resume(call, NOW, answer(200, MEETING)));
    assert_eq!(
        envelope["token"],
        json!({ "updated": true, "access": "acc-new", "refresh": "ref-new" })
    );
}

#[test]
fn the_hosts_clock_decides_whether_a_jwt_is_renewed_first() {
    // A JWT whose payload is {"exp":1800000030}: 30 s after NOW.
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE4MDAwMDAwMzB9.c2ln";
    let soon = read(&steps::start(get(jwt), Some(config()), NOW));
    assert_eq!(soon["fetch"], "https://zoom.test/oauth/token");
    let earlier = read(&steps::start(get(jwt), Some(config()), NOW - 3_600_000.0));
    assert_eq!(
        earlier["fetch"],
        "https://api.zoom.test/v2/meetings/85746065432"
    );
    for step in [soon, earlier] {
        let call = call_of(&step);
        while read(&steps::resume(call, NOW, answer(0, "")))
            .get("call")
            .is_some()
        {}
    }
    assert_eq!(steps::in_progress(), 0);
}

#[test]
fn timeouts_and_failures_end_the_call_with_secrets_redacted() {
    let step = read(&steps::start(get("acc-secret-1"), Some(config()), NOW));
    let envelope = read(&steps::resume(call_of(&step), NOW, answer(0, "")));
    assert_eq!(envelope["msg"], "Zoom did not answer in time (timeout)");

    let step = read(&steps::start(get("acc-secret-1"), Some(config()), NOW));
    let call = call_of(&step);
    // A failure is retried (GET is idempotent), and the message never holds the token.
    let mut text = steps::resume(call, NOW, answer(-1, "TypeError: acc-secret-1 refused"));
    while read(&text).get("call").is_some() {
        text = steps::resume(call, NOW, answer(-1, "TypeError: acc-secret-1 refused"));
    }
    let envelope = read(&text);
    assert_eq!(envelope["error"], 1);
    let msg = envelope["msg"].as_str().unwrap_or_default();
    assert!(msg.starts_with("could not reach Zoom"), "{msg}");
    assert!(!msg.contains("acc-secret-1"), "{msg}");
}

#[test]
fn an_answer_the_host_kept_leaves_a_place_in_the_envelope() {
    let step = read(&steps::start(get("acc-1"), Some(config()), NOW));
    let outcome = Outcome {
        status: 200,
        kept: true,
        ..Outcome::default()
    };
    let envelope = read(&steps::resume(call_of(&step), NOW, outcome));
    assert_eq!(envelope["error"], 0);
    assert_eq!(envelope["body"], json!({}));
}

#[test]
fn events_refused_at_once_have_no_steps() {
    for event in ["", "{", r#"{"APIName":"NOPE","body":{}}"#] {
        let envelope = read(&steps::start(event.to_owned(), Some(config()), NOW));
        assert_eq!(envelope["error"], 3, "{event}");
    }
    let envelope = read(&steps::start(get("acc-1"), Some("[".to_owned()), NOW));
    assert_eq!(envelope["error"], 3);
    assert_eq!(steps::in_progress(), 0);
}

#[test]
fn calls_in_progress_have_their_own_numbers_and_slots_are_reused() {
    let first = call_of(&read(&steps::start(get("acc-1"), Some(config()), NOW)));
    let second = call_of(&read(&steps::start(get("acc-2"), Some(config()), NOW)));
    assert_ne!(first, second);
    assert_eq!(steps::in_progress(), 2);

    // Answered out of order, each gets its own answer.
    let envelope = read(&steps::resume(
        second,
        NOW,
        answer(404, r#"{"code":3001,"message":"Meeting does not exist"}"#),
    ));
    assert_eq!(envelope["zoom"]["code"], 3001);
    let third = call_of(&read(&steps::start(get("acc-3"), Some(config()), NOW)));
    assert_eq!(
        slot(third),
        slot(second),
        "a finished call's slot is free again"
    );
    assert_ne!(third, second, "under a number of its own");
    let envelope = read(&steps::resume(first, NOW, answer(200, MEETING)));
    assert_eq!(envelope["error"], 0);
    steps::resume(third, NOW, answer(0, ""));
    assert_eq!(steps::in_progress(), 0);
}

#[test]
fn unknown_or_finished_calls_are_an_envelope_not_a_panic() {
    for call in [
        0.0,
        7.0,
        4_294_967_295.0,
        -1.0,
        0.5,
        f64::NAN,
        f64::INFINITY,
        1e300,
    ] {
        let envelope = read(&steps::resume(call, NOW, answer(200, MEETING)));
        assert_eq!(envelope["error"], 1);
        assert_eq!(
            envelope["msg"],
            "zoom-gateway has no call in progress with this number"
        );
    }
    let step = read(&steps::start(get("acc-1"), Some(config()), NOW));
    let call = call_of(&step);
    steps::resume(call, NOW, answer(200, MEETING));
    let again = read(&steps::resume(call, NOW, answer(200, MEETING)));
    assert_eq!(again["error"], 1);
}

#[test]
fn a_call_its_host_stopped_driving_is_dropped_once_overdue() {
    let first = read(&steps::start(get("acc-1"), Some(config()), NOW));
    let first_call = call_of(&first);
    // Its request may take 5 s, and the host gets another minute to say how it went.
    let within = read(&steps::start(get("acc-2"), Some(config()), NOW + 64_000.0));
    assert_eq!(steps::in_progress(), 2);
    let later = read(&steps::start(get("acc-3"), Some(config()), NOW + 65_001.0));
    assert_eq!(
        steps::in_progress(),
        2,
        "the first call is gone, the third is new"
    );
    assert_eq!(
        slot(call_of(&later)),
        slot(first_call),
        "the third has its slot"
    );
    // Its host, back at last, reaches no one: not the call that has its slot now.
    let envelope = read(&steps::resume(first_call, NOW, answer(200, MEETING)));
    assert_eq!(
        envelope["msg"],
        "zoom-gateway has no call in progress with this number"
    );
    assert_eq!(steps::in_progress(), 2);
    for step in [within, later] {
        let envelope = read(&steps::resume(call_of(&step), NOW, answer(200, MEETING)));
        assert_eq!(envelope["error"], 0);
    }
    assert_eq!(steps::in_progress(), 0);
}

#[test]
fn a_refresh_whose_leader_was_dropped_does_not_keep_others_waiting() {
    let event = |token: &str| {
        json!({ "APIName": "GET_MEETING",
                "body": { "token": token, "refresh_token": "ref-shared", "meetingId": 1 } })
        .to_string()
    };
    let expired = r#"{"code":124,"message":"Invalid access token."}"#;

    // The leader asks for the refresh, and its host never answers.
    let leader = call_of(&read(&steps::start(event("acc-a"), Some(config()), NOW)));
    let refresh = read(&steps::resume(leader, NOW, answer(401, expired)));
    assert_eq!(refresh["fetch"], "https://zoom.test/oauth/token");

    // Meanwhile a call with the same refresh token waits for it.
    let waiter = call_of(&read(&steps::start(event("acc-b"), Some(config()), NOW)));
    let waiting = read(&steps::resume(waiter, NOW, answer(401, expired)));
    assert_eq!(waiting, json!({ "call": waiter as u64, "sleep": 20 }));
    let gave_up = read(&steps::resume(waiter, NOW + 6_000.0, Outcome::default()));
    assert_eq!(gave_up["error"], 1, "{gave_up}");

    // Long after, the leader is dropped, and a new call leads its own refresh.
    let late = call_of(&read(&steps::start(
        event("acc-c"),
        Some(config()),
        NOW + 70_000.0,
    )));
    let next = read(&steps::resume(late, NOW + 70_000.0, answer(401, expired)));
    assert_eq!(next["fetch"], "https://zoom.test/oauth/token", "{next}");
    steps::resume(late, NOW + 70_000.0, answer(0, ""));
    assert_eq!(steps::in_progress(), 0);
}

#[test]
fn no_settings_means_those_of_the_call_before() {
    let other = json!({ "ZOOM_API_BASE": "https://other.zoom.test/v2" }).to_string();
    let step = read(&steps::start(get("acc-1"), Some(other), NOW));
    assert_eq!(
        step["fetch"],
        "https://other.zoom.test/v2/meetings/85746065432"
    );
    steps::resume(call_of(&step), NOW, answer(200, MEETING));
    let step = read(&steps::start(get("acc-1"), None, NOW));
    assert_eq!(
        step["fetch"],
        "https://other.zoom.test/v2/meetings/85746065432"
    );
    steps::resume(call_of(&step), NOW, answer(200, MEETING));

    // Settings that were refused stay refused.
    let refused = read(&steps::start(
        get("acc-1"),
        Some(r#"{"ZOOM_TIMEOUT_MS":"soon"}"#.to_owned()),
        NOW,
    ));
    assert_eq!(refused["error"], 3);
    let again = read(&steps::start(get("acc-1"), None, NOW));
    assert_eq!(again, refused);
}

#[test]
fn no_settings_on_the_first_call_is_an_envelope() {
    // Each test runs on a thread of its own, with nothing read before.
    let envelope = read(&steps::start(get("acc-1"), None, NOW));
    assert_eq!(envelope["error"], 3);
    assert_eq!(
        envelope["msg"],
        "config: none given, and none from an earlier call"
    );
}

#[test]
fn settings_are_read_even_when_no_call_can_start() {
    let a = json!({ "ZOOM_API_BASE": "https://a.zoom.test/v2" }).to_string();
    let b = json!({ "ZOOM_API_BASE": "https://b.zoom.test/v2" }).to_string();
    let mut calls = Vec::new();
    loop {
        let text = steps::start(get("acc-1"), Some(a.clone()), NOW);
        let step = read(&text);
        if step.get("call").is_none() {
            assert_eq!(step["msg"], "zoom-gateway has too many calls in progress");
            break;
        }
        calls.push(call_of(&step));
    }
    assert_eq!(calls.len(), 65_536);
    assert_eq!(steps::in_progress(), 65_536);

    // Refused for want of a slot, yet the settings it brought are the ones in force now.
    let refused = read(&steps::start(get("acc-1"), Some(b), NOW));
    assert_eq!(refused["error"], 1);
    let first = calls.pop().expect("a call");
    steps::resume(first, NOW, answer(200, MEETING));
    let step = read(&steps::start(get("acc-1"), None, NOW));
    assert_eq!(step["fetch"], "https://b.zoom.test/v2/meetings/85746065432");
    calls.push(call_of(&step));

    for call in calls {
        let envelope = read(&steps::resume(call, NOW, answer(0, "")));
        assert_eq!(envelope["msg"], "Zoom did not answer in time (timeout)");
    }
    assert_eq!(steps::in_progress(), 0);
}

#[test]
fn an_outcome_never_prints_its_text() {
    let outcome = answer(401, r#"{"message":"Invalid token acc-secret-9"}"#);
    let printed = format!("{outcome:?}");
    assert!(!printed.contains("acc-secret-9"), "{printed}");
    assert!(printed.contains("text_bytes: Some(40)"), "{printed}");
}
