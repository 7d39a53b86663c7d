//! The HTTP the flow speaks, as plain data, and the transport trait that carries it.
//!
//! The flow describes requests and reads responses; it never opens a connection itself.
//! The wasm layer carries them with `fetch`; tests carry them with a script.

use std::fmt;
use std::future::Future;
use std::rc::Rc;

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
    /// The body: JSON or a form. Shared, not copied, by each attempt of a request.
    pub body: Option<Rc<str>>,
    /// The answer's body goes to the caller as it is (create and get). A transport may then
    /// keep a 2xx answer that is a JSON object on its own side and say so with
    /// [`HttpResponse::kept`], sparing a copy and a check: the wasm one hands it to JS that way.
    pub answer_to_caller: bool,
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
            .field("body_bytes", &self.body.as_ref().map(|body| body.len()))
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
    /// The body as text; empty for a 204, and when [`HttpResponse::kept`].
    pub body: String,
    /// The transport kept this 2xx answer, a JSON object it checked, for the caller itself.
    pub kept: bool,
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

/// Milliseconds since the Unix epoch of an HTTP date in its preferred form, IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110, 5.6.7), the form `Retry-After` uses.
///
/// Written here rather than taken from a crate: the one crate for it converts through
/// `std::time`, which roughly doubles what the date costs in the `.wasm`.
pub fn parse_http_date_ms(text: &str) -> Option<f64> {
    let mut parts = text.split(' ');
    let (_weekday, day, month, year, time, zone) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if zone != "GMT" || parts.next().is_some() || day.len() != 2 || year.len() != 4 {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? as i64 + 1;
    let number = |digits: &str| -> Option<i64> {
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let (day, year) = (number(day)?, number(year)?);
    let mut clock = time.split(':');
    let (hour, minute, second) = (
        number(clock.next()?)?,
        number(clock.next()?)?,
        number(clock.next()?)?,
    );
    if clock.next().is_some() || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60
    {
        return None;
    }

    // Days since 1970-01-01 in the proleptic Gregorian calendar, counting years from March
    // so that the leap day falls at the end of one.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;

    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second;
    Some(seconds as f64 * 1000.0)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_read_as_epoch_milliseconds() {
        assert_eq!(
            parse_http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000.0)
        );
        assert_eq!(
            parse_http_date_ms("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(0.0)
        );
        assert_eq!(
            parse_http_date_ms("Tue, 29 Feb 2028 23:59:59 GMT"),
            Some(1_835_481_599_000.0)
        );
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "soon",
        ] {
            assert_eq!(parse_http_date_ms(bad), None, "{bad}");
        }
    }
}
