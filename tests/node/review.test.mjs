// Found by a fresh-eyes review of the step-driven flow; each was a defect before its fix.
import assert from "node:assert/strict";
import { test } from "node:test";

import { handle, wasmMemoryBytes } from "../../pkg/node.js";

const nested = (levels) => "[".repeat(levels) + "]".repeat(levels);

test("an answer for the caller nests no deeper than 128 levels, big integers or not", async () => {
  for (const extra of ["", ',"big":12345678901234567890']) {
    const deep = `{"id":1${extra},"x":${nested(100_000)}}`;
    const config = { ZOOM_API_BASE: "http://z.test/v2", fetch: async () => new Response(deep) };
    const refused = await handle({ APIName: "GET_MEETING", body: { token: "t", meetingId: 1 } }, config);
    assert.equal(refused.error, 1, extra);
    assert.equal(refused.msg, "Zoom answered 200 with a JSON body nested too deeply (over 128 levels)");
    assert.doesNotThrow(() => JSON.stringify(refused));

    // 127 levels inside the answer's own: 128 in all, as deep as is taken.
    const deepest = `{"id":1${extra},"x":${nested(127)}}`;
    const taken = await handle(
      { APIName: "GET_MEETING", body: { token: "t", meetingId: 1 } },
      { ...config, fetch: async () => new Response(deepest) },
    );
    assert.equal(taken.error, 0, taken.msg);
    assert.equal(JSON.stringify(taken.body.x), nested(127));
  }
});

test("a deeply nested refusal costs no memory to speak of", async () => {
  const before = wasmMemoryBytes();
  const config = {
    ZOOM_API_BASE: "http://z.test/v2",
    fetch: async () => new Response(nested(1_000_000), { status: 400 }),
  };
  const envelope = await handle({ APIName: "DELETE_MEETING", body: { token: "t", meetingId: 1 } }, config);
  assert.equal(envelope.error, 1);
  assert.equal(envelope.msg, "Zoom answered 400 with a body that is not JSON");
  // Built as values, a million levels took over a hundred megabytes of wasm memory.
  assert.ok(wasmMemoryBytes() - before < 4 * 1024 * 1024, `grew by ${wasmMemoryBytes() - before} bytes`);
});

test("a token quoted many times in a failure leaves no piece of itself in msg", async () => {
  const token = Array.from({ length: 1000 }, (_, i) => "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7) % 36]).join("");
  for (const copies of [1, 5, 50, 2000]) {
    const envelope = await handle(
      { APIName: "DELETE_MEETING", body: { token, meetingId: 1 } },
      {
        ZOOM_API_BASE: "http://z.test/v2",
        fetch: (_url, init) => {
          throw new Error(`${init.headers.authorization} `.repeat(copies));
        },
      },
    );
    assert.equal(envelope.error, 1);
    assert.match(envelope.msg, /^could not reach Zoom \(network error: Error: Bearer \[redacted\]/);
    for (let n = 8; n <= token.length; n += 1) {
      assert.ok(!envelope.msg.includes(token.slice(0, n)), `${copies} copies: a piece of ${n} characters`);
    }
  }
});

test("a wall clock stepping forward mid-call changes nothing for the call", async () => {
  const realNow = Date.now;
  let skew = 0;
  Date.now = () => realNow() + skew;
  try {
    const config = {
      ZOOM_CLIENT_ID: "cid",
      ZOOM_CLIENT_SECRET: "csecret",
      ZOOM_API_BASE: "http://z.test/v2",
      ZOOM_OAUTH_BASE: "http://z.test",
      fetch: async (url) => {
        if (url.endsWith("/oauth/token")) return Response.json({ access_token: "acc-new", refresh_token: "ref-new" });
        await new Promise((resolve) => setTimeout(resolve, 300));
        return Response.json({ id: 1 });
      },
    };
    const pending = handle({ APIName: "GET_MEETING", body: { token: "", refresh_token: "ref-old", meetingId: 1 } }, config);
    await new Promise((resolve) => setTimeout(resolve, 100));
    skew = 5 * 60_000;
    await handle({ APIName: "GET_MEETING", body: { token: "x" } }, config);
    const envelope = await pending;
    assert.equal(envelope.error, 0, envelope.msg);
    assert.deepEqual(envelope.token, { updated: true, access: "acc-new", refresh: "ref-new" });
  } finally {
    Date.now = realNow;
  }
});
