//! A scripted transport: answers requests from a list and records what was sent.

#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use zoom_gateway::{HttpRequest, HttpResponse, Transport, TransportError};

/// One scripted answer.
pub type Answer = Result<HttpResponse, TransportError>;

#[derive(Default)]
pub struct Script {
    answers: RefCell<VecDeque<Answer>>,
    last: RefCell<Option<Answer>>,
    pub repeat_last: bool,
    pub sent: RefCell<Vec<HttpRequest>>,
    pub slept_ms: RefCell<Vec<u32>>,
    clock_ms: Cell<f64>,
    /// Milliseconds each request takes on the scripted clock.
    pub latency_ms: f64,
}

impl Script {
    pub fn new(answers: impl IntoIterator<Item = Answer>) -> Self {
        Self {
            answers: RefCell::new(answers.into_iter().collect()),
            clock_ms: Cell::new(1_764_000_000_000.0),
            ..Self::default()
        }
    }

    pub fn status(status: u16, body: &str) -> Answer {
        Ok(HttpResponse::new(status, body))
    }

    pub fn sent(&self) -> Vec<HttpRequest> {
        self.sent.borrow().clone()
    }

    pub fn unused(&self) -> usize {
        self.answers.borrow().len()
    }
}

impl Transport for Script {
    async fn send(&self, request: &HttpRequest, _timeout_ms: u32) -> Answer {
        self.sent.borrow_mut().push(request.clone());
        self.clock_ms.set(self.clock_ms.get() + self.latency_ms);
        let next = self.answers.borrow_mut().pop_front();
        match next {
            Some(answer) => {
                *self.last.borrow_mut() = Some(answer.clone());
                answer
            }
            None if self.repeat_last => self
                .last
                .borrow()
                .clone()
                .unwrap_or(Err(TransportError::Network("script is empty".into()))),
            None => Err(TransportError::Network("script is empty".into())),
        }
    }

    async fn sleep(&self, ms: u32) {
        self.slept_ms.borrow_mut().push(ms);
        self.clock_ms.set(self.clock_ms.get() + f64::from(ms));
    }

    fn now_ms(&self) -> f64 {
        self.clock_ms.get()
    }
}

/// Whether `actual` contains everything `expected` says: objects as subsets, other values equal.
pub fn matches_subset(expected: &serde_json::Value, actual: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (expected, actual) {
        (Value::Object(want), Value::Object(have)) => want
            .iter()
            .all(|(key, value)| have.get(key).is_some_and(|h| matches_subset(value, h))),
        _ => expected == actual,
    }
}
