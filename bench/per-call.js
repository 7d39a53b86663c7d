// Per-call cost in Node with an in-process fetch that answers at once: the gateway's handle()
// against a bare fetch plus JSON.parse (the floor) and against @zoom/rivet, all in one process,
// in interleaved rounds so that drift and warm-up touch each alike.
// Progress goes to stderr; the figures go to stdout as one JSON document.
import axios from "axios";

import { meetingText } from "./lib/answers.js";
import { floorCalls, gatewayCalls, loadGateway, rivetCalls } from "./lib/contenders.js";
import { median, rateFor, ratesFor, round } from "./lib/stats.js";
import { STUB_API_BASE, stubFetch } from "./lib/stub-fetch.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 250);
const WARM_UP_MS = 400;
const CONTENDERS = ["floor", "gateway", "rivet"];

const SCENARIOS = [
  { api: "GET_MEETING", call: "get", occurrences: 1 },
  { api: "CREATE_MEETING", call: "create", occurrences: 1 },
  { api: "GET_MEETING", call: "get", occurrences: 50 },
  { api: "GET_MEETING", call: "get", occurrences: 500 },
];

const log = (line) => process.stderr.write(`  per-call: ${line}\n`);

/** The answer this scenario's calls get, and the three contenders wired to it. */
function wire(handle, { occurrences }) {
  const text = meetingText(occurrences);
  const fetch = stubFetch({ meetingText: text });
  // Rivet goes through axios, whose Node default is its http adapter; its fetch adapter
  // takes the same in-process fetch, which is the closest like-for-like there is.
  axios.defaults.adapter = "fetch";
  axios.defaults.env = { ...axios.defaults.env, fetch };

  const options = { apiBase: STUB_API_BASE, fetch };
  const contenders = {
    floor: floorCalls(options),
    gateway: gatewayCalls(handle, options),
    rivet: rivetCalls(options),
  };
  return { bytes: Buffer.byteLength(text), contenders };
}

async function checkSame(contenders, call) {
  const answers = await Promise.all(CONTENDERS.map((name) => contenders[name][call]()));
  const texts = answers.map((answer) => JSON.stringify(answer));
  if (texts.some((text) => text !== texts[0])) {
    throw new Error(`the contenders' ${call} answers differ: ${texts.map((t) => t.slice(0, 80)).join(" | ")}`);
  }
}

async function measure(handle, scenario) {
  const { bytes, contenders } = wire(handle, scenario);
  await checkSame(contenders, scenario.call);

  for (const name of CONTENDERS) await rateFor(contenders[name][scenario.call], WARM_UP_MS);
  const runs = Object.fromEntries(CONTENDERS.map((name) => [name, []]));
  for (let turn = 0; turn < ROUNDS; turn++) {
    // Each round starts with a different contender, so none is always first after a GC.
    for (let i = 0; i < CONTENDERS.length; i++) {
      const name = CONTENDERS[(turn + i) % CONTENDERS.length];
      runs[name].push(await ratesFor(contenders[name][scenario.call], ROUND_MS));
    }
  }

  // Calls per second of CPU time: the figures of record. Wall time is kept for reference.
  const rates = Object.fromEntries(CONTENDERS.map((name) => [name, runs[name].map((run) => run.cpu)]));
  const byName = (figure) => Object.fromEntries(CONTENDERS.map((name) => [name, round(figure(name))]));
  const callsPerSec = byName((name) => median(rates[name]));
  const result = {
    api: scenario.api,
    occurrences: scenario.occurrences,
    answerBytes: bytes,
    callsPerSec,
    usPerCall: byName((name) => 1e6 / callsPerSec[name]),
    // Cost ratios: how many times the time per call of the floor, or of rivet, the gateway takes,
    // the median of each round's own ratio, as a round's contenders ran back to back.
    gatewayOverFloor: round(median(rates.floor.map((floor, i) => floor / rates.gateway[i]))),
    gatewayOverRivet: round(median(rates.rivet.map((rivet, i) => rivet / rates.gateway[i]))),
    spread: byName((name) => Math.max(...rates[name]) / Math.min(...rates[name])),
    wallCallsPerSec: byName((name) => median(runs[name].map((run) => run.wall))),
  };
  log(
    `${scenario.api} with ${scenario.occurrences} occurrence(s), ${bytes} bytes: ` +
      CONTENDERS.map((name) => `${name} ${callsPerSec[name]}/s`).join(", ") +
      `; gateway/floor ${result.gatewayOverFloor}x, gateway/rivet ${result.gatewayOverRivet}x`,
  );
  return result;
}

async function main() {
  const handle = await loadGateway();
  log(`${ROUNDS} rounds of ${ROUND_MS} ms per contender and scenario`);
  const scenarios = [];
  for (const scenario of SCENARIOS) scenarios.push(await measure(handle, scenario));
  process.stdout.write(`${JSON.stringify({ rounds: ROUNDS, roundMs: ROUND_MS, scenarios })}\n`);
}

await main();
