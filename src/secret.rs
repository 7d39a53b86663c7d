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
/// messages, which sometimes echo the code or token they refused. Values are only collected
/// on the way; the forms a server may echo them in are worked out in [`Redactor::apply`],
/// which runs on error paths alone.
#[derive(Default)]
pub struct Redactor {
    secrets: Vec<String>,
    client: Option<(String, ClientSecret)>,
}

impl Redactor {
    /// Shorter values are left alone: redacting "1" would mangle every message.
    const MIN_LEN: usize = 4;

    /// Adds a value to hide, as it is and form-encoded.
    pub fn hide(&mut self, value: &str) {
        self.secrets.push(value.to_owned());
    }

    /// Adds the client secret, and the Basic credentials made from it.
    pub fn hide_client(&mut self, client_id: &str, secret: &ClientSecret) {
        self.client = Some((client_id.to_owned(), secret.clone()));
    }

    /// Every form to look for.
    fn forms(&self) -> Vec<String> {
        let mut values = self.secrets.clone();
        if let Some((id, secret)) = &self.client {
            values.push(secret.secret().to_owned());
            values.push(basic_credentials(id, secret));
        }
        let mut forms = Vec::with_capacity(values.len() * 2);
        for value in values {
            let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
            forms.push(encoded);
            forms.push(value);
        }
        forms.retain(|form| form.len() >= Self::MIN_LEN);
        forms
    }

    /// `text` with every hidden value replaced by `[redacted]`. Every match is marked in the
    /// original text first and each marked run replaced once, so that a secret that is itself
    /// part of `[redacted]` cannot match the replacement again.
    pub fn apply(&self, text: &str) -> String {
        let mut hidden = vec![false; text.len()];
        for secret in &self.forms() {
            let mut from = 0;
            while let Some(at) = text.get(from..).and_then(|rest| find(rest, secret)) {
                let start = from + at;
                for flag in hidden.iter_mut().skip(start).take(secret.len()) {
                    *flag = true;
                }
                from = start + 1;
            }
        }

        // Matches start and end on character boundaries: both texts are UTF-8.
        let mut out = String::with_capacity(text.len());
        let mut run_start = 0;
        let mut in_secret = false;
        for (i, &flag) in hidden.iter().chain([false].iter()).enumerate() {
            if flag != in_secret {
                let part = text.get(run_start..i).unwrap_or_default();
                out.push_str(if in_secret { "[redacted]" } else { part });
                run_start = i;
                in_secret = flag;
            }
        }
        if !in_secret {
            out.push_str(text.get(run_start..).unwrap_or_default());
        }
        out
    }
}

/// `base64(client_id:client_secret)`, as the token endpoint's Basic header carries it.
pub fn basic_credentials(client_id: &str, secret: &ClientSecret) -> String {
    base64(format!("{client_id}:{}", secret.secret()).as_bytes())
}

/// Standard base64 with padding (RFC 4648, section 4), for the Basic header. Eleven lines
/// here cost a tenth of what the general-purpose crate adds to the `.wasm`.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let symbol =
        |index: u32| char::from(ALPHABET.get((index & 63) as usize).copied().unwrap_or(b'A'));
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let group = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(symbol(group >> 18));
        out.push(symbol(group >> 12));
        out.push(if chunk.len() > 1 {
            symbol(group >> 6)
        } else {
            '='
        });
        out.push(if chunk.len() > 2 { symbol(group) } else { '=' });
    }
    out
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
    fn base64_matches_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn basic_credentials_are_hidden_as_well() {
        let mut redactor = Redactor::default();
        redactor.hide_client("client-id", &ClientSecret::new("client-secret"));
        assert_eq!(
            redactor.apply("Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQ= client-secret"),
            "Basic [redacted] [redacted]"
        );
    }

    #[test]
    fn clip_never_cuts_a_character() {
        assert_eq!(clip("héllo", 2), "hé");
        assert_eq!(clip("é".repeat(400).as_str(), 300).chars().count(), 300);
        assert_eq!(clip("abc", 10), "abc");
    }

    #[test]
    fn secrets_inside_the_replacement_do_not_loop() {
        for secret in ["reda", "cted", "redacted", "[redacted]", "acte"] {
            let mut redactor = Redactor::default();
            redactor.hide(secret);
            let out = redactor.apply(&format!("rejected {secret} and {secret}{secret}"));
            let rest = out.replace("[redacted]", " ");
            assert!(!rest.contains(secret), "{secret}: {out}");
            assert!(
                out.contains("[redacted]") && out.len() < 80,
                "{secret}: {out}"
            );
        }
        let mut redactor = Redactor::default();
        redactor.hide("abcdef");
        redactor.hide("cdefgh");
        assert_eq!(redactor.apply("x abcdefgh y"), "x [redacted] y");
    }

    #[test]
    fn echoed_encoded_forms_are_hidden_too() {
        let mut redactor = Redactor::default();
        redactor.hide("abc/def+g==");
        assert_eq!(
            redactor.apply("Invalid authorization code abc%2Fdef%2Bg%3D%3D"),
            "Invalid authorization code [redacted]"
        );
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
