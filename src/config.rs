//! The gateway's settings, by their environment names, so that a Worker's `env` or Node's
//! `process.env` can be passed as they are.

use crate::json::{self, Object, Value};
use crate::secret::ClientSecret;

const DEFAULT_API_BASE: &str = "https://api.zoom.us/v2";
const DEFAULT_OAUTH_BASE: &str = "https://zoom.us";
const DEFAULT_TIMEOUT_MS: u32 = 10_000;
const MAX_TIMEOUT_MS: u32 = 300_000;
const DEFAULT_REFRESH_REUSE_MS: u32 = 60_000;

/// Validated settings. Build with [`Config::from_json`] or [`Config::default`] plus the
/// `with_*` methods.
#[derive(Clone, Debug)]
pub struct Config {
    /// `ZOOM_CLIENT_ID`: the OAuth app's client ID.
    pub client_id: Option<String>,
    /// `ZOOM_CLIENT_SECRET`: the OAuth app's secret, for login and refresh.
    pub client_secret: Option<ClientSecret>,
    /// `ZOOM_REDIRECT_URI`: the redirect URI registered for the app.
    pub redirect_uri: Option<String>,
    /// `ZOOM_ACCOUNT_ID`: the account for Server-to-Server OAuth.
    pub account_id: Option<String>,
    /// API base without a trailing slash.
    pub api_base: String,
    /// OAuth base without a trailing slash; the token endpoint is `/oauth/token` below it.
    pub oauth_base: String,
    /// Limit for each request to Zoom.
    pub timeout_ms: u32,
    /// How long a refreshed pair is handed to calls that still present the replaced refresh
    /// token; 0 shares only refreshes still under way.
    pub refresh_reuse_ms: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            client_id: None,
            client_secret: None,
            redirect_uri: None,
            account_id: None,
            api_base: DEFAULT_API_BASE.to_owned(),
            oauth_base: DEFAULT_OAUTH_BASE.to_owned(),
            timeout_ms: DEFAULT_TIMEOUT_MS,
            refresh_reuse_ms: DEFAULT_REFRESH_REUSE_MS,
        }
    }
}

impl Config {
    /// Reads settings from a JSON object of strings; unknown keys are ignored, empty values
    /// count as absent. The error names the setting and the rule it breaks.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let Some(Value::Object(raw)) = json::parse(text) else {
            return Err("config: expected an object of strings".to_owned());
        };
        let setting = |name: &str| setting(&raw, name);
        let defaults = Self::default();

        Ok(Self {
            client_id: setting("ZOOM_CLIENT_ID"),
            client_secret: setting("ZOOM_CLIENT_SECRET").map(ClientSecret::new),
            redirect_uri: setting("ZOOM_REDIRECT_URI"),
            account_id: setting("ZOOM_ACCOUNT_ID"),
            api_base: match setting("ZOOM_API_BASE") {
                Some(base) => checked_base("ZOOM_API_BASE", &base)?,
                None => defaults.api_base,
            },
            oauth_base: match setting("ZOOM_OAUTH_BASE") {
                Some(base) => checked_base("ZOOM_OAUTH_BASE", &base)?,
                None => defaults.oauth_base,
            },
            timeout_ms: match setting("ZOOM_TIMEOUT_MS") {
                Some(ms) => checked_ms("ZOOM_TIMEOUT_MS", &ms, 1)?,
                None => defaults.timeout_ms,
            },
            refresh_reuse_ms: match setting("ZOOM_REFRESH_REUSE_MS") {
                Some(ms) => checked_ms("ZOOM_REFRESH_REUSE_MS", &ms, 0)?,
                None => defaults.refresh_reuse_ms,
            },
        })
    }

    /// Sets the OAuth client credentials.
    pub fn with_client(mut self, id: &str, secret: &str) -> Self {
        self.client_id = Some(id.to_owned());
        self.client_secret = Some(ClientSecret::new(secret));
        self
    }

    /// Sets the registered redirect URI.
    pub fn with_redirect_uri(mut self, uri: &str) -> Self {
        self.redirect_uri = Some(uri.to_owned());
        self
    }

    /// Points the gateway at other hosts, such as the local simulator.
    pub fn with_bases(mut self, api_base: &str, oauth_base: &str) -> Self {
        self.api_base = api_base.trim_end_matches('/').to_owned();
        self.oauth_base = oauth_base.trim_end_matches('/').to_owned();
        self
    }

    /// Sets how long a refreshed pair is shared; 0 shares only refreshes under way.
    pub fn with_refresh_reuse_ms(mut self, ms: u32) -> Self {
        self.refresh_reuse_ms = ms;
        self
    }

    /// Sets the limit for each request.
    pub fn with_timeout_ms(mut self, ms: u32) -> Self {
        self.timeout_ms = ms;
        self
    }

    /// The token endpoint's URL.
    pub fn token_url(&self) -> String {
        format!("{}/oauth/token", self.oauth_base)
    }
}

/// A setting given as a non-empty string; anything else counts as absent.
fn setting(raw: &Object, name: &str) -> Option<String> {
    match raw.get(name) {
        Some(Value::String(value)) if !value.trim().is_empty() => Some(value.clone()),
        _ => None,
    }
}

/// A base URL is plain `http(s)://host[:port][/path]`: no query, fragment, credentials,
/// spaces or control characters, so that requests can only go where it says.
fn checked_base(name: &str, value: &str) -> Result<String, String> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let ok = match rest {
        Some(rest) => {
            let host = rest.split('/').next().unwrap_or_default();
            !host.is_empty()
                && !host.contains('@')
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && !matches!(b, b'?' | b'#' | b'\\'))
        }
        None => false,
    };
    if ok {
        Ok(value.trim_end_matches('/').to_owned())
    } else {
        Err(format!(
            "config: {name} must be an http(s) URL without query, fragment or credentials"
        ))
    }
}

fn checked_ms(name: &str, value: &str, min: u32) -> Result<u32, String> {
    match value.trim().parse::<u32>() {
        Ok(ms) if (min..=MAX_TIMEOUT_MS).contains(&ms) => Ok(ms),
        _ => Err(format!(
            "config: {name} must be a whole number of milliseconds from {min} to {MAX_TIMEOUT_MS}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_when_keys_are_absent_or_empty() {
        let config = Config::from_json(r#"{"ZOOM_API_BASE": "", "OTHER": "x"}"#).unwrap();
        assert_eq!(config.api_base, "https://api.zoom.us/v2");
        assert_eq!(config.token_url(), "https://zoom.us/oauth/token");
        assert_eq!(config.timeout_ms, 10_000);
    }

    #[test]
    fn bases_lose_their_trailing_slash() {
        let config = Config::from_json(
            r#"{"ZOOM_API_BASE": "http://127.0.0.1:9/v2/", "ZOOM_OAUTH_BASE": "http://127.0.0.1:9"}"#,
        )
        .unwrap();
        assert_eq!(config.api_base, "http://127.0.0.1:9/v2");
        assert_eq!(config.token_url(), "http://127.0.0.1:9/oauth/token");
    }

    #[test]
    fn hostile_bases_and_timeouts_are_refused() {
        for base in [
            "ftp://x",
            "https://",
            "https://a@evil.example",
            "https://x/?q",
            "https://x y",
            "https://x\n",
        ] {
            let json = serde_json::json!({ "ZOOM_API_BASE": base }).to_string();
            let err = Config::from_json(&json).unwrap_err();
            assert!(err.contains("ZOOM_API_BASE"), "{base}: {err}");
        }
        for ms in ["0", "-5", "abc", "400000"] {
            let json = serde_json::json!({ "ZOOM_TIMEOUT_MS": ms }).to_string();
            assert!(Config::from_json(&json).is_err(), "{ms}");
        }
    }

    #[test]
    fn debug_hides_the_client_secret() {
        let config = Config::default().with_client("id", "super-secret-value");
        assert!(!format!("{config:?}").contains("super-secret-value"));
    }
}
