// Everything the simulator remembers: users, meetings, authorization codes, grants and
// tokens, rate-limit counters, pending faults and the request log. Plain data, so a test can
// look inside through `sim.state`.

import { randomId, randomToken, randomUuid, signJwt } from "./tokens.js";
import { formatUtc } from "./time.js";

const CODE_TTL_MS = 5 * 60 * 1000;
// Zoom's newer text says refresh tokens last about 90 days.
const REFRESH_TTL_MS = 90 * 24 * 3600 * 1000;

const DEFAULT_USERS = [
  { id: "sim-user-1", email: "host@sim.example", first_name: "Sim", last_name: "Host" },
  { id: "sim-user-2", email: "other@sim.example", first_name: "Other", last_name: "Host" },
];

export function freshState(core) {
  const state = {
    users: new Map(),
    meetings: new Map(),
    codes: new Map(),
    grants: new Map(),
    refreshTokens: new Map(),
    accessTokens: new Map(),
    usage: { daily: new Map(), perSecond: new Map() },
    faults: [],
    requests: [],
  };
  for (const user of DEFAULT_USERS) {
    const pmi = randomId(10);
    state.users.set(user.id, {
      ...user,
      account_id: core.options.accountId,
      timezone: "UTC",
      canHost: true,
      pmi,
    });
    state.meetings.set(String(pmi), personalMeeting(core, user, pmi));
  }
  return state;
}

/** The account owner: who `me` is for a Server-to-Server token, and who approves logins. */
export function accountOwner(state) {
  return state.users.values().next().value;
}

/** A user by `me`, id or email (any case); null when the account has none such. */
export function findUser(state, reference, me) {
  if (typeof reference !== "string") return null;
  if (reference === "me") return me ?? null;
  const byId = state.users.get(reference);
  if (byId) return byId;
  const email = reference.toLowerCase();
  for (const user of state.users.values()) {
    if (user.email.toLowerCase() === email) return user;
  }
  return null;
}

function personalMeeting(core, user, pmi) {
  return {
    meeting: {
      uuid: randomUuid(),
      id: pmi,
      host_id: user.id,
      host_email: user.email,
      topic: `${user.first_name} ${user.last_name}'s Personal Meeting Room`,
      type: 4,
      status: "waiting",
      timezone: "UTC",
      created_at: formatUtc(core.now()),
      start_url: `${core.url}/s/${pmi}?zak=${randomToken(24)}`,
      join_url: `${core.url}/j/${pmi}`,
      settings: {},
      pre_schedule: false,
    },
    occurrences: [],
  };
}

/** Stores a new authorization code for `/oauth/token` and returns it. */
export function issueCode(core, grant) {
  const code = randomToken(24);
  core.state.codes.set(code, {
    ...grant,
    expiresAt: core.now() + CODE_TTL_MS,
    used: false,
    grantIds: [],
  });
  return code;
}

function issueAccessToken(core, { userId, scopes, clientId, grantId, serverToServer }) {
  const issuedAt = core.now();
  const expiresAt = issuedAt + core.options.accessTokenTtlSec * 1000;
  const token = signJwt(
    {
      ver: 9,
      uid: userId,
      aid: core.options.accountId,
      cid: clientId,
      iss: `zm:cid:${clientId}`,
      aud: core.url,
      nbf: Math.floor(issuedAt / 1000),
      iat: Math.floor(issuedAt / 1000),
      exp: Math.floor(expiresAt / 1000),
    },
    core.key,
  );
  core.state.accessTokens.set(token, {
    userId,
    scopes,
    grantId,
    serverToServer,
    expiresAt,
    revoked: false,
  });
  return token;
}

function issueRefreshToken(core, grant) {
  const issuedAt = core.now();
  const token = signJwt(
    {
      ver: 9,
      uid: grant.userId,
      cid: grant.clientId,
      typ: "refresh",
      iat: Math.floor(issuedAt / 1000),
    },
    core.key,
  );
  grant.refreshToken = token;
  grant.refreshExpiresAt = issuedAt + REFRESH_TTL_MS;
  core.state.refreshTokens.set(token, grant.id);
  return token;
}

/**
 * A new grant (one user's consent to one client) with its first access and refresh token,
 * answered as Zoom's token endpoint does.
 */
export function issueGrant(core, { userId, clientId, scopes }) {
  const grant = { id: randomToken(12), userId, clientId, scopes, revoked: false };
  core.state.grants.set(grant.id, grant);
  const accessToken = issueAccessToken(core, { userId, scopes, clientId, grantId: grant.id });
  const refreshToken = issueRefreshToken(core, grant);
  return { grant, body: tokenBody(core, accessToken, scopes, refreshToken) };
}

/** Rotation: a new pair; the old refresh token stops working, the old access token does not. */
export function rotateGrant(core, grant) {
  const accessToken = issueAccessToken(core, { ...grant, grantId: grant.id });
  const refreshToken = issueRefreshToken(core, grant);
  return tokenBody(core, accessToken, grant.scopes, refreshToken);
}

/** A Server-to-Server token: account-wide, no refresh token. */
export function issueAccountToken(core, clientId) {
  const scopes = core.options.scopes;
  const accessToken = issueAccessToken(core, {
    userId: accountOwner(core.state).id,
    scopes,
    clientId,
    grantId: null,
    serverToServer: true,
  });
  return tokenBody(core, accessToken, scopes);
}

function tokenBody(core, accessToken, scopes, refreshToken) {
  return {
    access_token: accessToken,
    token_type: "bearer",
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    expires_in: core.options.accessTokenTtlSec,
    scope: scopes,
    api_url: core.url,
  };
}

/** The live grant a refresh token belongs to, or null when it is stale, revoked or unknown. */
export function grantOfRefreshToken(core, token) {
  const grant = core.state.grants.get(core.state.refreshTokens.get(token));
  const live =
    grant && !grant.revoked && grant.refreshToken === token && core.now() < grant.refreshExpiresAt;
  return live ? grant : null;
}

/** Looks up a bearer token: `{ token }`, or `{ problem: "invalid" | "expired" }`. */
export function checkAccessToken(core, token) {
  const entry = typeof token === "string" ? core.state.accessTokens.get(token) : undefined;
  if (!entry || entry.revoked) return { problem: "invalid" };
  if (core.now() >= entry.expiresAt) return { problem: "expired" };
  return { token: entry };
}

/** Expires one access token, or all of them when `token` is not given. Returns how many. */
export function expireAccessTokens(core, token) {
  const now = core.now();
  let count = 0;
  for (const [value, entry] of core.state.accessTokens) {
    if (token !== undefined && value !== token) continue;
    if (entry.expiresAt > now) {
      entry.expiresAt = now;
      count++;
    }
  }
  return count;
}

/**
 * Revokes the grant a token (refresh or access) belongs to; with `withAccessTokens` its
 * access tokens stop working too. Returns whether a grant was found.
 */
export function revokeGrantOf(core, token, { withAccessTokens }) {
  const grantId =
    core.state.refreshTokens.get(token) ?? core.state.accessTokens.get(token)?.grantId;
  const grant = core.state.grants.get(grantId);
  if (grant) {
    revokeGrant(core, grant, { withAccessTokens });
  } else if (withAccessTokens && core.state.accessTokens.has(token)) {
    core.state.accessTokens.get(token).revoked = true;
    return true;
  }
  return Boolean(grant);
}

export function revokeGrant(core, grant, { withAccessTokens }) {
  grant.revoked = true;
  if (!withAccessTokens) return;
  for (const entry of core.state.accessTokens.values()) {
    if (entry.grantId === grant.id) entry.revoked = true;
  }
}
