// `wrangler deploy --dry-run` builds the bundle a deploy would upload: the Worker, the package's
// workerd entry and its .wasm as a module of its own.

import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { gzipSync } from "node:zlib";
import { dryRun } from "../dev.js";

const outdir = mkdtempSync(join(tmpdir(), "zoom-gateway-worker-"));
after(() => rmSync(outdir, { recursive: true, force: true }));

test("wrangler deploy --dry-run builds the Worker with its .wasm as a module", async (t) => {
  const { stdout } = await dryRun(outdir);

  const files = readdirSync(outdir);
  assert.ok(files.includes("index.js"), `no index.js in ${files}`);
  const wasmFiles = files.filter((name) => name.endsWith(".wasm"));
  assert.equal(wasmFiles.length, 1, `wasm files: ${wasmFiles}`);

  // The .wasm is the package's own, untouched, and the script imports it by its name, which
  // is how workerd receives a compiled WebAssembly.Module.
  const wasm = readFileSync(join(outdir, wasmFiles[0]));
  const pkgDir = dirname(createRequire(import.meta.url).resolve("zoom-gateway/package.json"));
  assert.ok(wasm.equals(readFileSync(join(pkgDir, "zoom_gateway_bg.wasm"))));
  const script = readFileSync(join(outdir, "index.js"), "utf8");
  assert.match(
    script,
    new RegExp(`^import \\w+ from "\\./${wasmFiles[0].replace(/\./g, "\\.")}";$`, "m"),
  );
  // The workerd entry was picked: it calls initSync with the imported module.
  assert.match(script, /initSync\(\{\s*module\b/);

  // wrangler's own figure for the upload, and ours, for the record.
  const total = stdout.match(/Total Upload: ([\d.]+ KiB) \/ gzip: ([\d.]+ KiB)/);
  assert.ok(total, `no size line in:\n${stdout}`);
  const raw = Buffer.byteLength(script) + wasm.length;
  const gzip = gzipSync(script).length + gzipSync(wasm).length;
  t.diagnostic(`wrangler: ${total[1]} raw, ${total[2]} gzip`);
  t.diagnostic(
    `index.js ${Buffer.byteLength(script)} B + ${wasmFiles[0]} ${wasm.length} B = ` +
      `${raw} B raw, ${gzip} B gzip`,
  );
});

test("the compatibility date is one the bundled workerd supports", async () => {
  const { unstable_readConfig } = await import("wrangler");
  const config = unstable_readConfig({
    config: new URL("../wrangler.toml", import.meta.url).pathname,
  });
  assert.match(config.compatibility_date, /^\d{4}-\d{2}-\d{2}$/);
  assert.ok(config.compatibility_date <= "2026-05-03", config.compatibility_date);
  assert.equal(config.main, new URL("../src/index.js", import.meta.url).pathname);
  assert.equal(config.vars.MAX_BODY_BYTES, "65536");
});
