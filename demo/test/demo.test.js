// The demo end to end on loopback: the walkthrough against startDemo() in both modes, what
// it prints, the console server's answers, and run.js as `make demo ONCE=1` runs it.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startSimulator } from "../../sim/index.js";
import { consoleConfig, realZoomConfig, startDemo, wantsRealZoom } from "../servers.js";
import { codeFromRedirect, runWalkthrough } from "../walkthrough.js";

const DEMO = join(dirname(fileURLToPath(import.meta.url)), "..");
const SIM_SECRET = "sim-client-secret";

/**
 * Replaces the global fetch for the duration of `work` with one that keeps every credential
 * passing by: string values at credential keys of JSON answers, and codes in redirects.
 */
async function recordingSecrets(work) {
  const secrets = new Set([SIM_SECRET]);
  const original = globalThis.fetch;
  globalThis.fetch = async (...args) => {
    const response = await original(...args);
    const location = response.headers.get("location");
    const code = location && new URL(location).searchParams.get("code");
    if (code) secrets.add(code);
    if ((response.headers.get("content-type") ?? "").includes("json")) {
      collectSecrets(await response.clone().json(), secrets);
    }
    return response;
  };
  try {
    return { result: await work(), secrets };
  } finally {
    globalThis.fetch = original;
  }
}

const CREDENTIAL_KEYS =
  /^(token|refresh_token|access|refresh|accessToken|refreshToken|access_token|start_url|encrypted_password)$/;

function collectSecrets(value, secrets, key = "") {
  if (typeof value === "string" && value.length > 4 && CREDENTIAL_KEYS.test(key)) {
    secrets.add(value);
  } else if (value !== null && typeof value === "object") {
    for (const [name, item] of Object.entries(value)) collectSecrets(item, secrets, name);
  }
}

function assertNoSecretPrinted(lines, secrets) {
  assert.ok(secrets.size > 5, "the walkthrough should have seen tokens and a code");
  const text = lines.join("\n");
  for (const secret of secrets) {
    assert.ok(
      !text.includes(secret),
      `a printed line holds a whole secret (${secret.slice(0, 4)}…)`,
    );
  }
}

describe("the walkthrough against the simulator", () => {
  let demo;
  const lines = [];
  let run;

  before(async () => {
    demo = await startDemo();
    run = await recordingSecrets(() =>
      runWalkthrough(demo, { out: (line) => lines.push(line), colour: false }),
    );
  });
  after(() => demo?.close());

  test("every step gives its expected code", () => {
    const codes = run.result.steps.map((step) => [step.title, step.error, step.ok]);
    assert.deepEqual(
      codes.map(([, error]) => error),
      [0, 0, 0, 0, 0, 0, 1, 2],
    );
    assert.ok(
      run.result.steps.every((step) => step.ok && !step.skipped),
      JSON.stringify(codes),
    );
    assert.equal(run.result.ok, true);
  });

  test("the refresh step saw token.updated and the summary says so", () => {
    const text = lines.join("\n");
    assert.match(text, /"updated": true/);
    assert.match(text, /not found/);
    assert.match(text, /✓ 8 of 8 steps as expected\./);
    assert.doesNotMatch(text, /✗/);
  });

  test("no printed line holds a whole token, code, secret or start_url", () => {
    assertNoSecretPrinted(lines, run.secrets);
    assert.match(lines.join("\n"), /eyJh…\(redacted\)/);
  });

  test("the walkthrough leaves the simulator with the meeting deleted", () => {
    const created = [...demo.sim.state.meetings.values()].filter((meeting) =>
      meeting.topic?.startsWith("zoom-gateway demo"),
    );
    assert.equal(created.length, 0);
  });

  test("the console server answers its config, the package and the Worker's CORS", async () => {
    const config = await (await fetch(`${demo.consoleUrl}/demo-config.json`)).json();
    assert.deepEqual(config, {
      workerUrl: demo.workerUrl,
      oauthBase: demo.sim.oauthBase,
      apiBase: demo.sim.apiBase,
      clientId: "sim-client-id",
      redirectUri: `${demo.consoleUrl}/callback.html`,
      simulator: true,
      clientSecret: SIM_SECRET,
    });

    const wasm = await fetch(`${demo.consoleUrl}/pkg/zoom_gateway_bg.wasm`);
    await wasm.body?.cancel();
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get("content-type"), "application/wasm");

    const preflight = await fetch(demo.workerUrl, {
      method: "OPTIONS",
      headers: { origin: demo.consoleUrl, "access-control-request-method": "POST" },
    });
    assert.equal(preflight.headers.get("access-control-allow-origin"), demo.consoleUrl);
  });
});

describe("a step that does not give its code", () => {
  let demo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo?.close());

  test("fails the walkthrough and is marked", async () => {
    // A 4xx, which the gateway does not retry as it does a 5xx.
    demo.sim.fault({ endpoint: "delete", kind: "status", status: 400, count: -1 });
    const lines = [];
    const result = await runWalkthrough(demo, { out: (line) => lines.push(line) });

    assert.equal(result.ok, false);
    const failed = result.steps.filter((step) => !step.ok).map((step) => step.title);
    assert.deepEqual(failed, ["Delete it", "Get it again: it is gone"]);
    assert.match(lines.join("\n"), /✗ error 1, expected 0/);
    assert.match(lines.join("\n"), /✗ 6 of 8 steps as expected\./);
  });
});

describe("real-Zoom mode", () => {
  test("is chosen only when the client ID, secret and redirect URI are all set", () => {
    const env = {
      ZOOM_CLIENT_ID: "id",
      ZOOM_CLIENT_SECRET: "secret",
      ZOOM_REDIRECT_URI: "https://a/cb",
    };
    assert.equal(wantsRealZoom(env), true);
    assert.equal(wantsRealZoom({ ...env, ZOOM_CLIENT_SECRET: "" }), false);
    assert.equal(wantsRealZoom({}), false);
    assert.throws(
      () => realZoomConfig({ ZOOM_CLIENT_ID: "id" }),
      /ZOOM_CLIENT_SECRET, ZOOM_REDIRECT_URI/,
    );
  });

  test("uses Zoom's bases by default and never hands the secret to the page", () => {
    const config = realZoomConfig({
      ZOOM_CLIENT_ID: "id",
      ZOOM_CLIENT_SECRET: "real-secret",
      ZOOM_REDIRECT_URI: "http://localhost:8080/callback.html",
    });
    assert.equal(config.ZOOM_API_BASE, "https://api.zoom.us/v2");
    assert.equal(config.ZOOM_OAUTH_BASE, "https://zoom.us");

    const page = consoleConfig({ workerUrl: "http://127.0.0.1:1", config, simulator: false });
    assert.equal("clientSecret" in page, false);
    assert.ok(!JSON.stringify(page).includes("real-secret"));
  });

  // A simulator stands in for Zoom behind the real-mode config, so nothing leaves the machine.
  let zoom;
  let demo;
  before(async () => {
    zoom = await startSimulator({ redirectUri: "http://127.0.0.1/callback", autoApprove: true });
    demo = await startDemo({
      real: true,
      env: {
        ZOOM_CLIENT_ID: zoom.options.clientId,
        ZOOM_CLIENT_SECRET: zoom.options.clientSecret,
        ZOOM_REDIRECT_URI: "http://127.0.0.1/callback",
        ZOOM_API_BASE: zoom.apiBase,
        ZOOM_OAUTH_BASE: zoom.oauthBase,
      },
    });
  });
  after(async () => {
    await demo?.close();
    await zoom?.close();
  });

  test("starts no simulator and serves a config without the secret", async () => {
    assert.equal(demo.sim, null);
    const text = await (await fetch(`${demo.consoleUrl}/demo-config.json`)).text();
    const config = JSON.parse(text);
    assert.equal(config.simulator, false);
    assert.equal("clientSecret" in config, false);
    assert.ok(!text.includes(SIM_SECRET));
  });

  test("asks for the code, refreshes without the control API and skips the revocation", async () => {
    const lines = [];
    const getCode = async (authorizeUrl, state) => {
      const answer = await fetch(authorizeUrl, { redirect: "manual" });
      return codeFromRedirect(answer.headers.get("location"), state);
    };
    const run = await recordingSecrets(() =>
      runWalkthrough(demo, { out: (line) => lines.push(line), getCode }),
    );

    const steps = run.result.steps;
    assert.deepEqual(
      steps.map((step) => step.error),
      [0, 0, 0, 0, 0, 0, 1, null],
    );
    assert.equal(steps[7].skipped, true);
    assert.equal(run.result.ok, true);
    assert.match(lines.join("\n"), /real Zoom has none/);
    assertNoSecretPrinted(lines, run.secrets);
  });
});

describe("run.js, as make demo ONCE=1 runs it", () => {
  test("walks through, prints no secret and exits 0", async () => {
    const env = {
      ...process.env,
      ONCE: "1",
      DEMO_PORT: "0",
      DEMO_WORKER_PORT: "0",
      DEMO_SIM_PORT: "0",
    };
    for (const name of [
      "ZOOM_CLIENT_ID",
      "ZOOM_CLIENT_SECRET",
      "ZOOM_REDIRECT_URI",
      "FORCE_COLOR",
    ]) {
      delete env[name];
    }
    const { stdout } = await promisify(execFile)(process.execPath, [join(DEMO, "run.js")], {
      env,
      timeout: 60_000,
    });

    assert.match(stdout, /✓ 8 of 8 steps as expected\./);
    assert.doesNotMatch(stdout, /\x1b\[/, "no colour when stdout is not a terminal");
    assert.doesNotMatch(stdout, /eyJ[\w-]{8,}/, "no token beyond its first four characters");
    assert.ok(!stdout.includes(SIM_SECRET));
    assert.doesNotMatch(stdout, /Console page:/, "ONCE=1 does not stay to serve");
  });
});
