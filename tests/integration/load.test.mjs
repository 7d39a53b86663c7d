// A thousand handle() calls at once in one Node process against the simulator: every meeting
// API, sign-ins, refused events and missing meetings, a share of them with expired or absent
// access tokens. Each answer is checked against the simulator's state, and the simulator's
// request log against what those calls needed, so that no hidden retry or refresh goes unseen.
import assert from "node:assert/strict";
import { test } from "node:test";

import { handle } from "../../pkg/node.js";
import { initSync } from "../../pkg/zoom_gateway.js";
import {
  assertEnvelope,
  authorizationCode,
  clearLog,
  configFor,
  countByEndpoint,
  createdMeetings,
  isLivePair,
  meetingEvent,
  pairFor,
  seedMeeting,
  simulatorFor,
} from "./helpers.mjs";

const CALLS = 1000;
const SEEDED = 600;
const LOGINS = 50;

/** What call `i` is: 200 each of create, get, edit, delete; 100 gets of missing meetings;
 * 50 refused events; 50 sign-ins. */
function kindOf(i) {
  if (i < 200) return "create";
  if (i < 400) return "get";
  if (i < 600) return "edit";
  if (i < 800) return "delete";
  if (i < 900) return "missing";
  if (i < 950) return "invalid";
  return "login";
}

/** Which token call `i` brings: a valid shared one, an expired one, or none but a refresh. */
function tokensOf(i) {
  if (i % 5 === 1) return "expired";
  if (i % 5 === 3) return "refresh only";
  return "valid";
}

test("1,000 concurrent mixed calls, some with expired tokens, all answered right", async (t) => {
  const sim = await simulatorFor(t, { autoApprove: true });
  const shared = pairFor(sim);
  const seeded = [];
  for (let first = 0; first < SEEDED; first += 100) {
    const batch = Array.from({ length: 100 }, (_, k) =>
      seedMeeting(sim, shared.access, { topic: `seed ${first + k}`, type: 2 }),
    );
    seeded.push(...(await Promise.all(batch)));
  }
  const codes = [];
  for (let k = 0; k < LOGINS; k++) codes.push(await authorizationCode(sim));
  const calls = Array.from({ length: CALLS }, (_, i) => planCall(sim, i, shared, seeded, codes));
  clearLog(sim);

  // 7919 is prime to 1000: the calls start interleaved rather than kind by kind.
  const config = configFor(sim, { ZOOM_TIMEOUT_MS: 60_000 });
  const order = Array.from({ length: CALLS }, (_, i) => (i * 7919) % CALLS);
  const answers = new Array(CALLS);
  await Promise.all(
    order.map(async (i) => {
      answers[i] = await handle(calls[i].event, config);
    }),
  );

  for (const [i, call] of calls.entries()) checkAnswer(sim, call, answers[i], i);

  const expected = { create: 0, get: 0, update: 0, delete: 0, token: 0 };
  for (const call of calls) {
    for (const [endpoint, n] of Object.entries(call.requests)) expected[endpoint] += n;
  }
  const counts = { create: 0, get: 0, update: 0, delete: 0, token: 0 };
  Object.assign(counts, countByEndpoint(sim.requests));
  assert.deepEqual(counts, expected, "requests the simulator received");

  const rotated = answers.filter((answer) => answer.token?.updated).length;
  t.diagnostic(`${rotated} calls came back with a new pair; requests ${JSON.stringify(counts)}`);
  // initSync hands back the exports of the instance node.js set up.
  const wasmBytes = initSync().memory.buffer.byteLength;
  t.diagnostic(`wasm memory after 1,000 calls in flight at once: ${wasmBytes} bytes`);
  assert.ok(wasmBytes <= 64 * 1024 * 1024, "a thousand calls at once fit in 64 MB of wasm memory");
});

function planCall(sim, i, shared, seeded, codes) {
  const kind = kindOf(i);
  if (kind === "login") {
    return {
      kind,
      event: { APIName: "GET_ACCESS_TOKEN", body: { code: codes[i - 950] } },
      requests: { token: 1 },
    };
  }

  const tokens = tokensOf(i);
  let pair = shared;
  if (tokens !== "valid") pair = pairFor(sim, { expired: true });
  if (tokens === "refresh only") pair = { access: "", refresh: pair.refresh };

  const call = { kind, tokens, requests: {} };
  switch (kind) {
    case "create":
      call.topic = `load ${i}`;
      call.event = meetingEvent("CREATE_MEETING", pair, { topic: call.topic, type: 2 });
      call.requests.create = 1;
      break;
    case "get":
    case "missing":
      call.meetingId = kind === "get" ? seeded[i - 200] : 10_000_000_000 + i;
      call.event = meetingEvent("GET_MEETING", pair, { meetingId: call.meetingId });
      call.requests.get = 1;
      break;
    case "edit":
      call.meetingId = seeded[200 + i - 400];
      call.topic = `load edit ${i}`;
      call.event = meetingEvent("EDIT_MEETING", pair, {
        meetingId: call.meetingId,
        topic: call.topic,
      });
      call.requests.update = 1;
      break;
    case "delete":
      call.meetingId = seeded[400 + i - 600];
      call.event = meetingEvent("DELETE_MEETING", pair, { meetingId: call.meetingId });
      call.requests.delete = 1;
      break;
    case "invalid":
      call.event = meetingEvent("EDIT_MEETING", pair, { topic: "no meeting id" });
      return call;
  }

  // An expired token costs a 401, a refresh and a retry; no token at all, a refresh first.
  const [endpoint] = Object.keys(call.requests);
  if (tokens === "expired") call.requests[endpoint] += 1;
  if (tokens !== "valid") call.requests.token = 1;
  return call;
}

function checkAnswer(sim, call, answer, i) {
  const where = `call ${i} (${call.kind}, ${call.tokens ?? "code"}): ${JSON.stringify(answer)}`;
  assertEnvelope(answer, where);
  const expectedCode = { missing: 1, invalid: 3 }[call.kind] ?? 0;
  assert.equal(answer.error, expectedCode, where);

  if (call.kind === "login") {
    assert.ok(
      isLivePair(sim, { access: answer.body.accessToken, refresh: answer.body.refreshToken }),
      where,
    );
    return;
  }
  const refreshed = call.tokens !== "valid" && call.kind !== "invalid";
  assert.equal(answer.token.updated, refreshed, where);
  if (refreshed) assert.ok(isLivePair(sim, answer.token), `the new pair is live: ${where}`);

  const stored = sim.state.meetings.get(String(call.meetingId))?.meeting;
  switch (call.kind) {
    case "create": {
      const created = createdMeetings(sim).filter((meeting) => meeting.topic === call.topic);
      assert.equal(created.length, 1, `one meeting per create: ${where}`);
      assert.equal(answer.body.id, created[0].id, where);
      assert.equal(answer.body.topic, call.topic, where);
      break;
    }
    case "get":
      assert.equal(answer.body.id, call.meetingId, where);
      assert.equal(answer.body.topic, stored.topic, where);
      break;
    case "edit":
      assert.equal(stored.topic, call.topic, where);
      break;
    case "delete":
      assert.equal(stored, undefined, where);
      break;
    case "missing":
      assert.equal(answer.zoom?.status, 404, where);
      assert.equal(answer.zoom?.code, 3001, where);
      break;
  }
}
