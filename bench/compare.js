// Per-call cost of several builds of the package side by side, in one process, against the
// floor: for checking what a change to the core saves.
//   node bench/compare.js pkg /tmp/other-build ...
// Each directory is a built package (node.js, handle.js, the glue and the .wasm). Prints CPU
// microseconds per call, the median of interleaved rounds, and each build's ratio to the floor.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { meetingText } from "./lib/answers.js";
import { floorCalls, gatewayCalls } from "./lib/contenders.js";
import { median, rateFor, ratesFor, round } from "./lib/stats.js";
import { STUB_API_BASE, stubFetch } from "./lib/stub-fetch.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 200);
const SCENARIOS = [
  ["get", 1],
  ["create", 1],
  ["get", 50],
  ["get", 500],
];

async function main() {
  const dirs = process.argv.slice(2).map((dir) => resolve(dir));
  if (dirs.length === 0) {
    console.error("usage: node bench/compare.js PKG_DIR [PKG_DIR ...]");
    process.exit(2);
  }
  const handles = [];
  for (const dir of dirs) handles.push((await import(pathToFileURL(`${dir}/node.js`).href)).handle);
  const names = ["floor", ...dirs.map((dir, i) => `${i + 1}:${dir.split("/").slice(-2).join("/")}`)];

  console.log(`CPU µs per call, median of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms; x = over the floor`);
  for (const [call, occurrences] of SCENARIOS) {
    const fetch = stubFetch({ meetingText: meetingText(occurrences) });
    const options = { apiBase: STUB_API_BASE, fetch };
    const calls = [floorCalls(options)[call], ...handles.map((handle) => gatewayCalls(handle, options)[call])];
    for (const once of calls) await rateFor(once, 300);

    const rates = calls.map(() => []);
    for (let turn = 0; turn < ROUNDS; turn++) {
      for (let i = 0; i < calls.length; i++) {
        const which = (turn + i) % calls.length;
        rates[which].push((await ratesFor(calls[which], ROUND_MS)).cpu);
      }
    }
    const us = rates.map((list) => 1e6 / median(list));
    const cells = names.map((name, i) => `${name} ${round(us[i])}${i ? ` (${round(us[i] / us[0])}x)` : ""}`);
    console.log(`${call.toUpperCase()} ${occurrences}: ${cells.join("  ")}`);
  }
}

await main();
