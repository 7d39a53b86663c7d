// `make bench`: runs each measurement in a fresh Node process, prints a table of the figures
// against their targets, and writes them all to bench/results/latest.json.
//   node bench/run.js                  everything (about 3 minutes on 2 cores)
//   node bench/run.js size cold-start  only the named sections
//   node bench/run.js --print [FILE]   the tables of an earlier run (default results/latest.json)
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { pkgDir } from "./lib/contenders.js";
import { round } from "./lib/stats.js";

const HERE = new URL("./", import.meta.url).pathname;
const RESULTS = join(HERE, "results", "latest.json");
const BUDGET = JSON.parse(readFileSync(join(HERE, "budget.json"), "utf8"));
// The limits the tables judge by: this run's, or those an earlier run recorded.
let budget = BUDGET;
const SECTIONS = {
  size: "size.js",
  "cold-start": "cold-start.js",
  "per-call": "per-call.js",
  e2e: "e2e.js",
};

const run = promisify(execFile);

/** Runs one section's script; its progress passes through, its figures come back. */
async function section(name) {
  const started = Date.now();
  console.log(`\n==> ${name}`);
  const child = run(process.execPath, [join(HERE, SECTIONS[name])], { maxBuffer: 64 * 1024 * 1024 });
  child.child.stderr.pipe(process.stderr);
  try {
    const { stdout } = await child;
    console.log(`    ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return JSON.parse(stdout.trim().split("\n").pop());
  } catch (error) {
    console.log(`    ${name} FAILED: ${(error.stderr || error.message).trim().split("\n").slice(-3).join(" | ")}`);
    return { failed: String(error.message).split("\n")[0] };
  }
}

function machine() {
  const wasm = join(pkgDir(), "zoom_gateway_bg.wasm");
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    node: process.version,
    loadAverageAtStart: loadavg().map((load) => Number(load.toFixed(2))),
    wasmSha256: createHash("sha256").update(readFileSync(wasm)).digest("hex").slice(0, 16),
    date: new Date().toISOString(),
  };
}

// ---- the table ----

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const verdict = (ok) => (ok ? "ok" : "OVER");

function table(title, header, rows) {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => String(row[i] ?? "-").length)));
  const text = (cell) => (cell === undefined ? "-" : String(cell));
  const line = (cells) => cells.map((cell, i) => text(cell).padEnd(widths[i])).join("  ").trimEnd();
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(line(widths.map((width) => "-".repeat(width))));
  for (const row of rows) console.log(line(row));
}

function sizeTable(size) {
  if (!size || size.failed) return console.log(`\nSize: not measured (${size?.failed ?? "skipped"})`);
  const rows = [
    [".wasm", kib(size.wasm.raw), kib(size.wasm.gzip), `${kib(budget.wasmRawBytes)} / ${kib(budget.wasmGzipBytes)}`,
      verdict(size.wasm.raw <= budget.wasmRawBytes && size.wasm.gzip <= budget.wasmGzipBytes)],
    ["JS glue (Node)", kib(size.glue.raw), kib(size.glue.gzip), "", ""],
  ];
  if (size.worker.available) {
    rows.push(["Worker bundle (all)", kib(size.worker.total.raw), kib(size.worker.total.gzip), "", ""]);
    rows.push(["  of which JS", kib(size.worker.js.raw), kib(size.worker.js.gzip), "", ""]);
  } else {
    rows.push(["Worker bundle", "not available", size.worker.reason, "", ""]);
  }
  if (budget.targetWasmRawBytes) {
    rows.splice(1, 0, ["  issue's target", "", "", `${kib(budget.targetWasmRawBytes)} / ${kib(budget.targetWasmGzipBytes)}`,
      verdict(size.wasm.raw <= budget.targetWasmRawBytes && size.wasm.gzip <= budget.targetWasmGzipBytes)]);
  }
  table("Size", ["what", "raw", "gzip -9", "budget (raw / gzip)", ""], rows);
}

function coldTable(cold) {
  if (!cold || cold.failed) return console.log(`\nCold start: not measured (${cold?.failed ?? "skipped"})`);
  const rows = [
    ["compile (new WebAssembly.Module)", cold.compileMs.median, cold.compileMs.p90, ""],
    ["instantiate (initSync)", cold.instantiateMs.median, cold.instantiateMs.p90, ""],
    ["first handle()", cold.firstHandleMs.median, cold.firstHandleMs.p90, ""],
    ["together", cold.totalMs.median, cold.totalMs.p90, `< ${budget.coldStartMs} ms: ${verdict(cold.totalMs.median < budget.coldStartMs)}`],
    ["(import of the JS glue, not counted)", cold.importMs.median, cold.importMs.p90, ""],
  ];
  table(`Cold start in Node, ms, ${cold.processes} fresh processes`, ["step", "median", "p90", "target"], rows);
}

function perCallTable(perCall) {
  if (!perCall || perCall.failed) return console.log(`\nPer call: not measured (${perCall?.failed ?? "skipped"})`);
  const rows = perCall.scenarios.map((s) => [
    s.api,
    s.occurrences,
    s.answerBytes,
    `${s.callsPerSec.floor} (${s.usPerCall.floor} µs)`,
    `${s.callsPerSec.gateway} (${s.usPerCall.gateway} µs)`,
    `${s.callsPerSec.rivet} (${s.usPerCall.rivet} µs)`,
    `${s.gatewayOverFloor}x ${verdict(s.gatewayOverFloor <= budget.perCallOverFloor)}`,
    `${s.gatewayOverRivet}x ${verdict(s.gatewayOverRivet < 1)}`,
  ]);
  table(
    "Per call in Node, in-process fetch, calls per CPU second (CPU per call); ratios are gateway time over the other's",
    ["call", "occurrences", "answer bytes", "bare fetch (floor)", "gateway handle()", "@zoom/rivet",
      `gw/floor (<= ${budget.perCallOverFloor})`, "gw/rivet (< 1)"],
    rows,
  );
}

function growthTable(perCall) {
  if (!perCall || perCall.failed) return;
  const gets = perCall.scenarios.filter((s) => s.api === "GET_MEETING");
  const rows = gets.map((s) => [
    s.occurrences,
    s.answerBytes,
    s.usPerCall.floor,
    s.usPerCall.gateway,
    s.usPerCall.rivet,
    round(s.usPerCall.gateway - s.usPerCall.floor),
  ]);
  // The gateway's extra cost per KiB of answer, between the smallest and the largest answer.
  const [small, large] = [gets[0], gets[gets.length - 1]];
  const slope = (name) =>
    round(((large.usPerCall[name] - small.usPerCall[name]) * 1024) / (large.answerBytes - small.answerBytes));
  table(
    `How GET_MEETING's cost grows with the answer, µs per call (per KiB: floor ${slope("floor")}, gateway ${slope("gateway")}, rivet ${slope("rivet")})`,
    ["occurrences", "answer bytes", "floor", "gateway", "rivet", "gateway - floor"],
    rows,
  );
}

function e2eTable(e2e) {
  if (!e2e || e2e.failed) return console.log(`\nEnd to end: not measured (${e2e?.failed ?? "skipped"})`);
  const rows = e2e.rows.map((r) => [
    r.api, r.contender, r.concurrency, r.p50Ms, r.p99Ms, r.perSec, r.clientCpuUs, r.failures ? `${r.failures} failed` : "",
  ]);
  table(
    "End to end over loopback against the simulator: latency ms, calls/s, and the client process's CPU µs per call",
    ["call", "client", "concurrency", "p50", "p99", "per s", "client CPU", ""],
    rows,
  );
  if (!e2e.worker.available) console.log(`Worker in workerd: not available (${e2e.worker.reason})`);
}

function printAll(results) {
  budget = { ...BUDGET, ...results.budget };
  sizeTable(results.size);
  coldTable(results["cold-start"]);
  perCallTable(results["per-call"]);
  growthTable(results["per-call"]);
  e2eTable(results.e2e);
}

async function main() {
  if (process.argv[2] === "--print") {
    printAll(JSON.parse(readFileSync(process.argv[3] ?? RESULTS, "utf8")));
    return;
  }
  if (!existsSync(join(pkgDir(), "zoom_gateway_bg.wasm"))) {
    console.error(`bench: ${pkgDir()} has no build; run scripts/build.sh (make build) first`);
    process.exit(1);
  }
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !SECTIONS[name]);
  if (unknown.length > 0) {
    console.error(`bench: unknown section(s) ${unknown.join(", ")}; known: ${Object.keys(SECTIONS).join(", ")}`);
    process.exit(2);
  }
  const names = asked.length > 0 ? asked : Object.keys(SECTIONS);

  const results = { machine: machine(), budget: BUDGET };
  console.log(
    `bench: ${results.machine.cores} cores (${results.machine.cpu}), Node ${results.machine.node}, ` +
      `load average ${results.machine.loadAverageAtStart.join(" ")}, .wasm ${results.machine.wasmSha256}`,
  );
  if (results.machine.loadAverageAtStart[0] > 1) {
    console.log("bench: NOTE: the machine is busy with other work; timings will be noisy");
  }
  for (const name of names) results[name] = await section(name);
  results.machine.loadAverageAtEnd = loadavg().map((load) => Number(load.toFixed(2)));

  printAll(results);

  writeFileSync(`${RESULTS}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${RESULTS}.tmp`, RESULTS);
  console.log(`\nbench: figures written to ${RESULTS}`);
}

await main();
