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
//! A request with a body has it after the JSON and a line break, as it is. The npm package's
//! JS sends the requests with `fetch`; nothing here knows about JS. A call in progress is the
//! flow's own future, polled by hand: it only ever waits for the host, so there is nothing to wake it but
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
#[derive(Default)]
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

/// Names the text's length, never the text: Zoom and proxies echo tokens.
impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outcome")
            .field("status", &self.status)
            .field("text_bytes", &self.text.as_ref().map(String::len))
            .field("retry_after", &self.retry_after)
            .field("rate_limit_type", &self.rate_limit_type)
            .field("kept", &self.kept)
            .finish()
    }
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
    call: f64,
    // `Cell`s, taken and put back: nothing here can be borrowed twice, so nothing can panic.
    next: Cell<String>,
    outcome: Cell<Option<Outcome>>,
    now_ms: Cell<f64>,
    /// When the host is overdue with the outcome of the last step: past it, the call counts
    /// as abandoned (a Worker request cancelled mid-call, say) and is dropped.
    overdue_ms: Cell<f64>,
}

impl Exchange {
    /// Waits for the host: ready once `resume` has put an outcome here.
    async fn outcome(&self) -> Outcome {
        poll_fn(|_| match self.outcome.take() {
            Some(outcome) => Poll::Ready(outcome),
            None => Poll::Pending,
        })
        .await
    }

    fn ask(&self, wait_ms: u32, write: impl FnOnce(&mut String)) {
        self.overdue_ms
            .set(self.now_ms.get() + f64::from(wait_ms) + GRACE_MS);
        let mut next = self.next.take();
        next.clear();
        // Enough for a request's URL and headers without growing on the way.
        next.reserve(512);
        next.push_str("{\"call\":");
        // A whole number below 2^48 (see `Registry`), written as one.
        let _ = write!(next, "{}", self.call as u64);
        write(&mut next);
        next.push('}');
        self.next.set(next);
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
            let mut next = self.0.next.take();
            next.push('\n');
            next.push_str(body);
            self.0.next.set(next);
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
    slot: usize,
}

/// Calls waiting for their host. A call's number is its slot plus a serial number times 2^16
/// (below 2^48, so exact as a JS number): a host that comes back late with the number of a
/// call that was dropped reaches no one, not the call that has its slot now.
struct Registry {
    slots: Vec<Option<Running>>,
    /// Slots no call holds, to be used again.
    free: Vec<usize>,
    serial: u32,
    /// When to look for abandoned calls next: at most once a second, so that a start costs
    /// the same with ten calls in progress or fifty thousand.
    next_sweep_ms: f64,
}

thread_local! {
    static REGISTRY: RefCell<Registry> = const {
        RefCell::new(Registry { slots: Vec::new(), free: Vec::new(), serial: 0, next_sweep_ms: 0.0 })
    };
}

/// Calls in progress at most, the slots a number can name.
const SLOTS: usize = 1 << 16;
const SWEEP_EVERY_MS: f64 = 1_000.0;

/// Runs `f` on the registry; `None` if it is out of reach (never expected: nothing here
/// re-enters it).
fn registry<R>(f: impl FnOnce(&mut Registry) -> R) -> Option<R> {
    REGISTRY
        .try_with(|registry| registry.try_borrow_mut().ok().map(|mut r| f(&mut r)))
        .ok()
        .flatten()
}

/// Begins handling an event given as JSON text with settings given as JSON text (`None`: the
/// same as the call before), at the host's time `now_ms`; answers with the first step.
pub fn start(event_json: String, config_json: Option<String>, now_ms: f64) -> String {
    // The settings are read first, whatever happens next: the host counts on the module
    // having them when it sends none the next time.
    let settings = crate::settings(config_json.as_deref());
    drop(config_json);
    drop(sweep(now_ms));

    let taken = registry(|registry| {
        let slot = match registry.free.pop() {
            Some(slot) => slot,
            None if registry.slots.len() < SLOTS => {
                registry.slots.push(None);
                registry.slots.len() - 1
            }
            None => return None,
        };
        registry.serial = registry.serial.wrapping_add(1);
        Some((
            slot,
            f64::from(registry.serial) * SLOTS as f64 + slot as f64,
        ))
    });
    let Some((slot, call)) = taken.flatten() else {
        return internal("zoom-gateway has too many calls in progress");
    };
    let exchange = Rc::new(Exchange {
        call,
        next: Cell::new(String::new()),
        outcome: Cell::new(None),
        now_ms: Cell::new(now_ms),
        overdue_ms: Cell::new(f64::INFINITY),
    });
    let transport = Driven(Rc::clone(&exchange));
    let flow: Flow = Box::pin(async move {
        let config = match settings {
            Ok(config) => config,
            Err(msg) => return Envelope::invalid(msg).to_json(),
        };
        let event = crate::event::parse(&event_json);
        // The event's text is not needed once read; a call may wait a long time.
        drop(event_json);
        crate::flow::run(event, &config, &transport).await.to_json()
    });
    advance(Running {
        flow,
        exchange,
        slot,
    })
}

/// Hands call `call` the outcome of its last step, at the host's time `now_ms`; answers with
/// the next step.
pub fn resume(call: f64, now_ms: f64, outcome: Outcome) -> String {
    let running = registry(|registry| {
        // Only whole numbers below 2^48 name a call; the cast of anything else is never used.
        let slot = if call >= 0.0 && call < (SLOTS as f64) * 4_294_967_296.0 && call.fract() == 0.0
        {
            (call as u64 % SLOTS as u64) as usize
        } else {
            return None;
        };
        let held = registry.slots.get_mut(slot)?;
        match held {
            Some(running) if running.exchange.call == call => held.take(),
            _ => None,
        }
    });
    let Some(running) = running.flatten() else {
        return internal("zoom-gateway has no call in progress with this number");
    };
    running.exchange.now_ms.set(now_ms);
    running.exchange.outcome.set(Some(outcome));
    advance(running)
}

/// Runs the call until it waits for the host again or is over.
fn advance(mut running: Running) -> String {
    let mut context = Context::from_waker(Waker::noop());
    let slot = running.slot;
    if let Poll::Ready(envelope) = running.flow.as_mut().poll(&mut context) {
        drop(running);
        registry(|registry| registry.free.push(slot));
        return envelope;
    }
    let next = running.exchange.next.take();
    let kept = !next.is_empty()
        && registry(|registry| match registry.slots.get_mut(slot) {
            Some(held @ None) => {
                *held = Some(running);
                true
            }
            _ => false,
        }) == Some(true);
    if kept {
        next
    } else {
        // The flow waits only for the host, and its slot is its own: neither can fail.
        registry(|registry| registry.free.push(slot));
        internal("zoom-gateway could not keep track of the call")
    }
}

/// Takes out the calls whose host is overdue, to be dropped by the caller once the registry
/// is no longer borrowed (dropping a call may touch other state, never this registry).
fn sweep(now_ms: f64) -> Vec<Running> {
    registry(|registry| {
        if now_ms < registry.next_sweep_ms {
            return Vec::new();
        }
        registry.next_sweep_ms = now_ms + SWEEP_EVERY_MS;
        let mut gone = Vec::new();
        for (slot, held) in registry.slots.iter_mut().enumerate() {
            if held
                .as_ref()
                .is_some_and(|call| call.exchange.overdue_ms.get() < now_ms)
            {
                gone.extend(held.take());
                registry.free.push(slot);
            }
        }
        gone
    })
    .unwrap_or_default()
}

/// Calls in progress: for watching that none are left behind.
pub fn in_progress() -> usize {
    registry(|registry| registry.slots.len().saturating_sub(registry.free.len())).unwrap_or(0)
}

fn internal(msg: &str) -> String {
    Envelope::failure(Code::Api, msg.to_owned(), None, None).to_json()
}
