//! Getting a new access token in the middle of a call: with the caller's refresh token, or
//! with Server-to-Server OAuth when the deployment has an account, shared within the isolate.
//!
//! Zoom rotates refresh tokens: of two refreshes racing with the same token, one wins and the
//! other gets `invalid_grant`, which would end the user's session. So within one isolate (or
//! process) the first call to need a refresh leads it, calls that present the same token at
//! the same time wait for its outcome, and for a minute afterwards a call that still presents
//! the replaced token is given the new pair instead of a doomed refresh. Only data is held
//! across calls, never a promise: workerd forbids awaiting one request's I/O in another.

use std::cell::{Cell, RefCell};

use crate::config::Config;
use crate::envelope::{Code, Envelope, Renewed};
use crate::http::Transport;
use crate::json::{self, Value};
use crate::secret::{AccessToken, Redactor, RefreshToken};
use crate::zoom::{self, TokenRefusal, ZoomError};

/// How often a waiting call looks for the leader's outcome.
const POLL_MS: u32 = 20;
/// Refresh this early before a JWT access token's `exp`.
pub const EARLY_MS: f64 = 60_000.0;

/// How this call can obtain a new access token.
pub enum Renewal<'a> {
    /// The caller's refresh token.
    Refresh(&'a RefreshToken),
    /// Server-to-Server OAuth for the configured account.
    Account(&'a str),
    /// No way: a rejected token ends the session.
    Impossible,
}

impl<'a> Renewal<'a> {
    /// The refresh token when the caller sent one, else the configured account.
    pub fn of(refresh: Option<&'a RefreshToken>, config: &'a Config) -> Self {
        match (refresh, config.account_id.as_deref()) {
            (Some(refresh), _) => Self::Refresh(refresh),
            (None, Some(account)) => Self::Account(account),
            (None, None) => Self::Impossible,
        }
    }

    fn key(&self) -> Option<String> {
        match self {
            Self::Refresh(token) => Some(format!("refresh {}", token.secret())),
            Self::Account(account) => Some(format!("account {account}")),
            Self::Impossible => None,
        }
    }
}

/// Obtains a new pair, or an envelope saying why not. `rejected` is the access token Zoom just
/// refused, so that a shared pair holding that same token is not handed out again.
pub async fn renew<T: Transport>(
    renewal: &Renewal<'_>,
    rejected: Option<&AccessToken>,
    config: &Config,
    transport: &T,
    redactor: &Redactor,
) -> Result<Renewed, Envelope> {
    let Some(key) = renewal.key() else {
        return Err(Envelope::failure(
            Code::Fatal,
            "no refresh_token to renew the access token: sign in again".to_owned(),
            None,
            None,
        ));
    };

    let started = transport.now_ms();
    let ticket = next_ticket();
    loop {
        let reuse_ms = f64::from(config.refresh_reuse_ms);
        match claim(&key, rejected, transport.now_ms(), reuse_ms, ticket) {
            Claim::Ready(pair) => return Ok(pair),
            Claim::Failed(envelope) => return Err(envelope),
            Claim::Lead => break,
            Claim::Wait if transport.now_ms() - started < f64::from(config.timeout_ms) => {
                transport.sleep(POLL_MS).await;
            }
            Claim::Wait => {
                return Err(Envelope::failure(
                    Code::Api,
                    "a refresh of this token by a concurrent call did not finish in time"
                        .to_owned(),
                    None,
                    None,
                ))
            }
        }
    }

    let leading = Leading(&key);
    let outcome = obtain(renewal, config, transport, redactor).await;
    settle(&key, &outcome, transport.now_ms());
    drop(leading);
    outcome
}

/// A refresh this call leads. Should the call be dropped before the outcome arrives (its host
/// stopped driving it), the refresh is withdrawn, so that later calls with the same token
/// lead their own rather than wait for one that will never settle.
struct Leading<'a>(&'a str);

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        let _ = SHARED.try_with(|shared| {
            if let Ok(mut shared) = shared.try_borrow_mut() {
                shared.retain(|entry| entry.key != self.0 || entry.outcome.is_some());
            }
        });
    }
}

/// One request to the token endpoint.
async fn obtain<T: Transport>(
    renewal: &Renewal<'_>,
    config: &Config,
    transport: &T,
    redactor: &Redactor,
) -> Result<Renewed, Envelope> {
    let request = match renewal {
        Renewal::Refresh(refresh) => zoom::refresh_request(config, refresh),
        Renewal::Account(account) => zoom::account_request(config, account),
        Renewal::Impossible => Err("no refresh_token".to_owned()),
    }
    .map_err(|msg| {
        Envelope::failure(
            Code::Api,
            format!("cannot renew the access token: {msg}"),
            None,
            None,
        )
    })?;
    let response = crate::flow::exchange(transport, &request, config.timeout_ms, false)
        .await
        .map_err(|error| crate::flow::unreachable_zoom(&error, redactor, None))?;

    match zoom::read_token_answer(&response, redactor) {
        Ok(answer) => Ok(Renewed {
            access: AccessToken::new(answer.access_token),
            refresh: match (answer.refresh_token.filter(|r| !r.is_empty()), renewal) {
                (Some(rotated), _) => RefreshToken::new(rotated),
                // Zoom always rotates; should an answer lack one, the old token is all there is.
                (None, Renewal::Refresh(old)) => (*old).clone(),
                // Server-to-Server OAuth has no refresh token.
                (None, _) => RefreshToken::new(""),
            },
        }),
        Err(TokenRefusal::GrantGone(zoom)) => Err(Envelope::failure(
            Code::Fatal,
            format!(
                "Zoom refused the refresh token ({}): sign in again",
                zoom.message
            ),
            None,
            Some(zoom),
        )),
        Err(TokenRefusal::Other(zoom)) => Err(Envelope::failure(
            Code::Api,
            format!("Zoom refused to renew the access token: {}", zoom.message),
            None,
            Some(zoom),
        )),
    }
}

/// Whether `token` is a JWT whose `exp` is past or within `margin_ms` of `now_ms`. Tokens that
/// are not JWTs, or carry no `exp`, are taken as valid: only Zoom's answer says otherwise.
pub fn expires_within(token: &AccessToken, now_ms: f64, margin_ms: f64) -> bool {
    let mut parts = token.secret().split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Some(claims) = base64url_decode(payload).and_then(|bytes| String::from_utf8(bytes).ok())
    else {
        return false;
    };
    let exp_seconds = if claims.contains('\\') {
        // A key may be spelled with escapes: only a parser reads it as JSON.parse would.
        match json::parse(&claims) {
            Some(Value::Object(claims)) => match claims.get("exp") {
                Some(exp) => seconds(exp),
                None => None,
            },
            _ => None,
        }
    } else {
        // Zoom's claims, as written: found without building them, which a call does each time.
        json::top_level_member(&claims, "exp").and_then(|raw| match raw.parse::<u64>() {
            Ok(exp) => Some(exp as f64),
            Err(_) => json::parse(raw).as_ref().and_then(seconds),
        })
    };
    exp_seconds.is_some_and(|exp| exp * 1000.0 <= now_ms + margin_ms)
}

/// A claim's value as seconds: a whole number (negative ones too: long past), or one with a
/// fraction or an exponent.
fn seconds(exp: &Value) -> Option<f64> {
    match exp {
        Value::Number(number) if number.as_str().contains(['.', 'e', 'E']) => number.as_f64(),
        exp => json::as_i64(exp).map(|exp| exp as f64),
    }
}

/// Base64url without padding (RFC 4648, section 5), as JWTs use it.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let value = |byte: u8| -> Option<u32> {
        Some(u32::from(match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        }))
    };
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0u32);
    for byte in text.bytes() {
        bits = (bits << 6) | value(byte)?;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// A refresh led by one call, shared with the others that present the same token.
struct Shared {
    key: String,
    /// When it started, or when its outcome arrived.
    at_ms: f64,
    /// The ticket drawn when its outcome arrived: calls with an earlier one were waiting.
    settled: u64,
    /// `None` while under way.
    outcome: Option<Result<Renewed, Failure>>,
}

/// What a failed renewal's envelope says, to hand to the calls that waited for it.
struct Failure {
    code: Code,
    msg: String,
    zoom: Option<ZoomError>,
}

thread_local! {
    static SHARED: RefCell<Vec<Shared>> = const { RefCell::new(Vec::new()) };
    static TICKETS: Cell<u64> = const { Cell::new(0) };
}

/// A number larger than every one drawn before: orders calls and outcomes without trusting
/// the clock, which may step back.
fn next_ticket() -> u64 {
    TICKETS
        .try_with(|last| {
            let next = last.get().wrapping_add(1);
            last.set(next);
            next
        })
        .unwrap_or(0)
}

enum Claim {
    /// This call makes the request.
    Lead,
    /// Another call is making it.
    Wait,
    /// Another call made it a moment ago.
    Ready(Renewed),
    /// Another call's attempt, which this one waited for, failed: trying the same token again
    /// could only fail too, or spend a token Zoom already rotated.
    Failed(Envelope),
}

/// How long a refresh may stay under way before others stop waiting for it.
const PENDING_MS: f64 = 300_000.0;

// `try_with` and `try_borrow_mut` rather than their panicking forms: should the registry be
// out of reach, a call leads its own refresh, as it would with no registry at all.
fn claim(
    key: &str,
    rejected: Option<&AccessToken>,
    now_ms: f64,
    reuse_ms: f64,
    ticket: u64,
) -> Claim {
    let claimed = SHARED.try_with(|shared| {
        let Ok(mut shared) = shared.try_borrow_mut() else {
            return Claim::Lead;
        };
        shared.retain(|entry| match entry.outcome {
            None => now_ms - entry.at_ms < PENDING_MS,
            Some(_) => now_ms - entry.at_ms < reuse_ms.max(f64::from(POLL_MS) * 2.0),
        });
        let found = shared.iter().position(|entry| entry.key == key);
        let claim = match found.and_then(|at| shared.get(at)) {
            Some(Shared { outcome: None, .. }) => return Claim::Wait,
            Some(Shared {
                outcome: Some(Ok(pair)),
                at_ms,
                settled,
                ..
            }) if Some(&pair.access) != rejected
                && (*settled > ticket || now_ms - at_ms < reuse_ms) =>
            {
                return Claim::Ready(pair.clone())
            }
            // Failures go only to the calls that were waiting for that attempt.
            Some(Shared {
                outcome: Some(Err(failure)),
                settled,
                ..
            }) if *settled > ticket => {
                let (msg, zoom) = (failure.msg.clone(), failure.zoom.clone());
                return Claim::Failed(Envelope::failure(failure.code, msg, None, zoom));
            }
            _ => Claim::Lead,
        };
        if let Some(at) = found {
            shared.swap_remove(at);
        }
        shared.push(Shared {
            key: key.to_owned(),
            at_ms: now_ms,
            settled: 0,
            outcome: None,
        });
        claim
    });
    claimed.unwrap_or(Claim::Lead)
}

fn settle(key: &str, outcome: &Result<Renewed, Envelope>, now_ms: f64) {
    let _ = SHARED.try_with(|shared| {
        let Ok(mut shared) = shared.try_borrow_mut() else {
            return;
        };
        if let Some(entry) = shared.iter_mut().find(|entry| entry.key == key) {
            entry.outcome = Some(match outcome {
                Ok(pair) => Ok(pair.clone()),
                Err(envelope) => Err(Failure {
                    code: envelope.code,
                    msg: envelope.msg.clone(),
                    zoom: envelope.zoom.clone(),
                }),
            });
            entry.at_ms = now_ms;
            entry.settled = next_ticket();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> AccessToken {
        let encode = |text: &str| {
            let mut out = String::new();
            for chunk in text.as_bytes().chunks(3) {
                let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
                let group = (b(0) << 16) | (b(1) << 8) | b(2);
                let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
                    if i <= chunk.len() {
                        out.push(char::from(alphabet[((group >> shift) & 63) as usize]));
                    }
                }
            }
            out
        };
        AccessToken::new(format!(
            "{}.{}.sig",
            encode(r#"{"alg":"HS256"}"#),
            encode(claims)
        ))
    }

    #[test]
    fn jwt_expiry_is_read_from_exp() {
        let now = 1_800_000_000_000.0;
        assert!(expires_within(&jwt(r#"{"exp":1799999990}"#), now, EARLY_MS));
        assert!(expires_within(&jwt(r#"{"exp":1800000030}"#), now, EARLY_MS));
        assert!(!expires_within(
            &jwt(r#"{"exp":1800000300,"uid":"x"}"#),
            now,
            EARLY_MS
        ));
        assert!(!expires_within(&jwt(r#"{"uid":"x"}"#), now, EARLY_MS));
        for opaque in ["acc-1", "a.b", "a.b.c.d", "a.%%%.c", "a..c"] {
            assert!(
                !expires_within(&AccessToken::new(opaque), now, EARLY_MS),
                "{opaque}"
            );
        }
    }

    #[test]
    fn base64url_decodes_rfc_vectors() {
        assert_eq!(base64url_decode("Zm9vYmFy").unwrap(), b"foobar");
        assert_eq!(base64url_decode("Zm9vYg").unwrap(), b"foob");
        assert_eq!(base64url_decode("Zm9vYg==").unwrap(), b"foob");
        assert_eq!(base64url_decode("_-8").unwrap(), [0xff, 0xef]);
        assert!(base64url_decode("a+b").is_none());
    }

    #[test]
    fn one_leader_then_waiters_then_reuse() {
        let ok = Ok(Renewed {
            access: AccessToken::new("acc-new"),
            refresh: RefreshToken::new("ref-new"),
        });
        let reuse = 60_000.0;
        let (leader, waiter) = (next_ticket(), next_ticket());
        assert!(matches!(claim("k1", None, 0.0, reuse, leader), Claim::Lead));
        assert!(matches!(claim("k1", None, 5.0, reuse, waiter), Claim::Wait));
        settle("k1", &ok, 10.0);
        let ready = claim("k1", None, 20.0, reuse, waiter);
        assert!(matches!(ready, Claim::Ready(p) if p.access.secret() == "acc-new"));
        // A later call within the window gets it too.
        assert!(matches!(
            claim("k1", None, 25.0, reuse, next_ticket()),
            Claim::Ready(_)
        ));
        // The shared pair is not handed back to the call whose token Zoom refused.
        let refused = AccessToken::new("acc-new");
        let again = claim("k1", Some(&refused), 30.0, reuse, next_ticket());
        assert!(matches!(again, Claim::Lead));
        settle("k1", &ok, 50.0);
        // After the window it is forgotten; with no window, at once for later calls.
        let late = claim("k1", None, 50.0 + reuse, reuse, next_ticket());
        assert!(matches!(late, Claim::Lead));
        settle("k1", &ok, 60.0);
        assert!(matches!(
            claim("k1", None, 60.0, 0.0, next_ticket()),
            Claim::Lead
        ));
        // With no window, a call that was waiting still gets the pair it waited for.
        let (leader, waiter) = (next_ticket(), next_ticket());
        assert!(matches!(claim("k3", None, 70.0, 0.0, leader), Claim::Lead));
        assert!(matches!(claim("k3", None, 71.0, 0.0, waiter), Claim::Wait));
        settle("k3", &ok, 80.0);
        assert!(matches!(
            claim("k3", None, 85.0, 0.0, waiter),
            Claim::Ready(_)
        ));
    }

    #[test]
    fn a_failure_reaches_the_waiters_and_no_one_else() {
        let reuse = 60_000.0;
        let failed = Err(Envelope::invalid("refresh failed".to_owned()));
        let (leader, waiter) = (next_ticket(), next_ticket());
        assert!(matches!(claim("k2", None, 0.0, reuse, leader), Claim::Lead));
        assert!(matches!(claim("k2", None, 5.0, reuse, waiter), Claim::Wait));
        settle("k2", &failed, 10.0);
        assert!(matches!(
            claim("k2", None, 25.0, reuse, waiter),
            Claim::Failed(_)
        ));
        assert!(matches!(
            claim("k2", None, 30.0, reuse, next_ticket()),
            Claim::Lead
        ));
    }
}
