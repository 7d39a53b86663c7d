// Zoom's OAuth endpoints: the consent page at /oauth/authorize, the token endpoint with its
// three grants, and revocation. Error bodies are Zoom's `{reason, error}`.

import { createHash, timingSafeEqual } from "node:crypto";
import {
  clip,
  escapeHtml,
  html,
  json,
  mediaType,
  oauthError,
  parseForm,
  redirect,
} from "./http.js";
import {
  accountOwner,
  findUser,
  grantOfRefreshToken,
  issueAccountToken,
  issueCode,
  issueGrant,
  revokeGrant,
  revokeGrantOf,
  rotateGrant,
} from "./state.js";

const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;
const NO_STORE = { "cache-control": "no-store" };

/** GET /oauth/authorize: the consent page, or at once the redirect when auto-approving. */
export function authorizePage(core, ctx) {
  const request = readAuthorizeRequest(core, ctx.query);
  if (request.reply) return request.reply;
  if (core.options.autoApprove) return approve(core, request);
  // Chromium applies form-action to the redirect that follows the submit too, so the app's
  // registered origin must be allowed beside our own.
  const appOrigin = new URL(request.redirectUri).origin;
  return html(200, consentPage(core, request), {
    ...NO_STORE,
    "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${appOrigin}`,
  });
}

/** POST /oauth/authorize: the consent form's answer. Every field is checked again. */
export function authorizeDecision(core, ctx) {
  const params =
    mediaType(ctx.headers) === "application/x-www-form-urlencoded"
      ? parseForm(ctx.body.toString("utf8"))
      : ctx.query;
  const request = readAuthorizeRequest(core, params);
  if (request.reply) return request.reply;
  if (params.decision === "approve") return approve(core, request);
  return backToApp(request, { error: "access_denied" });
}

function registeredRedirects(core) {
  return [core.options.redirectUri].flat();
}

/**
 * Checks an authorization request. Without a known client and a registered redirect URI the
 * user sees an error page; after that, errors go back to the app as OAuth says.
 */
function readAuthorizeRequest(core, params) {
  const { options, state } = core;
  const clientId = params.client_id;
  const isPublic = clientId === options.publicClientId;
  if (clientId !== options.clientId && !isPublic) {
    return { reply: errorPage(`Invalid client_id: ${clientId ?? "(none)"} (4,702)`) };
  }
  const redirectUri = params.redirect_uri;
  if (!registeredRedirects(core).includes(redirectUri)) {
    return { reply: errorPage(`Invalid redirect: ${redirectUri ?? "(none)"} (4,709)`) };
  }
  const user =
    params.sim_user === undefined ? accountOwner(state) : findUser(state, params.sim_user);
  if (!user) return { reply: errorPage(`Unknown simulated user: ${params.sim_user}`) };

  const request = {
    clientId,
    redirectUri,
    state: params.state,
    userId: user.id,
    codeChallenge: params.code_challenge,
    codeChallengeMethod:
      params.code_challenge_method ?? (params.code_challenge ? "plain" : undefined),
  };
  const refuse = (description, error = "invalid_request") => ({
    reply: backToApp(request, { error, error_description: description }),
  });
  if (params.response_type !== "code") {
    return refuse("response_type must be code", "unsupported_response_type");
  }
  if (request.codeChallengeMethod && !["S256", "plain"].includes(request.codeChallengeMethod)) {
    return refuse("code_challenge_method must be S256 or plain");
  }
  if (request.codeChallenge !== undefined && !PKCE_VALUE.test(request.codeChallenge)) {
    return refuse("code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]");
  }
  if (isPublic && request.codeChallenge === undefined) {
    return refuse("a public client must send a code_challenge");
  }
  return request;
}

function approve(core, request) {
  const code = issueCode(core, { ...request, scopes: core.options.scopes });
  return backToApp(request, { code });
}

function backToApp(request, fields) {
  const target = new URL(request.redirectUri);
  for (const [name, value] of Object.entries(fields)) target.searchParams.set(name, value);
  if (request.state !== undefined) target.searchParams.set("state", request.state);
  return redirect(target.href);
}

function errorPage(reason) {
  const body = page(
    "Invalid request",
    `<h1>Invalid request</h1>
<p role="alert">${escapeHtml(clip(reason, 300))}</p>`,
  );
  return html(400, body, NO_STORE);
}

function consentPage(core, request) {
  const user = core.state.users.get(request.userId);
  const hidden = {
    response_type: "code",
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: request.codeChallengeMethod,
    sim_user: request.userId,
  };
  const fields = Object.entries(hidden)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join("\n");
  const scopes = core.options.scopes
    .split(" ")
    .filter(Boolean)
    .map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`)
    .join("\n");

  return page(
    "Allow access to your Zoom account?",
    `<h1>Allow access to your Zoom account?</h1>
<p>The app <strong>${escapeHtml(request.clientId)}</strong> asks to act as
<strong>${escapeHtml(user.email)}</strong> with these permissions:</p>
<ul aria-label="Requested permissions">
${scopes}
</ul>
<p>Whatever you choose, you go back to <code>${escapeHtml(request.redirectUri)}</code>.</p>
<form method="post" action="/oauth/authorize">
${fields}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

function page(title, main) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Zoom simulator</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d1d1f; }
main { max-width: 32rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 8px; }
button { font: inherit; padding: .5rem 1.25rem; margin-right: .5rem; border-radius: 6px; cursor: pointer; }
button[value=approve] { background: #0b5cff; color: #fff; border: 1px solid #0b5cff; }
button[value=deny] { background: #fff; color: #1d1d1f; border: 1px solid #6e6e73; }
button:focus-visible { outline: 3px solid #1d1d1f; outline-offset: 2px; }
footer { margin-top: 2rem; font-size: .875rem; color: #4a4a4f; }
</style>
</head>
<body>
<main>
${main}
<footer>Local Zoom simulator: no Zoom account is involved.</footer>
</main>
</body>
</html>
`;
}

/** POST /oauth/token. Parameters come from the form body, or else the query string. */
export function token(core, ctx) {
  const params = tokenParams(ctx);
  const client = authenticateClient(core, ctx.headers.authorization, params);
  if (!client) return invalidClient();

  switch (params.grant_type) {
    case "authorization_code":
      return exchangeCode(core, client, params);
    case "refresh_token":
      return refresh(core, client, params);
    case "account_credentials":
      return accountCredentials(core, client, params);
    default:
      return oauthError(400, "unsupported_grant_type", "Unsupported grant type");
  }
}

function tokenParams(ctx) {
  const params = { ...ctx.query };
  if (mediaType(ctx.headers) === "application/x-www-form-urlencoded") {
    Object.assign(params, parseForm(ctx.body.toString("utf8")));
  }
  return params;
}

function invalidClient() {
  return oauthError(401, "invalid_client", "Invalid client_id or client_secret");
}

/**
 * `{ id, confidential }` for a client that proved who it is: the confidential client by HTTP
 * Basic, the public (PKCE) client by naming itself without a secret. Null otherwise.
 */
function authenticateClient(core, authorization, params) {
  const { options } = core;
  const basic = /^basic\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const id = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    const valid = colon > 0 && id === options.clientId && sameSecret(secret, options.clientSecret);
    return valid ? { id, confidential: true } : null;
  }
  if (
    authorization === undefined &&
    params.client_id === options.publicClientId &&
    params.client_secret === undefined
  ) {
    return { id: options.publicClientId, confidential: false };
  }
  return null;
}

function sameSecret(given, expected) {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function exchangeCode(core, client, params) {
  const code = core.state.codes.get(params.code);
  const invalidCode = oauthError(
    400,
    "invalid_request",
    `Invalid authorization code ${clip(params.code ?? "", 100)}`,
  );
  if (!code) return invalidCode;
  if (code.used) {
    // A code presented twice may have been stolen: what it bought is withdrawn (RFC 6749 4.1.2).
    for (const grantId of code.grantIds) {
      const grant = core.state.grants.get(grantId);
      if (grant) revokeGrant(core, grant, { withAccessTokens: true });
    }
    return invalidCode;
  }
  code.used = true;
  if (core.now() >= code.expiresAt || code.clientId !== client.id) return invalidCode;
  if (params.redirect_uri !== code.redirectUri) {
    return oauthError(400, "invalid_request", "Redirect URI mismatch.");
  }
  const pkceProblem = checkVerifier(code, params.code_verifier);
  if (pkceProblem) return oauthError(400, "invalid_request", pkceProblem);

  if (core.options.revokeOnReauthorize) {
    for (const grant of core.state.grants.values()) {
      if (grant.userId === code.userId && grant.clientId === code.clientId) {
        revokeGrant(core, grant, { withAccessTokens: true });
      }
    }
  }
  const { grant, body } = issueGrant(core, {
    userId: code.userId,
    clientId: client.id,
    scopes: code.scopes,
  });
  code.grantIds.push(grant.id);
  return json(200, body, NO_STORE);
}

/** Why the code verifier fails the code's challenge, or null when it passes or none is due. */
function checkVerifier(code, verifier) {
  if (code.codeChallenge === undefined) return null;
  if (verifier === undefined) return "Missing code_verifier.";
  if (!PKCE_VALUE.test(verifier)) return "Invalid code_verifier.";
  const derived =
    code.codeChallengeMethod === "S256"
      ? createHash("sha256").update(verifier).digest("base64url")
      : verifier;
  return derived === code.codeChallenge ? null : "Invalid code_verifier.";
}

function refresh(core, client, params) {
  const grant = grantOfRefreshToken(core, params.refresh_token);
  if (!grant || grant.clientId !== client.id) {
    return oauthError(400, "invalid_grant", "Invalid Token!");
  }
  return json(200, rotateGrant(core, grant), NO_STORE);
}

function accountCredentials(core, client, params) {
  if (!client.confidential) return invalidClient();
  if (params.account_id !== core.options.accountId) {
    return oauthError(400, "invalid_request", "Invalid account_id");
  }
  return json(200, issueAccountToken(core, client.id), NO_STORE);
}

/** POST /oauth/revoke: withdraws the whole authorization the token belongs to. */
export function revoke(core, ctx) {
  const params = tokenParams(ctx);
  const client = authenticateClient(core, ctx.headers.authorization, params);
  if (!client?.confidential) return invalidClient();
  if (!params.token) return oauthError(400, "invalid_request", "Missing token");
  revokeGrantOf(core, params.token, { withAccessTokens: true });
  return json(200, { status: "success" });
}
