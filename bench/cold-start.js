// Cold start in Node: compile, instantiate and the first handle(), each in a fresh process,
// the median of PROCESSES of them. With --once it is one such process, printing its timings.
// Progress to stderr, figures to stdout as JSON.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

import { pkgDir } from "./lib/contenders.js";
import { median, quantile, round } from "./lib/stats.js";

const PROCESSES = Number(process.env.BENCH_COLD_PROCESSES ?? 20);
const STEPS = ["importMs", "compileMs", "instantiateMs", "firstHandleMs", "totalMs"];

const log = (line) => process.stderr.write(`  cold start: ${line}\n`);

/** One cold start, timed step by step, the way pkg/node.js does it. */
async function once() {
  const { meetingText, MEETING_ID } = await import("./lib/answers.js");
  const { STUB_API_BASE, stubFetch } = await import("./lib/stub-fetch.js");
  const fetch = stubFetch({ meetingText: meetingText(1) });
  // Node loads its fetch implementation on first use of `Response`; that is the host's cost,
  // paid by any caller, not the gateway's.
  await (await fetch(STUB_API_BASE)).text();

  const dir = pkgDir();
  const started = performance.now();
  const glue = await import(pathToFileURL(join(dir, "zoom_gateway.js")).href);
  const { makeHandle } = await import(pathToFileURL(join(dir, "handle.js")).href);
  const bytes = readFileSync(join(dir, "zoom_gateway_bg.wasm"));
  const imported = performance.now();
  const module = new WebAssembly.Module(bytes);
  const compiled = performance.now();
  glue.initSync({ module });
  const instantiated = performance.now();
  const handle = makeHandle(() => undefined);
  const envelope = await handle(
    { APIName: "GET_MEETING", body: { token: "cold-token", refresh_token: "cold-refresh", meetingId: MEETING_ID } },
    { ZOOM_API_BASE: STUB_API_BASE, fetch },
  );
  const answered = performance.now();
  if (envelope.error !== 0) throw new Error(`first handle() failed: ${envelope.msg}`);

  return {
    importMs: imported - started,
    compileMs: compiled - imported,
    instantiateMs: instantiated - compiled,
    firstHandleMs: answered - instantiated,
    totalMs: answered - imported,
  };
}

async function many() {
  const run = promisify(execFile);
  const script = fileURLToPath(import.meta.url);
  const samples = [];
  for (let i = 0; i < PROCESSES; i++) {
    const { stdout } = await run(process.execPath, [script, "--once"], { env: process.env });
    samples.push(JSON.parse(stdout));
  }
  const summary = {};
  for (const step of STEPS) {
    const values = samples.map((sample) => sample[step]);
    summary[step] = { median: round(median(values)), p90: round(quantile(values, 0.9)) };
  }
  log(
    `median of ${PROCESSES} processes: compile ${summary.compileMs.median} ms, instantiate ` +
      `${summary.instantiateMs.median} ms, first handle() ${summary.firstHandleMs.median} ms, ` +
      `together ${summary.totalMs.median} ms (import of the JS ${summary.importMs.median} ms)`,
  );
  return { processes: PROCESSES, ...summary };
}

if (process.argv.includes("--once")) {
  process.stdout.write(`${JSON.stringify(await once())}\n`);
} else {
  process.stdout.write(`${JSON.stringify(await many())}\n`);
}
