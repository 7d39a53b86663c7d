//! Any bytes as an event: the parser and the flow must answer with an envelope, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zoom_gateway::{flow, Config, HttpRequest, HttpResponse, Transport, TransportError};

/// Answers every request with a 401, so refresh paths run too.
struct Refuse;

impl Transport for Refuse {
    async fn send(&self, _: &HttpRequest, _: u32) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse::new(401, r#"{"code":124,"message":"Invalid access token."}"#))
    }

    async fn sleep(&self, _: u32) {}

    fn now_ms(&self) -> f64 {
        0.0
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(event) = std::str::from_utf8(data) else {
        return;
    };
    let config = Config::default().with_client("id", "secret");
    let envelope = pollster::block_on(flow::handle(event, &config, &Refuse));
    assert!((envelope.code as u8) <= 3);
    let _ = envelope.to_json();
});
