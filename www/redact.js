// What the page may show of tokens, codes and secrets: outside the token panel, never the
// whole value. Everything shown in the envelope, the event and the HTTP exchanges goes
// through here first.

/** Keys whose values are credentials wherever they appear, in JSON, forms or URLs. */
const SECRET_KEYS = new Set([
  "token",
  "access",
  "refresh",
  "refresh_token",
  "access_token",
  "accessToken",
  "refreshToken",
  "id_token",
  "code",
  "code_verifier",
  "client_secret",
  "clientSecret",
  "ZOOM_CLIENT_SECRET",
  "zak",
  "pwd",
]);

/** Keys whose values are URLs that carry a credential in their query (start_url signs in as host). */
const URL_KEYS = new Set(["start_url", "join_url"]);

/** The last six characters and the length: enough to tell two tokens apart, not to use one. */
export function mask(value) {
  if (typeof value !== "string" || value === "") return value;
  if (value.length < 24) return `[redacted, ${value.length} characters]`;
  return `[redacted …${value.slice(-6)}, ${value.length} characters]`;
}

/** A copy of a JSON value with every credential masked, at any depth. */
export function redactValue(value, key) {
  if (typeof value === "string") {
    if (SECRET_KEYS.has(key)) return mask(value);
    if (URL_KEYS.has(key)) return redactUrl(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item));
  if (value !== null && typeof value === "object") {
    const copy = {};
    for (const [name, inner] of Object.entries(value)) copy[name] = redactValue(inner, name);
    return copy;
  }
  return value;
}

/** The URL with the values of credential parameters (and the fragment) replaced. */
export function redactUrl(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  const query = redactPairs(url.search.slice(1));
  return `${url.origin}${url.pathname}${query ? `?${query}` : ""}`;
}

/** A form body (`a=1&b=2`) with the values of credential parameters replaced. */
export function redactPairs(text) {
  if (text === "") return "";
  return text
    .split("&")
    .map((pair) => {
      const [name] = pair.split("=", 1);
      const decoded = safeDecode(name);
      if (SECRET_KEYS.has(decoded) || decoded === "state") return `${name}=[redacted]`;
      return pair;
    })
    .join("&");
}

/** Request headers as shown: credentials keep their scheme only. */
export function redactHeaders(headers) {
  const shown = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === "authorization") {
      const scheme = String(value).split(" ", 1)[0];
      shown[name] = `${scheme} [redacted]`;
    } else {
      shown[name] = String(value);
    }
  }
  return shown;
}

/**
 * A body as shown: JSON pretty-printed with credentials masked, a form with its credential
 * values replaced, anything else cut short.
 */
export function redactBody(text, contentType = "") {
  if (typeof text !== "string" || text === "") return "";
  try {
    return JSON.stringify(redactValue(JSON.parse(text)), null, 2);
  } catch {
    // not JSON: a form or a page
  }
  if (contentType.includes("application/x-www-form-urlencoded") || /^[\w.%-]+=/.test(text)) {
    return redactPairs(text);
  }
  return text.length > 400 ? `${text.slice(0, 400)}… (${text.length} characters)` : text;
}

function safeDecode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}
