// The HTTP layer: routing, body limits, CORS, tracking IDs, the request log, and writing
// replies, faults included. Whatever a client sends, a request ends in a reply or a closed
// connection, never in a crash.

import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { controlReply } from "./control.js";
import { htmlFaultReply, statusFaultReply, takeFault } from "./faults.js";
import { apiError, escapeHtml, html, json, parseForm, readBody } from "./http.js";
import { meetingOperation } from "./meetings.js";
import { authorizeDecision, authorizePage, revoke, token } from "./oauth.js";

const MAX_LOGGED_REQUESTS = 10_000;
const SECRET_PARAMS = new Set([
  "access_token",
  "refresh_token",
  "token",
  "code",
  "code_verifier",
  "client_secret",
  "zak",
  "pwd",
  "password",
]);
const EXPOSED_HEADERS = [
  "x-zm-trackingid",
  "retry-after",
  "x-ratelimit-category",
  "x-ratelimit-type",
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "content-length",
].join(", ");
const SLOW_BODY_STEPS = 8;

const meeting = (operation, names) => (core, ctx, values) =>
  meetingOperation(
    core,
    ctx,
    operation,
    Object.fromEntries(names.map((name, i) => [name, values[i]])),
  );

/** Each route: a path pattern, and per method the fault endpoint name and the handler. */
const ROUTES = [
  {
    pattern: /^\/oauth\/authorize$/,
    methods: { GET: ["authorize", authorizePage], POST: ["authorize", authorizeDecision] },
  },
  { pattern: /^\/oauth\/token$/, methods: { POST: ["token", token] } },
  { pattern: /^\/oauth\/revoke$/, methods: { POST: ["revoke", revoke] } },
  {
    pattern: /^\/v2\/users\/([^/]+)\/meetings$/,
    methods: { POST: ["create", meeting("create", ["userId"])] },
  },
  {
    pattern: /^\/v2\/meetings\/([^/]+)$/,
    methods: {
      GET: ["get", meeting("get", ["meetingId"])],
      PATCH: ["update", meeting("update", ["meetingId"])],
      DELETE: ["delete", meeting("delete", ["meetingId"])],
    },
  },
  { pattern: /^\/([js])\/([^/]+)$/, methods: { GET: ["join", joinPage] } },
  { pattern: /^\/$/, methods: { GET: ["index", index] } },
];

export function createSimulatorServer(core) {
  const server = createServer((req, res) => {
    serve(core, req, res).catch((error) => {
      // A bug of the simulator must not take it down; the client still gets an answer.
      if (!core.options.quiet) console.error("zoom-sim: internal error:", error);
      if (!res.headersSent && !res.destroyed) {
        writeReply(core, res, apiError(500, 500, "Internal simulator error"), newTrackingId());
      } else {
        res.destroy();
      }
    });
  });
  server.on("clientError", (error, socket) => {
    if (socket.writable && !socket.writableEnded) {
      socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    } else {
      socket.destroy();
    }
  });
  return server;
}

async function serve(core, req, res) {
  const trackingId = newTrackingId();
  const target = parseTarget(req.url);
  const entry = {
    time: new Date(core.now()).toISOString(),
    method: req.method,
    path: target ? target.path : "(unreadable)",
    query: target ? redactedQuery(target.url.searchParams) : {},
    status: 0,
    trackingId,
  };
  const finish = (reply, fault) => {
    entry.status = reply ? reply.status : 0;
    if (fault) entry.fault = fault.kind;
    const isControl = target?.path.startsWith("/_sim/");
    if (!isControl) record(core, entry);
  };

  if (!target) {
    const reply = apiError(400, 300, "Bad request target");
    finish(reply);
    return writeReply(core, res, reply, trackingId);
  }
  if (req.method === "OPTIONS" && core.options.cors) {
    const reply = preflight(req);
    finish(reply);
    return writeReply(core, res, reply, trackingId);
  }

  const read = await readBody(req, core.options.maxBodyBytes);
  if (read.aborted) return finish(null);
  if (read.tooLarge) {
    const reply = apiError(
      413,
      413,
      `Request body is larger than ${core.options.maxBodyBytes} bytes.`,
      {},
      { connection: "close" },
    );
    finish(reply);
    writeReply(core, res, reply, trackingId);
    if (read.closeConnection) res.on("finish", () => res.destroy());
    return undefined;
  }

  const ctx = {
    method: req.method,
    path: target.path,
    query: parseForm(target.url.searchParams),
    headers: req.headers,
    body: read.body,
  };
  if (target.path.startsWith("/_sim/")) {
    return writeReply(core, res, controlReply(core, ctx), trackingId);
  }
  const routed = route(req.method, target.path);
  if (routed.reply) {
    finish(routed.reply);
    return writeReply(core, res, routed.reply, trackingId);
  }

  const fault = takeFault(core.state, routed.endpoint);
  const reply = await replyWithFault(core, fault, () => routed.handler(core, ctx, routed.values));
  finish(reply, fault);
  if (reply === null) return res.destroy();
  return writeReply(core, res, reply, trackingId, fault);
}

/** Runs the handler as the fault says; null means: drop the connection without answering. */
async function replyWithFault(core, fault, handle) {
  switch (fault?.kind) {
    case "drop":
      if (fault.process) await handle();
      return null;
    case "delay":
      if (!(await pause(core, fault.delayMs))) return null;
      return handle();
    case "status":
      return statusFaultReply(fault);
    case "nonjson":
      return htmlFaultReply(fault.status);
    default:
      return handle();
  }
}

/** Waits, unless the simulator closes first. Resolves to whether the wait ran its course. */
async function pause(core, ms) {
  try {
    await sleep(ms, undefined, { signal: core.closing.signal });
    return true;
  } catch {
    return false;
  }
}

function parseTarget(rawUrl) {
  try {
    const url = new URL(rawUrl, "http://simulator.invalid");
    let path = url.pathname;
    if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
    return { url, path };
  } catch {
    return null;
  }
}

function route(method, path) {
  for (const { pattern, methods } of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    const chosen = methods[method];
    if (!chosen) {
      const allow = Object.keys(methods).join(", ");
      return { reply: apiError(405, 405, `Method ${method} is not allowed here.`, {}, { allow }) };
    }
    const values = match.slice(1).map(decodeSegment);
    return { endpoint: chosen[0], handler: chosen[1], values };
  }
  return { reply: apiError(404, 404, "Not found") };
}

function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function preflight(req) {
  const requested = req.headers["access-control-request-headers"];
  const headers = {
    "access-control-allow-methods": "GET, POST, PATCH, DELETE, OPTIONS",
    "access-control-allow-headers":
      requested && /^[\w-]+(\s*,\s*[\w-]+)*$/.test(requested)
        ? requested
        : "authorization, content-type",
    "access-control-max-age": "600",
    vary: "origin, access-control-request-headers, access-control-request-method",
  };
  if (req.headers["access-control-request-private-network"] === "true") {
    headers["access-control-allow-private-network"] = "true";
  }
  return { status: 204, headers, body: null };
}

function corsHeaders() {
  return {
    "access-control-allow-origin": "*",
    "access-control-expose-headers": EXPOSED_HEADERS,
    "cross-origin-resource-policy": "cross-origin",
  };
}

function newTrackingId() {
  return `v=2.0;clid=sim;rid=${randomBytes(12).toString("hex")}`;
}

/** Writes a reply, or a `truncate`/`slowbody` fault's mangled version of it. */
function writeReply(core, res, reply, trackingId, fault) {
  if (res.destroyed) return undefined;
  const body = reply.body === null ? null : Buffer.from(reply.body);
  const headers = {
    ...(core.options.cors ? corsHeaders() : {}),
    ...reply.headers,
    "x-zm-trackingid": trackingId,
  };
  if (body) headers["content-length"] = String(body.length);
  res.writeHead(reply.status, headers);

  if (fault?.kind === "truncate") {
    // The promised content-length never arrives: half the body, then the end of the stream.
    const half = body ? body.subarray(0, Math.floor(body.length / 2)) : null;
    if (half?.length) res.write(half);
    else res.flushHeaders();
    return res.socket?.end();
  }
  if (fault?.kind === "slowbody" && body) return dribble(core, res, body, fault.delayMs);
  return res.end(body ?? undefined);
}

async function dribble(core, res, body, delayMs) {
  res.flushHeaders();
  const step = Math.ceil(body.length / SLOW_BODY_STEPS);
  for (let offset = 0; offset < body.length; offset += step) {
    if (!(await pause(core, delayMs / SLOW_BODY_STEPS)) || res.destroyed) return res.destroy();
    res.write(body.subarray(offset, offset + step));
  }
  return res.end();
}

function redactedQuery(params) {
  const query = {};
  for (const [name, value] of params) {
    query[name] = SECRET_PARAMS.has(name.toLowerCase()) ? "[redacted]" : value;
  }
  return query;
}

function record(core, entry) {
  const log = core.state.requests;
  log.push(entry);
  if (log.length > MAX_LOGGED_REQUESTS * 1.1) log.splice(0, log.length - MAX_LOGGED_REQUESTS);
  if (!core.options.quiet) {
    const query = new URLSearchParams(entry.query).toString();
    console.error(
      `zoom-sim: ${entry.method} ${entry.path}${query ? `?${query}` : ""} -> ${entry.status || "dropped"}`,
    );
  }
}

function joinPage(core, ctx, [kind, id]) {
  const action = kind === "s" ? "start (as host)" : "join";
  return html(
    200,
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Meeting ${escapeHtml(id)} · Zoom simulator</title></head>
<body><main><h1>Meeting ${escapeHtml(id)}</h1>
<p>In Zoom this link would ${action} the meeting. The simulator has no meetings to attend.</p></main></body></html>
`,
  );
}

function index(core) {
  return json(200, {
    name: "zoom-gateway local Zoom simulator",
    oauthBase: core.url,
    apiBase: `${core.url}/v2`,
    control: `${core.url}/_sim/`,
  });
}
