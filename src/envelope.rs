//! The envelope every call resolves to, written as JSON text for the JS side to parse.
//!
//! Zoom's answer is embedded as the text Zoom sent, checked but not rebuilt (integers beyond
//! 2^53 were already turned into strings by `json::check`).

use crate::json::push_string;
use crate::secret::{AccessToken, RefreshToken};
use crate::zoom::{TokenAnswer, ZoomError};

/// The envelope's `error` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// 0: success.
    Success = 0,
    /// 1: Zoom refused or failed, or could not be reached.
    Api = 1,
    /// 2: the session is over; the user must sign in again.
    Fatal = 2,
    /// 3: the event was refused before calling Zoom.
    Invalid = 3,
}

/// A token pair the gateway obtained during a call; the caller must store it.
#[derive(Clone, Debug)]
pub struct Renewed {
    /// The new access token.
    pub access: AccessToken,
    /// The new refresh token; the one the caller sent no longer works.
    pub refresh: RefreshToken,
}

/// The envelope's `body`.
#[derive(Debug)]
pub enum Body {
    /// `{}`.
    Empty,
    /// Zoom's JSON text, already checked by `json::check`.
    Zoom(String),
    /// Zoom's answer, kept by the transport on the host's side; written as `{}` here, and put
    /// in its place by the host (the npm package's `handle`).
    Kept,
    /// GET_ACCESS_TOKEN's result.
    Login(TokenAnswer),
}

/// A whole envelope.
#[derive(Debug)]
pub struct Envelope {
    /// The `error` field.
    pub code: Code,
    /// What happened, for a person.
    pub msg: String,
    /// `None` for GET_ACCESS_TOKEN's success, which has no `token` field.
    pub token: Option<Option<Renewed>>,
    /// Zoom's answer on success, else `{}`.
    pub body: Body,
    /// What Zoom said, when it refused.
    pub zoom: Option<ZoomError>,
}

impl Envelope {
    /// A success of a meeting call.
    pub fn success(msg: &str, renewed: Option<Renewed>, body: Body) -> Self {
        Self {
            code: Code::Success,
            msg: msg.to_owned(),
            token: Some(renewed),
            body,
            zoom: None,
        }
    }

    /// A failure; `renewed` carries tokens obtained before it, so that none are lost.
    pub fn failure(
        code: Code,
        msg: String,
        renewed: Option<Renewed>,
        zoom: Option<ZoomError>,
    ) -> Self {
        Self {
            code,
            msg,
            token: Some(renewed),
            body: Body::Empty,
            zoom,
        }
    }

    /// An event refused before any request.
    pub fn invalid(msg: String) -> Self {
        Self::failure(Code::Invalid, msg, None, None)
    }

    /// GET_ACCESS_TOKEN's success.
    pub fn login(answer: TokenAnswer) -> Self {
        Self {
            code: Code::Success,
            msg: "Retrieved Access Token".to_owned(),
            token: None,
            body: Body::Login(answer),
            zoom: None,
        }
    }

    /// The envelope as JSON text.
    pub fn to_json(&self) -> String {
        let zoom_len = match &self.body {
            Body::Zoom(text) => text.len(),
            _ => 0,
        };
        let mut out = String::with_capacity(160 + self.msg.len() + zoom_len);

        out.push_str("{\"error\":");
        out.push(char::from(b'0' + self.code as u8));
        out.push_str(",\"msg\":");
        push_string(&mut out, &self.msg);

        if let Some(renewed) = &self.token {
            out.push_str(",\"token\":");
            match renewed {
                Some(pair) => {
                    out.push_str("{\"updated\":true,\"access\":");
                    push_string(&mut out, pair.access.secret());
                    out.push_str(",\"refresh\":");
                    push_string(&mut out, pair.refresh.secret());
                    out.push('}');
                }
                None => out.push_str("{\"updated\":false,\"access\":\"\",\"refresh\":\"\"}"),
            }
        }

        out.push_str(",\"body\":");
        match &self.body {
            Body::Empty | Body::Kept => out.push_str("{}"),
            Body::Zoom(text) => out.push_str(text.trim()),
            Body::Login(answer) => push_login(&mut out, answer),
        }

        if let Some(zoom) = &self.zoom {
            out.push_str(",\"zoom\":{\"status\":");
            out.push_str(&zoom.status.to_string());
            out.push_str(",\"code\":");
            match zoom.code {
                Some(code) => out.push_str(&code.to_string()),
                None => out.push_str("null"),
            }
            out.push_str(",\"message\":");
            push_string(&mut out, &zoom.message);
            out.push('}');
        }
        out.push('}');
        out
    }
}

fn push_login(out: &mut String, answer: &TokenAnswer) {
    out.push_str("{\"accessToken\":");
    push_string(out, &answer.access_token);
    out.push_str(",\"refreshToken\":");
    push_string(out, answer.refresh_token.as_deref().unwrap_or_default());
    if let Some(seconds) = answer.expires_in {
        out.push_str(",\"expiresIn\":");
        out.push_str(&seconds.to_string());
    }
    if let Some(scope) = &answer.scope {
        out.push_str(",\"scope\":");
        push_string(out, scope);
    }
    if let Some(api_url) = &answer.api_url {
        out.push_str(",\"apiUrl\":");
        push_string(out, api_url);
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        let envelope = Envelope::invalid("a \"quote\" \\ and \n\u{1} é".to_owned());
        let value: serde_json::Value = serde_json::from_str(&envelope.to_json()).unwrap();
        assert_eq!(value["msg"], "a \"quote\" \\ and \n\u{1} é");
        assert_eq!(value["error"], 3);
        assert_eq!(value["token"]["updated"], false);
        assert_eq!(value["body"], serde_json::json!({}));
    }
}
