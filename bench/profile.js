// Where the time of one handle() goes: samples V8's CPU profile over many in-process calls and
// sums self time by function and by layer (our JS wrapper, wasm-bindgen's glue, the .wasm,
// the stub fetch, Node's Response, GC). Best with a .wasm that keeps its names:
//   bash bench/profile-build.sh
//   BENCH_PKG=bench/.profile-pkg node bench/profile.js get 1      # or: create 1, get 500
// Prints a report; --json prints the figures instead. --cpuprofile FILE also saves the raw
// profile for Chrome DevTools.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

import { meetingText } from "./lib/answers.js";
import { gatewayCalls, loadGateway } from "./lib/contenders.js";
import { rateFor } from "./lib/stats.js";
import { STUB_API_BASE, stubFetch } from "./lib/stub-fetch.js";

const PROFILE_MS = Number(process.env.BENCH_PROFILE_MS ?? 3000);
const SAMPLING_US = 50;
const TOP = Number(process.env.BENCH_PROFILE_TOP ?? 30);

/** The layer a profile node belongs to, by its script and name. */
function layerOf({ url, functionName }) {
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(program)" || functionName === "(idle)") return "V8 and builtins outside JS";
  if (url.startsWith("wasm://")) return "the .wasm";
  if (url.endsWith("/zoom_gateway.js")) return "wasm-bindgen glue (zoom_gateway.js)";
  if (url.endsWith("/handle.js")) return "our JS wrapper (handle.js)";
  if (url.endsWith("/stub-fetch.js")) return "the stub fetch";
  if (url.includes("/bench/")) return "the benchmark's loop";
  if (url.startsWith("node:") || url.includes("internal/")) return "Node internals (Response, Headers, timers)";
  if (url === "") return "V8 builtins (JSON, TextEncoder/Decoder, Promise)";
  return "other";
}

function keyOf({ functionName, url, lineNumber }) {
  const script = url.startsWith("wasm://") ? "wasm" : url.split("/").pop();
  return `${functionName || "(anonymous)"}  [${script}${script === "wasm" ? "" : `:${lineNumber + 1}`}]`;
}

function summarize(profile, calls) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  const self = new Map();
  const inclusive = new Map();
  const byLayer = new Map();
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
  let total = 0;
  // Each sample's time goes to its leaf (self) and once to every function on its stack.
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    const leaf = nodes.get(id);
    if (!leaf || leaf.callFrame.functionName === "(idle)") return;
    total += us;
    add(self, keyOf(leaf.callFrame), us);
    add(byLayer, layerOf(leaf.callFrame), us);
    const seen = new Set();
    for (let node = leaf; node; node = nodes.get(parents.get(node.id))) {
      const key = keyOf(node.callFrame);
      if (!seen.has(key)) add(inclusive, key, us);
      seen.add(key);
    }
  });

  const perCall = (us) => Number((us / calls).toFixed(2));
  const share = (us) => Number(((100 * us) / total).toFixed(1));
  const rank = (map, top = Infinity) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, usPerCall: perCall(us), percent: share(us) }));
  return {
    calls,
    usPerCall: perCall(total),
    layers: rank(byLayer),
    self: rank(self, TOP),
    inclusive: rank(inclusive, TOP).filter(({ name }) => !name.startsWith("(root)")),
  };
}

function print(summary, label) {
  console.log(`\n${label}: ${summary.calls} calls, ${summary.usPerCall} µs of CPU per call sampled`);
  console.log("\nBy layer (self time)");
  for (const { name, usPerCall, percent } of summary.layers) {
    console.log(`  ${String(percent).padStart(5)}%  ${String(usPerCall).padStart(8)} µs  ${name}`);
  }
  for (const [title, rows] of [
    [`Top ${TOP} functions by self time`, summary.self],
    [`Top ${TOP} functions by inclusive time (with what they call)`, summary.inclusive],
  ]) {
    console.log(`\n${title}`);
    for (const { name, usPerCall, percent } of rows) {
      console.log(`  ${String(percent).padStart(5)}%  ${String(usPerCall).padStart(8)} µs  ${name}`);
    }
  }
}

async function main() {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((arg) => arg.startsWith("--")));
  const saveAt = args.indexOf("--cpuprofile");
  const [call = "get", occurrences = "1"] = args.filter(
    (arg, i) => !arg.startsWith("--") && (saveAt < 0 || i !== saveAt + 1),
  );

  const fetch = stubFetch({ meetingText: meetingText(Number(occurrences)) });
  const calls = gatewayCalls(await loadGateway(), { apiBase: STUB_API_BASE, fetch });
  const once = calls[call];
  if (!once) throw new Error(`unknown call ${call}: get or create`);
  await rateFor(once, 1000);

  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: SAMPLING_US });
  await session.post("Profiler.start");
  const rate = await rateFor(once, PROFILE_MS);
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();

  if (saveAt >= 0) writeFileSync(args[saveAt + 1], JSON.stringify(profile));
  const summary = summarize(profile, Math.round((rate * PROFILE_MS) / 1000));
  const label = `${call} with ${occurrences} occurrence(s), ${Math.round(rate)} calls/s while profiled`;
  if (flags.has("--json")) console.log(JSON.stringify({ label, ...summary }));
  else print(summary, label);
}

await main();
