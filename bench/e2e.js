// End to end over loopback: the simulator in its own process, and against it the gateway's
// handle() with Node's fetch, @zoom/rivet with its default (http) adapter, a bare fetch, and
// the gateway as a Worker in workerd. Latency p50/p99 and throughput at several concurrencies.
// Progress to stderr, figures to stdout as JSON.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";

import { floorCalls, gatewayCalls, loadGateway, rivetCalls } from "./lib/contenders.js";
import { median, nowMs, quantile, round } from "./lib/stats.js";

const LEVELS = [1, 16, 64];
// Each level runs ROUNDS rounds, each contender ROUND_MS in each, in a rotating order, so
// that a neighbour's burst of CPU on this 2-core machine does not land on one contender only.
const ROUNDS = Number(process.env.BENCH_E2E_ROUNDS ?? 3);
const ROUND_MS = Number(process.env.BENCH_E2E_ROUND_MS ?? 600);
const WARM_UP_MS = 500;
// However fast a contender is, one round stops after this many calls.
const MAX_CALLS = 100_000;
const CALLS = [
  { api: "GET_MEETING", call: "get" },
  { api: "CREATE_MEETING", call: "create" },
];
const WORKER_DEV = new URL("../worker/dev.js", import.meta.url);

const log = (line) => process.stderr.write(`  e2e: ${line}\n`);

/** Starts the simulator's process and resolves to what it printed, and a way to stop it. */
async function startSimProcess() {
  const child = spawn(process.execPath, [new URL("./lib/sim-process.js", import.meta.url).pathname], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    new Promise((resolve) => lines.once("line", resolve)),
    exited.then((code) => Promise.reject(new Error(`the simulator's process exited (${code}) before it listened`))),
  ]);
  return {
    ...JSON.parse(first),
    stop: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The gateway behind the Worker: POST the event, read the envelope. */
function workerCalls(workerUrl, gateway) {
  const post = async (event) => {
    const answer = await fetch(workerUrl, { method: "POST", body: JSON.stringify(event) });
    const envelope = await answer.json();
    if (envelope.error !== 0) throw new Error(`worker: error ${envelope.error}: ${envelope.msg}`);
    return envelope.body;
  };
  return { get: () => post(gateway.events.get), create: () => post(gateway.events.create) };
}

async function startWorkerIfThere(sim) {
  if (!existsSync(WORKER_DEV)) return { reason: "worker/dev.js is missing" };
  try {
    const { startWorker } = await import(WORKER_DEV.href);
    const worker = await startWorker({
      port: 0,
      bindings: {
        ZOOM_API_BASE: sim.apiBase,
        ZOOM_OAUTH_BASE: sim.oauthBase,
        ZOOM_CLIENT_ID: "sim-client-id",
        ZOOM_CLIENT_SECRET: "sim-client-secret",
      },
      onLog: () => {},
    });
    return { worker };
  } catch (error) {
    return { reason: `the Worker did not start: ${error.message.split("\n")[0]}` };
  }
}

/** `concurrency` loops of one call after another, for `ms` or `MAX_CALLS` in all. */
async function load(call, concurrency, ms) {
  const latencies = [];
  const cpuStart = process.cpuUsage();
  const start = nowMs();
  const stop = start + ms;
  let failures = 0;
  let firstFailure;
  const loop = async () => {
    while (nowMs() < stop && latencies.length + failures < MAX_CALLS) {
      const sent = nowMs();
      try {
        await call();
        latencies.push(nowMs() - sent);
      } catch (error) {
        failures++;
        firstFailure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = nowMs() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { latencies, failures, firstFailure, elapsed, cpuUs: cpu.user + cpu.system };
}

async function measure(contenders, { api, call }) {
  const names = Object.keys(contenders);
  for (const name of names) await load(contenders[name][call], 16, WARM_UP_MS);

  const rows = [];
  for (const concurrency of LEVELS) {
    const runs = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length];
        runs[name].push(await load(contenders[name][call], concurrency, ROUND_MS));
      }
    }
    for (const name of names) {
      const latencies = runs[name].flatMap((run) => run.latencies);
      const failures = runs[name].reduce((total, run) => total + run.failures, 0);
      const firstFailure = runs[name].find((run) => run.firstFailure)?.firstFailure;
      const row = {
        api,
        contender: name,
        concurrency,
        calls: latencies.length,
        failures,
        p50Ms: round(quantile(latencies, 0.5)),
        p99Ms: round(quantile(latencies, 0.99)),
        perSec: round(median(runs[name].map((run) => (run.latencies.length * 1000) / run.elapsed))),
        // This process's CPU per call: the client's own cost, which a busy machine disturbs least.
        clientCpuUs: round(median(runs[name].map((run) => run.cpuUs / Math.max(1, run.latencies.length)))),
      };
      if (firstFailure) row.firstFailure = String(firstFailure.message ?? firstFailure).slice(0, 200);
      rows.push(row);
      log(
        `${api} ${name} x${concurrency}: p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, ${row.perSec}/s, ` +
          `client CPU ${row.clientCpuUs} µs/call` +
          (failures ? `, ${failures} FAILED (${row.firstFailure})` : ""),
      );
    }
  }
  return rows;
}

async function main() {
  log("starting the simulator in its own process");
  const sim = await startSimProcess();
  let worker;
  try {
    const handle = await loadGateway();
    const options = { apiBase: sim.apiBase, oauthBase: sim.oauthBase, token: sim.token, meetingId: sim.meetingId };
    const gateway = gatewayCalls(handle, options);
    const contenders = { floor: floorCalls(options), gateway, rivet: rivetCalls(options) };

    log("starting the Worker in workerd");
    const started = await startWorkerIfThere(sim);
    worker = started.worker;
    if (worker) contenders.worker = workerCalls(worker.url, gateway);
    else log(`Worker: not available (${started.reason})`);

    const rows = [];
    for (const call of CALLS) rows.push(...(await measure(contenders, call)));
    process.stdout.write(
      `${JSON.stringify({ rounds: ROUNDS, roundMs: ROUND_MS, worker: worker ? { available: true } : { available: false, reason: started.reason }, rows })}\n`,
    );
  } finally {
    await worker?.close();
    await sim.stop();
  }
}

await main();
