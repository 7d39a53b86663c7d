//! The HTTP the flow speaks, as plain data, and the transport trait that carries it.
//!
//! The flow describes requests and reads responses; it never opens a connection itself.
//! The wasm layer carries them with `fetch`; tests carry them with a script.

use std::fmt;
use std::future::Future;

/// The methods the gateway uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether repeating the request cannot do anything twice (RFC 9110, 9.2.2).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// A request to Zoom. Its `Debug` names headers but never prints their values.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The whole URL, query included.
    pub url: String,
    /// Headers by lower-case name.
    pub headers: Vec<(&'static str, String)>,
    /// The body: JSON or a form.
    pub body: Option<String>,
}

impl HttpRequest {
    /// The value of a header, by its lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("body_bytes", &self.body.as_ref().map(String::len))
            .finish()
    }
}

/// Zoom's answer: the status, the few headers the flow reads, and the body as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// `Retry-After`: seconds or an HTTP date.
    pub retry_after: Option<String>,
    /// `X-RateLimit-Type`: `QPS` or a daily limit.
    pub rate_limit_type: Option<String>,
    /// The body as text; empty for a 204.
    pub body: String,
}

impl HttpResponse {
    /// A response with a status and a body, and no headers.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
            ..Self::default()
        }
    }
}

/// Why a request got no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// No complete answer within the time limit.
    Timeout,
    /// The connection failed or broke; the text says how, without secrets.
    Network(String),
}

/// Carries requests to Zoom. One implementation per host: `fetch` in wasm, a script in tests.
pub trait Transport {
    /// Sends a request and reads the whole answer within `timeout_ms`.
    fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: u32,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>>;

    /// Waits, for backoff between retries.
    fn sleep(&self, ms: u32) -> impl Future<Output = ()>;

    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> f64;
}
