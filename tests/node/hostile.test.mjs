// The promise always resolves to an envelope, whatever arrives, and one failure never
// breaks the next call.
import assert from "node:assert/strict";
import { test } from "node:test";

import { handle } from "../../pkg/node.js";

const config = { ZOOM_CLIENT_ID: "client-id", ZOOM_CLIENT_SECRET: "client-secret-value" };
const meeting = { id: 85746065432, topic: "Design review" };
const okFetch = async () => new Response(JSON.stringify(meeting), { status: 200 });
const getEvent = { APIName: "GET_MEETING", body: { token: "acc-1", refresh_token: "ref-1", meetingId: 85746065432 } };

function assertEnvelope(envelope, code) {
  assert.equal(envelope.error, code, JSON.stringify(envelope));
  assert.equal(typeof envelope.msg, "string");
  assert.deepEqual(envelope.token, { updated: false, access: "", refresh: "" });
  assert.deepEqual(envelope.body, {});
}

test("events of every wrong shape are error 3", async () => {
  let deep = {};
  const root = deep;
  for (let i = 0; i < 10_000; i++) deep = deep.next = {};
  const cyclic = { APIName: "GET_MEETING", body: {} };
  cyclic.body.self = cyclic;
  const throwing = {
    get APIName() {
      throw new Error("getter says acc-1");
    },
  };
  const proxy = new Proxy({}, { get() { throw new Error("trap"); }, ownKeys() { throw new Error("trap"); } });
  const inputs = [
    null, undefined, "GET_MEETING", 42, [], [getEvent], true, () => 1, Symbol("x"),
    throwing, proxy, cyclic,
    { APIName: "GET_MEETING", body: { token: "acc-1", meetingId: 1, nested: root } },
    { APIName: "GET_MEETING", body: { token: "acc-1", meetingId: 1, big: "x".repeat(5 << 20) } },
    { APIName: "GET_MEETING", body: "token" },
    { APIName: "GET_MEETING", body: { token: "acc-1", meetingId: -1 } },
    { APIName: "GET_MEETING", body: { token: "acc-1", meetingId: 1.5 } },
    { APIName: "GET_MEETING", body: { token: "acc\r\nX-Evil: 1", meetingId: 1 } },
    JSON.parse('{"APIName":"CREATE_MEETING","body":{"token":"t","settings":{"__proto__":{"admin":true}}}}'),
  ];
  for (const input of inputs) {
    const envelope = await handle(input, { ...config, fetch: okFetch });
    assertEnvelope(envelope, 3);
    assert.ok(!envelope.msg.includes("acc-1"), envelope.msg);
  }
});

test("a BigInt meeting ID is taken exactly", async () => {
  let url;
  const fetch = async (input) => {
    url = input;
    return new Response(JSON.stringify(meeting), { status: 200 });
  };
  const envelope = await handle(
    { APIName: "GET_MEETING", body: { token: "acc-1", meetingId: 85746065432n } },
    { ...config, fetch },
  );
  assert.equal(envelope.error, 0);
  assert.equal(url, "https://api.zoom.us/v2/meetings/85746065432");
});

test("integers beyond 2^53 in Zoom's answer become exact strings", async () => {
  const text = '{"id":85746065432,"big":9007199254740993,"list":[12345678901234567890]}';
  const fetch = async () => new Response(text, { status: 200 });
  const envelope = await handle(getEvent, { ...config, fetch });
  assert.equal(envelope.body.id, 85746065432);
  assert.equal(envelope.body.big, "9007199254740993");
  assert.deepEqual(envelope.body.list, ["12345678901234567890"]);
});

test("odd configs never throw", async () => {
  const hostile = new Proxy({}, { get() { throw new Error("nope"); } });
  for (const cfg of [null, undefined, "config", 7, hostile, { fetch: "not a function" }]) {
    const envelope = await handle({ APIName: "GET_MEETING", body: { meetingId: 1 } }, cfg);
    assertEnvelope(envelope, 3);
  }
  const bad = await handle(getEvent, { ZOOM_API_BASE: "https://user:pw@evil.example" });
  assertEnvelope(bad, 3);
  assert.match(bad.msg, /ZOOM_API_BASE/);
});

test("a fetch that misbehaves is error 1, and the next call still works", async () => {
  const fetches = [
    () => {
      throw new TypeError("sync throw");
    },
    async () => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    },
    async () => "not a response",
    async () => ({ status: 200, text: () => { throw new Error("no body"); } }),
    async () => ({ status: 99999 }),
    async () => null,
    () => new Promise(() => {}),
    async () => new Response("<html>502</html>", { status: 502 }),
  ];
  for (const fetch of fetches) {
    const envelope = await handle(getEvent, { ...config, ZOOM_TIMEOUT_MS: 200, fetch });
    assertEnvelope(envelope, 1);
    assert.ok(!envelope.msg.includes("client-secret-value"));
    const next = await handle(getEvent, { ...config, fetch: okFetch });
    assert.equal(next.error, 0);
    assert.equal(next.body.id, 85746065432);
  }
});

test("a hanging fetch times out with a message that says so", async () => {
  const envelope = await handle(getEvent, { ...config, ZOOM_TIMEOUT_MS: 100, fetch: () => new Promise(() => {}) });
  assertEnvelope(envelope, 1);
  assert.match(envelope.msg, /timeout/);
});

test("the global fetch is used when config.fetch is absent: connection refused", async () => {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  const envelope = await handle(getEvent, { ...config, ZOOM_API_BASE: `http://127.0.0.1:${port}/v2` });
  assertEnvelope(envelope, 1);
  assert.match(envelope.msg, /network error/);
});

test("many calls at once are answered independently", async () => {
  const fetch = async (url) => {
    const id = Number(new URL(url).pathname.split("/").pop());
    await new Promise((resolve) => setTimeout(resolve, id % 7));
    return new Response(JSON.stringify({ id }), { status: 200 });
  };
  const ids = Array.from({ length: 500 }, (_, i) => i + 1);
  const envelopes = await Promise.all(
    ids.map((id) => handle({ APIName: "GET_MEETING", body: { token: "t", meetingId: id } }, { ...config, fetch })),
  );
  assert.deepEqual(envelopes.map((e) => e.body.id), ids);
});

test("a code that is part of the word 'redacted' cannot hang the call", async () => {
  for (const code of ["reda", "cted", "redacted", "acte"]) {
    const fetch = async () =>
      new Response(JSON.stringify({ reason: `Invalid authorization code ${code}`, error: "invalid_request" }), {
        status: 400,
      });
    const envelope = await handle(
      { APIName: "GET_ACCESS_TOKEN", body: { code, redirect_uri: "https://app.example/cb" } },
      { ...config, fetch },
    );
    assert.equal(envelope.error, 1);
    assert.ok(!envelope.msg.replaceAll("[redacted]", " ").includes(code), envelope.msg);
  }
});
