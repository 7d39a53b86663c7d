// Beyond the spec, against the local Zoom simulator: Server-to-Server OAuth, PKCE for a
// public client, early refresh of expiring JWTs, one refresh for concurrent calls, api_url.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { authorizeUrl, handle } from "../../pkg/node.js";
import { startSimulator } from "../../sim/index.js";

const REDIRECT = "http://127.0.0.1:9/callback";
let sim;
let config;

before(async () => {
  sim = await startSimulator({ redirectUri: REDIRECT, autoApprove: true, dailyLimit: 0 });
  config = {
    ZOOM_CLIENT_ID: "sim-client-id",
    ZOOM_CLIENT_SECRET: "sim-client-secret",
    ZOOM_REDIRECT_URI: REDIRECT,
    ZOOM_API_BASE: sim.apiBase,
    ZOOM_OAUTH_BASE: sim.oauthBase,
  };
});

after(() => sim?.close());

const tokenRequests = () => sim.requests.filter((r) => r.path === "/oauth/token").length;

async function codeFor(url) {
  const answer = await fetch(url, { redirect: "manual" });
  assert.equal(answer.status, 302);
  return new URL(answer.headers.get("location")).searchParams.get("code");
}

test("Server-to-Server OAuth: a token without a refresh token, and renewal on 401", async () => {
  const s2s = { ...config, ZOOM_ACCOUNT_ID: "sim-account" };
  const login = await handle({ APIName: "GET_ACCESS_TOKEN", body: { grant_type: "account_credentials" } }, s2s);
  assert.equal(login.error, 0, login.msg);
  assert.equal(login.body.refreshToken, "");
  assert.ok(login.body.accessToken.length > 20);

  await sim.expireTokens(login.body.accessToken);
  const created = await handle(
    { APIName: "CREATE_MEETING", body: { token: login.body.accessToken, topic: "S2S", type: 2, start_time: "2030-01-01T10:00:00Z" } },
    s2s,
  );
  assert.equal(created.error, 0, created.msg);
  assert.equal(created.token.updated, true);
  assert.equal(created.token.refresh, "");
  assert.notEqual(created.token.access, login.body.accessToken);
});

test("PKCE: a public client signs in with its verifier and no secret", async () => {
  const { url, codeVerifier } = await authorizeUrl({
    clientId: "sim-public-client",
    redirectUri: REDIRECT,
    oauthBase: sim.oauthBase,
  });
  const code = await codeFor(url);
  const publicConfig = { ...config, ZOOM_CLIENT_ID: "sim-public-client", ZOOM_CLIENT_SECRET: undefined };
  const wrong = await handle(
    { APIName: "GET_ACCESS_TOKEN", body: { code, code_verifier: "x".repeat(43) } },
    publicConfig,
  );
  assert.equal(wrong.error, 1, "a wrong verifier is refused");

  const { url: url2, codeVerifier: verifier2 } = await authorizeUrl({
    clientId: "sim-public-client",
    redirectUri: REDIRECT,
    oauthBase: sim.oauthBase,
  });
  const login = await handle(
    { APIName: "GET_ACCESS_TOKEN", body: { code: await codeFor(url2), code_verifier: verifier2 } },
    publicConfig,
  );
  assert.equal(login.error, 0, login.msg);
  assert.ok(login.body.refreshToken.length > 0);
  assert.equal(login.body.apiUrl, sim.url, "the regional host Zoom names is passed on");
  assert.notEqual(codeVerifier, verifier2);
});

test("an access token about to expire is refreshed before the call, saving a 401", async () => {
  await sim.configure({ accessTokenTtlSec: 30 });
  try {
    const pair = await sim.issueTokens({});
    const before = sim.requests.length;
    const envelope = await handle(
      { APIName: "GET_MEETING", body: { token: pair.access_token, refresh_token: pair.refresh_token, meetingId: 85746065432 } },
      config,
    );
    const sent = sim.requests.slice(before);
    assert.equal(envelope.token.updated, true);
    assert.equal(sent[0].path, "/oauth/token", "the refresh came first");
    assert.ok(!sent.some((r) => r.status === 401), "no doomed call");
  } finally {
    await sim.configure({ accessTokenTtlSec: 3600 });
  }
});

test("concurrent calls with one expired token cause one refresh, and all get the new pair", async () => {
  const pair = await sim.issueTokens({});
  await sim.expireTokens(pair.access_token);
  const before = tokenRequests();
  const event = { APIName: "CREATE_MEETING", body: { token: pair.access_token, refresh_token: pair.refresh_token, topic: "race" } };
  const envelopes = await Promise.all(Array.from({ length: 12 }, () => handle(event, config)));
  assert.equal(tokenRequests() - before, 1);
  for (const envelope of envelopes) {
    assert.equal(envelope.error, 0, envelope.msg);
    assert.equal(envelope.token.updated, true);
    assert.equal(envelope.token.refresh, envelopes[0].token.refresh);
  }

  // A late call that still presents the replaced refresh token is given the new pair.
  const late = await handle(event, config);
  assert.equal(late.error, 0, late.msg);
  assert.equal(late.token.refresh, envelopes[0].token.refresh);
  assert.equal(tokenRequests() - before, 1);
});
