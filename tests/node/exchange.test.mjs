// The wasm transport's JS half (src/wasm/exchange.js), on its own.
import assert from "node:assert/strict";
import { test } from "node:test";

import { exchange, mayHoldBigInteger } from "../../src/wasm/exchange.js";

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
const send = (fetch, keep, holder = {}, timeoutMs = 1000) =>
  exchange(fetch, "http://zoom.test/v2/meetings/1", "GET", {}, undefined, timeoutMs, keep, holder);

test("a JSON object answer for the caller is kept on this side", async () => {
  const holder = {};
  const outcome = await send(answer('{"id":85746065432,"topic":"x"}'), true, holder);
  assert.deepEqual(outcome.slice(0, 2), [200, ""]);
  assert.equal(outcome[4], true);
  assert.deepEqual(holder.body, { id: 85746065432, topic: "x" });
});

test("anything else crosses into wasm as text", async () => {
  for (const [text, keep, status] of [
    ['{"id":90071992547409930}', true, 200], // an integer JS would round
    ["[1,2]", true, 200],
    ["<html>", true, 200],
    ['{"id":1}', false, 200], // edit, delete, the token endpoint
    ['{"code":3001}', true, 404],
  ]) {
    const holder = {};
    const outcome = await send(answer(text, status), keep, holder);
    assert.deepEqual(outcome.slice(0, 2), [status, text], text);
    assert.equal(outcome[4], false);
    assert.equal(holder.body, undefined);
  }
});

test("timeouts and failures are outcomes, never exceptions", async () => {
  assert.deepEqual(await send(() => new Promise(() => {}), true, {}, 30), [0, "timeout"]);
  const thrown = await send(() => {
    throw new TypeError("boom", { cause: { code: "ECONNRESET" } });
  }, true);
  assert.deepEqual(thrown, [-1, "TypeError: boom (ECONNRESET)"]);
  assert.equal((await send(async () => ({ status: "200" }), true))[0], -1);
  const long = await send(async () => {
    throw new Error("x".repeat(100_000));
  }, true);
  assert.ok(long[1].length <= 4096);
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
