// Every shared field case through the bundled Worker in workerd: the event is POSTed to the
// Worker, a scripted Zoom on loopback plays the case's exchanges and records what it was sent,
// and the envelope, the requests and the log line are checked.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startScriptedZoom } from "./support/scripted-zoom.js";
import { postEvent, startLoggedWorker } from "./support/worker.js";

const shared = fileURLToPath(new URL("../../../shared/cases/cases.json", import.meta.url));
const fixture = fileURLToPath(new URL("../../tests/fixtures/cases.json", import.meta.url));
// shared/ sits beside the repository and may have gained cases; the fixture is its copy.
const { config, cases } = JSON.parse(readFileSync(existsSync(shared) ? shared : fixture, "utf8"));

let zoom;
let worker;

before(async () => {
  zoom = await startScriptedZoom();
  worker = await startLoggedWorker({
    ...config,
    ZOOM_API_BASE: zoom.apiBase,
    ZOOM_OAUTH_BASE: zoom.oauthBase,
    // The cases are separate sessions in one isolate: no refreshed pair is shared between them.
    ZOOM_REFRESH_REUSE_MS: "0",
  });
});

after(async () => {
  await worker?.close();
  await zoom?.close();
});

describe("shared cases through the Worker", () => {
  test("the file has cases", () => {
    assert.ok(cases.length >= 16, `only ${cases.length} cases`);
  });

  for (const fieldCase of cases) {
    test(`${fieldCase.id}: ${fieldCase.about}`, async () => {
      const exchanges = fieldCase.zoom ?? [];
      zoom.play(
        exchanges.map((exchange) => exchange.respond),
        { repeatLast: fieldCase.zoom_may_repeat_last === true },
      );

      const { status, headers, envelope } = await postEvent(worker.url, fieldCase.event);

      assert.equal(status, 200);
      assert.equal(headers.get("content-type"), "application/json");
      checkEnvelope(fieldCase.envelope, envelope);
      checkRequests(exchanges, zoom.requests, fieldCase.zoom_may_repeat_last === true);
      checkLogLine(await worker.nextLog(), fieldCase, envelope);
    });
  }
});

function checkEnvelope(want, envelope) {
  const { msg_contains: needle, ...fields } = want;
  assert.ok(Number.isInteger(envelope.error) && envelope.error >= 0 && envelope.error <= 3);
  assert.equal(typeof envelope.msg, "string");
  if (needle !== undefined) {
    assert.ok(envelope.msg.toLowerCase().includes(needle.toLowerCase()), `msg ${envelope.msg}`);
  }
  assertSubset(fields, envelope, "envelope");
}

function checkRequests(exchanges, received, mayRepeatLast) {
  assert.ok(received.length >= exchanges.length, `Zoom got ${received.length} requests`);
  if (!mayRepeatLast) assert.equal(received.length, exchanges.length);

  received.forEach((request, index) => {
    const expect = (exchanges[index] ?? exchanges.at(-1)).expect;
    const where = `request ${index}`;
    const expected = new URL(expect.url);

    assert.equal(request.method, expect.method, `${where}: method`);
    // The Worker points at this server with ZOOM_API_BASE = /v2 and ZOOM_OAUTH_BASE = /, so a
    // path here is the path Zoom's host would have seen.
    assert.equal(request.url.pathname, expected.pathname, `${where}: path`);
    assert.deepEqual(
      Object.fromEntries(request.url.searchParams),
      { ...Object.fromEntries(expected.searchParams), ...expect.query },
      `${where}: query`,
    );
    for (const [name, value] of Object.entries(expect.headers ?? {})) {
      assert.equal(request.headers[name.toLowerCase()], value, `${where}: header ${name}`);
    }
    if (expect.json !== undefined) {
      assert.deepEqual(JSON.parse(request.body), expect.json, `${where}: JSON body`);
    }
    if (expect.form !== undefined) {
      const form = Object.fromEntries(new URLSearchParams(request.body));
      assertSubset(expect.form, form, `${where}: form`);
    }
  });
}

function checkLogLine(line, fieldCase, envelope) {
  const known = [
    "GET_ACCESS_TOKEN",
    "CREATE_MEETING",
    "GET_MEETING",
    "EDIT_MEETING",
    "DELETE_MEETING",
  ];
  const apiName = fieldCase.event?.APIName;
  const { raw, ms, ...fields } = line;
  assert.deepEqual(fields, {
    status: 200,
    APIName: known.includes(apiName) ? apiName : "(unknown)",
    error: envelope.error,
    zoomStatus: envelope.zoom?.status ?? null,
    refreshed: envelope.token?.updated === true,
  });
  assert.ok(Number.isInteger(ms) && ms >= 0);
  for (const secret of secretsOf(fieldCase)) {
    assert.ok(!raw.includes(secret), "the log line holds a token, code or secret");
  }
}

/** Every token, code and secret in a case: the event's, Zoom's answers' and the config's. */
function secretsOf(fieldCase) {
  const body = fieldCase.event?.body ?? {};
  const answers = (fieldCase.zoom ?? []).map((exchange) => exchange.respond.json ?? {});
  return [
    body.token,
    body.refresh_token,
    body.code,
    ...answers.flatMap((answer) => [answer.access_token, answer.refresh_token]),
    config.ZOOM_CLIENT_SECRET,
  ].filter((value) => typeof value === "string" && value.length > 0);
}

/** Objects as subsets (every key of `want` is in `have` with a matching value), others equal. */
function assertSubset(want, have, where) {
  if (want !== null && typeof want === "object" && !Array.isArray(want)) {
    assert.ok(have !== null && typeof have === "object", `${where} is not an object`);
    for (const [key, value] of Object.entries(want)) {
      assertSubset(value, have[key], `${where}.${key}`);
    }
  } else {
    assert.deepEqual(have, want, where);
  }
}
