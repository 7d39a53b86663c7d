// What the package weighs: the .wasm raw and gzipped, the JS glue, and the Worker bundle that
// `wrangler deploy --dry-run` would upload. Progress to stderr, figures to stdout as JSON.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { pkgDir } from "./lib/contenders.js";

const WORKER_DIR = new URL("../worker/", import.meta.url).pathname;
const GLUE = ["zoom_gateway.js", "handle.js", "drive.js", "node.js"];

const log = (line) => process.stderr.write(`  size: ${line}\n`);

function weigh(bytes) {
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

function sum(parts) {
  return parts.reduce((total, part) => ({ raw: total.raw + part.raw, gzip: total.gzip + part.gzip }), {
    raw: 0,
    gzip: 0,
  });
}

/** The bundle a deploy would upload, or why there is none. */
async function workerBundle() {
  const devJs = join(WORKER_DIR, "dev.js");
  if (!existsSync(devJs) || !existsSync(join(WORKER_DIR, "node_modules", "wrangler"))) {
    return { available: false, reason: "worker/ or its node_modules (wrangler) is missing" };
  }
  const outdir = mkdtempSync(join(tmpdir(), "zoom-gateway-bundle-"));
  try {
    const { dryRun } = await import(devJs);
    await dryRun(outdir);
    const files = readdirSync(outdir, { recursive: true, withFileTypes: true })
      // The modules a deploy uploads; wrangler also leaves a README.md and source maps there.
      .filter((entry) => entry.isFile() && /\.(m?js|wasm)$/.test(entry.name))
      .map((entry) => ({ name: entry.name, ...weigh(readFileSync(join(entry.parentPath, entry.name))) }));
    const js = sum(files.filter(({ name }) => name.endsWith(".js")));
    return { available: true, files, js, total: sum(files) };
  } catch (error) {
    return { available: false, reason: error.message.split("\n").slice(0, 3).join(" ") };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

async function main() {
  const dir = pkgDir();
  const wasm = weigh(readFileSync(join(dir, "zoom_gateway_bg.wasm")));
  log(`.wasm ${wasm.raw} bytes, ${wasm.gzip} gzip`);
  const glueFiles = GLUE.map((name) => ({ name, ...weigh(readFileSync(join(dir, name))) }));
  const glue = { files: glueFiles, ...sum(glueFiles) };
  log(`JS glue for Node (${GLUE.join(", ")}) ${glue.raw} bytes, ${glue.gzip} gzip`);

  log("bundling the Worker with wrangler deploy --dry-run");
  const worker = await workerBundle();
  log(
    worker.available
      ? `Worker bundle ${worker.total.raw} bytes, ${worker.total.gzip} gzip (JS ${worker.js.raw})`
      : `Worker bundle not available: ${worker.reason}`,
  );
  process.stdout.write(`${JSON.stringify({ wasm, glue, worker })}\n`);
}

await main();
