import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { api, control, scheduled, simulator, tokenRequest } from "./helpers.js";

const sim = await simulator();
let pair;

beforeEach(() => {
  sim.reset();
  pair = sim.issueTokens();
});

const refresh = (refreshToken = pair.refresh_token) =>
  tokenRequest(sim, { grant_type: "refresh_token", refresh_token: refreshToken });
const getPmi = () =>
  api(sim, "GET", `/meetings/${sim.state.users.get("sim-user-1").pmi}`, {
    token: pair.access_token,
  });
const meetingCount = () => sim.state.meetings.size;

describe("faults", () => {
  it("status: answers the given 5xx once, then behaves again", async () => {
    const armed = await control(sim, "POST", "faults", {
      endpoint: "token",
      kind: "status",
      status: 503,
    });
    assert.equal(armed.status, 200);
    const failed = await refresh();
    assert.equal(failed.status, 503);
    assert.deepEqual(failed.body, { code: 503, message: "Service Unavailable" });
    assert.ok(failed.headers.get("x-zm-trackingid"));
    assert.equal((await refresh()).status, 200, "the refresh token was not used up by the fault");
  });

  it("status: can answer with an HTML page or nothing at all", async () => {
    sim.fault({ endpoint: "get", kind: "status", status: 502, body: "html" });
    const page = await getPmi();
    assert.equal(page.status, 502);
    assert.match(page.headers.get("content-type"), /^text\/html/);
    assert.match(page.text, /<h1>502 Bad Gateway<\/h1>/);

    sim.fault({ endpoint: "get", kind: "status", status: 500, body: "empty" });
    const bare = await getPmi();
    assert.equal(bare.status, 500);
    assert.equal(bare.text, "");
  });

  it("status: the request has no effect", async () => {
    sim.fault({ endpoint: "create", kind: "status", status: 500 });
    const before = meetingCount();
    assert.equal(
      (await api(sim, "POST", "/users/me/meetings", { token: pair.access_token, json: scheduled }))
        .status,
      500,
    );
    assert.equal(meetingCount(), before);
  });

  it("nonjson: answers an HTML page, 200 unless told otherwise", async () => {
    sim.fault({ endpoint: "get", kind: "nonjson" });
    const page = await getPmi();
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type"), /^text\/html/);
    assert.equal(page.body, undefined, "not JSON");

    sim.fault({ endpoint: "token", kind: "nonjson", status: 502 });
    assert.equal((await refresh()).status, 502);
  });

  it("truncate: sends half the body under the full content-length, after doing the work", async () => {
    sim.fault({ endpoint: "create", kind: "truncate" });
    const before = meetingCount();
    const response = await fetch(`${sim.apiBase}/users/me/meetings`, {
      method: "POST",
      headers: { authorization: `Bearer ${pair.access_token}`, "content-type": "application/json" },
      body: JSON.stringify(scheduled),
    });
    assert.equal(response.status, 201);
    assert.ok(Number(response.headers.get("content-length")) > 100);
    await assert.rejects(response.text());
    assert.equal(meetingCount(), before + 1);
  });

  it("drop: closes the connection without an answer, and the server carries on", async () => {
    sim.fault({ endpoint: "get", kind: "drop" });
    await assert.rejects(getPmi());
    assert.equal((await getPmi()).status, 200);
    assert.equal(sim.requests.at(-2).fault, "drop");
  });

  it("drop with process: the refresh happens but its answer is lost", async () => {
    sim.fault({ endpoint: "token", kind: "drop", process: true });
    await assert.rejects(refresh());
    const retry = await refresh();
    assert.equal(retry.status, 400);
    assert.deepEqual(retry.body, { reason: "Invalid Token!", error: "invalid_grant" });
  });

  it("delay: waits, then answers normally", async () => {
    sim.fault({ endpoint: "get", kind: "delay", delayMs: 300 });
    const started = performance.now();
    const answer = await getPmi();
    assert.ok(performance.now() - started >= 250, "answered only after the delay");
    assert.equal(answer.status, 200);
    assert.equal(answer.body.type, 4);
  });

  it("slowbody: sends the headers, then the whole body bit by bit", async () => {
    sim.fault({ endpoint: "get", kind: "slowbody", delayMs: 400 });
    const started = performance.now();
    const response = await fetch(
      `${sim.apiBase}/meetings/${sim.state.users.get("sim-user-1").pmi}`,
      {
        headers: { authorization: `Bearer ${pair.access_token}` },
      },
    );
    assert.equal(response.status, 200);
    const meeting = JSON.parse(await response.text());
    assert.ok(performance.now() - started >= 300, "the body took its time");
    assert.equal(meeting.type, 4);
  });

  it("applies to `count` requests, or until cleared with -1", async () => {
    sim.fault({ endpoint: "get", kind: "status", status: 500, count: 2 });
    assert.equal((await getPmi()).status, 500);
    assert.equal((await getPmi()).status, 500);
    assert.equal((await getPmi()).status, 200);

    sim.fault({ endpoint: "*", kind: "status", status: 504, count: -1 });
    for (let i = 0; i < 3; i++) assert.equal((await getPmi()).status, 504);
    assert.equal((await refresh()).status, 504, "* matches the token endpoint too");
    assert.equal((await control(sim, "GET", "faults")).body.faults.length, 1);
    assert.deepEqual((await control(sim, "DELETE", "faults")).body, { ok: true, cleared: 1 });
    assert.equal((await getPmi()).status, 200);
  });

  it("only matches its endpoint", async () => {
    sim.fault({ endpoint: "delete", kind: "status", status: 500 });
    assert.equal((await getPmi()).status, 200);
    assert.equal(sim.state.faults.length, 1);
    sim.clearFaults();
    assert.equal(sim.state.faults.length, 0);
  });

  it("leaves the control API alone", async () => {
    sim.fault({ endpoint: "*", kind: "drop", count: -1 });
    assert.equal((await control(sim, "GET", "health")).status, 200);
    assert.equal((await control(sim, "POST", "tokens", {})).status, 200);
  });

  it("refuses a malformed fault spec", async () => {
    for (const spec of [
      { kind: "explode" },
      { kind: "status", endpoint: "nowhere" },
      { kind: "status", status: 99 },
      { kind: "delay", delayMs: -1 },
      { kind: "status", count: 0 },
      { kind: "status", body: "xml" },
    ]) {
      const answer = await control(sim, "POST", "faults", spec);
      assert.equal(answer.status, 400, JSON.stringify(spec));
      assert.equal(answer.body.ok, false);
      assert.throws(() => sim.fault(spec));
    }
    assert.equal(sim.state.faults.length, 0);
  });
});
