// The signed-in session: the token pair in localStorage, and the OAuth round trip through
// the authorize page and callback.html (state and PKCE verifier in sessionStorage).

const TOKENS_KEY = "zoom-gateway-demo:tokens";
const PENDING_KEY = "zoom-gateway-demo:oauth-pending";
const RETURNED_KEY = "zoom-gateway-demo:oauth-returned";

/**
 * The stored pair, `{ access, refresh, oauthBase, changedAt, reason }`, or null. A pair from
 * another OAuth server (an earlier simulator, say) is ignored: it could only fail there.
 */
export function loadTokens(oauthBase) {
  let stored;
  try {
    stored = JSON.parse(localStorage.getItem(TOKENS_KEY) ?? "null");
  } catch {
    return null;
  }
  if (!stored || typeof stored !== "object" || stored.oauthBase !== oauthBase) return null;
  if (typeof stored.access !== "string" || typeof stored.refresh !== "string") return null;
  return stored;
}

/** Keeps a new pair; `reason` says what replaced the old one, for the page to show. */
export function storeTokens({ access, refresh }, oauthBase, reason) {
  const stored = { access, refresh, oauthBase, changedAt: new Date().toISOString(), reason };
  localStorage.setItem(TOKENS_KEY, JSON.stringify(stored));
  return stored;
}

export function forgetTokens() {
  localStorage.removeItem(TOKENS_KEY);
}

/**
 * Sends the browser to the authorize page. The state guards the callback against a forged
 * redirect; the PKCE verifier (RFC 7636) binds the code to this tab, when the browser can
 * hash (crypto.subtle needs a secure context: https, localhost or 127.0.0.1).
 */
export async function startSignIn(config) {
  const state = randomText(24);
  const verifier = crypto.subtle ? randomText(48) : undefined;
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state, verifier }));

  const url = new URL("/oauth/authorize", config.oauthBase);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("redirect_uri", config.redirectUri);
  url.searchParams.set("state", state);
  if (verifier) {
    url.searchParams.set("code_challenge", await challengeOf(verifier));
    url.searchParams.set("code_challenge_method", "S256");
  }
  location.assign(url.href);
}

/**
 * Run by callback.html with its query string: checks the state, keeps the code (or the
 * error) for the main page, and forgets the state so a second visit cannot reuse it.
 * Returns a message for the person when something is wrong, else null.
 */
export function acceptRedirect(query) {
  const params = new URLSearchParams(query);
  let pending = null;
  try {
    pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? "null");
  } catch {
    // treated as no sign-in in progress
  }
  sessionStorage.removeItem(PENDING_KEY);

  if (!pending?.state) {
    return "No sign-in was started from this tab, so this redirect is ignored. Start again from the console.";
  }
  if (params.get("state") !== pending.state) {
    return "The state in the redirect does not match the one this tab sent, so the code is not used. Start again from the console.";
  }
  const error = params.get("error");
  const code = params.get("code");
  if (!error && !code) return "The redirect carries neither a code nor an error.";

  const returned = error
    ? { error, description: params.get("error_description") ?? "" }
    : { code, verifier: pending.verifier };
  sessionStorage.setItem(RETURNED_KEY, JSON.stringify(returned));
  return null;
}

/** What callback.html left, taken once: `{ code, verifier }`, `{ error, description }` or null. */
export function takeReturned() {
  const text = sessionStorage.getItem(RETURNED_KEY);
  sessionStorage.removeItem(RETURNED_KEY);
  try {
    return JSON.parse(text ?? "null");
  } catch {
    return null;
  }
}

function randomText(bytes) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeOf(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function base64url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
