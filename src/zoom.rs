//! Zoom's side of the conversation: the requests it expects and how to read its answers.
//!
//! Requests are built from a checked [`MeetingCall`] or [`Grant`]; answers are classified
//! into what the flow acts on. Nothing here sends anything.

use crate::config::Config;
use crate::envelope::Body;
use crate::event::{ApiName, Grant, MeetingCall};
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::json::{self, Value};
use crate::secret::{basic_credentials, find, AccessToken, Redactor, RefreshToken};

/// Zoom's code for a rejected or expired access token.
const INVALID_ACCESS_TOKEN: i64 = 124;
/// Zoom's codes for a token that lacks a scope: refreshing cannot add one.
const MISSING_SCOPE: [i64; 2] = [4700, 4711];
/// OAuth error numbers that mean the grant itself is gone: revoked, re-authorized, owner
/// removed, or a refresh token used too often.
const GRANT_GONE: [i64; 4] = [4735, 4737, 4740, 4741];

/// The request for a meeting call with a given access token.
pub fn api_request(config: &Config, call: &MeetingCall, access: &AccessToken) -> HttpRequest {
    let mut url = format!("{}{}", config.api_base, call.path);
    if !call.query.is_empty() {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(call.query.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();
        url.push('?');
        url.push_str(&query);
    }
    let mut headers = vec![
        ("authorization", format!("Bearer {}", access.secret())),
        ("accept", "application/json".to_owned()),
    ];
    if call.body.is_some() {
        headers.push(("content-type", "application/json".to_owned()));
    }
    HttpRequest {
        method: call.api_method(),
        url,
        headers,
        body: call.body.clone(),
        answer_to_caller: matches!(call.api, ApiName::CreateMeeting | ApiName::GetMeeting),
    }
}

impl MeetingCall {
    /// The HTTP method of this call.
    pub fn api_method(&self) -> Method {
        use crate::event::ApiName::*;
        match self.api {
            CreateMeeting | GetAccessToken => Method::Post,
            GetMeeting => Method::Get,
            EditMeeting => Method::Patch,
            DeleteMeeting => Method::Delete,
        }
    }
}

/// The token request that exchanges a grant, or why it cannot be made.
pub fn grant_request(config: &Config, grant: &Grant) -> Result<HttpRequest, String> {
    match grant {
        Grant::AuthorizationCode {
            code,
            redirect_uri,
            code_verifier,
        } => {
            let redirect_uri = redirect_uri
                .as_deref()
                .or(config.redirect_uri.as_deref())
                .ok_or("redirect_uri: required, in the event or as ZOOM_REDIRECT_URI")?;
            let mut form = vec![
                ("grant_type", "authorization_code"),
                ("code", code.secret()),
                ("redirect_uri", redirect_uri),
            ];
            if let Some(verifier) = code_verifier {
                form.push(("code_verifier", verifier.secret()));
            }
            // A public (PKCE) client has no secret and names itself in the form instead.
            let public = code_verifier.is_some() && config.client_secret.is_none();
            token_request(config, form, public)
        }
        Grant::AccountCredentials { account_id } => {
            let account_id = account_id
                .as_deref()
                .or(config.account_id.as_deref())
                .ok_or("account_id: required, in the event or as ZOOM_ACCOUNT_ID")?;
            account_request(config, account_id)
        }
    }
}

/// The token request of Server-to-Server OAuth for an account.
pub fn account_request(config: &Config, account_id: &str) -> Result<HttpRequest, String> {
    token_request(
        config,
        vec![
            ("grant_type", "account_credentials"),
            ("account_id", account_id),
        ],
        false,
    )
}

/// The token request that trades a refresh token for a new pair.
pub fn refresh_request(config: &Config, refresh: &RefreshToken) -> Result<HttpRequest, String> {
    let public = config.client_secret.is_none();
    token_request(
        config,
        vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.secret()),
        ],
        public,
    )
}

fn token_request<'a>(
    config: &'a Config,
    mut form: Vec<(&'a str, &'a str)>,
    public: bool,
) -> Result<HttpRequest, String> {
    let client_id = config
        .client_id
        .as_deref()
        .ok_or("config: ZOOM_CLIENT_ID is not set")?;
    let mut headers = vec![
        (
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        ),
        ("accept", "application/json".to_owned()),
    ];
    match (&config.client_secret, public) {
        (_, true) => form.push(("client_id", client_id)),
        (Some(secret), false) => {
            let basic = basic_credentials(client_id, secret);
            headers.push(("authorization", format!("Basic {basic}")));
        }
        (None, false) => return Err("config: ZOOM_CLIENT_SECRET is not set".to_owned()),
    }
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    Ok(HttpRequest {
        method: Method::Post,
        url: config.token_url(),
        headers,
        body: Some(body.into()),
        answer_to_caller: false,
    })
}

/// A successful token answer.
pub struct TokenAnswer {
    /// The new access token.
    pub access_token: String,
    /// The new refresh token; absent for Server-to-Server OAuth.
    pub refresh_token: Option<String>,
    /// Seconds the access token lives.
    pub expires_in: Option<u64>,
    /// Granted scopes, space separated.
    pub scope: Option<String>,
    /// The regional API host for this user.
    pub api_url: Option<String>,
}

impl TokenAnswer {
    /// Reads the fields the gateway uses; `None` without an access token.
    fn from_json(text: &str) -> Option<Self> {
        let Value::Object(fields) = json::parse(text)? else {
            return None;
        };
        let text = |key: &str| fields.get(key).and_then(json::as_str).map(str::to_owned);
        // They go into headers next: only printable ASCII, as for the caller's own tokens.
        let header_safe =
            |token: &String| !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic());
        let access_token = text("access_token").filter(header_safe)?;
        Some(Self {
            access_token,
            refresh_token: text("refresh_token").filter(header_safe),
            scope: text("scope"),
            api_url: text("api_url"),
            expires_in: fields.get("expires_in").and_then(json::as_u64),
        })
    }
}

impl std::fmt::Debug for TokenAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenAnswer")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("api_url", &self.api_url)
            .finish_non_exhaustive()
    }
}

/// What Zoom said when it refused: the status, its code if any, and its message with
/// secrets removed.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoomError {
    /// HTTP status.
    pub status: u16,
    /// Zoom's numeric code, when it gave one.
    pub code: Option<i64>,
    /// Zoom's message, secrets removed.
    pub message: String,
}

/// A refused token request, sorted by what the caller can do about it.
#[derive(Debug)]
pub enum TokenRefusal {
    /// The grant is over (`invalid_grant`, "Invalid Token!", revoked): sign in again.
    GrantGone(ZoomError),
    /// Anything else: wrong client credentials, a bad code, Zoom trouble.
    Other(ZoomError),
}

/// Reads the token endpoint's answer.
pub fn read_token_answer(
    response: &HttpResponse,
    redactor: &Redactor,
) -> Result<TokenAnswer, TokenRefusal> {
    if response.status == 200 {
        return TokenAnswer::from_json(&response.body).ok_or_else(|| {
            TokenRefusal::Other(ZoomError {
                status: response.status,
                code: None,
                message: "the token endpoint answered 200 without a usable access_token".to_owned(),
            })
        });
    }

    let fields = error_fields(&response.body);
    let text = |key: &str| {
        fields
            .as_ref()
            .and_then(|f| f.get(key))
            .and_then(json::as_str)
            .unwrap_or_default()
    };
    let (error, reason) = (text("error"), text("reason"));
    let code = fields
        .as_ref()
        .and_then(|f| f.get("code"))
        .and_then(as_code);
    let message = match (error, reason, text("message")) {
        ("", "", "") => body_summary(response),
        ("", "", message) => message.to_owned(),
        (error, "", _) => error.to_owned(),
        (error, reason, _) => format!("{reason} ({error})"),
    };
    let zoom = ZoomError {
        status: response.status,
        code,
        message: redactor.apply(&message),
    };
    let gone = error == "invalid_grant"
        || reason.eq_ignore_ascii_case("Invalid Token!")
        || code.is_some_and(|c| GRANT_GONE.contains(&c));
    if gone && response.status < 500 {
        Err(TokenRefusal::GrantGone(zoom))
    } else {
        Err(TokenRefusal::Other(zoom))
    }
}

/// What a meeting call's answer means for the flow.
#[derive(Debug)]
pub enum ApiAnswer {
    /// 2xx, with what goes in the envelope's `body`.
    Success(Body),
    /// 401: the access token was refused or expired.
    Unauthorized(ZoomError),
    /// 4xx with a scope code: refreshing cannot help.
    MissingScope(ZoomError),
    /// 429 that will not pass before midnight UTC.
    DailyLimit(ZoomError),
    /// Any other refusal or failure.
    Failed(ZoomError),
}

/// Reads a meeting call's answer; `keep_body` for create and get, whose envelope carries it.
pub fn read_api_answer(response: HttpResponse, keep_body: bool, redactor: &Redactor) -> ApiAnswer {
    let status = response.status;
    if (200..300).contains(&status) {
        if response.kept && keep_body {
            return ApiAnswer::Success(Body::Kept);
        }
        if status == 204 || (!keep_body && response.body.trim().is_empty()) {
            return ApiAnswer::Success(Body::Empty);
        }
        if !keep_body {
            // Edit and delete answer nothing; a page in their place is a proxy, not Zoom.
            return match json::check(&response.body) {
                Ok(_) => ApiAnswer::Success(Body::Empty),
                Err(why) => ApiAnswer::Failed(not_json(status, why)),
            };
        }
        // A meeting is an object; anything else would give the caller a body of another shape.
        let is_object = response.body.trim_start().starts_with('{');
        return match json::check(&response.body) {
            Ok(rewritten) if is_object => {
                ApiAnswer::Success(Body::Zoom(rewritten.unwrap_or(response.body)))
            }
            Ok(_) => ApiAnswer::Failed(not_json(status, json::NotJson::Malformed)),
            Err(why) => ApiAnswer::Failed(not_json(status, why)),
        };
    }

    let error = api_error(&response, redactor);
    if status == 401 || error.code == Some(INVALID_ACCESS_TOKEN) {
        ApiAnswer::Unauthorized(error)
    } else if error.code.is_some_and(|c| MISSING_SCOPE.contains(&c)) {
        ApiAnswer::MissingScope(error)
    } else if status == 429 && is_daily_limit(&response) {
        ApiAnswer::DailyLimit(error)
    } else {
        ApiAnswer::Failed(error)
    }
}

fn not_json(status: u16, why: json::NotJson) -> ZoomError {
    ZoomError {
        status,
        code: None,
        message: match why {
            json::NotJson::TooDeep => "a JSON body nested too deeply (over 128 levels)",
            json::NotJson::Malformed => "a body that is not a JSON object",
        }
        .to_owned(),
    }
}

/// Whether a 429 is the per-host daily limit, which no retry can pass today.
pub fn is_daily_limit(response: &HttpResponse) -> bool {
    let by_header = response
        .rate_limit_type
        .as_deref()
        .is_some_and(|kind| find(&kind.to_ascii_lowercase(), "daily").is_some());
    // Zoom's message may spell it with escapes: read it, on a 429 only.
    let by_message = || {
        error_fields(&response.body)
            .and_then(|fields| {
                fields
                    .get("message")
                    .and_then(json::as_str)
                    .map(str::to_owned)
            })
            .is_some_and(|message| {
                find(&message.to_ascii_lowercase(), "daily rate limit").is_some()
            })
    };
    by_header
        || find(&response.body, "daily rate limit").is_some()
        || (response.status == 429 && by_message())
}

fn api_error(response: &HttpResponse, redactor: &Redactor) -> ZoomError {
    let fields = error_fields(&response.body);
    let code = fields
        .as_ref()
        .and_then(|f| f.get("code"))
        .and_then(as_code);
    let mut message = fields
        .as_ref()
        .and_then(|f| f.get("message"))
        .and_then(json::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| body_summary(response));
    if let Some(Value::Array(errors)) = fields.as_ref().and_then(|f| f.get("errors")) {
        for item in errors.iter().take(10) {
            let Value::Object(item) = item else { continue };
            let field = item.get("field").and_then(json::as_str).unwrap_or("?");
            let text = item.get("message").and_then(json::as_str).unwrap_or("");
            message.push_str(&format!(" [{field}: {text}]"));
        }
    }
    ZoomError {
        status: response.status,
        code,
        message: redactor.apply(&message),
    }
}

/// The fields of an error body, when it is a JSON object.
fn error_fields(body: &str) -> Option<json::Object> {
    match json::parse(body)? {
        Value::Object(fields) => Some(fields),
        _ => None,
    }
}

fn as_code(value: &Value) -> Option<i64> {
    json::as_i64(value).or_else(|| json::as_str(value).and_then(|s| s.parse().ok()))
}

/// A body that is not Zoom's JSON: say what it is, not what it says.
fn body_summary(response: &HttpResponse) -> String {
    if response.body.trim().is_empty() {
        "an empty body".to_owned()
    } else if json::is_json(&response.body) {
        "a JSON body without an error message".to_owned()
    } else {
        "a body that is not JSON".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_uses_basic_credentials_and_a_form() {
        let config = Config::default().with_client("client-id", "client-secret");
        let request = refresh_request(&config, &RefreshToken::new("r/1+2")).unwrap();
        assert_eq!(request.url, "https://zoom.us/oauth/token");
        assert_eq!(
            request.header("authorization"),
            Some("Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQ=")
        );
        assert_eq!(
            request.body.as_deref(),
            Some("grant_type=refresh_token&refresh_token=r%2F1%2B2")
        );
    }

    #[test]
    fn refresh_without_credentials_says_which_is_missing() {
        let err = refresh_request(&Config::default(), &RefreshToken::new("r")).unwrap_err();
        assert_eq!(err, "config: ZOOM_CLIENT_ID is not set");
    }

    #[test]
    fn invalid_token_reason_means_the_grant_is_gone() {
        for body in [
            r#"{"reason":"Invalid Token!","error":"invalid_grant"}"#,
            r#"{"reason":"Invalid Token!","error":"invalid_request"}"#,
            r#"{"code":4741,"message":"Token has been revoked"}"#,
        ] {
            let answer = read_token_answer(&HttpResponse::new(400, body), &Redactor::default());
            assert!(matches!(answer, Err(TokenRefusal::GrantGone(_))), "{body}");
        }
        let client = read_token_answer(
            &HttpResponse::new(
                401,
                r#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#,
            ),
            &Redactor::default(),
        );
        match client {
            Err(TokenRefusal::Other(error)) => {
                assert_eq!(
                    error.message,
                    "Invalid client_id or client_secret (invalid_client)"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_messages_lose_echoed_secrets() {
        let mut redactor = Redactor::default();
        redactor.hide("auth-code-used");
        let answer = read_token_answer(
            &HttpResponse::new(
                400,
                r#"{"reason":"Invalid authorization code auth-code-used","error":"invalid_request"}"#,
            ),
            &redactor,
        );
        match answer {
            Err(TokenRefusal::Other(error)) => assert_eq!(
                error.message,
                "Invalid authorization code [redacted] (invalid_request)"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn api_answers_are_sorted() {
        let r = Redactor::default();
        assert!(matches!(
            read_api_answer(HttpResponse::new(204, ""), true, &r),
            ApiAnswer::Success(Body::Empty)
        ));
        for body in ["<html>", "0", "[1]", "\"text\"", "{\"a\":1} x"] {
            assert!(
                matches!(
                    read_api_answer(HttpResponse::new(200, body), true, &r),
                    ApiAnswer::Failed(_)
                ),
                "{body}"
            );
        }
        assert!(matches!(
            read_api_answer(
                HttpResponse::new(401, r#"{"code":124,"message":"x"}"#),
                true,
                &r
            ),
            ApiAnswer::Unauthorized(_)
        ));
        assert!(matches!(
            read_api_answer(
                HttpResponse::new(400, r#"{"code":4711,"message":"x"}"#),
                true,
                &r
            ),
            ApiAnswer::MissingScope(_)
        ));
        match read_api_answer(
            HttpResponse::new(
                400,
                r#"{"code":300,"message":"Validation Failed.","errors":[{"field":"topic","message":"too long"}]}"#,
            ),
            true,
            &r,
        ) {
            ApiAnswer::Failed(error) => {
                assert_eq!(error.code, Some(300));
                assert_eq!(error.message, "Validation Failed. [topic: too long]");
            }
            other => panic!("{other:?}"),
        }
    }
}
