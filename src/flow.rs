//! The gateway's flow: one event in, one envelope out, with refresh-and-retry and bounded
//! retries of what is safe to repeat.

use crate::config::Config;
use crate::envelope::{Code, Envelope, Renewed};
use crate::event::{self, ApiName, Call, Grant, Invalid, MeetingCall};
use crate::http::{HttpRequest, HttpResponse, Transport, TransportError};
use crate::renewal::{self, Renewal};
use crate::secret::{self, Redactor};
use crate::zoom::{self, ApiAnswer, TokenRefusal, ZoomError};

/// Attempts of one request at most, the first included.
const MAX_ATTEMPTS: u32 = 3;
/// First backoff; it doubles with each retry.
const BACKOFF_MS: f64 = 200.0;

/// Handles an event given as JSON text and returns the envelope.
pub async fn handle<T: Transport>(event_json: &str, config: &Config, transport: &T) -> Envelope {
    run(event::parse(event_json), config, transport).await
}

/// Handles an event already read, or says why it was refused.
pub async fn run<T: Transport>(
    event: Result<Call, Invalid>,
    config: &Config,
    transport: &T,
) -> Envelope {
    match event {
        Ok(Call::Login(grant)) => login(&grant, config, transport).await,
        Ok(Call::Meeting(call)) => meeting(call, config, transport).await,
        Err(invalid) => Envelope::invalid(invalid.0),
    }
}

async fn login<T: Transport>(grant: &Grant, config: &Config, transport: &T) -> Envelope {
    let request = match zoom::grant_request(config, grant) {
        Ok(request) => request,
        Err(msg) => return Envelope::invalid(msg),
    };
    let mut redactor = Redactor::default();
    hide_config(&mut redactor, config);
    if let Grant::AuthorizationCode {
        code,
        code_verifier,
        ..
    } = grant
    {
        redactor.hide(code.secret());
        if let Some(verifier) = code_verifier {
            redactor.hide(verifier.secret());
        }
    }

    // A code is single-use: never sent twice.
    let response = match exchange(transport, &request, config.timeout_ms, false).await {
        Ok(response) => response,
        Err(error) => return unreachable_zoom(&error, &redactor, None),
    };
    match zoom::read_token_answer(&response, &redactor) {
        Ok(answer) => Envelope::login(answer),
        Err(TokenRefusal::GrantGone(zoom) | TokenRefusal::Other(zoom)) => Envelope::failure(
            Code::Api,
            format!("Zoom refused the sign-in: {}", zoom.message),
            None,
            Some(zoom),
        ),
    }
}

async fn meeting<T: Transport>(call: MeetingCall, config: &Config, transport: &T) -> Envelope {
    let mut redactor = Redactor::default();
    hide_config(&mut redactor, config);
    if let Some(access) = &call.access {
        redactor.hide(access.secret());
    }
    if let Some(refresh) = &call.refresh {
        redactor.hide(refresh.secret());
    }
    let renewal = Renewal::of(call.refresh.as_ref(), config);

    // Renew first when there is no token, or a JWT one that is about to expire: the call
    // would only come back with a 401.
    let mut renewed: Option<Renewed> = None;
    let mut early_failure: Option<Envelope> = None;
    let stale = match &call.access {
        None => true,
        Some(access) => renewal::expires_within(access, transport.now_ms(), renewal::EARLY_MS),
    };
    if stale && !matches!(renewal, Renewal::Impossible) {
        match renewal::renew(&renewal, None, config, transport, &redactor).await {
            Ok(pair) => {
                hide_pair(&mut redactor, &pair);
                renewed = Some(pair);
            }
            // With a token in hand a failed early renewal is not the end: it may still work.
            Err(envelope) if call.access.is_none() || envelope.code == Code::Fatal => {
                return envelope
            }
            Err(envelope) => early_failure = Some(envelope),
        }
    }
    let mut access = match (&renewed, &call.access) {
        (Some(pair), _) => pair.access.clone(),
        (None, Some(access)) => access.clone(),
        (None, None) => return Envelope::invalid(
            "token: required (or a refresh_token, or ZOOM_ACCOUNT_ID for Server-to-Server OAuth)"
                .to_owned(),
        ),
    };

    loop {
        let request = zoom::api_request(config, &call, &access);
        let response = match exchange(transport, &request, config.timeout_ms, true).await {
            Ok(response) => response,
            Err(error) => return unreachable_zoom(&error, &redactor, renewed),
        };
        match zoom::read_api_answer(response, request.answer_to_caller, &redactor) {
            ApiAnswer::Success(body) => {
                return Envelope::success(success_msg(call.api), renewed, body);
            }
            ApiAnswer::Unauthorized(zoom) if renewed.is_some() => {
                let msg = format!(
                    "Zoom refused even a fresh access token ({}): sign in again",
                    zoom.message
                );
                return Envelope::failure(Code::Fatal, msg, renewed, Some(zoom));
            }
            ApiAnswer::Unauthorized(zoom) if matches!(renewal, Renewal::Impossible) => {
                let msg = format!(
                    "Zoom refused the access token ({}) and there is no refresh_token: sign in again",
                    zoom.message
                );
                return Envelope::failure(Code::Fatal, msg, None, Some(zoom));
            }
            ApiAnswer::Unauthorized(_) => {
                // One renewal attempt per call: a second would spend the same refresh token
                // again, so an early one that failed is the answer.
                if let Some(envelope) = early_failure.take() {
                    return envelope;
                }
                match renewal::renew(&renewal, Some(&access), config, transport, &redactor).await {
                    Ok(pair) => {
                        hide_pair(&mut redactor, &pair);
                        access = pair.access.clone();
                        renewed = Some(pair);
                    }
                    Err(envelope) => return envelope,
                }
            }
            ApiAnswer::MissingScope(zoom) => {
                let msg = format!(
                    "the access token lacks a scope this call needs ({}): the user must sign in again and grant it",
                    zoom.message
                );
                return Envelope::failure(Code::Api, msg, renewed, Some(zoom));
            }
            ApiAnswer::DailyLimit(zoom) => {
                let msg = format!(
                    "Zoom's daily limit for this host is used up; it resets at 00:00 UTC ({})",
                    zoom.message
                );
                return Envelope::failure(Code::Api, msg, renewed, Some(zoom));
            }
            ApiAnswer::Failed(zoom) => {
                return Envelope::failure(Code::Api, refusal_msg(&zoom), renewed, Some(zoom));
            }
        }
    }
}

/// Sends a request, repeating it, when `may_repeat`, while that is safe and time remains:
/// idempotent requests after a 5xx or a broken connection, any request after a per-second
/// 429 (Zoom did not act on it). A create is never repeated blindly: a duplicate meeting is
/// worse than an error. Token requests are never repeated at all: codes are single-use and
/// refresh tokens rotate.
pub(crate) async fn exchange<T: Transport>(
    transport: &T,
    request: &HttpRequest,
    timeout_ms: u32,
    may_repeat: bool,
) -> Result<HttpResponse, TransportError> {
    let deadline = transport.now_ms() + f64::from(timeout_ms);
    let mut attempt = 0;
    loop {
        // Not `clamp`: its NaN check formats floats, which costs 20 KB of .wasm.
        let remaining = (deadline - transport.now_ms())
            .max(1.0)
            .min(f64::from(timeout_ms));
        let result = transport.send(request, remaining as u32).await;
        attempt += 1;

        let backoff = BACKOFF_MS * f64::from(1u32 << attempt.min(8)) / 2.0;
        let wait = match &result {
            _ if !may_repeat => return result,
            Ok(response) if response.status == 429 && !zoom::is_daily_limit(response) => {
                retry_after_ms(response, transport.now_ms()).unwrap_or(backoff)
            }
            Ok(response) if response.status >= 500 && request.method.is_idempotent() => backoff,
            Err(TransportError::Network(_)) if request.method.is_idempotent() => backoff,
            _ => return result,
        };
        if attempt >= MAX_ATTEMPTS || transport.now_ms() + wait >= deadline {
            return result;
        }
        transport.sleep(wait as u32).await;
    }
}

/// `Retry-After` in milliseconds from now: delay-seconds or an HTTP date.
fn retry_after_ms(response: &HttpResponse, now_ms: f64) -> Option<f64> {
    let value = response.retry_after.as_deref()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds as f64 * 1000.0);
    }
    let at_ms = crate::http::parse_http_date_ms(value)?;
    Some((at_ms - now_ms).max(0.0))
}

pub(crate) fn unreachable_zoom(
    error: &TransportError,
    redactor: &Redactor,
    renewed: Option<Renewed>,
) -> Envelope {
    let msg = match error {
        TransportError::Timeout => "Zoom did not answer in time (timeout)".to_owned(),
        TransportError::Network(detail) => {
            // Redacted before it is cut, so that no part of a secret survives the cut.
            let detail = redactor.apply(detail);
            format!(
                "could not reach Zoom (network error: {})",
                secret::clip(&detail, 300)
            )
        }
    };
    Envelope::failure(Code::Api, msg, renewed, None)
}

fn refusal_msg(zoom: &ZoomError) -> String {
    match zoom.code {
        Some(code) => format!(
            "Zoom answered {} (code {code}): {}",
            zoom.status, zoom.message
        ),
        None => format!("Zoom answered {} with {}", zoom.status, zoom.message),
    }
}

fn success_msg(api: ApiName) -> &'static str {
    match api {
        ApiName::CreateMeeting => "Meeting created",
        ApiName::GetMeeting => "Meeting retrieved",
        ApiName::EditMeeting => "Meeting updated",
        ApiName::DeleteMeeting => "Meeting deleted",
        ApiName::GetAccessToken => "Retrieved Access Token",
    }
}

/// A new pair belongs in `token`, never in a message.
fn hide_pair(redactor: &mut Redactor, pair: &Renewed) {
    redactor.hide(pair.access.secret());
    redactor.hide(pair.refresh.secret());
}

/// The client secret, and the Basic credentials made from it, which an echoing proxy or
/// error page could quote back.
fn hide_config(redactor: &mut Redactor, config: &Config) {
    if let Some(secret) = &config.client_secret {
        redactor.hide_client(config.client_id.as_deref().unwrap_or_default(), secret);
    }
}
