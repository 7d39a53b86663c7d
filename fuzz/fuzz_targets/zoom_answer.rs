//! Any bytes as Zoom's answer to a valid call: classified, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zoom_gateway::{flow, Config, HttpRequest, HttpResponse, Transport, TransportError};

/// Answers with the fuzzer's bytes; the first two choose the status.
struct Answer(u16, String);

impl Transport for Answer {
    async fn send(&self, _: &HttpRequest, _: u32) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse::new(self.0, self.1.clone()))
    }

    async fn sleep(&self, _: u32) {}

    fn now_ms(&self) -> f64 {
        0.0
    }
}

const EVENTS: [&str; 3] = [
    r#"{"APIName":"GET_MEETING","body":{"token":"a","refresh_token":"r","meetingId":1}}"#,
    r#"{"APIName":"CREATE_MEETING","body":{"token":"a","topic":"t"}}"#,
    r#"{"APIName":"GET_ACCESS_TOKEN","body":{"code":"c","redirect_uri":"https://a.example"}}"#,
];

fuzz_target!(|data: &[u8]| {
    let [a, b, rest @ ..] = data else {
        return;
    };
    let status = 100 + u16::from_le_bytes([*a, *b]) % 500;
    let body = String::from_utf8_lossy(rest).into_owned();
    let config = Config::default().with_client("id", "secret");
    for event in EVENTS {
        let envelope = pollster::block_on(flow::handle(event, &config, &Answer(status, body.clone())));
        let json = envelope.to_json();
        assert!((envelope.code as u8) <= 3);
        assert!(json.starts_with("{\"error\":"));
    }
});
