// Retries end to end, counted in the simulator's request log: GET, PATCH and DELETE are
// repeated after 5xx and broken connections within ZOOM_TIMEOUT_MS; a create and the token
// endpoint never are; a per-second 429 waits as Retry-After says; the daily limit is final.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { handle } from "../../pkg/node.js";
import {
  assertEnvelope,
  authorizationCode,
  clearLog,
  configFor,
  countByEndpoint,
  createdMeetings,
  meetingEvent,
  pairFor,
  seedMeeting,
  settledLog,
  simulatorFor,
} from "./helpers.mjs";

const IDEMPOTENT = ["GET_MEETING", "EDIT_MEETING", "DELETE_MEETING"];
const ENDPOINT = { GET_MEETING: "get", EDIT_MEETING: "update", DELETE_MEETING: "delete" };
const NEW_MEETING = { topic: "retry test", type: 2, start_time: "2030-03-01T09:00:00Z" };

/** A simulator with a signed-in user and one meeting; the log starts empty. */
async function meetingSetup(t, options) {
  const sim = await simulatorFor(t, options);
  const pair = pairFor(sim);
  const meetingId = await seedMeeting(sim, pair.access);
  clearLog(sim);
  return { sim, pair, meetingId };
}

/** A GET straight to the simulator, so that the next get, update or delete meets a 429. */
async function spendLightBudget(sim, pair, meetingId) {
  const answer = await fetch(`${sim.apiBase}/meetings/${meetingId}`, {
    headers: { authorization: `Bearer ${pair.access}` },
  });
  assert.equal(answer.status, 200);
  await answer.text();
  clearLog(sim);
}

function fieldsFor(api, meetingId) {
  return api === "EDIT_MEETING" ? { meetingId, topic: "changed" } : { meetingId };
}

/**
 * A clock for the simulator that stands still until it has answered a 429, then jumps one
 * second ahead: the per-second budget is spent at first and free again for the retry, however
 * fast or slow the machine is.
 */
function clockPastFirst429() {
  const start = Date.now();
  let sim;
  return {
    now: () => start + (sim?.requests.some((entry) => entry.status === 429) ? 1000 : 0),
    watch(simulator) {
      sim = simulator;
    },
  };
}

/** A `fetch` that passes requests to the simulator, notes when each left and lets `change`
 * rewrite the answers' headers. */
function proxyFetch(change = () => undefined) {
  const sentAt = [];
  async function proxied(url, init) {
    sentAt.push(Date.now());
    const answer = await fetch(url, init);
    const changes = change(answer);
    if (!changes) return answer;
    const headers = new Headers(answer.headers);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) headers.delete(name);
      else headers.set(name, value);
    }
    const body = answer.status === 204 ? null : await answer.text();
    return new Response(body, { status: answer.status, headers });
  }
  return { fetch: proxied, sentAt };
}

describe("idempotent calls are retried", { concurrency: 4 }, () => {
  for (const api of IDEMPOTENT) {
    test(`${api}: two 503s, then success on the third attempt`, async (t) => {
      const { sim, pair, meetingId } = await meetingSetup(t);
      sim.fault({ endpoint: ENDPOINT[api], kind: "status", status: 503, count: 2 });

      const envelope = await handle(
        meetingEvent(api, pair, fieldsFor(api, meetingId)),
        configFor(sim, { ZOOM_TIMEOUT_MS: 5000 }),
      );

      assertEnvelope(envelope, api);
      assert.equal(envelope.error, 0, JSON.stringify(envelope));
      assert.deepEqual(countByEndpoint(sim.requests), { [ENDPOINT[api]]: 3 });
      assert.deepEqual(
        sim.requests.map((entry) => entry.status),
        [503, 503, api === "GET_MEETING" ? 200 : 204],
      );
    });

    test(`${api}: a dropped connection, then success`, async (t) => {
      const { sim, pair, meetingId } = await meetingSetup(t);
      sim.fault({ endpoint: ENDPOINT[api], kind: "drop", count: 1 });

      const envelope = await handle(
        meetingEvent(api, pair, fieldsFor(api, meetingId)),
        configFor(sim, { ZOOM_TIMEOUT_MS: 5000 }),
      );

      assert.equal(envelope.error, 0, JSON.stringify(envelope));
      assert.deepEqual(countByEndpoint(sim.requests), { [ENDPOINT[api]]: 2 });
    });
  }

  // Backoff is 200 ms, then 400 ms; a retry starts only if its wait ends before the bound.
  for (const [timeoutMs, attempts] of [
    [150, 1],
    [450, 2],
    [3000, 3],
  ]) {
    test(`GET, lasting 502, ZOOM_TIMEOUT_MS ${timeoutMs}: ${attempts} attempt(s)`, async (t) => {
      const { sim, pair, meetingId } = await meetingSetup(t);
      sim.fault({ endpoint: "get", kind: "status", status: 502, count: -1 });

      const started = Date.now();
      const envelope = await handle(
        meetingEvent("GET_MEETING", pair, { meetingId }),
        configFor(sim, { ZOOM_TIMEOUT_MS: timeoutMs }),
      );
      const elapsed = Date.now() - started;

      assertEnvelope(envelope);
      assert.equal(envelope.error, 1);
      assert.equal(envelope.zoom?.status, 502);
      assert.deepEqual(countByEndpoint(sim.requests), { get: attempts });
      // The waits happened (a floor is safe to assert); the bound holds, with room to spare.
      const waited = [0, 0, 200, 600][attempts];
      assert.ok(elapsed >= waited - 5, `waited ${elapsed} ms, at least ${waited}`);
      assert.ok(elapsed < timeoutMs + 2000, `took ${elapsed} ms, bound ${timeoutMs}`);
    });
  }

  test("a retry that would outlast ZOOM_TIMEOUT_MS is cut at the bound", async (t) => {
    const { sim, pair, meetingId } = await meetingSetup(t);
    sim.fault({ endpoint: "get", kind: "status", status: 502, count: 1 });
    sim.fault({ endpoint: "get", kind: "delay", delayMs: 2500, count: 1 });

    const started = Date.now();
    const envelope = await handle(
      meetingEvent("GET_MEETING", pair, { meetingId }),
      configFor(sim, { ZOOM_TIMEOUT_MS: 1000 }),
    );
    const elapsed = Date.now() - started;

    assert.equal(envelope.error, 1);
    assert.match(envelope.msg, /timeout/i);
    // The second attempt had what was left of the 1000 ms, not 1000 ms of its own.
    assert.ok(elapsed < 1000 + 1000, `took ${elapsed} ms`);
    assert.deepEqual(countByEndpoint(await settledLog(sim, 2)), { get: 2 });
  });
});

describe("a create is never repeated blindly", { concurrency: 4 }, () => {
  test("a 502 is answered with error 1 after one request, and no meeting exists", async (t) => {
    const { sim, pair } = await meetingSetup(t);
    const before = createdMeetings(sim).length;
    sim.fault({ endpoint: "create", kind: "status", status: 502, count: -1 });

    const envelope = await handle(
      meetingEvent("CREATE_MEETING", pair, NEW_MEETING),
      configFor(sim, { ZOOM_TIMEOUT_MS: 5000 }),
    );

    assertEnvelope(envelope);
    assert.equal(envelope.error, 1);
    assert.equal(envelope.zoom?.status, 502);
    assert.deepEqual(countByEndpoint(sim.requests), { create: 1 });
    assert.equal(createdMeetings(sim).length, before);
  });

  test("an answer lost after Zoom created the meeting leaves exactly one meeting", async (t) => {
    const { sim, pair } = await meetingSetup(t);
    const before = createdMeetings(sim).length;
    sim.fault({ endpoint: "create", kind: "drop", process: true, count: -1 });

    const envelope = await handle(
      meetingEvent("CREATE_MEETING", pair, NEW_MEETING),
      configFor(sim, { ZOOM_TIMEOUT_MS: 5000 }),
    );

    assert.equal(envelope.error, 1);
    assert.match(envelope.msg, /network error/i);
    assert.deepEqual(countByEndpoint(sim.requests), { create: 1 });
    const created = createdMeetings(sim).filter((meeting) => meeting.topic === NEW_MEETING.topic);
    assert.equal(created.length, 1, "one meeting, no duplicate");
    assert.equal(createdMeetings(sim).length, before + 1);
  });

  test("a truncated answer to a create is not repeated either", async (t) => {
    const { sim, pair } = await meetingSetup(t);
    sim.fault({ endpoint: "create", kind: "truncate", count: -1 });

    const envelope = await handle(
      meetingEvent("CREATE_MEETING", pair, NEW_MEETING),
      configFor(sim, { ZOOM_TIMEOUT_MS: 5000 }),
    );

    assert.equal(envelope.error, 1);
    assert.deepEqual(countByEndpoint(sim.requests), { create: 1 });
    const created = createdMeetings(sim).filter((meeting) => meeting.topic === NEW_MEETING.topic);
    assert.equal(created.length, 1);
  });

  test("a sign-in that got a 502 is not repeated; the code still works", async (t) => {
    const sim = await simulatorFor(t, { autoApprove: true });
    const code = await authorizationCode(sim);
    clearLog(sim);
    sim.fault({ endpoint: "token", kind: "status", status: 502, count: 1 });
    const login = { APIName: "GET_ACCESS_TOKEN", body: { code } };
    const config = configFor(sim, { ZOOM_TIMEOUT_MS: 5000 });

    const refused = await handle(login, config);
    assert.equal(refused.error, 1);
    assert.deepEqual(countByEndpoint(sim.requests), { token: 1 });

    const again = await handle(login, config);
    assert.equal(again.error, 0, JSON.stringify(again));
    assert.ok(again.body.accessToken && again.body.refreshToken);
  });
});

describe("rate limits", { concurrency: 4 }, () => {
  for (const [api, category] of [
    ["CREATE_MEETING", "create"],
    ["GET_MEETING", "light"],
  ]) {
    test(`${api}: a per-second 429 with Retry-After: 1 is waited out, then succeeds`, async (t) => {
      const clock = clockPastFirst429();
      const { sim, pair, meetingId } = await meetingSetup(t, {
        now: clock.now,
        perSecondLimit: { [category]: 1 },
      });
      clock.watch(sim);
      // The seed meeting spent this second's create budget; a GET spends the light one.
      if (category === "light") await spendLightBudget(sim, pair, meetingId);
      const fields = api === "CREATE_MEETING" ? NEW_MEETING : { meetingId };

      const started = Date.now();
      const envelope = await handle(
        meetingEvent(api, pair, fields),
        configFor(sim, { ZOOM_TIMEOUT_MS: 5000 }),
      );
      const elapsed = Date.now() - started;

      assertEnvelope(envelope);
      assert.equal(envelope.error, 0, JSON.stringify(envelope));
      assert.deepEqual(
        sim.requests.map((entry) => entry.status),
        [429, api === "CREATE_MEETING" ? 201 : 200],
      );
      assert.ok(elapsed >= 990, `waited ${elapsed} ms for Retry-After: 1`);
      if (api === "CREATE_MEETING") {
        const created = createdMeetings(sim).filter((m) => m.topic === NEW_MEETING.topic);
        assert.equal(created.length, 1);
        assert.equal(envelope.body.id, created[0].id);
      }
    });
  }

  test("Retry-After as an HTTP date is waited out until that second", async (t) => {
    const clock = clockPastFirst429();
    const { sim, pair, meetingId } = await meetingSetup(t, {
      now: clock.now,
      perSecondLimit: { light: 1 },
    });
    clock.watch(sim);
    await spendLightBudget(sim, pair, meetingId);
    // Two whole seconds ahead at most, one at least: dates have no milliseconds.
    const until = Math.ceil((Date.now() + 1000) / 1000) * 1000;
    const proxy = proxyFetch((answer) =>
      answer.status === 429 ? { "retry-after": new Date(until).toUTCString() } : undefined,
    );

    const envelope = await handle(meetingEvent("EDIT_MEETING", pair, { meetingId, topic: "x" }), {
      ...configFor(sim, { ZOOM_TIMEOUT_MS: 5000 }),
      fetch: proxy.fetch,
    });

    assert.equal(envelope.error, 0, JSON.stringify(envelope));
    assert.equal(proxy.sentAt.length, 2);
    assert.ok(proxy.sentAt[1] >= until - 20, `retried ${until - proxy.sentAt[1]} ms early`);
  });

  test("a 429 without Retry-After backs off and retries, a create included", async (t) => {
    const { sim, pair } = await meetingSetup(t);
    sim.fault({ endpoint: "create", kind: "status", status: 429, count: 1 });

    const envelope = await handle(
      meetingEvent("CREATE_MEETING", pair, NEW_MEETING),
      configFor(sim, { ZOOM_TIMEOUT_MS: 5000 }),
    );

    assert.equal(envelope.error, 0, JSON.stringify(envelope));
    assert.deepEqual(
      sim.requests.map((entry) => entry.status),
      [429, 201],
    );
    assert.equal(createdMeetings(sim).filter((m) => m.topic === NEW_MEETING.topic).length, 1);
  });

  test("a Retry-After beyond ZOOM_TIMEOUT_MS is not waited for", async (t) => {
    const clock = clockPastFirst429();
    const { sim, pair, meetingId } = await meetingSetup(t, {
      now: clock.now,
      perSecondLimit: { light: 1 },
    });
    clock.watch(sim);
    await spendLightBudget(sim, pair, meetingId);
    const proxy = proxyFetch((answer) =>
      answer.status === 429 ? { "retry-after": "30" } : undefined,
    );

    const started = Date.now();
    const envelope = await handle(meetingEvent("EDIT_MEETING", pair, { meetingId, topic: "x" }), {
      ...configFor(sim, { ZOOM_TIMEOUT_MS: 2000 }),
      fetch: proxy.fetch,
    });

    assert.equal(envelope.error, 1);
    assert.equal(envelope.zoom?.status, 429);
    assert.deepEqual(countByEndpoint(sim.requests), { update: 1 });
    assert.ok(Date.now() - started < 2000, "answered without waiting");
  });

  for (const [api, label] of [
    ["CREATE_MEETING", "create"],
    ["EDIT_MEETING", "update"],
  ]) {
    test(`${api}: the daily limit, error 1 after one request, says when it resets`, async (t) => {
      // The seed meeting uses up a daily limit of one.
      const { sim, pair, meetingId } = await meetingSetup(t, { dailyLimit: 1 });
      const fields = api === "CREATE_MEETING" ? NEW_MEETING : { meetingId, topic: "over" };

      const envelope = await handle(
        meetingEvent(api, pair, fields),
        configFor(sim, { ZOOM_TIMEOUT_MS: 30_000 }),
      );

      assertEnvelope(envelope);
      assert.equal(envelope.error, 1);
      assert.equal(envelope.zoom?.status, 429);
      assert.match(envelope.msg, /00:00 UTC/);
      assert.deepEqual(countByEndpoint(sim.requests), { [label]: 1 });
    });
  }

  test("the daily limit is recognised by its message when the headers are missing", async (t) => {
    const { sim, pair } = await meetingSetup(t, { dailyLimit: 1 });
    const proxy = proxyFetch((answer) =>
      answer.status === 429
        ? { "x-ratelimit-type": null, "retry-after": null, "x-ratelimit-category": null }
        : undefined,
    );

    const envelope = await handle(meetingEvent("CREATE_MEETING", pair, NEW_MEETING), {
      ...configFor(sim, { ZOOM_TIMEOUT_MS: 30_000 }),
      fetch: proxy.fetch,
    });

    assert.equal(envelope.error, 1);
    assert.match(envelope.msg, /00:00 UTC/);
    assert.deepEqual(countByEndpoint(sim.requests), { create: 1 });
  });
});
