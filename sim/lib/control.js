// The control API under /_sim/ and the same operations as functions for `startSimulator`'s
// helpers. Not part of Zoom: it lets a test move time forward for tokens, arm faults and
// change settings. Local use only: it has no authentication.

import { json } from "./http.js";
import { normalizeFault } from "./faults.js";
import { resetLimits } from "./limits.js";
import {
  accountOwner,
  expireAccessTokens,
  findUser,
  freshState,
  issueGrant,
  revokeGrant,
  revokeGrantOf,
} from "./state.js";
import { isTimeZone } from "./time.js";

/** Thrown for a control request that makes no sense; its message goes back to the caller. */
export class ControlError extends Error {}

export function expire(core, accessToken) {
  return { expired: expireAccessTokens(core, accessToken) };
}

/** Makes a grant's refresh token stop working (or every grant's, with `{ all: true }`). */
export function revokeRefresh(core, target) {
  if (target?.all === true) {
    for (const grant of core.state.grants.values())
      revokeGrant(core, grant, { withAccessTokens: false });
    return { revoked: core.state.grants.size };
  }
  const token = typeof target === "string" ? target : target?.refresh_token;
  if (typeof token !== "string") throw new ControlError("give refresh_token, or all: true");
  return { revoked: revokeGrantOf(core, token, { withAccessTokens: false }) ? 1 : 0 };
}

export function addFault(core, spec) {
  const { fault, error } = normalizeFault(spec);
  if (error) throw new ControlError(error);
  core.state.faults.push(fault);
  return { fault: { ...fault } };
}

export function clearFaults(core) {
  const cleared = core.state.faults.length;
  core.state.faults.length = 0;
  return { cleared };
}

/** A token pair for a user, as if they had logged in, without the authorize step. */
export function issueTokens(core, { userId, scopes } = {}) {
  const user = userId === undefined ? accountOwner(core.state) : findUser(core.state, userId);
  if (!user) throw new ControlError(`no simulated user ${userId}`);
  if (scopes !== undefined && typeof scopes !== "string")
    throw new ControlError("scopes is a space-separated string");
  const { body } = issueGrant(core, {
    userId: user.id,
    clientId: core.options.clientId,
    scopes: scopes ?? core.options.scopes,
  });
  return body;
}

export function reset(core) {
  for (const name of Object.keys(core.options)) delete core.options[name];
  Object.assign(core.options, copyOptions(core.startOptions));
  core.state = freshState(core);
  return {};
}

export function copyOptions(options) {
  return {
    ...options,
    redirectUri: Array.isArray(options.redirectUri)
      ? [...options.redirectUri]
      : options.redirectUri,
    perSecondLimit: { ...options.perSecondLimit },
  };
}

const CONFIG_CHECKS = {
  autoApprove: (value) => typeof value === "boolean",
  revokeOnReauthorize: (value) => typeof value === "boolean",
  quiet: (value) => typeof value === "boolean",
  cors: (value) => typeof value === "boolean",
  accessTokenTtlSec: (value) => Number.isFinite(value) && value > 0,
  scopes: (value) => typeof value === "string",
  dailyLimit: (value) => value === null || (typeof value === "number" && value >= 0),
  perSecondLimit: (value) =>
    value !== null &&
    typeof value === "object" &&
    Object.entries(value).every(
      ([name, limit]) =>
        ["create", "light"].includes(name) &&
        (limit === null || (typeof limit === "number" && limit >= 0)),
    ),
  users: (value) => value !== null && typeof value === "object",
};

/**
 * Changes options at run time, and user flags with `users: { "me" | id | email: { canHost,
 * timezone } }`. A limit of null or 0 turns it off. All or nothing: nothing changes on error.
 */
export function configure(core, changes) {
  if (changes === null || typeof changes !== "object" || Array.isArray(changes)) {
    throw new ControlError("config is an object of options");
  }
  for (const [name, value] of Object.entries(changes)) {
    const check = CONFIG_CHECKS[name];
    if (!check)
      throw new ControlError(
        `cannot change ${name}; known: ${Object.keys(CONFIG_CHECKS).join(", ")}`,
      );
    if (!check(value)) throw new ControlError(`invalid value for ${name}`);
  }
  const userChanges = changes.users ? checkUserChanges(core, changes.users) : [];

  for (const [name, value] of Object.entries(changes)) {
    if (name === "users") continue;
    if (name === "perSecondLimit") {
      Object.assign(core.options.perSecondLimit, nullsToZero(value));
    } else {
      core.options[name] = value === null ? 0 : value;
    }
  }
  for (const [user, flags] of userChanges) Object.assign(user, flags);
  return { options: publicOptions(core.options) };
}

function nullsToZero(limits) {
  return Object.fromEntries(Object.entries(limits).map(([name, limit]) => [name, limit ?? 0]));
}

function checkUserChanges(core, users) {
  return Object.entries(users).map(([reference, flags]) => {
    const user = findUser(core.state, reference, accountOwner(core.state));
    if (!user) throw new ControlError(`no simulated user ${reference}`);
    if (flags === null || typeof flags !== "object")
      throw new ControlError(`flags for ${reference} must be an object`);
    const { canHost, timezone, ...unknown } = flags;
    if (Object.keys(unknown).length > 0)
      throw new ControlError(`user flags are canHost and timezone`);
    if (canHost !== undefined && typeof canHost !== "boolean")
      throw new ControlError("canHost must be true or false");
    if (timezone !== undefined && !isTimeZone(timezone))
      throw new ControlError("timezone must be an IANA time zone");
    return [
      user,
      Object.fromEntries(Object.entries({ canHost, timezone }).filter(([, v]) => v !== undefined)),
    ];
  });
}

/** Options as the control API shows them: the secret is not repeated. */
export function publicOptions(options) {
  const { clientSecret, now, ...shown } = options;
  return { ...shown, clientSecret: clientSecret ? "[redacted]" : clientSecret };
}

/** Routes /_sim/... requests. `body` is the parsed JSON body (or `{}`). */
export function controlRequest(core, method, path, body) {
  const route = `${method} ${path}`;
  switch (route) {
    case "GET /_sim/health":
      return { ok: true };
    case "POST /_sim/expire":
      return expire(core, body.access_token);
    case "POST /_sim/revoke":
      return revokeRefresh(core, body);
    case "GET /_sim/faults":
      return { faults: core.state.faults.map((fault) => ({ ...fault })) };
    case "POST /_sim/faults":
      return addFault(core, body);
    case "DELETE /_sim/faults":
      return clearFaults(core);
    case "POST /_sim/config":
      return configure(core, body);
    case "GET /_sim/config":
      return { options: publicOptions(core.options) };
    case "POST /_sim/tokens":
      return issueTokens(core, body);
    case "POST /_sim/reset":
      return reset(core);
    case "POST /_sim/limits/reset":
      resetLimits(core);
      return {};
    case "GET /_sim/requests":
      return { requests: core.state.requests };
    case "DELETE /_sim/requests":
      core.state.requests.length = 0;
      return {};
    default:
      return null;
  }
}

/** Serves a control request end to end, from raw body to reply. */
export function controlReply(core, ctx) {
  let body = {};
  const text = ctx.body.toString("utf8").trim();
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      return json(400, { ok: false, error: "the body must be JSON" });
    }
  }
  if (body === null || typeof body !== "object")
    return json(400, { ok: false, error: "the body must be a JSON object" });
  try {
    const result = controlRequest(core, ctx.method, ctx.path, body);
    if (result === null)
      return json(404, { ok: false, error: `no control operation ${ctx.method} ${ctx.path}` });
    return json(200, { ok: true, ...result });
  } catch (error) {
    if (error instanceof ControlError) return json(400, { ok: false, error: error.message });
    throw error;
  }
}
