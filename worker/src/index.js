// zoom-gateway as a Cloudflare Worker: `POST /` with an event answers the envelope as JSON.
// The Worker's `env` is the gateway's config, so secrets and variables keep the contract's names.

import { handle } from "zoom-gateway";

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const ALLOW = "POST, OPTIONS";
const API_NAMES = new Set([
  "GET_ACCESS_TOKEN",
  "CREATE_MEETING",
  "GET_MEETING",
  "EDIT_MEETING",
  "DELETE_MEETING",
]);

export default {
  async fetch(request, env) {
    const started = Date.now();
    const { response, event, envelope } = await respond(request, env);
    logLine(response, started, event, envelope);
    return response;
  },
};

async function respond(request, env) {
  const cors = corsHeaders(request, env);
  if (request.method === "OPTIONS") {
    return { response: preflight(cors) };
  }
  if (request.method !== "POST") {
    const msg = `${request.method} is not allowed: POST an event`;
    return refuse(405, msg, { ...cors, allow: ALLOW });
  }

  const limit = maxBodyBytes(env);
  const bytes = await readBody(request, limit);
  if (bytes === null) {
    return refuse(413, `the event is larger than ${limit} bytes`, cors);
  }
  let event;
  try {
    event = JSON.parse(UTF8.decode(bytes));
  } catch {
    return refuse(400, "the request body is not JSON in UTF-8", cors);
  }

  const envelope = await handle(event, env);
  return { response: json(200, envelope, cors), event, envelope };
}

/**
 * The CORS headers for this request's origin: empty unless the origin is listed in
 * ALLOWED_ORIGINS, so a page from anywhere else cannot read the answers.
 */
function corsHeaders(request, env) {
  const origin = request.headers.get("origin");
  if (origin === null || !allowedOrigins(env.ALLOWED_ORIGINS).has(origin)) {
    return {};
  }
  return { "access-control-allow-origin": origin };
}

let originsText;
let originsSet = new Set();

/** ALLOWED_ORIGINS split on commas and spaces, parsed once per isolate while it stays the same. */
function allowedOrigins(text) {
  if (text !== originsText) {
    originsText = text;
    const listed = typeof text === "string" ? text.split(/[\s,]+/) : [];
    // URL.parse keeps only the origin, so "https://app.example.com/" matches too.
    originsSet = new Set(listed.map((entry) => URL.parse(entry)?.origin).filter(isOrigin));
  }
  return originsSet;
}

function isOrigin(origin) {
  return typeof origin === "string" && origin !== "null";
}

function preflight(cors) {
  const headers = { allow: ALLOW, vary: "Origin", ...cors };
  if (cors["access-control-allow-origin"]) {
    headers["access-control-allow-methods"] = ALLOW;
    headers["access-control-allow-headers"] = "content-type";
    // Chromium caps this at two hours; asking for more would change nothing.
    headers["access-control-max-age"] = "7200";
  }
  return new Response(null, { status: 204, headers });
}

function maxBodyBytes(env) {
  const limit = Number(env.MAX_BODY_BYTES);
  return Number.isSafeInteger(limit) && limit > 0 ? limit : DEFAULT_MAX_BODY_BYTES;
}

// JSON is UTF-8; a body that is not refuses like one that is not JSON.
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The body's bytes, or null past `limit` bytes. A Content-Length over the limit is refused
 * unread; a body without one is counted as it streams in and cut off at the limit.
 */
async function readBody(request, limit) {
  if (Number(request.headers.get("content-length")) > limit) {
    return null;
  }
  if (request.body === null) {
    return new Uint8Array(0);
  }

  const chunks = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }

  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * A refusal before the gateway runs. Its body is an envelope too (error 3: refused before
 * calling Zoom), so a client that only reads JSON still finds `error` and `msg`.
 */
function refuse(status, msg, headers) {
  const envelope = { error: 3, msg, token: { updated: false, access: "", refresh: "" }, body: {} };
  return { response: json(status, envelope, headers), envelope };
}

function json(status, value, headers) {
  return new Response(JSON.stringify(value), {
    status,
    headers: {
      "content-type": "application/json",
      // Envelopes carry tokens: no cache may keep them.
      "cache-control": "no-store",
      vary: "Origin",
      ...headers,
    },
  });
}

/**
 * The request's one log line. Only fixed names, codes and numbers go in: the event and the
 * envelope hold tokens, authorization codes and meeting data.
 */
function logLine(response, started, event, envelope) {
  const apiName = event?.APIName;
  const line = {
    status: response.status,
    APIName: API_NAMES.has(apiName) ? apiName : event === undefined ? null : "(unknown)",
    error: envelope?.error ?? null,
    zoomStatus: envelope?.zoom?.status ?? null,
    refreshed: envelope?.token?.updated === true,
    // A Worker's clock moves only across I/O, so this is mostly the time spent waiting on Zoom.
    ms: Date.now() - started,
  };
  console.log(JSON.stringify(line));
}
