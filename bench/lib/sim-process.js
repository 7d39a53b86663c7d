// The simulator in a process of its own, so that its work does not share an event loop with
// the clients being measured. Prints one JSON line (its bases, a user's tokens and a meeting
// to read), then serves until stdin closes or it is told to stop.
import { startSimulator } from "../../sim/index.js";

import { createFields } from "./answers.js";

const sim = await startSimulator({
  // Load is the point here: neither Zoom's per-second nor its daily limits apply.
  dailyLimit: 0,
  perSecondLimit: { create: 0, light: 0 },
  quiet: true,
});

const tokens = sim.issueTokens({ scopes: "meeting:read meeting:write" });
const created = await fetch(`${sim.apiBase}/users/me/meetings`, {
  method: "POST",
  headers: { authorization: `Bearer ${tokens.access_token}`, "content-type": "application/json" },
  body: JSON.stringify(createFields()),
});
if (created.status !== 201) {
  throw new Error(`the simulator refused the meeting to read: ${created.status} ${await created.text()}`);
}
const { id: meetingId } = await created.json();

process.stdout.write(
  `${JSON.stringify({
    apiBase: sim.apiBase,
    oauthBase: sim.oauthBase,
    token: tokens.access_token,
    meetingId,
  })}\n`,
);

const stop = () => sim.close().then(() => process.exit(0));
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
