import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../cli.js", import.meta.url));

/** Starts the CLI and resolves with the process and the JSON line it printed first. */
async function startCli(args, env = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines = createInterface({ input: child.stdout });
  const [first] = await once(lines, "line");
  return { child, addresses: JSON.parse(first) };
}

async function stop(child, signal) {
  const exited = once(child, "exit");
  child.kill(signal);
  const [code] = await exited;
  return code;
}

describe("cli", () => {
  it("prints one JSON line with its addresses and stops cleanly on SIGTERM", async () => {
    const { child, addresses } = await startCli([
      "--port",
      "0",
      "--auto-approve",
      "--token-ttl",
      "120",
      "--client-id",
      "cli-id",
      "--redirect-uri",
      "http://127.0.0.1:9/a",
      "--redirect-uri",
      "http://127.0.0.1:9/b",
    ]);
    try {
      assert.match(addresses.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(addresses.apiBase, `${addresses.url}/v2`);
      assert.equal(addresses.oauthBase, addresses.url);

      const config = await (await fetch(`${addresses.url}/_sim/config`)).json();
      assert.equal(config.options.autoApprove, true);
      assert.equal(config.options.accessTokenTtlSec, 120);
      assert.equal(config.options.clientId, "cli-id");
      assert.deepEqual(config.options.redirectUri, [
        "http://127.0.0.1:9/a",
        "http://127.0.0.1:9/b",
      ]);
    } finally {
      assert.equal(await stop(child, "SIGTERM"), 0);
    }
  });

  it("takes settings from SIM_* variables and stops on SIGINT", async () => {
    const { child, addresses } = await startCli([], {
      SIM_TOKEN_TTL: "30",
      SIM_DAILY_LIMIT: "0",
      SIM_RATE_LIGHT: "5",
    });
    try {
      const config = await (await fetch(`${addresses.url}/_sim/config`)).json();
      assert.equal(config.options.accessTokenTtlSec, 30);
      assert.equal(config.options.dailyLimit, 0);
      assert.deepEqual(config.options.perSecondLimit, { create: 0, light: 5 });
    } finally {
      assert.equal(await stop(child, "SIGINT"), 0);
    }
  });

  it("exits 2 with usage on an unknown flag", async () => {
    const child = spawn(process.execPath, [CLI, "--bogus"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, "exit");
    assert.equal(code, 2);
    assert.match(stderr, /usage:/);
  });
});
