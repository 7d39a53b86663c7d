#!/usr/bin/env node
// Requests per second through the bundled Worker in workerd, on loopback only.
//
//   node bench.js [--requests N] [--concurrency C]
//
// Two loads, each after a warm-up: GET_MEETING events that the gateway refuses before calling
// Zoom (the Worker and the wasm alone), and GET_MEETING events answered by a canned Zoom on
// 127.0.0.1 (one Zoom call each). The client, the Worker and the canned Zoom share this
// machine's cores, so the figure is what one machine does with all three on it.

import { createServer } from "node:http";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { startWorker } from "./dev.js";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "4000" },
    concurrency: { type: "string", default: "32" },
  },
});
const REQUESTS = Math.min(Number(values.requests), 100_000);
const CONCURRENCY = Math.min(Number(values.concurrency), 256);
const WARM_UP = 300;
// A load that has not finished in this time stops: the loop is bounded in time as in count.
const TIME_CAP_MS = 120_000;

const MEETING = JSON.stringify({
  id: 85746065432,
  topic: "Design review",
  type: 2,
  start_time: "2030-01-15T15:00:00Z",
  duration: 30,
  timezone: "UTC",
  join_url: "https://zoom.example/j/85746065432",
});

const zoom = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(MEETING));
});
await new Promise((resolve) => zoom.listen(0, "127.0.0.1", resolve));
const zoomUrl = `http://127.0.0.1:${zoom.address().port}`;

let logLines = 0;
const worker = await startWorker({
  bindings: {
    ZOOM_CLIENT_ID: "bench-client",
    ZOOM_CLIENT_SECRET: "bench-secret",
    ZOOM_API_BASE: `${zoomUrl}/v2`,
    ZOOM_OAUTH_BASE: zoomUrl,
  },
  onLog: () => logLines++,
});

const loads = {
  "refused before Zoom (no Zoom call)": {
    APIName: "GET_MEETING",
    body: { token: "bench-token", meetingId: "not-a-number" },
  },
  "GET_MEETING with one Zoom call": {
    APIName: "GET_MEETING",
    body: { token: "bench-token", meetingId: 85746065432 },
  },
};

const results = [];
try {
  for (const [name, event] of Object.entries(loads)) {
    const body = JSON.stringify(event);
    await run(body, WARM_UP);
    const result = await run(body, REQUESTS);
    results.push({ load: name, ...result });
    console.log(
      `${name}: ${result.perSecond} requests/s ` +
        `(${result.done} requests, concurrency ${CONCURRENCY}, ` +
        `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms)`,
    );
  }
} finally {
  await worker.close();
  zoom.closeAllConnections();
  zoom.close();
}
console.log(
  JSON.stringify({ cores: availableParallelism(), concurrency: CONCURRENCY, results, logLines }),
);

/** Sends `count` POSTs of `body`, `CONCURRENCY` at a time; every answer must be a 200. */
async function run(body, count) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + TIME_CAP_MS;

  async function client() {
    while (next < count && performance.now() < deadline) {
      next++;
      const sent = performance.now();
      const response = await fetch(worker.url, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
      const envelope = await response.json();
      if (response.status !== 200 || typeof envelope.error !== "number") {
        throw new Error(`unexpected answer ${response.status}: ${JSON.stringify(envelope)}`);
      }
      latencies.push(performance.now() - sent);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, client));

  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1));
  return {
    done: latencies.length,
    perSecond: Math.round(latencies.length / seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}
