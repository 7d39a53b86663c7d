// Builds Zoom's authorize URL: a random `state` against forged redirects and, for PKCE
// (RFC 7636), a random code verifier and its S256 challenge. Web Crypto does the hashing,
// so this works alike in Node 20+, workerd and browsers.

const UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

function randomString(length) {
  // 256 is no multiple of 66: bytes past the last whole multiple are skipped, so that no
  // character is likelier than another.
  const limit = 256 - (256 % UNRESERVED.length);
  let out = "";
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length))) {
      if (byte < limit && out.length < length) out += UNRESERVED[byte % UNRESERVED.length];
    }
  }
  return out;
}

function base64url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)), no padding. */
export async function codeChallenge(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/**
 * The URL to send the user to, with the `state` and `codeVerifier` to keep until Zoom
 * redirects back: check `state`, then pass `code` and `codeVerifier` to GET_ACCESS_TOKEN.
 */
export async function authorizeUrl({
  clientId,
  redirectUri,
  oauthBase = "https://zoom.us",
  state = randomString(32),
  pkce = true,
  scope,
} = {}) {
  if (typeof clientId !== "string" || clientId === "") throw new TypeError("clientId: required");
  if (typeof redirectUri !== "string" || !URL.canParse(redirectUri)) {
    throw new TypeError("redirectUri: an absolute URL");
  }
  const url = new URL("/oauth/authorize", oauthBase);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("state", state);
  if (scope) url.searchParams.set("scope", scope);
  let codeVerifier;
  if (pkce) {
    codeVerifier = randomString(64);
    url.searchParams.set("code_challenge", await codeChallenge(codeVerifier));
    url.searchParams.set("code_challenge_method", "S256");
  }
  return { url: url.href, state, codeVerifier };
}
