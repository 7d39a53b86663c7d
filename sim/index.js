// A local Zoom: OAuth and the four meeting operations on a real HTTP server on the loopback
// interface, for the gateway's demo, integration tests and benchmarks. See README.md.

import { setMaxListeners } from "node:events";
import {
  copyOptions,
  addFault,
  clearFaults,
  configure,
  expire,
  issueTokens,
  reset,
  revokeRefresh,
} from "./lib/control.js";
import { resetLimits } from "./lib/limits.js";
import { loadSchemas } from "./lib/schema.js";
import { createSimulatorServer } from "./lib/server.js";
import { freshState } from "./lib/state.js";
import { newSigningKey } from "./lib/tokens.js";

export const DEFAULT_OPTIONS = Object.freeze({
  host: "127.0.0.1",
  port: 0,
  clientId: "sim-client-id",
  clientSecret: "sim-client-secret",
  redirectUri: "http://127.0.0.1/callback",
  publicClientId: "sim-public-client",
  accountId: "sim-account",
  accessTokenTtlSec: 3600,
  autoApprove: false,
  scopes: "meeting:read meeting:write user:read",
  dailyLimit: 100,
  // Zoom's Pro plan allows { create: 20, light: 30 }; off here so that load tests are not
  // throttled. Tests of throttling turn them on.
  perSecondLimit: Object.freeze({ create: 0, light: 0 }),
  revokeOnReauthorize: false,
  maxBodyBytes: 1024 * 1024,
  cors: true,
  quiet: true,
});

/**
 * Starts a simulator and resolves once it listens. `options.now` (a function returning
 * milliseconds) replaces the clock, so tests can move time without waiting.
 */
export async function startSimulator(options = {}) {
  const { now = Date.now, ...given } = options;
  const settings = copyOptions({ ...DEFAULT_OPTIONS, ...given });
  settings.perSecondLimit = { ...DEFAULT_OPTIONS.perSecondLimit, ...given.perSecondLimit };
  checkOptions(settings, now);

  const core = {
    options: settings,
    startOptions: copyOptions(settings),
    now,
    key: newSigningKey(),
    url: "",
    state: null,
    closing: new AbortController(),
  };
  // Every pending delay listens for the close; a load test may hold thousands at once.
  setMaxListeners(0, core.closing.signal);
  loadSchemas();
  const server = createSimulatorServer(core);
  await listen(server, settings.host, settings.port);
  const { port } = server.address();
  const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  core.url = `http://${host}:${port}`;
  core.state = freshState(core);

  return simulatorHandle(core, server);
}

function checkOptions(options, now) {
  if (typeof now !== "function")
    throw new TypeError("options.now must be a function returning milliseconds");
  const redirects = [options.redirectUri].flat();
  for (const uri of redirects) {
    if (typeof uri !== "string" || !URL.canParse(uri))
      throw new TypeError(`redirectUri ${uri} is not an absolute URL`);
  }
  for (const name of [
    "clientId",
    "clientSecret",
    "publicClientId",
    "accountId",
    "scopes",
    "host",
  ]) {
    if (typeof options[name] !== "string") throw new TypeError(`options.${name} must be a string`);
  }
  if (!(options.accessTokenTtlSec > 0))
    throw new TypeError("options.accessTokenTtlSec must be positive");
  if (!(options.maxBodyBytes > 0)) throw new TypeError("options.maxBodyBytes must be positive");
}

function listen(server, host, port) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function simulatorHandle(core, server) {
  let closed;
  return {
    url: core.url,
    oauthBase: core.url,
    apiBase: `${core.url}/v2`,
    get options() {
      return core.options;
    },
    get state() {
      return core.state;
    },
    /** The request log: method, path, redacted query, status, tracking ID. Control calls are left out. */
    get requests() {
      return core.state.requests;
    },
    close() {
      closed ??= new Promise((resolve) => {
        core.closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
    expireTokens: (accessToken) => expire(core, accessToken).expired,
    revoke: (refreshTokenOrAll) => revokeRefresh(core, refreshTokenOrAll).revoked,
    fault: (spec) => addFault(core, spec).fault,
    clearFaults: () => clearFaults(core).cleared,
    reset: () => {
      reset(core);
    },
    resetLimits: () => resetLimits(core),
    configure: (changes) => configure(core, changes).options,
    issueTokens: (request) => issueTokens(core, request),
  };
}
