// Small clients for the tests: start a simulator for a test file, call its endpoints, and a
// clock that only moves when a test says so.

import { after } from "node:test";
import { startSimulator } from "../index.js";

export const CLIENT_ID = "sim-client-id";
export const CLIENT_SECRET = "sim-client-secret";
export const REDIRECT_URI = "http://127.0.0.1/callback";

/** A clock for `options.now`, fixed until `advance` moves it. */
export function manualClock(start = Date.parse("2026-06-01T12:00:00Z")) {
  let ms = start;
  return {
    now: () => ms,
    advance(by) {
      ms += by;
    },
    set(to) {
      ms = to;
    },
  };
}

/** Starts a simulator that is closed when the test file ends. */
export async function simulator(options = {}) {
  const sim = await startSimulator(options);
  after(() => sim.close());
  return sim;
}

export function basic(id = CLIENT_ID, secret = CLIENT_SECRET) {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
}

async function read(response) {
  const text = await response.text();
  let body;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** POSTs a form to /oauth/token (or `path`) with Basic client auth unless `auth` says otherwise. */
export async function tokenRequest(
  sim,
  fields,
  { auth = basic(), path = "/oauth/token", query = "" } = {},
) {
  const headers = { "content-type": "application/x-www-form-urlencoded" };
  if (auth !== null) headers.authorization = auth;
  const response = await fetch(`${sim.oauthBase}${path}${query}`, {
    method: "POST",
    headers,
    body: new URLSearchParams(fields).toString(),
  });
  return read(response);
}

/** Calls the meetings API. `json` is sent as the body with `application/json`. */
export async function api(sim, method, path, { token, json, body, headers = {} } = {}) {
  const sent = { ...headers };
  if (token !== undefined) sent.authorization = `Bearer ${token}`;
  let payload = body;
  if (json !== undefined) {
    sent["content-type"] ??= "application/json";
    payload = JSON.stringify(json);
  }
  const response = await fetch(`${sim.apiBase}${path}`, { method, headers: sent, body: payload });
  return read(response);
}

/** Calls the control API. */
export async function control(sim, method, path, json) {
  const response = await fetch(`${sim.url}/_sim/${path}`, {
    method,
    headers: json === undefined ? {} : { "content-type": "application/json" },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return read(response);
}

/** GET /oauth/authorize without following the redirect. */
export async function authorize(sim, params) {
  const url = new URL(`${sim.oauthBase}/oauth/authorize`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const response = await fetch(url, { redirect: "manual" });
  return { ...(await read(response)), location: response.headers.get("location") };
}

/** Submits the consent form as a person clicking Approve or Deny would. */
export async function decide(sim, params, decision) {
  const response = await fetch(`${sim.oauthBase}/oauth/authorize`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...params, decision }).toString(),
    redirect: "manual",
  });
  return { ...(await read(response)), location: response.headers.get("location") };
}

/** An authorization code for the confidential client, through the consent form. */
export async function codeFor(sim, extra = {}) {
  const params = {
    response_type: "code",
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    state: "s1",
    ...extra,
  };
  const answer = await decide(sim, params, "approve");
  return new URL(answer.location).searchParams.get("code");
}

/** Logs in through authorize and the code grant; returns the token endpoint's body. */
export async function login(sim) {
  const code = await codeFor(sim);
  const answer = await tokenRequest(sim, {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT_URI,
  });
  return answer.body;
}

/** The claims of a JWT-shaped token. */
export function claims(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

export const scheduled = {
  topic: "Design review",
  type: 2,
  start_time: "2026-12-10T15:00:00Z",
  duration: 45,
  timezone: "America/New_York",
};
