// What the integration tests share: a simulator per test, the gateway's settings for it, token
// pairs, the simulator's request log sorted by endpoint, and the checks every envelope passes.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";

import { startSimulator } from "../../sim/index.js";

/**
 * Starts a simulator that the test `t` closes when it ends, whatever happens. Daily limits are
 * off unless asked for: these tests create more meetings than a Zoom host may in a day.
 */
export async function simulatorFor(t, options = {}) {
  const sim = await startSimulator({ dailyLimit: 0, ...options });
  t.after(() => sim.close());
  return sim;
}

/** The gateway's settings for `sim`, by their environment names. */
export function configFor(sim, extra = {}) {
  return {
    ZOOM_CLIENT_ID: sim.options.clientId,
    ZOOM_CLIENT_SECRET: sim.options.clientSecret,
    ZOOM_REDIRECT_URI: [sim.options.redirectUri].flat()[0],
    ZOOM_API_BASE: sim.apiBase,
    ZOOM_OAUTH_BASE: sim.oauthBase,
    ...extra,
  };
}

/**
 * A signed-in user's token pair; with `expired`, the access token has already run out;
 * `scopes` replaces the simulator's default grant.
 */
export function pairFor(sim, { expired = false, userId, scopes } = {}) {
  const answer = sim.issueTokens({ userId, scopes });
  if (expired) sim.expireTokens(answer.access_token);
  return { access: answer.access_token, refresh: answer.refresh_token };
}

/** An event for one of the four meeting APIs. */
export function meetingEvent(api, pair, fields = {}) {
  return {
    APIName: api,
    body: { token: pair.access, refresh_token: pair.refresh, ...fields },
  };
}

/** A meeting created straight on the simulator, past the gateway; resolves to its id. */
export async function seedMeeting(sim, access, fields = { topic: "seeded", type: 2 }) {
  const response = await fetch(`${sim.apiBase}/users/me/meetings`, {
    method: "POST",
    headers: { authorization: `Bearer ${access}`, "content-type": "application/json" },
    body: JSON.stringify(fields),
  });
  assert.equal(response.status, 201, "the simulator creates the seed meeting");
  return (await response.json()).id;
}

/**
 * A fresh authorization code, as Zoom's redirect hands it to the app after consent; with a
 * `codeChallenge`, for the public (PKCE) client and S256.
 */
export async function authorizationCode(sim, { codeChallenge } = {}) {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: codeChallenge ? sim.options.publicClientId : sim.options.clientId,
    redirect_uri: [sim.options.redirectUri].flat()[0],
    state: "integration",
  });
  if (codeChallenge) {
    query.set("code_challenge", codeChallenge);
    query.set("code_challenge_method", "S256");
  }
  const response = await fetch(`${sim.oauthBase}/oauth/authorize?${query}`, {
    redirect: "manual",
  });
  await response.body?.cancel();
  const code = new URL(response.headers.get("location")).searchParams.get("code");
  assert.ok(code, "the simulator approves at once (autoApprove)");
  return code;
}

/** Meetings users created on `sim`: every meeting but the personal ones. */
export function createdMeetings(sim) {
  return [...sim.state.meetings.values()]
    .map((record) => record.meeting)
    .filter((meeting) => meeting.type !== 4);
}

/** The simulator's endpoint name for a logged request, as its faults name them. */
export function endpointOf(entry) {
  if (entry.path === "/oauth/token") return "token";
  if (entry.path === "/oauth/authorize") return "authorize";
  if (/^\/v2\/users\/[^/]+\/meetings$/.test(entry.path)) return "create";
  if (/^\/v2\/meetings\/[^/]+$/.test(entry.path)) {
    return { GET: "get", PATCH: "update", DELETE: "delete" }[entry.method] ?? "other";
  }
  return "other";
}

/** How many requests of each endpoint the log holds, e.g. `{ get: 2, token: 1 }`. */
export function countByEndpoint(log) {
  const counts = {};
  for (const entry of log) {
    const endpoint = endpointOf(entry);
    counts[endpoint] = (counts[endpoint] ?? 0) + 1;
  }
  return counts;
}

/** Forgets the request log, e.g. after setting a test up. */
export function clearLog(sim) {
  sim.requests.length = 0;
}

/**
 * The request log once `expected` requests are in it. A request that a delay fault holds is
 * logged only when its answer is due, after the gateway gave up on it; waits for those, up to
 * `limitMs`, then a little longer so that a request beyond the expected ones would show.
 */
export async function settledLog(sim, expected, limitMs = 10_000) {
  for (let waited = 0; sim.requests.length < expected && waited < limitMs; waited += 20) {
    await sleep(20);
  }
  await sleep(50);
  return [...sim.requests];
}

/** Asserts what every envelope must be, whatever happened. */
export function assertEnvelope(envelope, context = "") {
  const where = `${context} ${JSON.stringify(envelope)}`;
  assert.ok([0, 1, 2, 3].includes(envelope?.error), `error is 0-3: ${where}`);
  assert.equal(typeof envelope.msg, "string", `msg: ${where}`);
  assert.ok(envelope.msg.length > 0, `msg says something: ${where}`);
  assert.equal(typeof envelope.body, "object", `body: ${where}`);
  assert.ok(envelope.body !== null && !Array.isArray(envelope.body), `body object: ${where}`);
  if (envelope.error !== 0) assert.deepEqual(envelope.body, {}, `failure body: ${where}`);

  const { token } = envelope;
  if (token === undefined) return; // GET_ACCESS_TOKEN's success has its tokens in body
  assert.equal(typeof token.updated, "boolean", `token.updated: ${where}`);
  if (token.updated) {
    assert.ok(token.access.length > 0 && token.refresh.length > 0, `new pair: ${where}`);
  } else {
    assert.deepEqual(token, { updated: false, access: "", refresh: "" }, `no pair: ${where}`);
  }
}

/** Whether `pair` is what `sim` holds as live right now: the grant's newest refresh token and
 * an access token that has not run out. */
export function isLivePair(sim, pair) {
  const grant = sim.state.grants.get(sim.state.refreshTokens.get(pair.refresh));
  const access = sim.state.accessTokens.get(pair.access);
  return (
    grant !== undefined &&
    !grant.revoked &&
    grant.refreshToken === pair.refresh &&
    access !== undefined &&
    !access.revoked &&
    access.expiresAt > Date.now()
  );
}
