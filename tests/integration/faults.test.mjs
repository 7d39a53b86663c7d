// Every simulator fault at the call, the refresh and the retry of a refresh-and-retry, for the
// four meeting APIs: the right code, the right number of requests, a rotated pair that always
// reaches the caller, and a stored pair that stays good whenever Zoom did not rotate it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { handle } from "../../pkg/node.js";
import { assertEnvelope, configFor, simulatorFor } from "./helpers.mjs";
import {
  allScenarios,
  expectedMeetings,
  probeEvent,
  runScenario,
  scenarioName,
} from "./scenarios.mjs";

const MESSAGES = {
  timeout: /timeout/i,
  network: /network error/i,
  nonjson: /JSON|access_token/i,
};

// TODO: remove once edit and delete read a 2xx body; see the README's list of open bugs.
describe("faults at each request of a refresh-and-retry", { concurrency: 12 }, () => {
  for (const scenario of allScenarios()) {
    test(scenarioName(scenario), async (t) => {
      const run = await runScenario(t, simulatorFor, scenario);
      const { envelope, outcome, sim } = run;
      const context = scenarioName(scenario);

      assertEnvelope(envelope, context);
      assert.equal(envelope.error, outcome.error, `code: ${JSON.stringify(envelope)}`);
      assert.equal(envelope.token.updated, outcome.updated, `updated: ${JSON.stringify(envelope)}`);
      assert.deepEqual(run.counts, outcome.requests, "requests the simulator received");
      assert.equal(run.meetings.length, expectedMeetings(scenario, outcome), "meetings created");

      if (outcome.effect === "5xx") {
        assert.equal(envelope.zoom?.status, scenario.fault.spec.status, envelope.msg);
      } else if (outcome.effect) {
        assert.match(envelope.msg, MESSAGES[outcome.effect]);
      }
      if (outcome.error === 0) checkDone(scenario, run);

      const config = configFor(sim, { ZOOM_TIMEOUT_MS: 5000 });
      if (envelope.token.updated) {
        // The pair handed back is the live one: it works as it is, and it refreshes.
        const withAccess = await handle(probeEvent(sim, envelope.token), config);
        assert.equal(withAccess.error, 0, JSON.stringify(withAccess));
        assert.equal(withAccess.token.updated, false);
        const refreshOnly = { access: "", refresh: envelope.token.refresh };
        const withRefresh = await handle(probeEvent(sim, refreshOnly), config);
        assert.equal(withRefresh.error, 0, JSON.stringify(withRefresh));
        assert.equal(withRefresh.token.updated, true);
      } else {
        // No pair came back: the caller's stored one is all there is. It still works unless
        // the simulator rotated it and the answer carrying the new one never arrived.
        const retry = await handle(
          probeEvent(sim, { access: "", refresh: run.pair.refresh }),
          config,
        );
        assert.equal(retry.error, outcome.rotatedAway ? 2 : 0, JSON.stringify(retry));
      }
    });
  }
});

/** When the envelope says success, the simulator agrees. */
function checkDone({ api }, { envelope, sim, meetingId, meetings }) {
  const stored = sim.state.meetings.get(String(meetingId))?.meeting;
  switch (api) {
    case "GET_MEETING":
      assert.equal(envelope.body.id, meetingId);
      assert.equal(envelope.body.topic, stored.topic);
      break;
    case "EDIT_MEETING":
      assert.equal(stored.topic, "edited by the fault matrix");
      break;
    case "DELETE_MEETING":
      assert.equal(stored, undefined, "the meeting is gone");
      break;
    case "CREATE_MEETING":
      assert.equal(envelope.body.id, meetings[0].id);
      assert.equal(envelope.body.topic, "fault matrix");
      break;
  }
}
