// How the demo prints events and envelopes: secrets cut to a recognisable stub, long nested
// objects folded, and the envelope coloured by its error code on a terminal.

const REDACTED = "…(redacted)";

// Keys whose string values are credentials: tokens, authorization codes, PKCE verifiers, the
// client secret, and a meeting's passcodes and host key.
const SECRET_KEYS = new Set([
  "token",
  "refresh_token",
  "access",
  "refresh",
  "accessToken",
  "refreshToken",
  "access_token",
  "code",
  "code_verifier",
  "client_secret",
  "clientSecret",
  "ZOOM_CLIENT_SECRET",
  "zak",
  "password",
  "encrypted_password",
  "h323_password",
  "pstn_password",
]);

// URLs whose query or path carry a credential: start_url starts the meeting as its host.
const SECRET_URL_KEYS = new Set(["start_url"]);

// Query parameters that carry credentials inside any URL that is printed.
const SECRET_PARAMS = ["code", "pwd", "zak", "token", "access_token", "refresh_token"];

/** The first four characters and a marker: enough to tell two tokens apart, not to use one. */
export function shorten(secret) {
  if (typeof secret !== "string" || secret === "") return secret;
  return `${secret.slice(0, 4)}${REDACTED}`;
}

// The marker as URLSearchParams encodes it, to show it plainly again in a printed URL.
const ENCODED_MARKER = new URLSearchParams({ m: REDACTED }).toString().slice(2);

/** `url` with the values of credential-carrying query parameters shortened. */
export function redactUrl(url) {
  const parsed = parseUrl(url);
  if (parsed === null) return url;
  let changed = false;
  for (const name of SECRET_PARAMS) {
    const value = parsed.searchParams.get(name);
    if (value !== null) {
      parsed.searchParams.set(name, shorten(value));
      changed = true;
    }
  }
  return changed ? parsed.href.replaceAll(ENCODED_MARKER, REDACTED) : url;
}

/** A copy of `value` fit to print: every credential shortened, wherever it is nested. */
export function redact(value, key = "") {
  if (typeof value === "string") {
    if (SECRET_KEYS.has(key)) return shorten(value);
    if (SECRET_URL_KEYS.has(key)) return hideUrl(value);
    return /^https?:\/\//.test(value) ? redactUrl(value) : value;
  }
  if (Array.isArray(value)) return value.map((item) => redact(item));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, redact(item, name)]),
    );
  }
  return value;
}

/** Only the origin of a URL that is itself a credential. */
function hideUrl(url) {
  const parsed = parseUrl(url);
  return parsed === null ? shorten(url) : `${parsed.origin}/${REDACTED}`;
}

function parseUrl(text) {
  return URL.canParse(text) ? new URL(text) : null;
}

/** A key that `render` prints as a last line `… N more fields`, N being its value. */
export const MORE = Symbol("more fields");

/**
 * `value` with only the `keys` it has, and a count of the fields left out for `render`,
 * when it has more than `keys` lists.
 */
export function pick(value, keys) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const picked = Object.fromEntries(
    keys.filter((key) => key in value).map((key) => [key, value[key]]),
  );
  const left = Object.keys(value).length - Object.keys(picked).length;
  if (left > 0) picked[MORE] = left;
  return picked;
}

/**
 * `value` as indented JSON, except that objects and arrays nested deeper than `foldDepth`
 * with more than a few entries print as `{ … N fields }`: a meeting's fifty settings would
 * bury the fields the demo is about.
 */
export function render(value, { foldDepth = Infinity } = {}) {
  return renderAt(value, 0, foldDepth);
}

function renderAt(value, depth, foldDepth) {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";

  const entries = Array.isArray(value) ? value.map((item) => [null, item]) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0 && !value[MORE]) return `${open}${close}`;
  if (depth >= foldDepth && entries.length > 3) {
    const noun = Array.isArray(value) ? "items" : "fields";
    return `${open} … ${entries.length} ${noun} ${close}`;
  }

  const inline = oneLine(entries, open, close);
  if (inline !== null && !value[MORE]) return inline;

  const pad = "  ".repeat(depth + 1);
  const lines = entries.map(([name, item]) => {
    const label = name === null ? "" : `${JSON.stringify(name)}: `;
    return `${pad}${label}${renderAt(item, depth + 1, foldDepth)}`;
  });
  if (value[MORE]) lines.push(`${pad}… ${value[MORE]} more fields`);
  return `${open}\n${lines.join(",\n")}\n${"  ".repeat(depth)}${close}`;
}

// Objects of plain values that fit in this many characters print on one line.
const INLINE_WIDTH = 60;

function oneLine(entries, open, close) {
  if (entries.some(([, item]) => item !== null && typeof item === "object")) return null;
  const items = entries.map(([name, item]) => {
    const label = name === null ? "" : `${JSON.stringify(name)}: `;
    return `${label}${JSON.stringify(item)}`;
  });
  const text = `${open} ${items.join(", ")} ${close}`;
  return text.length <= INLINE_WIDTH ? text : null;
}

const COLOURS = {
  green: 32,
  yellow: 33,
  red: 31,
  magenta: 35,
  cyan: 36,
  dim: 2,
  bold: 1,
};

const CODE_COLOURS = ["green", "yellow", "red", "magenta"];

/** The colour an envelope with this error code prints in. */
export function colourOfCode(code) {
  return CODE_COLOURS[code] ?? "red";
}

/** A painter: `paint(colour, text)` wraps text in ANSI colour when `enabled`, else returns it. */
export function painter(enabled) {
  return (colour, text) => {
    if (!enabled || !(colour in COLOURS)) return text;
    return text
      .split("\n")
      .map((line) => `\x1b[${COLOURS[colour]}m${line}\x1b[0m`)
      .join("\n");
  };
}

/** True when the stream is a terminal and the user did not ask for plain output. */
export function wantsColour(stream, env = process.env) {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY);
}
