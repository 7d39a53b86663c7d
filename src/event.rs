//! Reading the caller's event: which API, which tokens, and a checked plan of the Zoom call.
//!
//! Everything here runs before any request, so a malformed event costs nothing but an
//! envelope with code 3 whose `msg` names the field and the rule.

use std::rc::Rc;

use crate::json::{self, Object, Value};
use crate::rules;
use crate::secret::{AccessToken, AuthCode, CodeVerifier, RefreshToken};

/// The largest event accepted, as JSON text. Zoom's own limits keep a real one far smaller.
pub const MAX_EVENT_BYTES: usize = 1 << 20;

/// How deeply an event may nest; Zoom's own bodies need five levels at most.
const MAX_DEPTH: usize = json::SHALLOW;

/// Keys of `body` that the gateway reads itself and never forwards in a JSON body.
const GATEWAY_KEYS: [&str; 8] = [
    "token",
    "refresh_token",
    "userId",
    "meetingId",
    "occurrence_id",
    "show_previous_occurrences",
    "schedule_for_reminder",
    "cancel_meeting_reminder",
];

/// Why an event was refused: the field and the rule, for a person to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid(pub String);

impl Invalid {
    pub(crate) fn new(field: &str, rule: &str) -> Self {
        Self(format!("{field}: {rule}"))
    }
}

/// The five APIs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiName {
    /// `GET_ACCESS_TOKEN`.
    GetAccessToken,
    /// `CREATE_MEETING`.
    CreateMeeting,
    /// `GET_MEETING`.
    GetMeeting,
    /// `EDIT_MEETING`.
    EditMeeting,
    /// `DELETE_MEETING`.
    DeleteMeeting,
}

impl ApiName {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "GET_ACCESS_TOKEN" => Self::GetAccessToken,
            "CREATE_MEETING" => Self::CreateMeeting,
            "GET_MEETING" => Self::GetMeeting,
            "EDIT_MEETING" => Self::EditMeeting,
            "DELETE_MEETING" => Self::DeleteMeeting,
            _ => return None,
        })
    }

    /// The name as callers write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GetAccessToken => "GET_ACCESS_TOKEN",
            Self::CreateMeeting => "CREATE_MEETING",
            Self::GetMeeting => "GET_MEETING",
            Self::EditMeeting => "EDIT_MEETING",
            Self::DeleteMeeting => "DELETE_MEETING",
        }
    }
}

/// A checked event.
#[derive(Debug)]
pub enum Call {
    /// GET_ACCESS_TOKEN.
    Login(Grant),
    /// One of the four meeting calls.
    Meeting(MeetingCall),
}

/// How GET_ACCESS_TOKEN obtains tokens.
#[derive(Debug)]
pub enum Grant {
    /// The user-authorized flow: exchange the code from Zoom's redirect.
    AuthorizationCode {
        /// The code.
        code: AuthCode,
        /// Overrides `ZOOM_REDIRECT_URI`.
        redirect_uri: Option<String>,
        /// The PKCE verifier, when the authorize URL carried a challenge.
        code_verifier: Option<CodeVerifier>,
    },
    /// Server-to-Server OAuth for an account.
    /// Server-to-Server OAuth for an account.
    AccountCredentials {
        /// Overrides `ZOOM_ACCOUNT_ID`.
        account_id: Option<String>,
    },
}

/// A meeting call, ready to become a request once a token is at hand.
#[derive(Debug)]
pub struct MeetingCall {
    /// Which of the four.
    pub api: ApiName,
    /// `token`; `None` when empty, which means refresh first.
    pub access: Option<AccessToken>,
    /// `refresh_token`.
    pub refresh: Option<RefreshToken>,
    /// The path below the API base, its variable parts already checked and encoded.
    pub path: String,
    /// Query parameters, checked.
    pub query: Vec<(&'static str, String)>,
    /// The JSON body for create and edit, shared with each attempt's request.
    pub body: Option<Rc<str>>,
}

/// Reads and checks an event given as JSON text.
pub fn parse(event_json: &str) -> Result<Call, Invalid> {
    if event_json.len() > MAX_EVENT_BYTES {
        return Err(Invalid::new(
            "event",
            &format!("larger than {MAX_EVENT_BYTES} bytes of JSON"),
        ));
    }
    let event = json::parse_strict(event_json, MAX_DEPTH).map_err(|why| {
        Invalid::new(
            "event",
            match why {
                json::Unread::TooDeep => "nested too deeply",
                json::Unread::Malformed => "not valid JSON",
                // JSON's grammar allows these; JSON.stringify never writes them.
                json::Unread::Unrepresentable => {
                    "holds a number out of range or a string with an unpaired UTF-16 surrogate"
                }
            },
        )
    })?;
    let Value::Object(event) = event else {
        return Err(Invalid::new(
            "event",
            "expected an object { APIName, body }",
        ));
    };

    let api = match event.get("APIName") {
        Some(Value::String(name)) => ApiName::parse(name).ok_or_else(|| {
            Invalid::new(
                "APIName",
                "one of GET_ACCESS_TOKEN, CREATE_MEETING, GET_MEETING, EDIT_MEETING, DELETE_MEETING",
            )
        })?,
        Some(_) => return Err(Invalid::new("APIName", "must be a string")),
        None => return Err(Invalid::new("APIName", "required")),
    };
    let body = match event.get("body") {
        Some(Value::Object(body)) => body,
        Some(_) => return Err(Invalid::new("body", "must be an object")),
        None => return Err(Invalid::new("body", "required, an object")),
    };
    rules::refuse_prototype_keys(body, "body")?;

    match api {
        ApiName::GetAccessToken => parse_login(body).map(Call::Login),
        _ => parse_meeting(api, body).map(Call::Meeting),
    }
}

fn parse_login(body: &Object) -> Result<Grant, Invalid> {
    let grant_type = optional_str(body, "grant_type")?.unwrap_or("authorization_code");
    match grant_type {
        "authorization_code" => {
            let code = optional_str(body, "code")?
                .filter(|code| !code.is_empty())
                .ok_or_else(|| Invalid::new("code", "required, the code from Zoom's redirect"))?;
            rules::check_opaque("code", code, 2048)?;
            let redirect_uri = optional_str(body, "redirect_uri")?;
            if let Some(uri) = redirect_uri {
                rules::check_redirect_uri(uri)?;
            }
            let code_verifier = optional_str(body, "code_verifier")?;
            if let Some(verifier) = code_verifier {
                rules::check_code_verifier(verifier)?;
            }
            Ok(Grant::AuthorizationCode {
                code: AuthCode::new(code),
                redirect_uri: redirect_uri.map(str::to_owned),
                code_verifier: code_verifier.map(CodeVerifier::new),
            })
        }
        "account_credentials" => {
            let account_id = optional_str(body, "account_id")?;
            if let Some(id) = account_id {
                rules::check_opaque("account_id", id, 256)?;
            }
            Ok(Grant::AccountCredentials {
                account_id: account_id.map(str::to_owned),
            })
        }
        _ => Err(Invalid::new(
            "grant_type",
            "authorization_code (the default) or account_credentials",
        )),
    }
}

fn parse_meeting(api: ApiName, body: &Object) -> Result<MeetingCall, Invalid> {
    // Whether a missing token can be obtained depends on the settings: the flow decides.
    let access = token(body, "token")?.map(AccessToken::new);
    let refresh = token(body, "refresh_token")?.map(RefreshToken::new);

    let mut query = Vec::new();
    let path = match api {
        ApiName::CreateMeeting => {
            let user = match optional_str(body, "userId")? {
                Some(user) => rules::user_id_segment(user)?,
                None => "me".to_owned(),
            };
            format!("/users/{user}/meetings")
        }
        _ => {
            let id = rules::meeting_id(body.get("meetingId"))?;
            push_occurrence(body, &mut query)?;
            if api == ApiName::GetMeeting {
                push_flag(body, "show_previous_occurrences", &mut query)?;
            }
            if api == ApiName::DeleteMeeting {
                push_flag(body, "schedule_for_reminder", &mut query)?;
                push_flag(body, "cancel_meeting_reminder", &mut query)?;
            }
            format!("/meetings/{id}")
        }
    };

    let json_body = match api {
        ApiName::CreateMeeting | ApiName::EditMeeting => {
            let forwarded = |key: &String| !GATEWAY_KEYS.contains(&key.as_str());
            if api == ApiName::EditMeeting && !body.keys().any(forwarded) {
                return Err(Invalid::new("body", "EDIT_MEETING needs a field to change"));
            }
            rules::check_meeting_fields(body)?;
            // Written without the gateway's own keys; the map is read, never changed, which
            // keeps the BTreeMap's removal code out of the .wasm.
            Some(Rc::from(json::write_only(body, forwarded)))
        }
        _ => None,
    };

    Ok(MeetingCall {
        api,
        access,
        refresh,
        path,
        query,
        body: json_body,
    })
}

/// A string field, absent when missing or null; any other type is refused.
pub(crate) fn optional_str<'a>(body: &'a Object, key: &str) -> Result<Option<&'a str>, Invalid> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) => Ok(Some(value)),
        Some(_) => Err(Invalid::new(key, "must be a string")),
    }
}

/// A token field; an empty string counts as absent.
fn token<'a>(body: &'a Object, key: &str) -> Result<Option<&'a str>, Invalid> {
    match optional_str(body, key)? {
        Some("") | None => Ok(None),
        Some(value) => {
            rules::check_opaque(key, value, 8192)?;
            Ok(Some(value))
        }
    }
}

fn push_occurrence(body: &Object, query: &mut Vec<(&'static str, String)>) -> Result<(), Invalid> {
    if let Some(id) = rules::occurrence_id(body.get("occurrence_id"))? {
        query.push(("occurrence_id", id));
    }
    Ok(())
}

fn push_flag(
    body: &Object,
    key: &'static str,
    query: &mut Vec<(&'static str, String)>,
) -> Result<(), Invalid> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Bool(flag)) => {
            query.push((key, flag.to_string()));
            Ok(())
        }
        Some(_) => Err(Invalid::new(key, "must be true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meeting(json: &str) -> Result<MeetingCall, Invalid> {
        match parse(json)? {
            Call::Meeting(call) => Ok(call),
            Call::Login(_) => panic!("expected a meeting call"),
        }
    }

    #[test]
    fn create_keeps_gateway_keys_out_of_the_body() {
        let call = meeting(
            r#"{"APIName":"CREATE_MEETING","body":{"token":"t-1","refresh_token":"r-1",
                "userId":"host@example.com","topic":"Hi","meetingId":5}}"#,
        )
        .unwrap();
        assert_eq!(call.path, "/users/host@example.com/meetings");
        assert_eq!(call.body.as_deref(), Some(r#"{"topic":"Hi"}"#));
        assert!(call.query.is_empty());
    }

    #[test]
    fn delete_takes_its_query_flags() {
        let call = meeting(
            r#"{"APIName":"DELETE_MEETING","body":{"token":"t","meetingId":"85746065432",
                "occurrence_id":"1648194360000","cancel_meeting_reminder":true}}"#,
        )
        .unwrap();
        assert_eq!(call.path, "/meetings/85746065432");
        assert_eq!(
            call.query,
            vec![
                ("occurrence_id", "1648194360000".to_owned()),
                ("cancel_meeting_reminder", "true".to_owned())
            ]
        );
        assert_eq!(call.body, None);
    }

    #[test]
    fn malformed_events_name_the_field() {
        let cases = [
            ("null", "event:"),
            ("[1]", "event:"),
            (r#"{"body":{}}"#, "APIName: required"),
            (r#"{"APIName":7,"body":{}}"#, "APIName: must be a string"),
            (r#"{"APIName":"LIST","body":{}}"#, "APIName: one of"),
            (r#"{"APIName":"GET_MEETING"}"#, "body: required"),
            (
                r#"{"APIName":"GET_MEETING","body":[]}"#,
                "body: must be an object",
            ),
            (
                r#"{"APIName":"GET_MEETING","body":{"token":"t"}}"#,
                "meetingId: required",
            ),
            (
                r#"{"APIName":"GET_MEETING","body":{"token":"a b","meetingId":1}}"#,
                "token: printable ASCII",
            ),
            (
                r#"{"APIName":"EDIT_MEETING","body":{"token":"t","meetingId":1}}"#,
                "body: EDIT_MEETING needs a field",
            ),
            (
                r#"{"APIName":"GET_ACCESS_TOKEN","body":{}}"#,
                "code: required",
            ),
            (
                r#"{"APIName":"DELETE_MEETING","body":{"token":"t","meetingId":1,"schedule_for_reminder":"yes"}}"#,
                "schedule_for_reminder: must be true or false",
            ),
        ];
        for (json, expected) in cases {
            let err = parse(json).unwrap_err();
            assert!(err.0.starts_with(expected), "{json}: {}", err.0);
        }
    }

    #[test]
    fn an_unpaired_surrogate_is_named() {
        let json = r#"{"APIName":"CREATE_MEETING","body":{"token":"t","topic":"\ud800x"}}"#;
        assert_eq!(
            parse(json).unwrap_err().0,
            "event: holds a number out of range or a string with an unpaired UTF-16 surrogate"
        );
    }

    #[test]
    fn deep_nesting_is_refused_without_a_crash() {
        let json = format!(
            r#"{{"APIName":"CREATE_MEETING","body":{{"token":"t","settings":{}1{}}}}}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert_eq!(parse(&json).unwrap_err().0, "event: nested too deeply");
    }

    #[test]
    fn oversized_events_are_refused() {
        let json = format!(
            r#"{{"APIName":"GET_MEETING","body":{{"x":"{}"}}}}"#,
            "a".repeat(5 << 20)
        );
        assert!(parse(&json)
            .unwrap_err()
            .0
            .starts_with("event: larger than"));
    }
}
