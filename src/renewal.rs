//! Getting a new access token in the middle of a call: with the caller's refresh token, or
//! with Server-to-Server OAuth when the deployment has an account, shared within the isolate.
//!
//! Zoom rotates refresh tokens: of two refreshes racing with the same token, one wins and the
//! other gets `invalid_grant`, which would end the user's session. So within one isolate (or
//! process) the first call to need a refresh leads it, calls that present the same token at
//! the same time wait for its outcome, and for a minute afterwards a call that still presents
//! the replaced token is given the new pair instead of a doomed refresh. Only data is held
//! across calls, never a promise: workerd forbids awaiting one request's I/O in another.

use std::cell::RefCell;

use crate::config::Config;
use crate::envelope::{Code, Envelope, Renewed};
use crate::http::Transport;
use crate::json::{self, Value};
use crate::secret::{AccessToken, Redactor, RefreshToken};
use crate::zoom::{self, TokenRefusal};

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
    loop {
        let reuse_ms = f64::from(config.refresh_reuse_ms);
        match claim(&key, rejected, transport.now_ms(), reuse_ms) {
            Claim::Ready(pair) => return Ok(pair),
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

    let outcome = obtain(renewal, config, transport, redactor).await;
    settle(&key, outcome.as_ref().ok(), transport.now_ms());
    outcome
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
    let response = crate::flow::exchange(transport, &request, config.timeout_ms)
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
    let exp_seconds = match json::parse(&claims) {
        Some(Value::Object(claims)) => match claims.get("exp") {
            Some(Value::Number(json::Number::F64(exp))) => *exp,
            Some(exp) => match json::as_u64(exp) {
                Some(exp) => exp as f64,
                None => return false,
            },
            None => return false,
        },
        _ => return false,
    };
    exp_seconds * 1000.0 <= now_ms + margin_ms
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
    at_ms: f64,
    pair: Option<Renewed>,
}

thread_local! {
    static SHARED: RefCell<Vec<Shared>> = const { RefCell::new(Vec::new()) };
}

enum Claim {
    /// This call makes the request.
    Lead,
    /// Another call is making it.
    Wait,
    /// Another call made it a moment ago.
    Ready(Renewed),
}

/// How long a refresh may stay under way before others stop waiting for it.
const PENDING_MS: f64 = 300_000.0;

// `try_with` and `try_borrow_mut` rather than their panicking forms: should the registry be
// out of reach, a call leads its own refresh, as it would with no registry at all.
fn claim(key: &str, rejected: Option<&AccessToken>, now_ms: f64, reuse_ms: f64) -> Claim {
    let claimed = SHARED.try_with(|shared| {
        let Ok(mut shared) = shared.try_borrow_mut() else {
            return Claim::Lead;
        };
        shared.retain(|entry| match entry.pair {
            None => now_ms - entry.at_ms < PENDING_MS,
            Some(_) => now_ms - entry.at_ms < reuse_ms,
        });
        match shared.iter().find(|entry| entry.key == key) {
            Some(Shared { pair: None, .. }) => Claim::Wait,
            Some(Shared {
                pair: Some(pair), ..
            }) if Some(&pair.access) != rejected => Claim::Ready(pair.clone()),
            found => {
                if found.is_some() {
                    shared.retain(|entry| entry.key != key);
                }
                shared.push(Shared {
                    key: key.to_owned(),
                    at_ms: now_ms,
                    pair: None,
                });
                Claim::Lead
            }
        }
    });
    claimed.unwrap_or(Claim::Lead)
}

fn settle(key: &str, pair: Option<&Renewed>, now_ms: f64) {
    let _ = SHARED.try_with(|shared| {
        let Ok(mut shared) = shared.try_borrow_mut() else {
            return;
        };
        match pair {
            Some(pair) => {
                if let Some(entry) = shared.iter_mut().find(|entry| entry.key == key) {
                    entry.pair = Some(pair.clone());
                    entry.at_ms = now_ms;
                }
            }
            // A failure is not shared: a waiting call may try for itself.
            None => shared.retain(|entry| entry.key != key),
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
        let pair = Renewed {
            access: AccessToken::new("acc-new"),
            refresh: RefreshToken::new("ref-new"),
        };
        let reuse = 60_000.0;
        assert!(matches!(claim("k1", None, 0.0, reuse), Claim::Lead));
        assert!(matches!(claim("k1", None, 5.0, reuse), Claim::Wait));
        settle("k1", Some(&pair), 10.0);
        assert!(
            matches!(claim("k1", None, 20.0, reuse), Claim::Ready(p) if p.access.secret() == "acc-new")
        );
        // The shared pair is not handed back to the call whose token Zoom refused.
        let refused = AccessToken::new("acc-new");
        assert!(matches!(
            claim("k1", Some(&refused), 30.0, reuse),
            Claim::Lead
        ));
        settle("k1", None, 40.0);
        assert!(matches!(claim("k1", None, 40.0, reuse), Claim::Lead));
        settle("k1", Some(&pair), 50.0);
        // After the reuse window it is forgotten; with no window, at once.
        assert!(matches!(
            claim("k1", None, 50.0 + reuse, reuse),
            Claim::Lead
        ));
        settle("k1", Some(&pair), 60.0);
        assert!(matches!(claim("k1", None, 60.0, 0.0), Claim::Lead));
    }
}
