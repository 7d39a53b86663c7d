// The two ways an event reaches the gateway: POSTed to the Worker, or handed to the wasm
// package inside this page. Both report the HTTP exchanges they saw, redacted.

import { redactBody, redactHeaders, redactUrl, redactValue } from "./redact.js";

/**
 * A result: `{ envelope, exchanges, problem }`. `envelope` is null when none arrived, and
 * `problem` then says why; each exchange is `{ method, url, status, ms, requestHeaders,
 * requestBody, responseBody, error }`, all already safe to show.
 */

/** POSTs the event to the Worker: the only exchange this page can see in this mode. */
export async function sendToWorker(event, config) {
  const requestHeaders = { "content-type": "application/json" };
  const exchange = {
    method: "POST",
    url: config.workerUrl,
    requestHeaders,
    requestBody: JSON.stringify(redactValue(event), null, 2),
  };
  const started = performance.now();
  let response;
  let text;
  try {
    response = await fetch(config.workerUrl, {
      method: "POST",
      headers: requestHeaders,
      body: JSON.stringify(event),
      cache: "no-store",
    });
    exchange.status = response.status;
    text = await response.text();
  } catch (error) {
    exchange.error = describe(error);
    return {
      envelope: null,
      exchanges: [finish(exchange, started)],
      problem: `The Worker at ${config.workerUrl} could not be reached (${exchange.error}).`,
    };
  }
  finish(exchange, started);
  exchange.responseBody = redactBody(text, response.headers.get("content-type") ?? "");

  let envelope = null;
  try {
    envelope = JSON.parse(text);
  } catch {
    // reported below
  }
  if (!isEnvelope(envelope)) {
    return {
      envelope: null,
      exchanges: [exchange],
      problem: `The Worker answered ${response.status} without an envelope.`,
    };
  }
  return { envelope, exchanges: [exchange], problem: null };
}

let loadingHandle;

/**
 * Runs the wasm package in this page with the simulator's credentials, recording every
 * request it makes through `config.fetch`.
 */
export async function runInPage(event, config) {
  if (!config.simulator || typeof config.clientSecret !== "string") {
    return {
      envelope: null,
      exchanges: [],
      problem:
        "In-page mode is only for the simulator: a real client secret never comes to a browser.",
    };
  }
  let handle;
  try {
    loadingHandle ??= import("/pkg/browser.js").then((module) => module.handle);
    handle = await loadingHandle;
  } catch (error) {
    loadingHandle = undefined;
    return {
      envelope: null,
      exchanges: [],
      problem: `The package could not be loaded from /pkg/browser.js (${describe(error)}).`,
    };
  }

  const recorder = recordingFetch();
  const envelope = await handle(event, {
    ZOOM_CLIENT_ID: config.clientId,
    ZOOM_CLIENT_SECRET: config.clientSecret,
    ZOOM_REDIRECT_URI: config.redirectUri,
    ZOOM_API_BASE: config.apiBase,
    ZOOM_OAUTH_BASE: config.oauthBase,
    fetch: recorder.fetch,
  });
  return { envelope, exchanges: await recorder.exchanges(), problem: null };
}

/** A `fetch` for `config.fetch` that keeps a redacted record of each exchange. */
function recordingFetch() {
  const records = [];
  const reading = [];

  async function recorded(url, init = {}) {
    const headers = init.headers ?? {};
    const contentType = headerValue(headers, "content-type");
    const exchange = {
      method: init.method ?? "GET",
      url: redactUrl(String(url)),
      requestHeaders: redactHeaders(headers),
      requestBody: redactBody(init.body, contentType),
    };
    records.push(exchange);
    const started = performance.now();
    try {
      const response = await fetch(url, init);
      exchange.status = response.status;
      finish(exchange, started);
      const type = response.headers.get("content-type") ?? "";
      reading.push(
        response
          .clone()
          .text()
          .then((text) => {
            exchange.responseBody = redactBody(text, type);
          })
          .catch(() => {}),
      );
      return response;
    } catch (error) {
      exchange.error = describe(error);
      finish(exchange, started);
      throw error;
    }
  }

  return {
    fetch: recorded,
    exchanges: async () => {
      await Promise.allSettled(reading);
      return records;
    },
  };
}

function finish(exchange, started) {
  exchange.ms = Math.round(performance.now() - started);
  return exchange;
}

function headerValue(headers, name) {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return String(value);
  }
  return "";
}

function isEnvelope(value) {
  return value !== null && typeof value === "object" && [0, 1, 2, 3].includes(value.error);
}

function describe(error) {
  const name = error?.name ?? "Error";
  return error?.message ? `${name}: ${error.message}` : name;
}
