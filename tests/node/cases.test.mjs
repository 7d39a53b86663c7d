// Every shared case through the built package in Node, with a stubbed fetch.
import assert from "node:assert/strict";
import { test } from "node:test";

import { handle } from "../../pkg/node.js";
import { loadCases, matchesSubset, requestProblems, scriptedFetch } from "./helpers.mjs";

const { config, cases } = loadCases();

for (const c of cases) {
  test(`case ${c.id}: ${c.about}`, async () => {
    const zoom = scriptedFetch(c.zoom, { repeatLast: c.zoom_may_repeat_last === true });
    // Each case is its own session: no refreshed pair is shared from one case to the next.
    const envelope = await handle(c.event, { ...config, ZOOM_REFRESH_REUSE_MS: "0", fetch: zoom.fetch });

    const { msg_contains: needle, ...expected } = c.envelope;
    assert.ok(matchesSubset(expected, envelope), `envelope ${JSON.stringify(envelope)}`);
    if (needle) assert.match(envelope.msg, new RegExp(needle, "i"));
    assert.ok([0, 1, 2, 3].includes(envelope.error));
    assert.equal(typeof envelope.msg, "string");

    assert.ok(zoom.sent.length >= c.zoom.length, `sent ${zoom.sent.length} of ${c.zoom.length}`);
    if (!c.zoom_may_repeat_last) assert.equal(zoom.sent.length, c.zoom.length);
    zoom.sent.forEach((sent, i) => {
      const expect = (c.zoom[i] ?? c.zoom[c.zoom.length - 1]).expect;
      assert.deepEqual(requestProblems(expect, sent), [], `request ${i}`);
    });
  });
}
