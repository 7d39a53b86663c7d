// Checks the built .wasm against the size budget in bench/budget.json, raw and gzipped.
// SIZE_BUDGET=warn reports an overrun loudly but exits 0, for while the module is being shrunk.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const root = new URL("../", import.meta.url);
const wasmPath = "pkg/zoom_gateway_bg.wasm";
const budget = JSON.parse(readFileSync(new URL("bench/budget.json", root), "utf8"));

let wasm;
try {
  wasm = readFileSync(new URL(wasmPath, root));
} catch (error) {
  console.error(`size budget: cannot read ${wasmPath} (${error.code ?? error.message}); run scripts/build.sh first`);
  process.exit(1);
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const checks = [
  { what: "raw", bytes: wasm.length, limit: budget.wasmRawBytes },
  { what: "gzip -9", bytes: gzipSync(wasm, { level: 9 }).length, limit: budget.wasmGzipBytes },
];

for (const { what, bytes, limit } of checks) {
  const verdict = bytes <= limit ? "ok" : `OVER by ${kib(bytes - limit)}`;
  console.log(`size budget: ${wasmPath} ${what}: ${bytes} bytes (${kib(bytes)}) of ${limit} (${kib(limit)}): ${verdict}`);
}

const over = checks.filter(({ bytes, limit }) => bytes > limit);
if (over.length === 0) process.exit(0);

const summary = over.map(({ what }) => what).join(" and ");
if (process.env.SIZE_BUDGET === "warn") {
  console.warn("");
  console.warn("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
  console.warn(`!! WARNING: the .wasm is over its ${summary} budget (bench/budget.json).`);
  console.warn("!! SIZE_BUDGET=warn is set, so this does not fail the run. Unset it to enforce.");
  console.warn("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
  process.exit(0);
}
console.error(`size budget: FAILED: the .wasm is over its ${summary} budget; see bench/README.md for what costs.`);
process.exit(1);
