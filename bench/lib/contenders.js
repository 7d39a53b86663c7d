// The three ways of getting and creating a meeting that are measured against each other:
// the gateway's `handle()`, a bare `fetch` plus `JSON.parse` (the floor), and Zoom's own Node
// SDK, @zoom/rivet. Each call checks that it succeeded, so that no failure path is timed.
import { pathToFileURL } from "node:url";
import { MeetingsOAuthClient } from "@zoom/rivet/meetings";

import { ACCESS_TOKEN, MEETING_ID, REFRESH_TOKEN, createFields } from "./answers.js";

/** Where the built package is; BENCH_PKG points elsewhere, e.g. at a build with names. */
export function pkgDir() {
  return process.env.BENCH_PKG ?? new URL("../../pkg/", import.meta.url).pathname;
}

/** The package's Node entry point, `handle`. */
export async function loadGateway() {
  const { handle } = await import(pathToFileURL(`${pkgDir()}/node.js`).href);
  return handle;
}

/** The gateway: one `handle()` per call, tokens in the event as the contract has them. */
export function gatewayCalls(handle, { apiBase, oauthBase = apiBase, fetch, token = ACCESS_TOKEN, meetingId = MEETING_ID }) {
  const config = {
    ZOOM_API_BASE: apiBase,
    ZOOM_OAUTH_BASE: oauthBase,
    ZOOM_CLIENT_ID: "sim-client-id",
    ZOOM_CLIENT_SECRET: "sim-client-secret",
  };
  if (fetch) config.fetch = fetch;
  const tokens = { token, refresh_token: REFRESH_TOKEN };
  const getEvent = { APIName: "GET_MEETING", body: { ...tokens, meetingId } };
  const createEvent = { APIName: "CREATE_MEETING", body: { ...tokens, userId: "me", ...createFields() } };

  const checked = (envelope) => {
    if (envelope.error !== 0) throw new Error(`gateway: error ${envelope.error}: ${envelope.msg}`);
    return envelope.body;
  };
  return {
    get: async () => checked(await handle(getEvent, config)),
    create: async () => checked(await handle(createEvent, config)),
    events: { get: getEvent, create: createEvent },
  };
}

/**
 * The floor: what any caller must do at least, one `fetch` with the token and one
 * `JSON.parse` of the answer (and one `JSON.stringify` of a create's fields).
 */
export function floorCalls({ apiBase, fetch = globalThis.fetch, token = ACCESS_TOKEN, meetingId = MEETING_ID }) {
  const getUrl = `${apiBase}/meetings/${meetingId}`;
  const createUrl = `${apiBase}/users/me/meetings`;
  const authorization = `Bearer ${token}`;
  const fields = createFields();

  const checked = async (answer) => {
    const body = JSON.parse(await answer.text());
    if (!answer.ok) throw new Error(`floor: status ${answer.status}: ${body.message}`);
    return body;
  };
  return {
    get: async () =>
      checked(await fetch(getUrl, { method: "GET", headers: { authorization, accept: "application/json" } })),
    create: async () =>
      checked(
        await fetch(createUrl, {
          method: "POST",
          headers: { authorization, accept: "application/json", "content-type": "application/json" },
          body: JSON.stringify(fields),
        }),
      ),
  };
}

/**
 * Zoom's SDK with the user's token in a token store that never expires, so it neither refreshes
 * nor asks the OAuth server anything: the same token handling as a gateway event with a
 * valid token.
 */
export function rivetCalls({ apiBase, token = ACCESS_TOKEN, meetingId = MEETING_ID }) {
  const stored = {
    accessToken: token,
    refreshToken: REFRESH_TOKEN,
    expirationTimeIso: "2999-01-01T00:00:00.000Z",
    scopes: ["meeting:read", "meeting:write"],
  };
  const client = new MeetingsOAuthClient({
    clientId: "sim-client-id",
    clientSecret: "sim-client-secret",
    disableReceiver: true,
    // Rivet reads this unconditionally; empty means no install flow, which is not measured.
    installerOptions: {},
    baseUrl: apiBase,
    tokenStore: { getLatestToken: () => stored, storeToken: () => {} },
  });
  const { meetings } = client.endpoints;
  const getArgs = { path: { meetingId } };
  const createArgs = { path: { userId: "me" }, body: createFields() };
  return {
    get: async () => (await meetings.getMeeting(getArgs)).data,
    create: async () => (await meetings.createMeeting(createArgs)).data,
  };
}
