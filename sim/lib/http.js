// Replies as values. A handler returns `{ status, headers, body }` and the server writes it,
// so a fault can delay, cut or drop an answer that was built the ordinary way.

const JSON_TYPE = "application/json;charset=UTF-8";
const HTML_TYPE = "text/html; charset=utf-8";

export function json(status, value, headers = {}) {
  return {
    status,
    headers: { "content-type": JSON_TYPE, ...headers },
    body: JSON.stringify(value),
  };
}

/** A 204 (or other bodiless status): no content-type, no body. */
export function empty(status = 204, headers = {}) {
  return { status, headers, body: null };
}

export function html(status, text, headers = {}) {
  return { status, headers: { "content-type": HTML_TYPE, ...headers }, body: text };
}

export function redirect(location) {
  return { status: 302, headers: { location, "cache-control": "no-store" }, body: null };
}

/** The API's error body: `{code, message}`, plus `errors` for validation failures. */
export function apiError(status, code, message, extra = {}, headers = {}) {
  return json(status, { code, message, ...extra }, headers);
}

/** The OAuth endpoints' error body, which differs from the API's. */
export function oauthError(status, error, reason) {
  return json(status, { reason, error }, { "cache-control": "no-store" });
}

const HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

/** Echoes a caller's value into a message without letting it grow the answer unboundedly. */
export function clip(value, max = 200) {
  const text = String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The media type of a request, lower case, without parameters. */
export function mediaType(headers) {
  return (headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

/**
 * Reads a request body up to `limit` bytes. Past the limit it keeps draining (so the client
 * can read the 413) up to `drainLimit`, then gives up on the connection.
 * Resolves to `{ body }`, `{ tooLarge: true }` or `{ aborted: true }`.
 */
export function readBody(req, limit, drainLimit = limit * 16) {
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > drainLimit) {
      resolve({ tooLarge: true, closeConnection: true });
      return;
    }

    const chunks = [];
    let received = 0;
    req.on("data", (chunk) => {
      received += chunk.length;
      if (received <= limit) {
        chunks.push(chunk);
      } else if (received > drainLimit) {
        req.pause();
        resolve({ tooLarge: true, closeConnection: true });
      }
    });
    req.on("end", () => {
      resolve(received > limit ? { tooLarge: true } : { body: Buffer.concat(chunks) });
    });
    req.on("error", () => resolve({ aborted: true }));
    req.on("close", () => resolve({ aborted: true }));
  });
}

/**
 * Parses `application/x-www-form-urlencoded` text (or a URLSearchParams) into an object
 * without a prototype, so a field named `__proto__` is just a field. First value wins.
 */
export function parseForm(text) {
  const fields = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    if (!Object.hasOwn(fields, name)) fields[name] = value;
  }
  return fields;
}
