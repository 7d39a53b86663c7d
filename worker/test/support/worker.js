// Starting the Worker for a test file, posting events to it, and reading its log lines.

import { setTimeout as sleep } from "node:timers/promises";
import { startWorker } from "../../dev.js";

/**
 * Starts the Worker with `bindings` and collects its log lines. `nextLog()` resolves to the
 * next line not yet taken, parsed; log lines travel apart from responses, so it waits for one.
 */
export async function startLoggedWorker(bindings) {
  const lines = [];
  const worker = await startWorker({ bindings, onLog: (line) => lines.push(line) });
  let taken = 0;

  async function nextLog() {
    // Bounded: 400 polls of 25 ms.
    for (let poll = 0; poll < 400 && lines.length <= taken; poll++) await sleep(25);
    if (lines.length <= taken) throw new Error("the Worker logged no line for the request");
    return { raw: lines[taken], ...JSON.parse(lines[taken++]) };
  }

  return { ...worker, lines, nextLog };
}

/** POSTs `event` as JSON and reads the answer. */
export async function postEvent(url, event, headers = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof event === "string" ? event : JSON.stringify(event),
  });
  return { status: response.status, headers: response.headers, envelope: await response.json() };
}
