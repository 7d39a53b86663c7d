// One HTTP exchange for the gateway's wasm transport: the timer, the abort, fetch, the status,
// the headers the flow reads and the body, in one call across the boundary instead of dozens.
// It never throws and never rejects: every outcome is an array the Rust side reads.
//   [status, body, retryAfter, rateLimitType]   an answer
//   [0, "timeout"]                              no whole answer in time
//   [-1, description]                           a failure, described without the request

const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const TIMED_OUT = Symbol("timed out");

function describe(error) {
  try {
    const name = typeof error?.name === "string" ? error.name : "Error";
    const message = typeof error?.message === "string" ? error.message : String(error);
    const cause = error?.cause;
    const detail = typeof cause?.code === "string" ? cause.code : cause?.message;
    const text = typeof detail === "string" ? `${name}: ${message} (${detail})` : `${name}: ${message}`;
    // The flow redacts and cuts again; this only bounds what crosses into wasm.
    return text.slice(0, 4096);
  } catch {
    return "Error: a failure that could not be described";
  }
}

export async function exchange(fetchFn, url, method, headers, body, timeoutMs) {
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(resolve, timeoutMs, TIMED_OUT);
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
    return [status, typeof text === "string" ? text : "", header("retry-after"), header("x-ratelimit-type")];
  } catch (error) {
    return [-1, describe(error)];
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
