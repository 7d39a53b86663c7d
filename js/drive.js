// Drives one call of the gateway's flow: the wasm module plans each step and reads each
// outcome (the exports `start` and `resume`); this side sends the requests with `fetch` and
// keeps the time. Every step is JSON text: a request, a pause, or at last the envelope.
// No imports: the wasm test suites load this file as it is.

// `exchange` is one HTTP exchange as a step asks for it: the timer, the abort, fetch, the
// status, the headers the flow reads and the body. It never throws and never rejects: every
// outcome is an array, handed back to the flow as it is.
//   [status, text, retryAfter, rateLimitType, kept]   an answer
//   [0, "timeout"]                                    no whole answer in time
//   [-1, description]                                 a failure, described without the request
// With `step.keep`, a 2xx answer that is a JSON object with no integer that could pass 2^53 is
// parsed here and handed back as `kept` (text undefined), instead of crossing into wasm to be
// checked and back out to be parsed: JSON.parse is the check.

const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
// A refusal's body is read for Zoom's code and message, a few hundred bytes; more only costs
// wasm memory, which never shrinks.
const MAX_REFUSAL_CHARS = 64 * 1024;
const MAX_DESCRIPTION_CHARS = 1024 * 1024;
const TIMED_OUT = Symbol("timed out");

function describe(error) {
  try {
    const name = typeof error?.name === "string" ? error.name : "Error";
    const message = typeof error?.message === "string" ? error.message : String(error);
    const cause = error?.cause;
    const detail = typeof cause?.code === "string" ? cause.code : cause?.message;
    const text = typeof detail === "string" ? `${name}: ${message} (${detail})` : `${name}: ${message}`;
    // Only bounds what crosses into wasm: the flow redacts, then cuts to 300 characters. Cut
    // here, a secret quoted near the end could leave a piece the flow cannot recognise, and
    // at this length any such piece lies far beyond those 300 once the copies before it are
    // redacted.
    return text.slice(0, MAX_DESCRIPTION_CHARS);
  } catch {
    return "Error: a failure that could not be described";
  }
}

const isDigit = (code) => code >= 48 && code <= 57;

// Sixteen digits in a row are needed for an integer beyond 2^53; such answers go to wasm,
// which turns those integers into strings. Any sixteen indices in a row hold one of the form
// 16k + 15, so only those are looked at, and the run around a digit there is measured: a
// tenth of what a regular expression costs on a large answer.
export function mayHoldBigInteger(text) {
  for (let i = 15; i < text.length; i += 16) {
    if (!isDigit(text.charCodeAt(i))) continue;
    let start = i;
    let end = i;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start -= 1;
    while (end + 1 < text.length && isDigit(text.charCodeAt(end + 1))) end += 1;
    if (end - start + 1 >= 16) return true;
  }
  return false;
}

// As deeply as the module lets an answer nest (json::MAX_DEPTH); deeper ones go to it, and it
// refuses them, so that a hostile answer never hands the caller a value that JSON.stringify
// cannot write back. Walking the parsed value costs about a twelfth of parsing it.
const MAX_ANSWER_DEPTH = 128;

function deeperThan(value, levels) {
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const item = value[i];
      if (item !== null && typeof item === "object" && deeperThan(item, levels - 1)) return true;
    }
  } else {
    for (const key in value) {
      const item = value[key];
      if (item !== null && typeof item === "object" && deeperThan(item, levels - 1)) return true;
    }
  }
  return false;
}

function keepable(text) {
  if (mayHoldBigInteger(text)) return undefined;
  try {
    const value = JSON.parse(text);
    const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
    return isObject && !deeperThan(value, MAX_ANSWER_DEPTH) ? value : undefined;
  } catch {
    return undefined;
  }
}

export async function exchange(fetchFn, { fetch: url, method, headers, body, timeout, keep }) {
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(resolve, timeout, TIMED_OUT);
  });
  let controller;
  try {
    controller = new AbortController();
    // Zoom's API does not redirect; following one could carry the token to another host.
    const init = { method, headers, redirect: "manual", signal: controller.signal };
    if (body !== undefined) init.body = body;
    const pending = typeof fetchFn === "function" ? fetchFn(url, init) : fetch(url, init);

    const answer = await Promise.race([pending, deadline]);
    if (answer === TIMED_OUT) {
      controller.abort();
      return [0, "timeout"];
    }
    const status = answer?.status;
    if (answer?.type === "opaqueredirect") {
      return [-1, "TypeError: Zoom answered with a redirect, which the gateway does not follow"];
    }
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      return [-1, "TypeError: fetch gave something that is not a Response"];
    }
    const header = (name) => {
      const value = answer.headers?.get?.(name);
      return typeof value === "string" ? value : undefined;
    };
    if (Number(header("content-length")) > MAX_ANSWER_BYTES) {
      controller.abort();
      return [-1, "RangeError: the answer is too large"];
    }
    const text = await Promise.race([answer.text(), deadline]);
    if (text === TIMED_OUT) {
      controller.abort();
      return [0, "timeout"];
    }
    const answerText = typeof text === "string" ? text : "";
    if (answerText.length > MAX_ANSWER_BYTES) {
      return [-1, "RangeError: the answer is too large"];
    }
    if (keep && status >= 200 && status < 300) {
      const value = keepable(answerText);
      if (value !== undefined) {
        return [status, undefined, header("retry-after"), header("x-ratelimit-type"), value];
      }
    }
    const passed = status >= 300 ? answerText.slice(0, MAX_REFUSAL_CHARS) : answerText;
    return [status, passed, header("retry-after"), header("x-ratelimit-type"), undefined];
  } catch (error) {
    return [-1, describe(error)];
  } finally {
    clearTimeout(timer);
  }
}

export function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const STEP = '{"call":';

/** A step's text as a value: a request's body follows its JSON after a line break. */
export function readStep(text) {
  if (text.startsWith(STEP)) {
    const cut = text.indexOf("\n");
    if (cut >= 0) {
      const step = JSON.parse(text.slice(0, cut));
      step.body = text.slice(cut + 1);
      return step;
    }
  }
  return JSON.parse(text);
}

/**
 * The envelope for an event and settings given as JSON text. `gateway` holds the module's
 * `start` and `resume`; `fetchFn`, when a function, replaces the global `fetch`. Rejects only
 * when the module itself fails (a trap); the caller turns that into an envelope.
 */
// The host's clock for the flow: wall time that only moves forward (the time origin plus a
// monotonic count), so that a clock set back or forward mid-call (NTP, a laptop waking) neither
// stretches nor cuts deadlines, pauses and the window in which a refreshed pair is shared.
const clock =
  typeof performance === "object" && typeof performance?.now === "function" && Number.isFinite(performance.timeOrigin)
    ? () => performance.timeOrigin + performance.now()
    : Date.now;

export async function drive(gateway, eventJson, configJson, fetchFn) {
  let step = readStep(gateway.start(eventJson, configJson, clock()));
  let kept;
  while (step.call !== undefined) {
    let text;
    if (step.sleep !== undefined) {
      await pause(step.sleep);
      text = gateway.resume(step.call, clock(), 0, undefined, undefined, undefined, false);
    } else {
      const [status, body, retryAfter, rateLimitType, value] = await exchange(fetchFn, step);
      kept = value;
      const isKept = value !== undefined;
      text = gateway.resume(step.call, clock(), status, body, retryAfter, rateLimitType, isKept);
    }
    step = readStep(text);
  }
  // Zoom's answer, parsed and checked on this side already, in the place left for it.
  if (kept !== undefined && step.error === 0) step.body = kept;
  return step;
}
