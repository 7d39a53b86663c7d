// `make demo`: starts the console page, the Zoom simulator and the Worker in workerd, walks
// through a session printing every event and envelope, then serves the console until Ctrl-C.
// ONCE=1 exits after the walkthrough: 0 when every step gave its expected code, else 1.
// With ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET and ZOOM_REDIRECT_URI set, it uses real Zoom.

import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { startDemo, wantsRealZoom } from "./servers.js";
import { painter, redactUrl, wantsColour } from "./transcript.js";
import { codeFromRedirect, runWalkthrough } from "./walkthrough.js";

const HOST = "127.0.0.1";
const CODE_WAIT_MS = 10 * 60 * 1000;

const env = process.env;
const once = ["1", "true", "yes"].includes((env.ONCE ?? "").toLowerCase());
const real = wantsRealZoom(env);
const paint = painter(wantsColour(process.stdout));
const say = (line = "") => console.log(line);

let demo;
let stopping;

async function main() {
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  const ports = {
    consolePort: await portOrAny("console page", env.DEMO_PORT, 8080),
    workerPort: await portOrAny("Worker", env.DEMO_WORKER_PORT, 8787),
    simPort: real ? 0 : await portOrAny("simulator", env.DEMO_SIM_PORT, 8790),
  };

  say(real ? "Starting the demo against real Zoom…" : "Starting the demo…");
  let serving = false;
  demo = await startDemo({
    host: HOST,
    ...ports,
    real,
    onWorkerLog: (line) => serving && say(paint("dim", `worker: ${line}`)),
  });
  printServers();

  const result = await runWalkthrough(demo, {
    out: say,
    colour: wantsColour(process.stdout),
    getCode: real ? waitForCode : undefined,
  });

  if (once) {
    await demo.close();
    process.exitCode = result.ok ? 0 : 1;
    return;
  }

  serving = true;
  say();
  say(paint("bold", `Console page: ${demo.consoleUrl}`));
  say("Open it to sign in and manage meetings in your browser; its calls are logged below.");
  say("Ctrl-C stops the demo.");
}

function printServers() {
  say(`  console page   ${demo.consoleUrl}`);
  say(`  Worker         ${demo.workerUrl}   (the gateway in workerd: POST an event)`);
  if (demo.sim) {
    say(`  Zoom simulator ${demo.sim.url}`);
  } else {
    say(`  Zoom           ${demo.oauthBase} and ${demo.apiBase}`);
  }
}

/**
 * `wanted` (from the environment, or the default) when it is free, else 0 so the system picks
 * one: a second demo, or anything else on 8080, should not stop this one.
 */
async function portOrAny(what, given, fallback) {
  const wanted = given === undefined || given === "" ? fallback : Number(given);
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
    throw new Error(`the ${what}'s port must be a number from 0 to 65535, not ${given}`);
  }
  if (wanted === 0 || (await isFree(wanted))) return wanted;
  say(paint("yellow", `Port ${wanted} for the ${what} is busy; using a free one instead.`));
  return 0;
}

function isFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}

/**
 * Real Zoom's login needs a person. The authorize URL is printed; the code arrives either
 * through the console server, when the redirect URI points there, or pasted on stdin (the
 * code alone, or the whole address the browser was sent to).
 */
function waitForCode(authorizeUrl, state) {
  say();
  say("Open this address in a browser and sign in to Zoom:");
  say(`  ${authorizeUrl}`);
  say(`Zoom then sends the browser to ${demo.redirectUri}`);
  if (reachesConsole(demo.redirectUri)) {
    say("which is this demo's console server: it picks the code up by itself. You can also");
  } else {
    say(`which is not this demo's console server (${demo.consoleUrl}).`);
  }
  say("paste the address the browser ended on (or just its code) here and press Enter.");

  return new Promise((resolve, reject) => {
    const done = (finish) => {
      clearTimeout(timer);
      demo.site.onConsoleRequest = undefined;
      lines?.close();
      finish();
    };
    const timer = setTimeout(
      () => done(() => reject(new Error("no code arrived within 10 minutes"))),
      CODE_WAIT_MS,
    );

    demo.site.onConsoleRequest = (request, response) => {
      const address = new URL(request.url, demo.consoleUrl);
      if (address.searchParams.get("state") !== state) return false;
      response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      response.end("The demo has the code. Go back to the terminal.\n");
      say(`The browser came back: ${redactUrl(address.href)}`);
      try {
        const code = codeFromRedirect(address.href, state);
        done(() => resolve(code));
      } catch (error) {
        done(() => reject(error));
      }
      return true;
    };

    const lines = process.stdin.readable ? createInterface({ input: process.stdin }) : null;
    lines?.on("SIGINT", () => process.emit("SIGINT"));
    lines?.on("line", (line) => {
      const text = line.trim();
      if (text === "") return;
      if (!/^https?:\/\//.test(text)) {
        done(() => resolve(text));
        return;
      }
      try {
        const code = codeFromRedirect(text, state);
        done(() => resolve(code));
      } catch (error) {
        say(`That address has no code for this login (${error.message}); try again.`);
      }
    });
  });
}

/** Whether a browser sent to `uri` lands on the console server ("localhost" included). */
function reachesConsole(uri) {
  const target = new URL(uri);
  const served = new URL(demo.consoleUrl);
  const loopback = ["localhost", "127.0.0.1", "[::1]"];
  const sameHost =
    target.hostname === served.hostname ||
    (loopback.includes(target.hostname) && loopback.includes(served.hostname));
  return target.protocol === "http:" && sameHost && target.port === served.port;
}

async function stop() {
  if (stopping) return;
  stopping = true;
  say();
  say("Stopping…");
  await demo?.close();
  process.exit(0);
}

main().catch(async (error) => {
  console.error(paint("red", `The demo failed: ${error.message}`));
  await demo?.close();
  process.exit(1);
});
