// A whole session through the bundled Worker in workerd against the Zoom simulator (sim/):
// sign in, create, get, edit, the access token expires and is refreshed, delete. Then many
// meetings at once.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { postEvent, startLoggedWorker } from "./support/worker.js";

const REDIRECT_URI = "http://127.0.0.1/callback";

let sim;
let worker;

before(async () => {
  const { startSimulator } = await import("../../sim/index.js").catch((error) => {
    throw new Error("the Zoom simulator in sim/ cannot be loaded: run `npm ci` in sim/", {
      cause: error,
    });
  });
  sim = await startSimulator({ autoApprove: true, dailyLimit: 0 });
  worker = await startLoggedWorker({
    ZOOM_CLIENT_ID: sim.options.clientId,
    ZOOM_CLIENT_SECRET: sim.options.clientSecret,
    ZOOM_REDIRECT_URI: REDIRECT_URI,
    ZOOM_API_BASE: sim.apiBase,
    ZOOM_OAUTH_BASE: sim.oauthBase,
  });
});

after(async () => {
  await worker?.close();
  await sim?.close();
});

/** Signs the simulator's user in as a browser would, and returns the authorization code. */
async function authorizationCode() {
  const authorize = new URL("/oauth/authorize", sim.url);
  authorize.search = new URLSearchParams({
    response_type: "code",
    client_id: sim.options.clientId,
    redirect_uri: REDIRECT_URI,
    state: "state-1",
  });
  const response = await fetch(authorize, { redirect: "manual" });
  assert.equal(response.status, 302);
  const back = new URL(response.headers.get("location"));
  assert.equal(back.searchParams.get("state"), "state-1");
  return back.searchParams.get("code");
}

/** POSTs an event and checks what holds for every answer of a session: 200, JSON. */
async function call(event) {
  const { status, headers, envelope } = await postEvent(worker.url, event);
  assert.equal(status, 200);
  assert.equal(headers.get("content-type"), "application/json");
  return envelope;
}

describe("a whole session through the Worker", () => {
  const secrets = [];
  let tokens;
  let meetingId;

  test("sign in: an authorization code becomes a token pair", async () => {
    const code = await authorizationCode();
    secrets.push(code, sim.options.clientSecret);

    const envelope = await call({ APIName: "GET_ACCESS_TOKEN", body: { code } });

    assert.equal(envelope.error, 0, envelope.msg);
    assert.equal(envelope.msg, "Retrieved Access Token");
    assert.ok(envelope.body.accessToken && envelope.body.refreshToken);
    tokens = { token: envelope.body.accessToken, refresh_token: envelope.body.refreshToken };
    secrets.push(tokens.token, tokens.refresh_token);
  });

  test("create a meeting", async () => {
    const envelope = await call({
      APIName: "CREATE_MEETING",
      body: {
        ...tokens,
        topic: "Design review",
        type: 2,
        start_time: "2030-01-15T15:00:00Z",
        duration: 30,
        timezone: "UTC",
      },
    });

    assert.equal(envelope.error, 0, envelope.msg);
    assert.deepEqual(envelope.token, { updated: false, access: "", refresh: "" });
    assert.equal(envelope.body.topic, "Design review");
    assert.equal(envelope.body.start_time, "2030-01-15T15:00:00Z");
    meetingId = envelope.body.id;
    assert.ok(sim.state.meetings.has(String(meetingId)));
  });

  test("get it", async () => {
    const envelope = await call({ APIName: "GET_MEETING", body: { ...tokens, meetingId } });

    assert.equal(envelope.error, 0, envelope.msg);
    assert.equal(envelope.body.id, meetingId);
    assert.equal(envelope.body.duration, 30);
  });

  test("edit it, and the change is there", async () => {
    const edit = await call({
      APIName: "EDIT_MEETING",
      body: { ...tokens, meetingId, topic: "Design review, moved", duration: 45 },
    });
    assert.equal(edit.error, 0, edit.msg);
    assert.deepEqual(edit.body, {});

    const after = await call({ APIName: "GET_MEETING", body: { ...tokens, meetingId } });
    assert.equal(after.body.topic, "Design review, moved");
    assert.equal(after.body.duration, 45);
  });

  test("the token expires: the Worker refreshes, retries and hands back the new pair", async () => {
    assert.ok(sim.expireTokens() >= 1);
    const tokenCallsBefore = tokenCalls();

    const envelope = await call({ APIName: "GET_MEETING", body: { ...tokens, meetingId } });

    assert.equal(envelope.error, 0, envelope.msg);
    assert.equal(envelope.body.topic, "Design review, moved");
    assert.equal(envelope.token.updated, true);
    assert.notEqual(envelope.token.access, tokens.token);
    assert.notEqual(envelope.token.refresh, tokens.refresh_token);
    assert.equal(tokenCalls(), tokenCallsBefore + 1);
    tokens = { token: envelope.token.access, refresh_token: envelope.token.refresh };
    secrets.push(tokens.token, tokens.refresh_token);
  });

  test("delete it with the new pair; it is gone", async () => {
    const deleted = await call({ APIName: "DELETE_MEETING", body: { ...tokens, meetingId } });
    assert.equal(deleted.error, 0, deleted.msg);
    assert.deepEqual(deleted.body, {});
    assert.equal(deleted.token.updated, false);

    const gone = await call({ APIName: "GET_MEETING", body: { ...tokens, meetingId } });
    assert.equal(gone.error, 1);
    assert.equal(gone.zoom.status, 404);
    assert.equal(gone.zoom.code, 3001);
  });

  test("one log line per request, in order, with no token, code or secret", async () => {
    const expected = [
      ["GET_ACCESS_TOKEN", 0, false],
      ["CREATE_MEETING", 0, false],
      ["GET_MEETING", 0, false],
      ["EDIT_MEETING", 0, false],
      ["GET_MEETING", 0, false],
      ["GET_MEETING", 0, true],
      ["DELETE_MEETING", 0, false],
      ["GET_MEETING", 1, false],
    ];
    for (const [apiName, error, refreshed] of expected) {
      const line = await worker.nextLog();
      assert.deepEqual([line.APIName, line.error, line.refreshed], [apiName, error, refreshed]);
      for (const secret of secrets)
        assert.ok(!line.raw.includes(secret), "a log line holds a secret");
    }
    assert.equal(worker.lines.length, expected.length);
  });
});

describe("many meetings at once through the Worker", () => {
  test("concurrent creates and gets each see their own meeting", async () => {
    const tokens = sim.issueTokens();
    const session = { token: tokens.access_token, refresh_token: tokens.refresh_token };
    const topics = Array.from({ length: 12 }, (_, i) => `Stand-up ${i + 1}`);

    const created = await Promise.all(
      topics.map((topic) =>
        call({
          APIName: "CREATE_MEETING",
          body: { ...session, topic, type: 2, start_time: "2030-02-01T09:00:00Z", duration: 15 },
        }),
      ),
    );
    created.forEach((envelope, i) => {
      assert.equal(envelope.error, 0, envelope.msg);
      assert.equal(envelope.body.topic, topics[i]);
    });
    const ids = created.map((envelope) => envelope.body.id);
    assert.equal(new Set(ids).size, ids.length);

    const fetched = await Promise.all(
      ids.map((meetingId) => call({ APIName: "GET_MEETING", body: { ...session, meetingId } })),
    );
    fetched.forEach((envelope, i) => {
      assert.equal(envelope.error, 0, envelope.msg);
      assert.equal(envelope.body.id, ids[i]);
      assert.equal(envelope.body.topic, topics[i]);
    });
  });
});

function tokenCalls() {
  return sim.requests.filter((request) => request.path === "/oauth/token").length;
}
