// The Worker's HTTP surface in workerd: methods, bodies that are not JSON or too large, CORS,
// log lines, concurrent requests and a Zoom that does not answer.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startScriptedZoom } from "./support/scripted-zoom.js";
import { postEvent, startLoggedWorker } from "./support/worker.js";

const APP = "https://app.example.com";
const ELSEWHERE = "https://evil.example.net";
const CONFIG = {
  ZOOM_CLIENT_ID: "client-id",
  ZOOM_CLIENT_SECRET: "client-secret-never-logged",
  // A trailing slash and a second origin: both forms a person writes.
  ALLOWED_ORIGINS: `${APP}/, http://localhost:5173`,
};

const MEETING = { id: 85746065432, topic: "Design review", join_url: "https://zoom.example/j/1" };

let zoom;
let worker;

before(async () => {
  zoom = await startScriptedZoom();
  worker = await startLoggedWorker({
    ...CONFIG,
    ZOOM_API_BASE: zoom.apiBase,
    ZOOM_OAUTH_BASE: zoom.oauthBase,
  });
});

after(async () => {
  await worker?.close();
  await zoom?.close();
});

function getMeeting(token, meetingId = MEETING.id) {
  return { APIName: "GET_MEETING", body: { token, refresh_token: `${token}-refresh`, meetingId } };
}

function corsHeaderNames(headers) {
  return [...headers.keys()].filter((name) => name.startsWith("access-control-"));
}

/** Reads a refusal: its status, headers and envelope, and the log line it left. */
async function refusal(response) {
  const envelope = await response.json();
  return {
    status: response.status,
    headers: response.headers,
    envelope,
    log: await worker.nextLog(),
  };
}

describe("methods and bodies", () => {
  test("POST with an event answers 200 with the envelope as JSON", async () => {
    zoom.play([{ status: 200, json: MEETING }]);
    const { status, headers, envelope } = await postEvent(worker.url, getMeeting("acc-1"));

    assert.equal(status, 200);
    assert.equal(headers.get("content-type"), "application/json");
    assert.equal(headers.get("cache-control"), "no-store");
    assert.deepEqual(envelope.body, MEETING);
    assert.equal(envelope.error, 0);
    assert.equal(zoom.requests.length, 1);
    assert.equal(zoom.requests[0].url.pathname, `/v2/meetings/${MEETING.id}`);
    assert.equal(zoom.requests[0].headers.authorization, "Bearer acc-1");

    const log = await worker.nextLog();
    assert.equal(log.status, 200);
    assert.equal(log.APIName, "GET_MEETING");
    assert.equal(log.error, 0);
    assert.equal(log.zoomStatus, null);
    assert.equal(log.refreshed, false);
  });

  test("an envelope with an error is still HTTP 200", async () => {
    zoom.play([{ status: 404, json: { code: 3001, message: "Meeting does not exist: 1." } }]);
    const { status, envelope } = await postEvent(worker.url, getMeeting("acc-1", 1));

    assert.equal(status, 200);
    assert.equal(envelope.error, 1);
    assert.equal(envelope.zoom.status, 404);
    const log = await worker.nextLog();
    assert.equal(log.error, 1);
    assert.equal(log.zoomStatus, 404);
  });

  test("JSON that is not an event is the gateway's to refuse, with HTTP 200", async () => {
    zoom.play([]);
    for (const text of ["null", "[1,2]", '"GET_MEETING"', '{"APIName":"LIST_USERS","body":{}}']) {
      const { status, envelope } = await postEvent(worker.url, text);
      assert.equal(status, 200, text);
      assert.equal(envelope.error, 3, text);
      const log = await worker.nextLog();
      assert.equal(log.APIName, "(unknown)", text);
      assert.equal(log.error, 3, text);
    }
    assert.equal(zoom.requests.length, 0);
  });

  test("a body that is not JSON gets 400 with a JSON error", async () => {
    zoom.play([]);
    const bodies = ["{APIName: GET_MEETING}", "", '{"APIName":"GET_MEETING"', "not json"];
    for (const body of bodies) {
      const response = await fetch(worker.url, { method: "POST", body });
      const { status, headers, envelope, log } = await refusal(response);
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(headers.get("content-type"), "application/json");
      assert.equal(envelope.error, 3);
      assert.match(envelope.msg, /not JSON/);
      assert.deepEqual(envelope.token, { updated: false, access: "", refresh: "" });
      assert.equal(log.status, 400);
      assert.equal(log.APIName, null);
    }
    assert.equal(zoom.requests.length, 0);
  });

  test("a body that is not UTF-8 gets 400", async () => {
    const event = new TextEncoder().encode('{"APIName":"GET_MEETING","body":{"token":"x"}}');
    const broken = new Uint8Array([...event.subarray(0, 30), 0xff, 0xfe, ...event.subarray(30)]);
    const { status, envelope } = await refusal(
      await fetch(worker.url, { method: "POST", body: broken }),
    );
    assert.equal(status, 400);
    assert.equal(envelope.error, 3);
  });

  for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
    test(`${method} gets 405 with Allow`, async () => {
      const body = method === "GET" ? undefined : "{}";
      const { status, headers, envelope, log } = await refusal(
        await fetch(worker.url, { method, body }),
      );
      assert.equal(status, 405);
      assert.equal(headers.get("allow"), "POST, OPTIONS");
      assert.equal(headers.get("content-type"), "application/json");
      assert.equal(envelope.error, 3);
      assert.equal(log.status, 405);
    });
  }

  test("HEAD gets 405 with Allow and no body", async () => {
    const response = await fetch(worker.url, { method: "HEAD" });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("allow"), "POST, OPTIONS");
    assert.equal(await response.text(), "");
    assert.equal((await worker.nextLog()).status, 405);
  });
});

describe("the body limit, 64 KB by default", () => {
  const LIMIT = 64 * 1024;

  /** An event of exactly `size` bytes of JSON, padded in a field the gateway refuses. */
  function eventOfSize(size) {
    const empty = JSON.stringify({ APIName: "GET_MEETING", body: { token: "acc-1", pad: "" } });
    return JSON.stringify({
      APIName: "GET_MEETING",
      body: { token: "acc-1", pad: "x".repeat(size - empty.length) },
    });
  }

  test("a body of exactly the limit is read", async () => {
    zoom.play([]);
    const body = eventOfSize(LIMIT);
    assert.equal(Buffer.byteLength(body), LIMIT);
    const { status, envelope } = await postEvent(worker.url, body);
    assert.equal(status, 200);
    assert.equal(envelope.error, 3);
    await worker.nextLog();
  });

  test("one byte more gets 413", async () => {
    const response = await fetch(worker.url, { method: "POST", body: eventOfSize(LIMIT + 1) });
    const { status, headers, envelope, log } = await refusal(response);
    assert.equal(status, 413);
    assert.equal(headers.get("content-type"), "application/json");
    assert.equal(envelope.error, 3);
    assert.match(envelope.msg, /65536 bytes/);
    assert.equal(log.status, 413);
  });

  test("a megabyte gets 413 before it is read", async () => {
    const response = await fetch(worker.url, { method: "POST", body: "x".repeat(1 << 20) });
    assert.equal((await refusal(response)).status, 413);
  });

  test("a body streamed without Content-Length is cut off at the limit", async () => {
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream({
      pull(controller) {
        // 8 chunks of 16 KB: twice the limit, then the end.
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(worker.url, { method: "POST", body, duplex: "half" });
    assert.equal((await refusal(response)).status, 413);
  });
});

describe("CORS", () => {
  test("a listed origin gets its CORS header on the answer", async () => {
    zoom.play([{ status: 200, json: MEETING }]);
    const { status, headers } = await postEvent(worker.url, getMeeting("acc-1"), { origin: APP });
    assert.equal(status, 200);
    assert.equal(headers.get("access-control-allow-origin"), APP);
    assert.match(headers.get("vary"), /Origin/);
    await worker.nextLog();
  });

  test("every origin listed is allowed", async () => {
    zoom.play([]);
    const origin = "http://localhost:5173";
    const { headers } = await postEvent(worker.url, "null", { origin });
    assert.equal(headers.get("access-control-allow-origin"), origin);
    await worker.nextLog();
  });

  test("a listed origin's preflight is answered", async () => {
    const response = await fetch(worker.url, {
      method: "OPTIONS",
      headers: {
        origin: APP,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), APP);
    assert.match(response.headers.get("access-control-allow-methods"), /\bPOST\b/);
    assert.match(response.headers.get("access-control-allow-headers"), /content-type/i);
    assert.ok(Number(response.headers.get("access-control-max-age")) > 0);
    assert.equal((await worker.nextLog()).status, 204);
  });

  test("a listed origin can read refusals too", async () => {
    const response = await fetch(worker.url, {
      method: "POST",
      body: "{",
      headers: { origin: APP },
    });
    const { status, headers } = await refusal(response);
    assert.equal(status, 400);
    assert.equal(headers.get("access-control-allow-origin"), APP);
  });

  test("an origin not listed gets no CORS headers, on the answer or the preflight", async () => {
    zoom.play([{ status: 200, json: MEETING }]);
    const { status, headers, envelope } = await postEvent(worker.url, getMeeting("acc-1"), {
      origin: ELSEWHERE,
    });
    assert.equal(status, 200);
    assert.equal(envelope.error, 0);
    assert.deepEqual(corsHeaderNames(headers), []);
    await worker.nextLog();

    const preflight = await fetch(worker.url, {
      method: "OPTIONS",
      headers: { origin: ELSEWHERE, "access-control-request-method": "POST" },
    });
    assert.equal(preflight.status, 204);
    assert.deepEqual(corsHeaderNames(preflight.headers), []);
    await worker.nextLog();
  });

  test("origins that only look like a listed one get no CORS headers", async () => {
    zoom.play([]);
    for (const origin of [`${APP}.evil.net`, "http://app.example.com", `${APP}:8443`, "null"]) {
      const { headers } = await postEvent(worker.url, "null", { origin });
      assert.deepEqual(corsHeaderNames(headers), [], origin);
      await worker.nextLog();
    }
  });

  test("a request without Origin gets no CORS headers", async () => {
    zoom.play([]);
    const { headers } = await postEvent(worker.url, "null");
    assert.deepEqual(corsHeaderNames(headers), []);
    await worker.nextLog();
  });
});

describe("log lines", () => {
  test("a refresh is logged as such, and no token, code or secret is", async () => {
    zoom.play([
      { status: 401, json: { code: 124, message: "Invalid access token." } },
      {
        status: 200,
        json: { access_token: "acc-new-secret", refresh_token: "ref-new-secret", expires_in: 3599 },
      },
      { status: 200, json: MEETING },
    ]);
    const { envelope } = await postEvent(worker.url, {
      APIName: "GET_MEETING",
      body: { token: "acc-old-secret", refresh_token: "ref-old-secret", meetingId: MEETING.id },
    });
    assert.deepEqual(envelope.token, {
      updated: true,
      access: "acc-new-secret",
      refresh: "ref-new-secret",
    });
    assert.equal(zoom.requests[1].url.pathname, "/oauth/token");

    const log = await worker.nextLog();
    assert.equal(log.refreshed, true);
    assert.equal(log.error, 0);
    assert.deepEqual(Object.keys(log).sort(), [
      "APIName",
      "error",
      "ms",
      "raw",
      "refreshed",
      "status",
      "zoomStatus",
    ]);
    for (const secret of ["secret", "acc-", "ref-", CONFIG.ZOOM_CLIENT_SECRET]) {
      assert.ok(!log.raw.includes(secret), `the log line holds ${secret}`);
    }
  });

  test("a login's code and tokens stay out of the log", async () => {
    zoom.play([
      {
        status: 200,
        json: { access_token: "acc-login-1", refresh_token: "ref-login-1", expires_in: 3599 },
      },
    ]);
    const { envelope } = await postEvent(worker.url, {
      APIName: "GET_ACCESS_TOKEN",
      body: { code: "auth-code-xyz", redirect_uri: "https://app.example.com/cb" },
    });
    assert.equal(envelope.error, 0);
    assert.equal(envelope.body.accessToken, "acc-login-1");

    const log = await worker.nextLog();
    assert.equal(log.APIName, "GET_ACCESS_TOKEN");
    for (const secret of [
      "auth-code-xyz",
      "acc-login-1",
      "ref-login-1",
      CONFIG.ZOOM_CLIENT_SECRET,
    ]) {
      assert.ok(!log.raw.includes(secret), "the log line holds a token, code or secret");
    }
  });
});

describe("concurrent requests", () => {
  test("each answer belongs to its own request, tokens included", async () => {
    const count = 24;
    zoom.play((request) => {
      const id = Number(request.url.pathname.split("/").at(-1));
      // Each answer waits a little, so that the requests overlap at Zoom.
      return {
        status: 200,
        delayMs: 40,
        json: { id, topic: `meeting ${id}`, token: request.headers.authorization },
      };
    });

    const ids = Array.from({ length: count }, (_, i) => 1000 + i);
    const answers = await Promise.all(
      ids.map((id) => postEvent(worker.url, getMeeting(`acc-${id}`, id))),
    );

    answers.forEach(({ status, envelope }, i) => {
      assert.equal(status, 200);
      assert.equal(envelope.error, 0);
      assert.deepEqual(envelope.body, {
        id: ids[i],
        topic: `meeting ${ids[i]}`,
        token: `Bearer acc-${ids[i]}`,
      });
    });
    assert.equal(zoom.requests.length, count);
    assert.ok(zoom.load.most > 1, "the Worker sent the requests to Zoom one at a time");
    for (let i = 0; i < count; i++) assert.equal((await worker.nextLog()).error, 0);
  });
});

describe("a Worker with tight limits", () => {
  let tight;

  before(async () => {
    tight = await startLoggedWorker({
      ...CONFIG,
      ZOOM_API_BASE: zoom.apiBase,
      ZOOM_OAUTH_BASE: zoom.oauthBase,
      ZOOM_TIMEOUT_MS: "300",
      MAX_BODY_BYTES: "1024",
    });
  });

  after(() => tight?.close());

  test("a Zoom call that times out gives error 1, not a hung request", async () => {
    zoom.play([{ hang: true }], { repeatLast: true });
    const { status, envelope } = await postEvent(tight.url, getMeeting("acc-1"));

    assert.equal(status, 200);
    assert.equal(envelope.error, 1);
    assert.match(envelope.msg, /time/i);
    assert.deepEqual(envelope.body, {});
    assert.ok(zoom.requests.length >= 1);
    const log = await tight.nextLog();
    assert.equal(log.error, 1);
    assert.equal(log.zoomStatus, null);
  });

  test("MAX_BODY_BYTES sets the body limit", async () => {
    zoom.play([]);
    const small = await postEvent(tight.url, {
      APIName: "GET_MEETING",
      body: { pad: "x".repeat(900) },
    });
    assert.equal(small.status, 200);
    const large = await fetch(tight.url, {
      method: "POST",
      body: JSON.stringify({ pad: "x".repeat(1100) }),
    });
    assert.equal(large.status, 413);
    assert.match((await large.json()).msg, /1024 bytes/);
  });
});
