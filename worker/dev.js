// Runs the Worker on this machine in the real workerd, as it would be deployed: wrangler
// bundles it (`wrangler deploy --dry-run`) and Miniflare serves that bundle. For the tests,
// the demo and the benchmarks.

import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(HERE, "dist");
const CONFIG = join(HERE, "wrangler.toml");

let bundling;

/**
 * Starts the Worker on `host:port` (port 0: any free one). `bindings` are added to, or
 * replace, the `[vars]` of wrangler.toml, so they carry the config and the secrets by their
 * contract names. `onLog(line)` receives each line the Worker logs; without it they are
 * printed as Miniflare prints them.
 */
export async function startWorker({ bindings = {}, port = 0, host = "127.0.0.1", onLog } = {}) {
  bundling ??= bundle();
  const scriptDir = await bundling;
  const config = await readConfig();

  const mf = new Miniflare({
    name: config.name,
    scriptPath: join(scriptDir, "index.js"),
    modules: true,
    // workerd names the modules by their paths below this folder, as a deploy uploads them.
    modulesRoot: scriptDir,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    bindings: { ...config.vars, ...bindings },
    host,
    port,
    // Miniflare would otherwise fetch request.cf's data from Cloudflare at start; tests reach
    // no address off this machine, and the Worker does not read request.cf.
    cf: false,
    // Miniflare checks that this handler returns nothing, so onLog's result is dropped.
    ...(onLog && {
      handleStructuredLogs: ({ message }) => {
        onLog(message);
      },
    }),
  });

  let url;
  try {
    url = await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw error;
  }
  let closed;
  return {
    url: url.origin,
    mf,
    close: () => (closed ??= mf.dispose()),
  };
}

/** wrangler.toml as wrangler reads it. Imported late: wrangler takes a second to load. */
async function readConfig() {
  const { unstable_readConfig } = await import("wrangler");
  return unstable_readConfig({ config: CONFIG });
}

/**
 * The folder of the bundle for the current sources. Each bundle is kept under dist/ by a hash
 * of what goes into it, so a second process (node --test runs files in parallel) reuses it,
 * and one that builds at the same time as another cannot leave a half-written folder.
 */
async function bundle() {
  const target = join(DIST, `bundle-${inputsHash()}`);
  if (existsSync(join(target, "index.js"))) {
    return target;
  }

  const building = join(DIST, `.building-${process.pid}-${randomBytes(4).toString("hex")}`);
  mkdirSync(DIST, { recursive: true });
  try {
    await dryRun(building);
    renameSync(building, target);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    // Another process finished the same bundle first: use theirs.
    if (!existsSync(join(target, "index.js"))) throw error;
  }
  removeOtherBundles(target);
  return target;
}

/** Runs `wrangler deploy --dry-run --outdir DIR`: the bundle a deploy would upload. */
export async function dryRun(outdir) {
  const wrangler = join(HERE, "node_modules", "wrangler", "bin", "wrangler.js");
  if (!existsSync(wrangler)) {
    throw new Error("worker/node_modules is missing: run `npm ci` in worker/ first");
  }
  const run = promisify(execFile);
  try {
    return await run(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir], {
      cwd: HERE,
      // Nothing here leaves the machine: no telemetry, and no banner, whose update check
      // would ask the npm registry for wrangler's latest version.
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const output = `${error.stdout}${error.stderr}`;
    throw new Error(`wrangler deploy --dry-run failed:\n${output}`, { cause: error });
  }
}

/** A hash of the Worker's sources, wrangler.toml, the lock file and the zoom-gateway package. */
function inputsHash() {
  const hash = createHash("sha256");
  const files = [
    ...filesUnder(join(HERE, "src")),
    CONFIG,
    join(HERE, "package-lock.json"),
    ...filesUnder(packageDir()),
  ];
  for (const file of files) {
    hash.update(`${relative(HERE, file)}\0`);
    hash.update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 16);
}

/** Where `zoom-gateway` resolves from here: the repository's pkg/, through npm's link. */
function packageDir() {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve("zoom-gateway/package.json"));
  } catch (error) {
    throw new Error(
      "the zoom-gateway package is missing: build pkg/ at the repository's root " +
        "(`make build`), then run `npm ci` in worker/",
      { cause: error },
    );
  }
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function removeOtherBundles(keep) {
  for (const entry of readdirSync(DIST)) {
    const path = join(DIST, entry);
    if (entry.startsWith("bundle-") && path !== keep) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}
