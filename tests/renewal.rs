//! Beyond the spec: Server-to-Server OAuth, PKCE, early refresh of expiring JWTs, and
//! refreshes shared between concurrent calls.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use common::Script;
use serde_json::{json, Value};
use zoom_gateway::{flow, Config, HttpRequest, HttpResponse, Transport, TransportError};

const MEETING: &str = r#"{"id":85746065432}"#;

fn run(event: Value, config: &Config, transport: &impl Transport) -> Value {
    let envelope = pollster::block_on(flow::handle(&event.to_string(), config, transport));
    serde_json::from_str(&envelope.to_json()).expect("the envelope is JSON")
}

fn form(request: &HttpRequest) -> Vec<(String, String)> {
    form_urlencoded::parse(request.body.as_deref().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn has(form: &[(String, String)], key: &str, value: &str) -> bool {
    form.iter().any(|(k, v)| k == key && v == value)
}

/// A JWT whose payload holds `exp` (seconds since the epoch).
fn jwt(exp: u64) -> String {
    jwt_with(&format!(r#"{{"exp":{exp},"uid":"u1"}}"#))
}

/// A JWT with these claims.
fn jwt_with(payload: &str) -> String {
    let b64 = |bytes: &[u8]| {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
            let group = (b(0) << 16) | (b(1) << 8) | b(2);
            for i in 0..=chunk.len() {
                out.push(char::from(
                    alphabet[((group >> (18 - 6 * i)) & 63) as usize],
                ));
            }
        }
        out
    };
    format!(
        "{}.{}.c2ln",
        b64(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64(payload.as_bytes())
    )
}

// ---- Server-to-Server OAuth

#[test]
fn account_credentials_login_returns_an_empty_refresh_token() {
    let config = Config::from_json(
        r#"{"ZOOM_CLIENT_ID":"id","ZOOM_CLIENT_SECRET":"s","ZOOM_ACCOUNT_ID":"acct-9"}"#,
    )
    .unwrap();
    let script = Script::new([Script::status(
        200,
        r#"{"access_token":"s2s-1","expires_in":3600,"token_type":"bearer"}"#,
    )]);
    let envelope = run(
        json!({ "APIName": "GET_ACCESS_TOKEN", "body": { "grant_type": "account_credentials" } }),
        &config,
        &script,
    );
    assert_eq!(envelope["error"], 0);
    assert_eq!(envelope["body"]["accessToken"], "s2s-1");
    assert_eq!(envelope["body"]["refreshToken"], "");
    let sent = script.sent();
    let form = form(&sent[0]);
    assert!(has(&form, "grant_type", "account_credentials"));
    assert!(has(&form, "account_id", "acct-9"));
    assert!(sent[0]
        .header("authorization")
        .is_some_and(|h| h.starts_with("Basic ")));
}

#[test]
fn account_credentials_need_an_account() {
    let config = Config::default().with_client("id", "s");
    let script = Script::new([]);
    let envelope = run(
        json!({ "APIName": "GET_ACCESS_TOKEN", "body": { "grant_type": "account_credentials" } }),
        &config,
        &script,
    );
    assert_eq!(envelope["error"], 3);
    assert!(envelope["msg"]
        .as_str()
        .unwrap()
        .contains("ZOOM_ACCOUNT_ID"));
    assert!(script.sent().is_empty());
}

#[test]
fn with_an_account_a_401_gets_a_new_s2s_token_and_retries() {
    let config = Config::from_json(r#"{"ZOOM_CLIENT_ID":"id","ZOOM_CLIENT_SECRET":"s","ZOOM_ACCOUNT_ID":"acct-9","ZOOM_REFRESH_REUSE_MS":"0"}"#).unwrap();
    let script = Script::new([
        Script::status(401, r#"{"code":124,"message":"Access token is expired."}"#),
        Script::status(200, r#"{"access_token":"s2s-2","expires_in":3600}"#),
        Script::status(200, MEETING),
    ]);
    let envelope = run(
        json!({ "APIName": "GET_MEETING", "body": { "token": "s2s-1", "meetingId": 85746065432_u64 } }),
        &config,
        &script,
    );
    assert_eq!(envelope["error"], 0);
    assert_eq!(
        envelope["token"],
        json!({ "updated": true, "access": "s2s-2", "refresh": "" })
    );
    let sent = script.sent();
    assert!(has(&form(&sent[1]), "grant_type", "account_credentials"));
    assert_eq!(sent[2].header("authorization"), Some("Bearer s2s-2"));
}

#[test]
fn with_an_account_no_token_at_all_gets_one_first() {
    let config = Config::from_json(r#"{"ZOOM_CLIENT_ID":"id","ZOOM_CLIENT_SECRET":"s","ZOOM_ACCOUNT_ID":"acct-8","ZOOM_REFRESH_REUSE_MS":"0"}"#).unwrap();
    let script = Script::new([
        Script::status(200, r#"{"access_token":"s2s-3","expires_in":3600}"#),
        Script::status(201, MEETING),
    ]);
    let event = json!({ "APIName": "CREATE_MEETING", "body": { "userId": "host@example.com", "topic": "S2S" } });
    let envelope = run(event, &config, &script);
    assert_eq!(envelope["error"], 0);
    assert_eq!(envelope["token"]["access"], "s2s-3");
    assert_eq!(
        script.sent()[1].url,
        "https://api.zoom.us/v2/users/host@example.com/meetings"
    );
}

#[test]
fn without_token_refresh_token_or_account_the_event_is_refused() {
    let script = Script::new([]);
    let envelope = run(
        json!({ "APIName": "GET_MEETING", "body": { "meetingId": 1 } }),
        &Config::default().with_client("id", "s"),
        &script,
    );
    assert_eq!(envelope["error"], 3);
    assert!(envelope["msg"]
        .as_str()
        .unwrap()
        .starts_with("token: required"));
    assert!(script.sent().is_empty());
}

// ---- PKCE

#[test]
fn the_code_verifier_is_sent_and_a_public_client_names_itself() {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let event = json!({ "APIName": "GET_ACCESS_TOKEN", "body": { "code": "c-1", "redirect_uri": "https://a.example/cb", "code_verifier": verifier } });
    let answer = || Script::status(200, r#"{"access_token":"a","refresh_token":"r"}"#);

    let confidential = Script::new([answer()]);
    run(
        event.clone(),
        &Config::default().with_client("id", "s"),
        &confidential,
    );
    let sent = confidential.sent();
    assert!(has(&form(&sent[0]), "code_verifier", verifier));
    assert!(sent[0].header("authorization").is_some());

    let public = Script::new([answer()]);
    let config = Config::from_json(r#"{"ZOOM_CLIENT_ID":"public-id"}"#).unwrap();
    let envelope = run(event, &config, &public);
    assert_eq!(envelope["error"], 0);
    let sent = public.sent();
    assert!(has(&form(&sent[0]), "client_id", "public-id"));
    assert!(has(&form(&sent[0]), "code_verifier", verifier));
    assert_eq!(sent[0].header("authorization"), None);
}

#[test]
fn a_malformed_code_verifier_is_refused() {
    let script = Script::new([]);
    let event = json!({ "APIName": "GET_ACCESS_TOKEN", "body": { "code": "c-1", "redirect_uri": "https://a.example/cb", "code_verifier": "short" } });
    let envelope = run(event, &Config::default().with_client("id", "s"), &script);
    assert_eq!(envelope["error"], 3);
    assert!(envelope["msg"]
        .as_str()
        .unwrap()
        .starts_with("code_verifier:"));
}

// ---- refreshing early

#[test]
fn an_expiring_jwt_is_refreshed_before_the_call() {
    // The scripted clock starts at 1_764_000_000_000 ms.
    let config = Config::default()
        .with_client("id", "s")
        .with_refresh_reuse_ms(0);
    for (exp, refreshes_first) in [
        (1_764_000_030, true),
        (1_763_000_000, true),
        (1_764_000_600, false),
    ] {
        let answers = if refreshes_first {
            vec![
                Script::status(
                    200,
                    r#"{"access_token":"acc-new","refresh_token":"ref-new"}"#,
                ),
                Script::status(200, MEETING),
            ]
        } else {
            vec![Script::status(200, MEETING)]
        };
        let script = Script::new(answers);
        let event = json!({ "APIName": "GET_MEETING", "body": { "token": jwt(exp), "refresh_token": format!("ref-{exp}"), "meetingId": 1 } });
        let envelope = run(event, &config, &script);
        assert_eq!(envelope["error"], 0, "{exp}");
        assert_eq!(envelope["token"]["updated"], refreshes_first, "{exp}");
        let first = &script.sent()[0];
        assert_eq!(
            first.url.ends_with("/oauth/token"),
            refreshes_first,
            "{exp}"
        );
    }
}

#[test]
fn exp_is_read_in_every_form_json_allows() {
    // The scripted clock starts at 1_764_000_000_000 ms: 1_764_000_030 is within the minute.
    let config = Config::default()
        .with_client("id", "s")
        .with_refresh_reuse_ms(0);
    for (claims, refreshes_first) in [
        (r#"{"exp":-1}"#, true),
        (r#"{"exp":-1.5}"#, true),
        (r#"{"exp":1.764000030e9}"#, true),
        (r#"{"exp":1764000600.5}"#, false),
        (r#"{"exp":"1764000030"}"#, false),
        (r#"{"exp":null}"#, false),
        (r#"{"nested":{"exp":1764000030}}"#, false),
        (r#"{"exp":1764000600,"exp":1764000030}"#, true),
        (r#"{"\u0065xp":1764000030}"#, true),
        (r#"{"exp":1764000030,"note":"\ud800","n":1e400}"#, true),
        (r#"{"exp":1764000030,"n":1e400}"#, true),
    ] {
        let mut answers = vec![Script::status(200, MEETING)];
        if refreshes_first {
            answers.insert(
                0,
                Script::status(
                    200,
                    r#"{"access_token":"acc-new","refresh_token":"ref-new"}"#,
                ),
            );
        }
        let script = Script::new(answers);
        let event = json!({ "APIName": "GET_MEETING", "body": { "token": jwt_with(claims), "refresh_token": format!("ref-{claims}"), "meetingId": 1 } });
        let envelope = run(event, &config, &script);
        assert_eq!(envelope["error"], 0, "{claims}: {envelope}");
        let first = &script.sent()[0];
        assert_eq!(
            first.url.ends_with("/oauth/token"),
            refreshes_first,
            "{claims}"
        );
    }
}

#[test]
fn a_failed_early_refresh_still_tries_the_token_unless_the_grant_is_gone() {
    let config = Config::default()
        .with_client("id", "s")
        .with_refresh_reuse_ms(0);
    let event = |refresh: &str| json!({ "APIName": "GET_MEETING", "body": { "token": jwt(1_764_000_010), "refresh_token": refresh, "meetingId": 1 } });

    let script = Script::new([Script::status(503, "busy"), Script::status(200, MEETING)]);
    let envelope = run(event("ref-a"), &config, &script);
    assert_eq!(envelope["error"], 0);
    assert_eq!(envelope["token"]["updated"], false);

    let script = Script::new([Script::status(
        400,
        r#"{"reason":"Invalid Token!","error":"invalid_grant"}"#,
    )]);
    let envelope = run(event("ref-b"), &config, &script);
    assert_eq!(envelope["error"], 2);
    assert_eq!(script.sent().len(), 1);
}

// ---- refreshes shared between calls

/// Answers by what is asked, counting token requests, and lets other calls run at each send.
struct Zoom {
    refreshes: Cell<u32>,
    clock: Cell<f64>,
    log: RefCell<Vec<String>>,
    /// The token endpoint answers 500.
    token_fails: bool,
}

impl Zoom {
    fn new() -> Self {
        Self {
            refreshes: Cell::new(0),
            clock: Cell::new(1_764_000_000_000.0),
            log: RefCell::new(Vec::new()),
            token_fails: false,
        }
    }
}

/// Pending once, so that a concurrent call gets its turn.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

impl Transport for Zoom {
    async fn send(&self, request: &HttpRequest, _: u32) -> Result<HttpResponse, TransportError> {
        YieldOnce(false).await;
        YieldOnce(false).await;
        let bearer = request
            .header("authorization")
            .unwrap_or_default()
            .to_owned();
        self.log
            .borrow_mut()
            .push(format!("{} {}", request.method.as_str(), request.url));
        if request.url.ends_with("/oauth/token") {
            self.refreshes.set(self.refreshes.get() + 1);
            if self.token_fails {
                return Ok(HttpResponse::new(500, r#"{"code":500,"message":"oops"}"#));
            }
            return Ok(HttpResponse::new(
                200,
                r#"{"access_token":"acc-new","refresh_token":"ref-new"}"#,
            ));
        }
        Ok(match bearer.as_str() {
            "Bearer acc-new" => HttpResponse::new(200, MEETING),
            _ => HttpResponse::new(401, r#"{"code":124,"message":"Access token is expired."}"#),
        })
    }

    async fn sleep(&self, ms: u32) {
        self.clock.set(self.clock.get() + f64::from(ms));
        YieldOnce(false).await;
    }

    fn now_ms(&self) -> f64 {
        self.clock.get()
    }
}

fn get_with(refresh: &str) -> String {
    json!({ "APIName": "GET_MEETING", "body": { "token": "acc-old", "refresh_token": refresh, "meetingId": 1 } }).to_string()
}

#[test]
fn concurrent_calls_with_one_refresh_token_refresh_once() {
    let zoom = Zoom::new();
    let config = Config::default().with_client("id", "s");
    let events: Vec<String> = (0..5).map(|_| get_with("ref-shared-1")).collect();
    let envelopes = pollster::block_on(futures_util::future::join_all(
        events
            .iter()
            .map(|event| flow::handle(event, &config, &zoom)),
    ));
    assert_eq!(zoom.refreshes.get(), 1, "{:?}", zoom.log.borrow());
    for envelope in envelopes {
        let envelope: Value = serde_json::from_str(&envelope.to_json()).unwrap();
        assert_eq!(envelope["error"], 0);
        assert_eq!(
            envelope["token"],
            json!({ "updated": true, "access": "acc-new", "refresh": "ref-new" })
        );
    }
}

#[test]
fn a_late_call_with_the_replaced_refresh_token_gets_the_new_pair() {
    let zoom = Zoom::new();
    let config = Config::default().with_client("id", "s");
    let first = pollster::block_on(flow::handle(&get_with("ref-shared-2"), &config, &zoom));
    assert_eq!(first.code as u8, 0);
    zoom.clock.set(zoom.clock.get() + 30_000.0);
    let second = pollster::block_on(flow::handle(&get_with("ref-shared-2"), &config, &zoom));
    let second: Value = serde_json::from_str(&second.to_json()).unwrap();
    assert_eq!(second["error"], 0);
    assert_eq!(second["token"]["refresh"], "ref-new");
    assert_eq!(zoom.refreshes.get(), 1);

    // Past the reuse window the old token is tried again, as it would be anywhere else.
    zoom.clock.set(zoom.clock.get() + 61_000.0);
    pollster::block_on(flow::handle(&get_with("ref-shared-2"), &config, &zoom));
    assert_eq!(zoom.refreshes.get(), 2);
}

#[test]
fn when_the_shared_refresh_fails_the_waiters_do_not_try_the_same_token_again() {
    let zoom = Zoom {
        token_fails: true,
        ..Zoom::new()
    };
    let config = Config::default().with_client("id", "s");
    let events: Vec<String> = (0..5).map(|_| get_with("ref-shared-3")).collect();
    let envelopes = pollster::block_on(futures_util::future::join_all(
        events
            .iter()
            .map(|event| flow::handle(event, &config, &zoom)),
    ));
    assert_eq!(zoom.refreshes.get(), 1, "{:?}", zoom.log.borrow());
    for envelope in envelopes {
        assert_eq!(envelope.code as u8, 1, "{}", envelope.to_json());
    }
}

#[test]
fn one_renewal_attempt_per_call_even_after_a_failed_early_one() {
    let config = Config::default()
        .with_client("id", "s")
        .with_refresh_reuse_ms(0);
    let script = Script::new([
        Script::status(503, "busy"),
        Script::status(401, r#"{"code":124,"message":"Access token is expired."}"#),
    ]);
    let event = json!({ "APIName": "GET_MEETING", "body": { "token": jwt(1_764_000_010), "refresh_token": "ref-once", "meetingId": 1 } });
    let envelope = run(event, &config, &script);
    assert_eq!(envelope["error"], 1);
    let sent = script.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent.iter()
            .filter(|r| r.url.ends_with("/oauth/token"))
            .count(),
        1
    );
}

#[test]
fn token_requests_are_never_repeated_not_even_after_a_429() {
    let config = Config::default()
        .with_client("id", "s")
        .with_refresh_reuse_ms(0);
    let limited = || {
        Ok(HttpResponse {
            status: 429,
            retry_after: Some("1".to_owned()),
            body: r#"{"code":429,"message":"slow down"}"#.to_owned(),
            ..HttpResponse::default()
        })
    };
    let script = Script::new([
        limited(),
        Script::status(200, r#"{"access_token":"a","refresh_token":"r"}"#),
    ]);
    let event = json!({ "APIName": "GET_ACCESS_TOKEN", "body": { "code": "c-1", "redirect_uri": "https://a.example/cb" } });
    assert_eq!(run(event, &config, &script)["error"], 1);
    assert_eq!(script.sent().len(), 1);

    let script = Script::new([
        Script::status(401, "{}"),
        limited(),
        Script::status(200, MEETING),
    ]);
    let event = json!({ "APIName": "GET_MEETING", "body": { "token": "acc", "refresh_token": "ref-429", "meetingId": 1 } });
    assert_eq!(run(event, &config, &script)["error"], 1);
    assert_eq!(script.sent().len(), 2);
}

#[test]
fn a_token_answer_that_could_break_a_header_is_refused() {
    let config = Config::default()
        .with_client("id", "s")
        .with_refresh_reuse_ms(0);
    let script = Script::new([
        Script::status(401, "{}"),
        Script::status(
            200,
            r#"{"access_token":"x\r\nX-A: b","refresh_token":"r2"}"#,
        ),
    ]);
    let event = json!({ "APIName": "GET_MEETING", "body": { "token": "acc", "refresh_token": "ref-crlf", "meetingId": 1 } });
    let envelope = run(event, &config, &script);
    assert_eq!(envelope["error"], 1);
    assert_eq!(script.sent().len(), 2);
}
