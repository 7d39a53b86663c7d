// Errors thrown by fetch itself become error 1, whatever their text: a proxy library, a
// polyfill or a localised runtime may say anything, at any length, in any script. Kept in a
// file of its own because a trap in the wasm module would take the whole process with it.
import assert from "node:assert/strict";
import { after, test } from "node:test";

import { handle } from "../../pkg/node.js";

const CONFIG = { ZOOM_CLIENT_ID: "client-id", ZOOM_CLIENT_SECRET: "client-secret-value" };
const EVENT = {
  APIName: "GET_MEETING",
  body: { token: "access-token-1", refresh_token: "refresh-token-1", meetingId: 85746065432 },
};
const NO_ANSWER_MS = 5000;

// A trap inside the module surfaces as an uncaught exception, not as a rejection of handle's
// promise: catch it here so that a failing case is reported rather than fatal.
const traps = new Set();
function onUncaught(error) {
  for (const trap of traps) trap(error);
}
process.on("uncaughtException", onUncaught);
after(() => process.off("uncaughtException", onUncaught));

/** handle() under a fetch that throws `error`: the envelope, or why there is none. */
async function answerTo(error) {
  const fetch = async () => {
    throw error;
  };
  let trap;
  let timer;
  const failure = new Promise((resolve) => {
    trap = (uncaught) => resolve({ trapped: String(uncaught) });
    traps.add(trap);
    timer = setTimeout(() => resolve({ trapped: "no answer" }), NO_ANSWER_MS);
  });
  try {
    return await Promise.race([handle(EVENT, { ...CONFIG, ZOOM_TIMEOUT_MS: 200, fetch }), failure]);
  } finally {
    traps.delete(trap);
    clearTimeout(timer);
  }
}

/** Texts of every length around the few hundred characters where a message may be shortened,
 * in scripts whose characters take two, three and four bytes. */
function texts() {
  const all = [];
  for (const character of ["é", "会", "😀"]) {
    for (let count = 60; count <= 160; count += 1) all.push(character.repeat(count));
  }
  return all;
}

test(
  "a fetch error in any script and of any length is error 1",
  async () => {
    for (const text of texts()) {
      for (const error of [
        new TypeError(`fetch failed: ${text}`),
        new TypeError("fetch failed", { cause: { code: text } }),
      ]) {
        const envelope = await answerTo(error);
        assert.equal(envelope.error, 1, `${text.length} x ${text[0]}: ${JSON.stringify(envelope)}`);
        assert.match(envelope.msg, /network error/);
      }
    }
  },
);

test("after whatever happened above, the next call is answered as usual", async () => {
  const meeting = { id: 85746065432, topic: "Still here" };
  const fetch = async () => new Response(JSON.stringify(meeting), { status: 200 });
  const envelope = await handle(EVENT, { ...CONFIG, fetch });
  assert.equal(envelope.error, 0, JSON.stringify(envelope));
  assert.deepEqual(envelope.body, meeting);
});
