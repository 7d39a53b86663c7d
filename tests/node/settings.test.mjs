// Settings are read on every call: the package sends them to the module only when they changed,
// and a change, however small, takes effect on the very next call.
import assert from "node:assert/strict";
import { test } from "node:test";

import { handle } from "../../pkg/node.js";

const getEvent = { APIName: "GET_MEETING", body: { token: "acc-1", meetingId: 85746065432 } };

function recording() {
  const urls = [];
  const fetch = async (url) => {
    urls.push(url);
    return new Response('{"id":85746065432}', { status: 200 });
  };
  return { urls, fetch };
}

test("each call uses the settings it was given, changed or not", async () => {
  const { urls, fetch } = recording();
  const a = { ZOOM_API_BASE: "http://a.zoom.test/v2", fetch };
  const b = { ZOOM_API_BASE: "http://b.zoom.test/v2", fetch };
  for (const config of [a, a, b, b, a, { ...a }, b]) {
    const envelope = await handle(getEvent, config);
    assert.equal(envelope.error, 0, JSON.stringify(envelope));
  }
  const hosts = urls.map((url) => new URL(url).host);
  assert.deepEqual(hosts, ["a.zoom.test", "a.zoom.test", "b.zoom.test", "b.zoom.test", "a.zoom.test", "a.zoom.test", "b.zoom.test"]);
});

test("the same object changed between calls is read again", async () => {
  const { urls, fetch } = recording();
  const config = { ZOOM_API_BASE: "http://a.zoom.test/v2", fetch };
  await handle(getEvent, config);
  config.ZOOM_API_BASE = "http://c.zoom.test/v2";
  await handle(getEvent, config);
  config.ZOOM_TIMEOUT_MS = "soon";
  const refused = await handle(getEvent, config);
  assert.equal(refused.error, 3);
  assert.match(refused.msg, /ZOOM_TIMEOUT_MS/);
  // Still refused when sent again unchanged, and fine once put right.
  assert.equal((await handle(getEvent, config)).error, 3);
  delete config.ZOOM_TIMEOUT_MS;
  assert.equal((await handle(getEvent, config)).error, 0);
  assert.deepEqual(urls.map((url) => new URL(url).host), ["a.zoom.test", "c.zoom.test", "c.zoom.test"]);
});

test("a key that disappears, or a getter that throws, counts as a change", async () => {
  const { urls, fetch } = recording();
  await handle(getEvent, { ZOOM_API_BASE: "http://d.zoom.test/v2", fetch });
  const throwing = {
    fetch,
    get ZOOM_API_BASE() {
      throw new Error("no");
    },
  };
  await handle(getEvent, throwing);
  await handle(getEvent, { fetch });
  await handle(getEvent, { ZOOM_API_BASE: "http://d.zoom.test/v2", ZOOM_TIMEOUT_MS: 5000, fetch });
  const hosts = urls.map((url) => new URL(url).host);
  assert.deepEqual(hosts, ["d.zoom.test", "api.zoom.us", "api.zoom.us", "d.zoom.test"]);
});
