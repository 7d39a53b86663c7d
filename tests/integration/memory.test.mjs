// 100,000 sequential handle() calls over an in-process fetch that answers as Zoom does: the
// wasm module's memory and the process's stay flat once warmed up. Successes, refreshes,
// refusals and invalid events take turns, so that every path's allocations are exercised.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { handle } from "../../pkg/node.js";
import { initSync } from "../../pkg/zoom_gateway.js";

const TOTAL_CALLS = 100_000;
const WARM_UP_CALLS = 10_000;
const WASM_PAGE = 64 * 1024;
// One page per 10,000 calls after the warm-up would already be a leak worth a look.
const WASM_GROWTH_LIMIT = ((TOTAL_CALLS - WARM_UP_CALLS) / 10_000) * WASM_PAGE;
const RSS_GROWTH_LIMIT = 48 * 1024 * 1024;
const HEAP_GROWTH_LIMIT = 16 * 1024 * 1024;

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc");

// initSync hands back the instance's exports once node.js has initialised the module.
const wasmMemory = initSync().memory;

const MEETING = {
  id: 85746065432,
  uuid: "kq7dMXRvQ0ufD1Rc3V0xJw==",
  host_id: "sim-user-1",
  topic: "Memory check",
  type: 2,
  start_time: "2030-01-01T10:00:00Z",
  duration: 30,
  timezone: "UTC",
  join_url: "https://zoom.example/j/85746065432?pwd=abc",
  start_url: "https://zoom.example/s/85746065432?zak=zzz",
  settings: { waiting_room: true, join_before_host: false, alternative_hosts: "" },
};

/** Zoom in a function: rotates refresh tokens, refuses expired access tokens and knows one
 * meeting; the meeting id and the token's text pick the other answers. */
function zoomStub() {
  let rotations = 0;
  const json = (status, value, headers = {}) =>
    new Response(JSON.stringify(value), {
      status,
      headers: { "content-type": "application/json;charset=UTF-8", ...headers },
    });
  return async function fetch(url, init) {
    const { pathname } = new URL(url);
    if (pathname === "/oauth/token") {
      if (init.body.includes("refresh_token=gone")) {
        return json(400, { reason: "Invalid Token!", error: "invalid_grant" });
      }
      rotations += 1;
      return json(200, {
        access_token: `access-${rotations}`,
        refresh_token: `refresh-${rotations}`,
        token_type: "bearer",
        expires_in: 3600,
        scope: "meeting:read meeting:write",
      });
    }
    if (init.headers.authorization === "Bearer expired") {
      return json(401, { code: 124, message: "Access token is expired." });
    }
    if (pathname.includes("/404"))
      return json(404, { code: 3001, message: "Meeting does not exist: 404." });
    if (pathname.includes("/429")) {
      return json(
        429,
        { code: 429, message: "You have exceeded the daily rate limit (100) ..." },
        { "x-ratelimit-type": "Daily-limit" },
      );
    }
    if (pathname.includes("/200")) return new Response("<html>proxy</html>", { status: 200 });
    switch (init.method) {
      case "GET":
        return json(200, MEETING);
      case "POST":
        return json(201, MEETING);
      default:
        return new Response(null, { status: 204 });
    }
  };
}

const ok = { token: "access-0", refresh_token: "refresh-0" };
const expired = { token: "expired", refresh_token: "refresh-0" };
const id = MEETING.id;

/** The events the loop cycles through, each with the code it must get. */
const ROUNDS = [
  [{ APIName: "GET_MEETING", body: { ...ok, meetingId: id } }, 0],
  [{ APIName: "CREATE_MEETING", body: { ...ok, topic: "t", type: 2, duration: 30 } }, 0],
  [{ APIName: "EDIT_MEETING", body: { ...ok, meetingId: id, agenda: "a".repeat(500) } }, 0],
  [{ APIName: "DELETE_MEETING", body: { ...ok, meetingId: String(id), occurrence_id: "1" } }, 0],
  [{ APIName: "GET_MEETING", body: { ...expired, meetingId: id } }, 0],
  [
    {
      APIName: "EDIT_MEETING",
      body: { token: "", refresh_token: "r", meetingId: id, duration: 45 },
    },
    0,
  ],
  [{ APIName: "GET_MEETING", body: { ...expired, refresh_token: "gone", meetingId: id } }, 2],
  [{ APIName: "GET_MEETING", body: { ...ok, meetingId: 404 } }, 1],
  [{ APIName: "CREATE_MEETING", body: { ...ok, userId: "429", topic: "t" } }, 1],
  [{ APIName: "EDIT_MEETING", body: { ...ok, meetingId: 429, topic: "t" } }, 1],
  [{ APIName: "GET_MEETING", body: { ...ok, meetingId: 200 } }, 1],
  [{ APIName: "GET_ACCESS_TOKEN", body: { code: "abcd1234" } }, 0],
  [{ APIName: "NOT_AN_API", body: {} }, 3],
  [{ APIName: "CREATE_MEETING", body: { ...ok, topic: "x".repeat(201) } }, 3],
];

function measure() {
  collectGarbage();
  const { rss, heapUsed } = process.memoryUsage();
  return { wasm: wasmMemory.buffer.byteLength, rss, heapUsed };
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

test("memory stays flat across 100,000 sequential calls", async (t) => {
  const config = {
    ZOOM_CLIENT_ID: "memory-client",
    ZOOM_CLIENT_SECRET: "memory-secret",
    ZOOM_REDIRECT_URI: "https://app.example/callback",
    ZOOM_API_BASE: "https://zoom.test/v2",
    ZOOM_OAUTH_BASE: "https://zoom.test",
    fetch: zoomStub(),
  };
  const counts = [0, 0, 0, 0];
  let warm;
  for (let i = 0; i < TOTAL_CALLS; i++) {
    if (i === WARM_UP_CALLS) warm = measure();
    const [event, code] = ROUNDS[i % ROUNDS.length];
    const envelope = await handle(event, config);
    if (envelope.error !== code) {
      assert.fail(`call ${i}: expected error ${code}, got ${JSON.stringify(envelope)}`);
    }
    counts[code] += 1;
  }
  const end = measure();

  const sizes = ({ wasm, rss, heapUsed }) =>
    `wasm ${mb(wasm)}, rss ${mb(rss)}, heap ${mb(heapUsed)}`;
  t.diagnostic(`after ${WARM_UP_CALLS} calls: ${sizes(warm)}; after ${TOTAL_CALLS}: ${sizes(end)}`);
  t.diagnostic(`codes 0/1/2/3: ${counts.join("/")}`);
  assert.ok(end.wasm - warm.wasm <= WASM_GROWTH_LIMIT, `wasm grew ${end.wasm - warm.wasm} bytes`);
  assert.ok(end.rss - warm.rss < RSS_GROWTH_LIMIT, `rss grew ${mb(end.rss - warm.rss)}`);
  assert.ok(
    end.heapUsed - warm.heapUsed < HEAP_GROWTH_LIMIT,
    `heap grew ${mb(end.heapUsed - warm.heapUsed)}`,
  );
});
