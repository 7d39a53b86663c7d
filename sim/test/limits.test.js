import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { api, control, manualClock, scheduled, simulator } from "./helpers.js";

// 2026-06-01 is a Monday; the clock starts mid-second to show windows are whole seconds.
const clock = manualClock(Date.parse("2026-06-01T23:59:00.500Z"));
const sim = await simulator({ now: clock.now });
const START = clock.now();
let token;

beforeEach(() => {
  clock.set(START);
  sim.reset();
  token = sim.issueTokens({ scopes: "meeting:read meeting:write" }).access_token;
});

const create = (as = token) =>
  api(sim, "POST", "/users/me/meetings", { token: as, json: scheduled });
const getPmi = () =>
  api(sim, "GET", `/meetings/${sim.state.users.get("sim-user-1").pmi}`, { token });

describe("per-second limits", () => {
  it("are off by default", async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, () => getPmi()));
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]));
  });

  it("answer 429 with Zoom's QPS headers once a second's budget is spent", async () => {
    sim.configure({ perSecondLimit: { light: 2 } });
    assert.equal((await getPmi()).status, 200);
    assert.equal((await getPmi()).status, 200);
    const limited = await getPmi();
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.body, {
      code: 429,
      message: "You have reached the maximum per-second rate limit for this API. Try again later.",
    });
    assert.equal(limited.headers.get("x-ratelimit-category"), "Light");
    assert.equal(limited.headers.get("x-ratelimit-type"), "QPS");
    assert.equal(limited.headers.get("x-ratelimit-limit"), "2");
    assert.equal(limited.headers.get("x-ratelimit-remaining"), "0");
    assert.equal(limited.headers.get("retry-after"), "1");

    clock.advance(500);
    assert.equal((await getPmi()).status, 200, "a new second has a new budget");
  });

  it("count create as Medium, apart from the Light calls", async () => {
    await control(sim, "POST", "config", { perSecondLimit: { create: 1, light: 1 } });
    assert.equal((await create()).status, 201);
    const limited = await create();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("x-ratelimit-category"), "Medium");
    assert.equal((await getPmi()).status, 200);
  });

  it("can be turned off again with 0 or null", async () => {
    sim.configure({ perSecondLimit: { light: 1 } });
    await getPmi();
    assert.equal((await getPmi()).status, 429);
    await control(sim, "POST", "config", { perSecondLimit: { light: null } });
    assert.equal((await getPmi()).status, 200);
  });
});

describe("daily limit", () => {
  it("allows dailyLimit creates and updates per host per UTC day, then 429 until midnight", async () => {
    sim.configure({ dailyLimit: 3 });
    const first = await create();
    assert.equal(first.status, 201);
    assert.equal((await create()).status, 201);
    const update = await api(sim, "PATCH", `/meetings/${first.body.id}`, {
      token,
      json: { topic: "again" },
    });
    assert.equal(update.status, 204);

    const limited = await create();
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.body, {
      code: 429,
      message:
        "You have exceeded the daily rate limit (3) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.",
    });
    assert.equal(limited.headers.get("x-ratelimit-type"), "Daily-limit");
    assert.equal(limited.headers.get("x-ratelimit-limit"), "3");
    assert.equal(limited.headers.get("x-ratelimit-remaining"), "0");
    assert.equal(limited.headers.get("retry-after"), "Tue, 02 Jun 2026 00:00:00 GMT");
    const limitedUpdate = await api(sim, "PATCH", `/meetings/${first.body.id}`, {
      token,
      json: { topic: "x" },
    });
    assert.equal(limitedUpdate.status, 429);
    assert.equal(sim.state.meetings.get(String(first.body.id)).meeting.topic, "again");

    assert.equal((await getPmi()).status, 200, "get is not counted");
    clock.advance(60 * 1000);
    token = sim.issueTokens().access_token;
    assert.equal((await create()).status, 201, "a new UTC day");
  });

  it("counts each host apart", async () => {
    sim.configure({ dailyLimit: 1 });
    assert.equal((await create()).status, 201);
    assert.equal((await create()).status, 429);
    const other = sim.issueTokens({ userId: "sim-user-2" }).access_token;
    assert.equal((await create(other)).status, 201);
  });

  it("does not count refused requests", async () => {
    sim.configure({ dailyLimit: 1 });
    const refused = await api(sim, "POST", "/users/me/meetings", {
      token,
      json: { topic: "x".repeat(300) },
    });
    assert.equal(refused.status, 400);
    assert.equal((await create()).status, 201);
  });

  it("is reset through the control API, and can be turned off", async () => {
    sim.configure({ dailyLimit: 1 });
    await create();
    assert.equal((await create()).status, 429);
    assert.equal((await control(sim, "POST", "limits/reset")).status, 200);
    assert.equal((await create()).status, 201);

    await control(sim, "POST", "config", { dailyLimit: 0 });
    for (let i = 0; i < 5; i++) assert.equal((await create()).status, 201);
  });

  it("defaults to Zoom's 100", async () => {
    assert.equal(sim.options.dailyLimit, 100);
    for (let i = 0; i < 100; i++) assert.equal((await create()).status, 201);
    const limited = await create();
    assert.equal(limited.status, 429);
    assert.match(limited.body.message, /daily rate limit \(100\)/);
  });
});
