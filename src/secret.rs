//! Secrets the gateway carries: tokens, authorization codes, the client secret.
//!
//! Each is a newtype whose `Debug` and `Display` print `[redacted]`; the value is read only
//! through `secret()`, so a stray `{:?}` in a log line cannot leak it.

use std::fmt;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The value itself; only for the request that needs it.
            pub fn secret(&self) -> &str {
                &self.0
            }

            /// The value, moved out; only for the envelope that hands it to the caller.
            pub fn into_secret(self) -> String {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }
    };
}

secret_type!(
    /// An OAuth access token, sent only in the `Authorization` header.
    AccessToken
);
secret_type!(
    /// An OAuth refresh token; Zoom rotates it on every use.
    RefreshToken
);
secret_type!(
    /// A one-time authorization code from Zoom's redirect.
    AuthCode
);
secret_type!(
    /// The OAuth client secret; never comes from the event, never leaves in an envelope.
    ClientSecret
);
secret_type!(
    /// A PKCE code verifier.
    CodeVerifier
);

/// Removes known secret values from text that came from outside, such as Zoom's error
/// messages, which sometimes echo the code or token they refused.
#[derive(Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// Shorter values are left alone: redacting "1" would mangle every message.
    const MIN_LEN: usize = 4;

    /// Adds a value to hide.
    pub fn hide(&mut self, value: &str) {
        if value.len() >= Self::MIN_LEN && !self.secrets.iter().any(|known| known == value) {
            self.secrets.push(value.to_owned());
        }
    }

    /// `text` with every hidden value replaced by `[redacted]`.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            while let Some(at) = find(&out, secret) {
                out.replace_range(at..at + secret.len(), "[redacted]");
            }
        }
        out
    }
}

/// `text` cut to at most `max` characters, never inside one.
pub fn clip(text: &str, max: usize) -> &str {
    // A character starts at every byte that is not a UTF-8 continuation byte.
    let end = text
        .bytes()
        .enumerate()
        .filter(|(_, byte)| byte & 0xC0 != 0x80)
        .nth(max)
        .map_or(text.len(), |(at, _)| at);
    text.get(..end).unwrap_or(text)
}

/// How many characters `text` holds, counted as [`clip`] counts them.
pub fn char_count(text: &str) -> usize {
    text.bytes().filter(|byte| byte & 0xC0 != 0x80).count()
}

/// Where `needle` first occurs in `text`. A plain byte search: `str::contains` and
/// `str::replace` pull in string searchers and their panic messages, some 5 KB of `.wasm`.
pub(crate) fn find(text: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    text.as_bytes()
        .windows(needle.len())
        .position(|window| window == needle.as_bytes())
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} values)", self.secrets.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let token = AccessToken::new("acc-very-secret");
        assert_eq!(format!("{token:?}"), "AccessToken([redacted])");
        assert_eq!(format!("{token}"), "[redacted]");
        assert_eq!(token.secret(), "acc-very-secret");
    }

    #[test]
    fn clip_never_cuts_a_character() {
        assert_eq!(clip("héllo", 2), "hé");
        assert_eq!(clip("é".repeat(400).as_str(), 300).chars().count(), 300);
        assert_eq!(clip("abc", 10), "abc");
    }

    #[test]
    fn redactor_replaces_every_occurrence() {
        let mut redactor = Redactor::default();
        redactor.hide("code-123");
        redactor.hide("ab");
        assert_eq!(
            redactor.apply("Invalid authorization code code-123 (code-123) ab"),
            "Invalid authorization code [redacted] ([redacted]) ab"
        );
    }
}
