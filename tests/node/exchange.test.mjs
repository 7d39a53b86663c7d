// The JS half of the flow (js/drive.js): the exchange and the reading of steps, on their own.
import assert from "node:assert/strict";
import { test } from "node:test";

import { exchange, mayHoldBigInteger, readStep } from "../../js/drive.js";

test("the stride scan finds sixteen digits in a row exactly when a regular expression does", () => {
  let checked = 0;
  for (let length = 0; length < 70; length += 1) {
    for (let trial = 0; trial < 400; trial += 1) {
      let text = "";
      for (let i = 0; i < length; i += 1) {
        text += Math.random() < 0.85 ? String(Math.floor(Math.random() * 10)) : ",";
      }
      assert.equal(mayHoldBigInteger(text), /\d{16}/.test(text), JSON.stringify(text));
      checked += 1;
    }
  }
  assert.equal(checked, 70 * 400);
});

const answer = (text, status = 200) => async () => new Response(text, { status });
const send = (fetch, keep, timeout = 1000) =>
  exchange(fetch, { fetch: "http://zoom.test/v2/meetings/1", method: "GET", headers: {}, timeout, keep });

test("a JSON object answer for the caller is kept on this side", async () => {
  const outcome = await send(answer('{"id":85746065432,"topic":"x"}'), true);
  assert.deepEqual(outcome.slice(0, 2), [200, undefined]);
  assert.deepEqual(outcome[4], { id: 85746065432, topic: "x" });
});

test("a refusal's body crosses only as far as its first 64 KiB", async () => {
  const long = `{"code":300,"message":"${"m".repeat(200_000)}"}`;
  const outcome = await send(answer(long, 400), true);
  assert.equal(outcome[0], 400);
  assert.equal(outcome[1], long.slice(0, 64 * 1024));
  const kept = await send(answer(`{"agenda":"${"a".repeat(200_000)}"}`, 200), true);
  assert.equal(kept[4].agenda.length, 200_000, "answers for the caller are whole");
});

test("anything else crosses into wasm as text", async () => {
  for (const [text, keep, status] of [
    ['{"id":90071992547409930}', true, 200], // an integer JS would round
    ["[1,2]", true, 200],
    ["<html>", true, 200],
    ['{"id":1}', false, 200], // edit, delete, the token endpoint
    ['{"code":3001}', true, 404],
  ]) {
    const outcome = await send(answer(text, status), keep);
    assert.deepEqual(outcome.slice(0, 2), [status, text], text);
    assert.equal(outcome[4], undefined);
  }
});

test("the request is sent as the step describes it, without following redirects", async () => {
  let seen;
  const outcome = await exchange(
    async (url, init) => {
      seen = { url, method: init.method, headers: init.headers, body: init.body, redirect: init.redirect };
      assert.ok(init.signal instanceof AbortSignal);
      return new Response('{"id":1}', { status: 201, headers: { "retry-after": "3", "x-ratelimit-type": "QPS" } });
    },
    { fetch: "http://zoom.test/v2/users/me/meetings", method: "POST", headers: { authorization: "Bearer t" }, body: '{"topic":"x"}', timeout: 1000, keep: false },
  );
  assert.deepEqual(seen, {
    url: "http://zoom.test/v2/users/me/meetings",
    method: "POST",
    headers: { authorization: "Bearer t" },
    body: '{"topic":"x"}',
    redirect: "manual",
  });
  assert.deepEqual(outcome, [201, '{"id":1}', "3", "QPS", undefined]);
});

test("timeouts and failures are outcomes, never exceptions", async () => {
  let signal;
  const hung = await send((_url, init) => {
    signal = init.signal;
    return new Promise(() => {});
  }, true, 30);
  assert.deepEqual(hung, [0, "timeout"]);
  assert.equal(signal.aborted, true, "a request that timed out is aborted");
  const thrown = await send(() => {
    throw new TypeError("boom", { cause: { code: "ECONNRESET" } });
  }, true);
  assert.deepEqual(thrown, [-1, "TypeError: boom (ECONNRESET)"]);
  assert.equal((await send(async () => ({ status: "200" }), true))[0], -1);
  const long = await send(async () => {
    throw new Error("x".repeat(3 * 1024 * 1024));
  }, true);
  assert.equal(long[1].length, 1024 * 1024, "a description is bounded before it crosses");
});

test("answers past 16 MiB are refused, with or without a Content-Length", async () => {
  const huge = "x".repeat(16 * 1024 * 1024 + 1);
  const outcome = await send(answer(huge), true);
  assert.deepEqual(outcome, [-1, "RangeError: the answer is too large"]);
  const claimed = await send(
    async () => new Response("{}", { headers: { "content-length": String(64 * 1024 * 1024) } }),
    true,
  );
  assert.deepEqual(claimed, [-1, "RangeError: the answer is too large"]);
});

test("a step's body follows its JSON after a line break, as it is", () => {
  const body = '{"topic":"two\\nlines","agenda":"a\nb"}';
  const step = readStep(`{"call":3,"fetch":"http://zoom.test/v2/users/me/meetings","method":"POST","headers":{},"timeout":5,"keep":true}\n${body}`);
  assert.equal(step.call, 3);
  assert.equal(step.method, "POST");
  assert.equal(step.body, body, "everything after the first line break, line breaks included");
  assert.deepEqual(readStep('{"call":1,"sleep":200}'), { call: 1, sleep: 200 });
  assert.equal(readStep('{"call":1,"fetch":"u","method":"GET","headers":{},"timeout":5,"keep":true}').body, undefined);
  // An envelope may embed Zoom's own text, line breaks and all; it is parsed whole.
  const envelope = readStep('{"error":1,"msg":"x","body":{\n"a":1}}');
  assert.deepEqual(envelope.body, { a: 1 });
});
