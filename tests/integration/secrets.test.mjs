// No secret leaves the gateway except where the caller must receive it. Every fault scenario,
// every refusal of the contract, the shared cases and a Zoom that echoes back whatever it was
// sent run with known secret values; each envelope, and every line written to the console or
// stderr meanwhile, is searched for the client secret, the Basic credentials, authorization
// codes, PKCE verifiers and every token. The only places a token may appear are the new pair
// in `token` (when `updated`) and a sign-in's `body.accessToken` / `body.refreshToken`.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, describe, test } from "node:test";

import { handle } from "../../pkg/node.js";
import { loadCases, scriptedFetch } from "../node/helpers.mjs";
import {
  authorizationCode,
  configFor,
  meetingEvent,
  pairFor,
  seedMeeting,
  simulatorFor,
} from "./helpers.mjs";
import { allScenarios, runScenario, scenarioName } from "./scenarios.mjs";

// Secret values share no run of characters with public ones (the client id is in every JWT).
const CLIENT_ID = "gateway-test-client";
const CLIENT_SECRET = "Zx9q-SECRET-41fKd2p";
const WRONG_SECRET = "Wr0ng-SECRET-77aLp3";
const SIM_OPTIONS = {
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  autoApprove: true,
  // The simulator's own request lines land in the capture too, and must be clean as well.
  quiet: false,
};

/** Every secret value met in this file, by what it is: the final test scans the logs for them. */
const everySecret = new Map();

function credentialSecrets(id, secret) {
  return [
    ["client secret", secret],
    ["Basic credentials", Buffer.from(`${id}:${secret}`).toString("base64")],
  ];
}

function remember(secrets) {
  for (const [label, value] of secrets) everySecret.set(value, label);
  return secrets;
}

/** The secrets a simulator handed out: every token it issued and every code. */
function simulatorSecrets(sim) {
  return remember([
    ...credentialSecrets(CLIENT_ID, CLIENT_SECRET),
    ...credentialSecrets(CLIENT_ID, WRONG_SECRET),
    ...[...sim.state.accessTokens.keys()].map((token) => ["access token", token]),
    ...[...sim.state.refreshTokens.keys()].map((token) => ["refresh token", token]),
    ...[...sim.state.codes.keys()].map((code) => ["authorization code", code]),
  ]);
}

const FRAGMENT_CHARS = 12;
const fragmentCache = new Map();

/**
 * What betrays a secret: the whole value, and the parts of it that are secret on their own,
 * so that a value cut short by a truncated message still counts. For a JWT that is its
 * signature, without which it is useless; for Basic credentials, the base64 of the secret
 * after the public client id; for anything else, every run of 12 characters.
 */
function fragmentsOf(value, label) {
  let fragments = fragmentCache.get(value);
  if (fragments) return fragments;
  const parts = value.split(".");
  if (parts.length === 3 && value.startsWith("eyJ")) {
    fragments = [value, parts[2]];
  } else if (label === "Basic credentials") {
    const idChars = Buffer.from(value, "base64").toString().indexOf(":") + 1;
    fragments = [value, ...windows(value.slice(Math.ceil(idChars / 3) * 4))];
  } else {
    fragments = [value, ...windows(value)];
  }
  fragmentCache.set(value, fragments);
  return fragments;
}

/** Runs of 12 characters: all of them, or for a long value one every 32 characters. */
function windows(text) {
  const step = text.length > 256 ? 32 : 1;
  const runs = [];
  for (let i = 0; i + FRAGMENT_CHARS <= text.length; i += step) {
    runs.push(text.slice(i, i + FRAGMENT_CHARS));
  }
  return runs;
}

function betrays(text, value, label) {
  return fragmentsOf(value, label).some((fragment) => text.includes(fragment));
}

/** The secrets found in an envelope outside the places meant to carry them. */
function leaksIn(envelope, secrets) {
  const visible = structuredClone(envelope);
  if (visible.token?.updated) Object.assign(visible.token, { access: "", refresh: "" });
  if (visible.error === 0 && visible.body && "accessToken" in visible.body) {
    delete visible.body.accessToken;
    delete visible.body.refreshToken;
  }
  const text = JSON.stringify(visible);
  const found = secrets.filter(([label, value]) => betrays(text, value, label));
  return [...new Set(found.map(([label]) => label))];
}

function assertNoLeak(envelope, secrets, where) {
  assert.deepEqual(leaksIn(envelope, secrets), [], `${where}: ${JSON.stringify(envelope)}`);
}

// Everything written to the console or stderr while this file runs.
const logged = [];
const originals = {};
for (const name of ["log", "info", "warn", "error", "debug", "trace"]) {
  originals[name] = console[name];
  console[name] = (...args) => logged.push(args.map(String).join(" "));
}
const stderrWrite = process.stderr.write;
process.stderr.write = function capture(chunk, ...rest) {
  logged.push(String(chunk));
  return stderrWrite.call(this, chunk, ...rest);
};
after(() => {
  Object.assign(console, originals);
  process.stderr.write = stderrWrite;
});

describe("every fault scenario, with known secrets", { concurrency: 12 }, () => {
  for (const scenario of allScenarios()) {
    test(scenarioName(scenario), async (t) => {
      const { envelope, sim } = await runScenario(t, simulatorFor, scenario, {
        simOptions: SIM_OPTIONS,
      });
      assertNoLeak(envelope, simulatorSecrets(sim), scenarioName(scenario));
    });
  }
});

describe("the contract's refusals, with known secrets", { concurrency: 8 }, () => {
  test("a revoked refresh token (error 2)", async (t) => {
    const sim = await simulatorFor(t, SIM_OPTIONS);
    const pair = pairFor(sim, { expired: true });
    sim.revoke(pair.refresh);
    const envelope = await handle(probe(sim, pair), configFor(sim));
    assert.equal(envelope.error, 2);
    assertNoLeak(envelope, simulatorSecrets(sim), "revoked");
  });

  test("a wrong client secret at the refresh (error 1)", async (t) => {
    const sim = await simulatorFor(t, SIM_OPTIONS);
    const pair = pairFor(sim, { expired: true });
    const config = configFor(sim, { ZOOM_CLIENT_SECRET: WRONG_SECRET });
    const envelope = await handle(probe(sim, pair), config);
    assert.equal(envelope.error, 1);
    assertNoLeak(envelope, simulatorSecrets(sim), "invalid_client");
  });

  test("a token without the scope (error 1, no refresh)", async (t) => {
    const sim = await simulatorFor(t, SIM_OPTIONS);
    const pair = pairFor(sim, { scopes: "user:read" });
    const envelope = await handle(probe(sim, pair), configFor(sim));
    assert.equal(envelope.error, 1);
    assert.equal(envelope.token.updated, false);
    assertNoLeak(envelope, simulatorSecrets(sim), "missing scope");
  });

  test("a 401 even after a fresh token (error 2 with the new pair)", async (t) => {
    const sim = await simulatorFor(t, SIM_OPTIONS);
    const pair = pairFor(sim, { expired: true });
    sim.fault({ endpoint: "get", kind: "delay", delayMs: 0, count: 1 });
    sim.fault({ endpoint: "get", kind: "status", status: 401, count: 1 });
    const envelope = await handle(probe(sim, pair), configFor(sim));
    assert.equal(envelope.error, 2);
    assert.equal(envelope.token.updated, true);
    assertNoLeak(envelope, simulatorSecrets(sim), "401 after refresh");
  });

  test("an expired token and no refresh token (error 2)", async (t) => {
    const sim = await simulatorFor(t, SIM_OPTIONS);
    const pair = pairFor(sim, { expired: true });
    const envelope = await handle(probe(sim, { access: pair.access }), configFor(sim));
    assert.equal(envelope.error, 2);
    assertNoLeak(envelope, simulatorSecrets(sim), "no refresh token");
  });

  test("sign-ins: success, a replayed code, a wrong redirect URI", async (t) => {
    const sim = await simulatorFor(t, SIM_OPTIONS);
    const code = await authorizationCode(sim);
    const login = { APIName: "GET_ACCESS_TOKEN", body: { code } };
    const first = await handle(login, configFor(sim));
    assert.equal(first.error, 0);
    // Zoom's answer to a used code names the code; the gateway must not pass it on.
    const replay = await handle(login, configFor(sim));
    assert.equal(replay.error, 1);
    const other = await authorizationCode(sim);
    const mismatch = await handle(
      {
        APIName: "GET_ACCESS_TOKEN",
        body: { code: other, redirect_uri: "http://127.0.0.1/elsewhere" },
      },
      configFor(sim),
    );
    assert.equal(mismatch.error, 1);
    const secrets = simulatorSecrets(sim);
    for (const envelope of [first, replay, mismatch]) assertNoLeak(envelope, secrets, "sign-in");
  });

  test("PKCE sign-ins: the right verifier and a wrong one", async (t) => {
    const sim = await simulatorFor(t, SIM_OPTIONS);
    const verifier = randomBytes(36).toString("base64url");
    const wrongVerifier = randomBytes(36).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const config = { ...configFor(sim), ZOOM_CLIENT_ID: sim.options.publicClientId };
    delete config.ZOOM_CLIENT_SECRET;

    const good = await handle(
      {
        APIName: "GET_ACCESS_TOKEN",
        body: {
          code: await authorizationCode(sim, { codeChallenge: challenge }),
          code_verifier: verifier,
        },
      },
      config,
    );
    assert.equal(good.error, 0, JSON.stringify(good));
    const bad = await handle(
      {
        APIName: "GET_ACCESS_TOKEN",
        body: {
          code: await authorizationCode(sim, { codeChallenge: challenge }),
          code_verifier: wrongVerifier,
        },
      },
      config,
    );
    assert.equal(bad.error, 1);
    const secrets = [
      ...simulatorSecrets(sim),
      ...remember([
        ["code verifier", verifier],
        ["code verifier", wrongVerifier],
      ]),
    ];
    assertNoLeak(good, secrets, "PKCE");
    assertNoLeak(bad, secrets, "PKCE, wrong verifier");
  });

  test("events refused for a malformed token, refresh token or code (error 3)", async (t) => {
    const sim = await simulatorFor(t, SIM_OPTIONS);
    const random = (bytes) => randomBytes(bytes).toString("base64url");
    const malformed = remember([
      ["access token", `${random(12)}\r\nX-Injected: 1`],
      ["refresh token", `${random(12)} with spaces`],
      ["authorization code", `${random(12)}\u0000${random(6)}`],
      ["access token", random(6750)], // 9,000 characters: longer than a token may be
    ]);
    const events = [
      meetingEvent(
        "GET_MEETING",
        { access: malformed[0][1], refresh: "r-ok-1234" },
        { meetingId: 1 },
      ),
      meetingEvent("GET_MEETING", { access: "", refresh: malformed[1][1] }, { meetingId: 1 }),
      { APIName: "GET_ACCESS_TOKEN", body: { code: malformed[2][1] } },
      meetingEvent(
        "GET_MEETING",
        { access: malformed[3][1], refresh: "r-ok-1234" },
        { meetingId: 1 },
      ),
      meetingEvent(
        "GET_MEETING",
        { access: "a-ok-1234", refresh: "r-ok-1234" },
        { meetingId: "12x" },
      ),
    ];
    for (const [i, event] of events.entries()) {
      const envelope = await handle(event, configFor(sim));
      assertNoLeak(envelope, [...malformed, ...simulatorSecrets(sim)], `malformed event ${i}`);
    }
  });
});

describe("the shared cases, with their secrets", () => {
  const { config, cases } = loadCases();
  for (const c of cases) {
    test(`case ${c.id}`, async () => {
      const zoom = scriptedFetch(c.zoom, { repeatLast: c.zoom_may_repeat_last === true });
      const envelope = await handle(c.event, { ...config, fetch: zoom.fetch });
      const inputs = c.event?.body ?? {};
      const secrets = remember([
        ...credentialSecrets(config.ZOOM_CLIENT_ID, config.ZOOM_CLIENT_SECRET),
        ...[
          ["access token", inputs.token],
          ["refresh token", inputs.refresh_token],
          ["authorization code", inputs.code],
          ["code verifier", inputs.code_verifier],
        ].filter(([, value]) => typeof value === "string" && value.length >= 4),
      ]);
      assertNoLeak(envelope, secrets, c.id);
    });
  }
});

/** A GET of the user's personal meeting: a call every user may make. */
function probe(sim, pair) {
  const pmi = sim.state.users.get("sim-user-1").pmi;
  return meetingEvent("GET_MEETING", pair, { meetingId: pmi });
}

/** Everything a request carried, as a server that echoes it back would put it. */
function echoOf(url, init) {
  return `${init.method} ${url} headers=${JSON.stringify(init.headers)} body=${init.body ?? ""}`;
}

const json = (status, value) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

/** Answers that carry an echo of the request, in every place Zoom or a proxy might put one. */
const ECHOES = {
  "a 400 message": (echo) => json(400, { code: 300, message: echo }),
  "field errors": (echo) =>
    json(400, {
      code: 300,
      message: "Validation Failed.",
      errors: [{ field: echo, message: echo }],
    }),
  "a 503 HTML page": (echo) =>
    new Response(`<html><body>${echo}</body></html>`, {
      status: 503,
      headers: { "content-type": "text/html" },
    }),
  "an OAuth reason": (echo) => json(400, { reason: echo, error: "invalid_request" }),
  "an invalid_grant reason": (echo) => json(400, { reason: echo, error: "invalid_grant" }),
  "an invalid_client reason": (echo) => json(401, { reason: echo, error: "invalid_client" }),
  "a fetch error": (echo) => {
    throw new TypeError(`fetch failed: ${echo}`, { cause: { code: echo, message: echo } });
  },
};

/** A fetch over the simulator that answers requests to `target` with an echo from the `nth`
 * on, so that retries meet the echo too. */
function echoingFetch(target, nth, echo) {
  let seen = 0;
  return async (url, init) => {
    const isToken = new URL(url).pathname === "/oauth/token";
    if (isToken === (target === "token") && ++seen >= nth) return echo(echoOf(url, init));
    return fetch(url, init);
  };
}

// TODO: remove as the gateway's redaction is fixed; see the README's list of open bugs.
describe("a Zoom that echoes back what it was sent", { concurrency: 8 }, () => {
  const plans = [
    // [what, which token state, where the echo comes from, which request of it]
    ...["a 400 message", "field errors", "a 503 HTML page", "a fetch error"].map((echo) => [
      echo,
      "valid",
      "api",
      1,
    ]),
    ...[
      "an OAuth reason",
      "an invalid_grant reason",
      "an invalid_client reason",
      "a 503 HTML page",
      "a fetch error",
    ].map((echo) => [echo, "expired", "token", 1]),
    ...["a 400 message", "field errors", "a fetch error"].map((echo) => [
      echo,
      "expired",
      "api",
      2,
    ]),
    ...["an OAuth reason", "an invalid_client reason", "a fetch error"].map((echo) => [
      echo,
      "sign-in",
      "token",
      1,
    ]),
  ];
  for (const [echo, tokens, target, nth] of plans) {
    const name = `${echo} from the ${target === "api" ? "API" : "token endpoint"}${
      nth === 2 ? " on the retry" : ""
    }, ${tokens === "sign-in" ? "at sign-in" : `with a ${tokens} token`}`;
    test(name, async (t) => {
      const sim = await simulatorFor(t, SIM_OPTIONS);
      let event;
      if (tokens === "sign-in") {
        event = { APIName: "GET_ACCESS_TOKEN", body: { code: await authorizationCode(sim) } };
      } else {
        const pair = pairFor(sim, { expired: tokens === "expired" });
        const meetingId = await seedMeeting(sim, pairFor(sim).access);
        event = meetingEvent("EDIT_MEETING", pair, { meetingId, agenda: "echo test" });
      }
      const config = {
        ...configFor(sim, { ZOOM_TIMEOUT_MS: 3000 }),
        fetch: echoingFetch(target, nth, ECHOES[echo]),
      };

      const envelope = await handle(event, config);

      assert.notEqual(envelope.error, 0, JSON.stringify(envelope));
      assertNoLeak(envelope, simulatorSecrets(sim), name);
    });
  }
});

test(
  "a network error that quotes the request is redacted wherever it is cut",
  async (t) => {
    const sim = await simulatorFor(t, SIM_OPTIONS);
    const code = await authorizationCode(sim);
    const secrets = simulatorSecrets(sim);
    // Padding moves the form body across the place where the gateway shortens the detail.
    for (let padding = 180; padding < 300; padding += 4) {
      const fetch = async (url, init) => {
        throw new TypeError(`fetch failed: ${"~".repeat(padding)} ${init.body}`);
      };
      const envelope = await handle(
        { APIName: "GET_ACCESS_TOKEN", body: { code } },
        { ...configFor(sim), fetch },
      );
      assert.equal(envelope.error, 1);
      assertNoLeak(envelope, secrets, `padding ${padding}`);
    }
  },
);

test("nothing written to the console or stderr carries a secret", (t) => {
  const text = logged.join("\n");
  const leaks = [...everySecret]
    .filter(([value, label]) => betrays(text, value, label))
    .map(([, label]) => label);
  t.diagnostic(`${logged.length} lines written, ${everySecret.size} secret values sought`);
  assert.ok(logged.length > 100, "the simulator's request lines were captured");
  assert.deepEqual([...new Set(leaks)], [], "secrets in the logs");
});
