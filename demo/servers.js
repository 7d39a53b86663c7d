// The demo's three servers on one machine: the console page (www/ and the built package),
// the Zoom simulator, and the gateway as a Worker in workerd, wired to each other.

import { createServer } from "node:http";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import sirv from "sirv";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WWW = join(ROOT, "www");
const PKG = join(ROOT, "pkg");

const ZOOM_API_BASE = "https://api.zoom.us/v2";
const ZOOM_OAUTH_BASE = "https://zoom.us";
const REQUIRED_FOR_REAL = ["ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_REDIRECT_URI"];

/** True when the environment names a real Zoom app, so the demo runs against Zoom itself. */
export function wantsRealZoom(env = process.env) {
  return REQUIRED_FOR_REAL.every((name) => typeof env[name] === "string" && env[name] !== "");
}

/**
 * The gateway's config for real Zoom, read from the environment by the contract's names.
 * Throws naming the variables that are missing.
 */
export function realZoomConfig(env = process.env) {
  const missing = REQUIRED_FOR_REAL.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(`real-Zoom mode needs ${missing.join(", ")} in the environment`);
  }
  const config = {
    ZOOM_CLIENT_ID: env.ZOOM_CLIENT_ID,
    ZOOM_CLIENT_SECRET: env.ZOOM_CLIENT_SECRET,
    ZOOM_REDIRECT_URI: env.ZOOM_REDIRECT_URI,
    ZOOM_API_BASE: env.ZOOM_API_BASE || ZOOM_API_BASE,
    ZOOM_OAUTH_BASE: env.ZOOM_OAUTH_BASE || ZOOM_OAUTH_BASE,
  };
  if (env.ZOOM_TIMEOUT_MS) config.ZOOM_TIMEOUT_MS = env.ZOOM_TIMEOUT_MS;
  return config;
}

/** The gateway's config for a simulator: its own client, bases and the console's callback. */
export function simulatorConfig(sim, redirectUri) {
  return {
    ZOOM_CLIENT_ID: sim.options.clientId,
    ZOOM_CLIENT_SECRET: sim.options.clientSecret,
    ZOOM_REDIRECT_URI: redirectUri,
    ZOOM_API_BASE: sim.apiBase,
    ZOOM_OAUTH_BASE: sim.oauthBase,
  };
}

/**
 * What the console page reads from `/demo-config.json`. The client secret is there only for
 * a simulator, whose secret is public, so the page can also run the gateway in the browser;
 * against real Zoom it never leaves the Worker.
 */
export function consoleConfig({ workerUrl, config, simulator }) {
  const answer = {
    workerUrl,
    oauthBase: config.ZOOM_OAUTH_BASE,
    apiBase: config.ZOOM_API_BASE,
    clientId: config.ZOOM_CLIENT_ID,
    redirectUri: config.ZOOM_REDIRECT_URI,
    simulator,
  };
  if (simulator) answer.clientSecret = config.ZOOM_CLIENT_SECRET;
  return answer;
}

/**
 * The origins allowed to call the Worker from a browser: the console's, and for a loopback
 * address also the same port under `localhost`, which people type as often.
 */
export function consoleOrigins(consoleUrl) {
  const origin = new URL(consoleUrl);
  const origins = [origin.origin];
  if (origin.hostname === "127.0.0.1") {
    origins.push(`${origin.protocol}//localhost:${origin.port}`);
  }
  return origins.join(",");
}

/**
 * Starts the console's static server, then (unless `real`) the simulator, then the Worker,
 * each on `host` and its port (0: any free one). With `real`, the Worker gets the ZOOM_*
 * variables of `env` and there is no simulator. `close()` stops all three.
 *
 * `onConsoleRequest(request, response)`, when given, sees each request to the console server
 * first and returns true when it has answered it (the walkthrough uses it to catch a real
 * Zoom redirect).
 */
export async function startDemo({
  host = "127.0.0.1",
  consolePort = 0,
  workerPort = 0,
  simPort = 0,
  real = false,
  quiet = true,
  env = process.env,
  onConsoleRequest,
  onWorkerLog,
} = {}) {
  const running = [];
  const close = () => Promise.allSettled(running.reverse().map((server) => server.close()));

  try {
    const site = { config: null, onConsoleRequest };
    const consoleServer = await startConsole({ host, port: consolePort, site });
    running.push(consoleServer);
    const consoleUrl = consoleServer.url;
    const callback = `${consoleUrl}/callback.html`;

    let sim = null;
    let config;
    if (real) {
      config = realZoomConfig(env);
    } else {
      const { startSimulator } = await import("../sim/index.js");
      sim = await startSimulator({ host, port: simPort, redirectUri: [callback], quiet });
      running.push(sim);
      config = simulatorConfig(sim, callback);
    }

    const { startWorker } = await import("../worker/dev.js");
    const worker = await startWorker({
      host,
      port: workerPort,
      bindings: { ...config, ALLOWED_ORIGINS: consoleOrigins(consoleUrl) },
      onLog: onWorkerLog ?? (quiet ? () => {} : undefined),
    });
    running.push(worker);

    site.config = consoleConfig({ workerUrl: worker.url, config, simulator: !real });
    return {
      consoleUrl,
      workerUrl: worker.url,
      sim,
      oauthBase: config.ZOOM_OAUTH_BASE,
      apiBase: config.ZOOM_API_BASE,
      clientId: config.ZOOM_CLIENT_ID,
      redirectUri: config.ZOOM_REDIRECT_URI,
      site,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The console's static server: `/demo-config.json` from `site.config`, `/pkg/` from the built
 * package, everything else from www/. Files are looked up on each request, so pages written
 * while the demo runs are served too.
 */
async function startConsole({ host, port, site }) {
  const www = sirv(WWW, { dev: true, etag: true });
  const pkg = sirv(PKG, { dev: true, etag: true });

  const server = createServer((request, response) => {
    if (site.onConsoleRequest?.(request, response)) return;
    const path = request.url.split("?")[0];

    if (path === "/demo-config.json") {
      sendJson(response, site.config ?? { starting: true });
    } else if (path === "/pkg" || path.startsWith("/pkg/")) {
      request.url = request.url.slice("/pkg".length) || "/";
      pkg(request, response, () => notFound(response, "pkg/ has no such file: run `make build`"));
    } else {
      www(request, response, () => notFound(response, missingPageHint(path)));
    }
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closed;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      (closed ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function missingPageHint(path) {
  if (path === "/" && !existsSync(join(WWW, "index.html"))) {
    return "The console page (www/) is not there yet; the Worker and the simulator still run.";
  }
  return "Not found";
}

function sendJson(response, value) {
  response.writeHead(200, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(JSON.stringify(value, null, 2));
}

function notFound(response, text) {
  response.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
  response.end(`${text}\n`);
}
