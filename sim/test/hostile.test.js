import assert from "node:assert/strict";
import { connect } from "node:net";
import { beforeEach, describe, it } from "node:test";
import { startSimulator } from "../index.js";
import {
  REDIRECT_URI,
  api,
  codeFor,
  control,
  scheduled,
  simulator,
  tokenRequest,
} from "./helpers.js";

const sim = await simulator();
let pair;

beforeEach(() => {
  sim.reset();
  pair = sim.issueTokens();
});

const healthy = async () => (await control(sim, "GET", "health")).status === 200;

/** Sends raw bytes and resolves with everything the server answers before it closes. */
function raw(bytes, { endAfterWrite = false } = {}) {
  return new Promise((resolve, reject) => {
    const { port } = new URL(sim.url);
    const socket = connect(Number(port), "127.0.0.1");
    const chunks = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.on("connect", () => {
      socket.write(bytes);
      if (endAfterWrite) socket.end();
    });
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error("no answer within 5 s"));
    });
  });
}

describe("CORS", () => {
  it("answers a preflight for the headers a browser asks about", async () => {
    const response = await fetch(`${sim.apiBase}/meetings/81234567890`, {
      method: "OPTIONS",
      headers: {
        origin: "http://127.0.0.1:8000",
        "access-control-request-method": "PATCH",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.match(response.headers.get("access-control-allow-methods"), /PATCH/);
    assert.match(response.headers.get("access-control-allow-methods"), /DELETE/);
    assert.equal(
      response.headers.get("access-control-allow-headers"),
      "authorization, content-type",
    );
    assert.equal(response.headers.get("access-control-max-age"), "600");
  });

  it("marks every answer readable from another origin, errors and 204s included", async () => {
    const created = await api(sim, "POST", "/users/me/meetings", {
      token: pair.access_token,
      json: scheduled,
    });
    const deleted = await api(sim, "DELETE", `/meetings/${created.body.id}`, {
      token: pair.access_token,
    });
    const refused = await api(sim, "GET", "/meetings/1");
    const oauth = await tokenRequest(sim, { grant_type: "nope" });
    for (const answer of [created, deleted, refused, oauth]) {
      assert.equal(answer.headers.get("access-control-allow-origin"), "*");
      assert.match(answer.headers.get("access-control-expose-headers"), /x-zm-trackingid/);
      assert.match(answer.headers.get("access-control-expose-headers"), /retry-after/);
    }
  });

  it("can be turned off", async () => {
    const closed = await startSimulator({ cors: false });
    try {
      const response = await fetch(`${closed.apiBase}/meetings/1`);
      assert.equal(response.headers.get("access-control-allow-origin"), null);
      const preflight = await fetch(`${closed.apiBase}/meetings/1`, { method: "OPTIONS" });
      assert.equal(preflight.status, 405);
    } finally {
      await closed.close();
    }
  });
});

describe("hostile input", () => {
  it("answers 413 to a body over the limit and keeps serving", async () => {
    const answer = await api(sim, "POST", "/users/me/meetings", {
      token: pair.access_token,
      headers: { "content-type": "application/json" },
      body: `{"topic":"${"x".repeat(1024 * 1024 + 10)}"}`,
    });
    assert.equal(answer.status, 413);
    assert.equal(answer.body.code, 413);
    assert.ok(await healthy());
  });

  it("answers 413 at once to a declared length far over the limit", async () => {
    const text = await raw(
      "POST /oauth/token HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 10000000000\r\n\r\nabc",
    );
    assert.match(text, /^HTTP\/1\.1 413 /);
    assert.ok(await healthy());
  });

  it("answers 400 to bytes that are not HTTP", async () => {
    const text = await raw(
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]),
      { endAfterWrite: true },
    );
    assert.match(text, /^HTTP\/1\.1 400 /);
    assert.ok(await healthy());
  });

  it("survives a client that hangs up halfway through its body", async () => {
    const socket = connect(Number(new URL(sim.url).port), "127.0.0.1");
    await new Promise((resolve) => socket.on("connect", resolve));
    socket.write(
      'POST /v2/users/me/meetings HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"top',
    );
    socket.destroy();
    assert.ok(await healthy());
  });

  it("caps the list of field errors", async () => {
    const answer = await api(sim, "POST", "/users/me/meetings", {
      token: pair.access_token,
      json: { tracking_fields: Array.from({ length: 10_000 }, () => ({ value: 1 })) },
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.errors.length, 50);
  });

  it("refuses deeply nested JSON without falling over", async () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const answer = await api(sim, "POST", "/users/me/meetings", {
      token: pair.access_token,
      headers: { "content-type": "application/json" },
      body: `{"settings": {"x": ${deep}}}`,
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.code, 300);
  });

  it("treats __proto__ and friends as plain fields", async () => {
    const answer = await tokenRequest(sim, {
      grant_type: "refresh_token",
      refresh_token: "x",
      __proto__: "y",
      constructor: "z",
    });
    assert.equal(answer.status, 400);
    const json = await api(sim, "POST", "/users/me/meetings", {
      token: pair.access_token,
      headers: { "content-type": "application/json" },
      body: '{"__proto__": {"topic": 5}, "settings": {"__proto__": {"x": 1}}}',
    });
    assert.equal(json.status, 201);
    assert.equal(json.body.topic, "Zoom Meeting");
    assert.ok(await healthy());
  });

  it("answers wrong methods with 405 and unknown paths with 404, in JSON", async () => {
    const put = await api(sim, "PUT", "/meetings/81234567890", {
      token: pair.access_token,
      json: {},
    });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, PATCH, DELETE");
    const getToken = await fetch(`${sim.oauthBase}/oauth/token`);
    assert.equal(getToken.status, 405);
    const unknown = await api(sim, "GET", "/webinars/1", { token: pair.access_token });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { code: 404, message: "Not found" });
    assert.ok(unknown.headers.get("x-zm-trackingid"));
    const encoded = await api(sim, "GET", "/meetings/%E0%A4%A", { token: pair.access_token });
    assert.equal(encoded.status, 404);
  });

  it("handles many concurrent calls", async () => {
    const answers = await Promise.all(
      Array.from({ length: 220 }, (_, i) =>
        i % 2 === 0
          ? api(sim, "POST", "/users/me/meetings", { token: pair.access_token, json: scheduled })
          : api(sim, "GET", `/meetings/${sim.state.users.get("sim-user-1").pmi}`, {
              token: pair.access_token,
            }),
      ),
    );
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200, 201, 429]));
    assert.equal(
      answers.filter((answer) => answer.status === 201).length,
      100,
      "the default daily limit is 100",
    );
    assert.equal(answers.filter((answer) => answer.status === 429).length, 10);
    assert.ok(await healthy());
  });
});

describe("request log", () => {
  it("records method, path, query and status, with secrets redacted", async () => {
    const code = await codeFor(sim);
    const query = `?${new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI })}`;
    const exchanged = await tokenRequest(sim, {}, { query });
    assert.equal(exchanged.status, 200);
    await api(sim, "GET", `/meetings/1?access_token=${pair.access_token}`);

    const { requests } = (await control(sim, "GET", "requests")).body;
    const token = requests.find((entry) => entry.path === "/oauth/token");
    assert.equal(token.method, "POST");
    assert.equal(token.status, 200);
    assert.equal(token.query.code, "[redacted]");
    assert.equal(token.query.grant_type, "authorization_code");
    const logged = JSON.stringify(requests);
    for (const secret of [
      code,
      pair.access_token,
      exchanged.body.access_token,
      "sim-client-secret",
    ]) {
      assert.ok(!logged.includes(secret));
    }
    assert.ok(
      !requests.some((entry) => entry.path.startsWith("/_sim/")),
      "control calls are not logged",
    );
  });

  it("is the same array as sim.requests, and can be cleared", async () => {
    await api(sim, "GET", "/meetings/1");
    assert.equal(sim.requests.length, 1);
    assert.equal(sim.requests[0].status, 401);
    await control(sim, "DELETE", "requests");
    assert.equal(sim.requests.length, 0);
  });
});

describe("control API", () => {
  it("issues tokens for a user with chosen scopes", async () => {
    const answer = await control(sim, "POST", "tokens", {
      userId: "other@sim.example",
      scopes: "meeting:read",
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.scope, "meeting:read");
    const meeting = await api(sim, "GET", `/meetings/${sim.state.users.get("sim-user-2").pmi}`, {
      token: answer.body.access_token,
    });
    assert.equal(meeting.status, 200);
    assert.equal((await control(sim, "POST", "tokens", { userId: "ghost" })).status, 400);
  });

  it("changes options at run time, refusing unknown ones whole", async () => {
    const refused = await control(sim, "POST", "config", { autoApprove: true, colour: "blue" });
    assert.equal(refused.status, 400);
    assert.equal(sim.options.autoApprove, false);
    const wrongType = await control(sim, "POST", "config", { accessTokenTtlSec: "soon" });
    assert.equal(wrongType.status, 400);

    const changed = await control(sim, "POST", "config", {
      autoApprove: true,
      scopes: "meeting:read",
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.options.clientSecret, "[redacted]");
    assert.equal(sim.options.autoApprove, true);
    assert.equal(sim.issueTokens().scope, "meeting:read");
  });

  it("resets to a fresh state with the start options", async () => {
    await api(sim, "POST", "/users/me/meetings", { token: pair.access_token, json: scheduled });
    sim.configure({ autoApprove: true, users: { me: { canHost: false } } });
    sim.fault({ kind: "drop", count: -1 });
    const answer = await control(sim, "POST", "reset");
    assert.equal(answer.status, 200);
    assert.equal(sim.options.autoApprove, false);
    assert.equal(sim.state.faults.length, 0);
    assert.equal(sim.state.users.get("sim-user-1").canHost, true);
    assert.equal(sim.state.meetings.size, 2, "only the two PMIs");
    const stale = await api(sim, "GET", "/meetings/1", { token: pair.access_token });
    assert.equal(stale.body.message, "Invalid access token.");
  });

  it("answers 400 to a body that is not JSON and 404 to an unknown operation", async () => {
    const broken = await fetch(`${sim.url}/_sim/config`, { method: "POST", body: "{" });
    assert.equal(broken.status, 400);
    assert.equal((await control(sim, "POST", "nothing")).status, 404);
  });
});

describe("pages", () => {
  it("serves the join and start links a meeting carries", async () => {
    const created = await api(sim, "POST", "/users/me/meetings", {
      token: pair.access_token,
      json: scheduled,
    });
    const join = await fetch(created.body.join_url);
    assert.equal(join.status, 200);
    assert.match(await join.text(), new RegExp(`Meeting ${created.body.id}`));
    const index = await (await fetch(`${sim.url}/`)).json();
    assert.equal(index.apiBase, sim.apiBase);
  });
});
