//! The flow as steps that a host drives: [`start`] begins a call, [`resume`] hands it the
//! outcome of what it asked for, and each answers with one JSON text, either the envelope,
//! when the call is over, or the next thing the host must do:
//!
//! ```text
//! {"call":1,"fetch":"https://api.zoom.us/v2/meetings/1","method":"GET",
//!  "headers":{"authorization":"Bearer …"},"timeout":10000,"keep":true}    send, then resume
//! {"call":1,"sleep":200}                                                     wait, then resume
//! {"error":0,"msg":"Meeting retrieved",…}                                    the envelope
//! ```
//!
//! A request with a body has it after the JSON and a line break, as it is. The npm package's JS sends the
//! requests with `fetch`; nothing here knows about JS. A call in progress is the flow's own
//! future, polled by hand: it only ever waits for the host, so there is nothing to wake it but
//! the next [`resume`]. That spares the promises, closures and task queue an async export
//! would cost on every call, and leaves one string across the boundary each way per step.
//!
//! Time is the host's: every step passes its clock, and the flow reads that value while the
//! step runs. A host that stops driving a call (a Worker request cancelled mid-call, say)
//! leaves it waiting here; once it is a minute past its step's own time limit, the next
//! [`start`] drops it. Call numbers carry a serial number, so that a host coming back late
//! reaches no one rather than the call that took the slot.

use std::cell::{Cell, RefCell};
use std::fmt::Write;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::envelope::{Code, Envelope};
use crate::http::{HttpRequest, HttpResponse, Transport, TransportError};
use crate::json::push_string;

/// What the host reports for a request: `status` is the HTTP status of an answer (100-599),
/// 0 when none came in time, anything else when the request failed, `text` then saying how.
/// For a pause, the outcome is ignored.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The HTTP status, or 0 for a timeout, or any other number for a failure.
    pub status: i32,
    /// The answer's body; for a failure, its description.
    pub text: Option<String>,
    /// The `Retry-After` header.
    pub retry_after: Option<String>,
    /// The `X-RateLimit-Type` header.
    pub rate_limit_type: Option<String>,
    /// The host kept a 2xx JSON-object answer for the caller (see [`HttpResponse::kept`]).
    pub kept: bool,
}

impl Outcome {
    fn into_result(self) -> Result<HttpResponse, TransportError> {
        match u16::try_from(self.status) {
            Ok(status @ 100..=599) => Ok(HttpResponse {
                status,
                body: self.text.unwrap_or_default(),
                retry_after: self.retry_after,
                rate_limit_type: self.rate_limit_type,
                kept: self.kept,
            }),
            Ok(0) => Err(TransportError::Timeout),
            _ => Err(TransportError::Network(
                self.text
                    .unwrap_or_else(|| "Error: the request failed".to_owned()),
            )),
        }
    }
}

/// How long past a step's own time limit the host may take to report its outcome.
const GRACE_MS: f64 = 60_000.0;

/// What a call in progress and its host share: the next step to hand out, the outcome
/// handed in, and the host's clock.
struct Exchange {
    call: u32,
    next: RefCell<String>,
    outcome: RefCell<Option<Outcome>>,
    now_ms: Cell<f64>,
    /// When the host is overdue with the outcome of the last step: past it, the call counts
    /// as abandoned (a Worker request cancelled mid-call, say) and is dropped.
    overdue_ms: Cell<f64>,
}

impl Exchange {
    /// Waits for the host: ready once `resume` has put an outcome here.
    async fn outcome(&self) -> Outcome {
        poll_fn(|_| match self.outcome.borrow_mut().take() {
            Some(outcome) => Poll::Ready(outcome),
            None => Poll::Pending,
        })
        .await
    }

    fn ask(&self, wait_ms: u32, write: impl FnOnce(&mut String)) {
        self.overdue_ms
            .set(self.now_ms.get() + f64::from(wait_ms) + GRACE_MS);
        let mut next = self.next.borrow_mut();
        next.clear();
        next.push_str("{\"call\":");
        push_number(&mut next, self.call);
        write(&mut next);
        next.push('}');
    }
}

/// The transport a driven call sees: each request and pause becomes a step for the host.
struct Driven(Rc<Exchange>);

impl Transport for Driven {
    async fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: u32,
    ) -> Result<HttpResponse, TransportError> {
        self.0.ask(timeout_ms, |out| {
            out.push_str(",\"fetch\":");
            push_string(out, &request.url);
            out.push_str(",\"method\":\"");
            out.push_str(request.method.as_str());
            out.push_str("\",\"headers\":{");
            for (i, (name, value)) in request.headers.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_string(out, name);
                out.push(':');
                push_string(out, value);
            }
            out.push('}');
            out.push_str(",\"timeout\":");
            push_number(out, timeout_ms);
            out.push_str(if request.answer_to_caller {
                ",\"keep\":true"
            } else {
                ",\"keep\":false"
            });
        });
        if let Some(body) = &request.body {
            // After the step's JSON and a line break, as it is: no escaping here and no
            // unescaping there. The step's JSON never holds a raw line break itself.
            let mut next = self.0.next.borrow_mut();
            next.push('\n');
            next.push_str(body);
        }
        self.0.outcome().await.into_result()
    }

    async fn sleep(&self, ms: u32) {
        self.0.ask(ms, |out| {
            out.push_str(",\"sleep\":");
            push_number(out, ms);
        });
        self.0.outcome().await;
    }

    fn now_ms(&self) -> f64 {
        self.0.now_ms.get()
    }
}

/// A whole number as JSON.
fn push_number(out: &mut String, value: u32) {
    let _ = write!(out, "{value}");
}

type Flow = Pin<Box<dyn Future<Output = String>>>;

struct Running {
    flow: Flow,
    exchange: Rc<Exchange>,
}

thread_local! {
    /// Calls waiting for their host, in the slot their number names (freed slots are reused).
    static RUNNING: RefCell<Vec<Option<Running>>> = const { RefCell::new(Vec::new()) };
    static SERIAL: Cell<u32> = const { Cell::new(0) };
}

/// A call's number is its slot in the low 16 bits and a serial number above them.
const SLOT_MASK: u32 = 0xFFFF;

fn slot_of(call: u32) -> usize {
    (call & SLOT_MASK) as usize
}

/// Begins handling an event given as JSON text with settings given as JSON text (`None`: the
/// same as the call before), at the host's time `now_ms`; answers with the first step.
pub fn start(event_json: String, config_json: Option<String>, now_ms: f64) -> String {
    drop(abandoned(now_ms));
    let slot = RUNNING
        .try_with(|running| {
            let running = running.try_borrow().ok()?;
            let free = running.iter().position(Option::is_none);
            u32::try_from(free.unwrap_or(running.len()))
                .ok()
                .filter(|slot| *slot <= SLOT_MASK)
        })
        .ok()
        .flatten();
    let Some(slot) = slot else {
        return internal("zoom-gateway has too many calls in progress");
    };
    // The slot and a serial number: a host that comes back late with the number of a call
    // that was dropped reaches no one, not the call that has its slot now.
    let serial = SERIAL
        .try_with(|serial| {
            let next = serial.get().wrapping_add(1);
            serial.set(next);
            next
        })
        .unwrap_or(0);
    let call = (serial << 16) | slot;
    let exchange = Rc::new(Exchange {
        call,
        next: RefCell::new(String::new()),
        outcome: RefCell::new(None),
        now_ms: Cell::new(now_ms),
        overdue_ms: Cell::new(f64::INFINITY),
    });
    let transport = Driven(Rc::clone(&exchange));
    let flow: Flow = Box::pin(async move {
        crate::handle_with(&event_json, config_json.as_deref(), &transport).await
    });
    advance(Running { flow, exchange })
}

/// Hands call `call` the outcome of its last step, at the host's time `now_ms`; answers with
/// the next step.
pub fn resume(call: u32, now_ms: f64, outcome: Outcome) -> String {
    let running = RUNNING
        .try_with(|running| {
            let mut running = running.try_borrow_mut().ok()?;
            let slot = running.get_mut(slot_of(call))?;
            match slot {
                Some(running) if running.exchange.call == call => slot.take(),
                _ => None,
            }
        })
        .ok()
        .flatten();
    let Some(running) = running else {
        return internal("zoom-gateway has no call in progress with this number");
    };
    running.exchange.now_ms.set(now_ms);
    *running.exchange.outcome.borrow_mut() = Some(outcome);
    advance(running)
}

/// Runs the call until it waits for the host again or is over.
fn advance(mut running: Running) -> String {
    let mut context = Context::from_waker(Waker::noop());
    match running.flow.as_mut().poll(&mut context) {
        Poll::Ready(envelope) => envelope,
        Poll::Pending => {
            let next = running.exchange.next.take();
            if next.is_empty() {
                // The flow waits only for the host; anything else would never end.
                return internal("zoom-gateway's flow stopped without a step");
            }
            let call = slot_of(running.exchange.call);
            let kept = RUNNING
                .try_with(|slots| {
                    let mut slots = slots.try_borrow_mut().ok()?;
                    if call == slots.len() {
                        slots.push(None);
                    }
                    let slot = slots.get_mut(call)?;
                    if slot.is_some() {
                        return None;
                    }
                    *slot = Some(running);
                    Some(())
                })
                .ok()
                .flatten();
            match kept {
                Some(()) => next,
                None => internal("zoom-gateway could not keep track of the call"),
            }
        }
    }
}

/// Takes out the calls whose host is overdue, to be dropped by the caller once the registry
/// is no longer borrowed (dropping a call may touch other state, never this registry).
fn abandoned(now_ms: f64) -> Vec<Running> {
    RUNNING
        .try_with(|running| {
            let Ok(mut running) = running.try_borrow_mut() else {
                return Vec::new();
            };
            running
                .iter_mut()
                .filter(|slot| {
                    slot.as_ref()
                        .is_some_and(|call| call.exchange.overdue_ms.get() < now_ms)
                })
                .filter_map(Option::take)
                .collect()
        })
        .unwrap_or_default()
}

/// Calls in progress: for watching that none are left behind.
pub fn in_progress() -> usize {
    RUNNING
        .try_with(|running| {
            running
                .try_borrow()
                .map_or(0, |running| running.iter().flatten().count())
        })
        .unwrap_or(0)
}

fn internal(msg: &str) -> String {
    Envelope::failure(Code::Api, msg.to_owned(), None, None).to_json()
}
