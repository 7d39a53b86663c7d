import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { api, control, manualClock, scheduled, simulator, tokenRequest } from "./helpers.js";

const clock = manualClock(Date.parse("2026-06-01T12:00:00Z"));
const sim = await simulator({ now: clock.now });
const START = clock.now();
let token;

beforeEach(() => {
  clock.set(START);
  sim.reset();
  token = sim.issueTokens().access_token;
});

function create(body, { as = token, user = "me" } = {}) {
  return api(sim, "POST", `/users/${encodeURIComponent(user)}/meetings`, { token: as, json: body });
}

async function createdId(body) {
  const answer = await create(body);
  assert.equal(answer.status, 201, answer.text);
  return answer.body.id;
}

function getMeeting(id, query = "", as = token) {
  return api(sim, "GET", `/meetings/${id}${query}`, { token: as });
}

describe("access tokens", () => {
  const invalid = { code: 124, message: "Invalid access token." };
  const expired = { code: 124, message: "Access token is expired." };

  it("refuses a missing, unknown or malformed token with 401 code 124", async () => {
    for (const headers of [
      {},
      { authorization: "Bearer nope" },
      { authorization: "Basic abc" },
      { authorization: "Bearer" },
    ]) {
      const answer = await api(sim, "GET", "/meetings/81234567890", { headers });
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.body, invalid);
    }
  });

  it("refuses a token in the query string even when it is valid", async () => {
    const answer = await api(sim, "GET", `/meetings/81234567890?access_token=${token}`);
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.body, invalid);
  });

  it("expires tokens after their lifetime", async () => {
    clock.advance(3599 * 1000);
    const pmi = sim.state.users.get("sim-user-1").pmi;
    assert.equal((await getMeeting(pmi)).status, 200);
    clock.advance(1000);
    const answer = await getMeeting(pmi);
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.body, expired);
  });

  it("follows a shorter lifetime set at run time", async () => {
    await control(sim, "POST", "config", { accessTokenTtlSec: 60 });
    const short = sim.issueTokens();
    assert.equal(short.expires_in, 60);
    clock.advance(60 * 1000);
    assert.deepEqual(
      (await getMeeting(sim.state.users.get("sim-user-1").pmi, "", short.access_token)).body,
      expired,
    );
  });

  it("expires all tokens, or one, through the control API", async () => {
    const other = sim.issueTokens().access_token;
    const pmi = sim.state.users.get("sim-user-1").pmi;
    const one = await control(sim, "POST", "expire", { access_token: token });
    assert.deepEqual(one.body, { ok: true, expired: 1 });
    assert.deepEqual((await getMeeting(pmi)).body, expired);
    assert.equal((await getMeeting(pmi, "", other)).status, 200);

    await control(sim, "POST", "expire", {});
    assert.deepEqual((await getMeeting(pmi, "", other)).body, expired);
  });

  it("lets a refreshed token work after the old one expired", async () => {
    const pair = sim.issueTokens();
    assert.equal(sim.expireTokens(), 2);
    const refreshed = await tokenRequest(sim, {
      grant_type: "refresh_token",
      refresh_token: pair.refresh_token,
    });
    const pmi = sim.state.users.get("sim-user-1").pmi;
    assert.equal((await getMeeting(pmi, "", refreshed.body.access_token)).status, 200);
  });
});

describe("scopes", () => {
  it("needs meeting:write to create, update and delete", async () => {
    const readOnly = sim.issueTokens({ scopes: "meeting:read" }).access_token;
    const created = await create(scheduled, { as: readOnly });
    assert.equal(created.status, 400);
    assert.deepEqual(created.body, {
      code: 4711,
      message: "Invalid access token, does not contain scopes:[meeting:write:meeting].",
    });
    const id = await createdId(scheduled);
    const updated = await api(sim, "PATCH", `/meetings/${id}`, {
      token: readOnly,
      json: { topic: "x" },
    });
    assert.equal(
      updated.body.message,
      "Invalid access token, does not contain scopes:[meeting:update:meeting].",
    );
    const deleted = await api(sim, "DELETE", `/meetings/${id}`, { token: readOnly });
    assert.equal(
      deleted.body.message,
      "Invalid access token, does not contain scopes:[meeting:delete:meeting].",
    );
    assert.equal((await getMeeting(id, "", readOnly)).status, 200);
  });

  it("needs meeting:read to get, and takes Zoom's granular scopes too", async () => {
    const writeOnly = sim.issueTokens({ scopes: "meeting:write" }).access_token;
    const id = await createdId(scheduled);
    const answer = await getMeeting(id, "", writeOnly);
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, {
      code: 4711,
      message: "Invalid access token, does not contain scopes:[meeting:read:meeting].",
    });
    const granular = sim.issueTokens({ scopes: "meeting:read:meeting" }).access_token;
    assert.equal((await getMeeting(id, "", granular)).status, 200);
  });
});

describe("create", () => {
  it("answers 201 with a full meeting", async () => {
    const answer = await create({
      ...scheduled,
      agenda: "Q3 plans",
      settings: { waiting_room: true },
    });
    assert.equal(answer.status, 201);
    assert.equal(answer.headers.get("content-type"), "application/json;charset=UTF-8");
    assert.match(answer.headers.get("x-zm-trackingid"), /\S{10,}/);

    const meeting = answer.body;
    assert.equal(typeof meeting.id, "number");
    assert.match(String(meeting.id), /^[89]\d{10}$/);
    assert.equal(Buffer.from(meeting.uuid, "base64").length, 16);
    assert.equal(meeting.host_id, "sim-user-1");
    assert.equal(meeting.host_email, "host@sim.example");
    assert.equal(meeting.topic, "Design review");
    assert.equal(meeting.type, 2);
    assert.equal(meeting.status, "waiting");
    assert.equal(meeting.start_time, "2026-12-10T15:00:00Z");
    assert.equal(meeting.duration, 45);
    assert.equal(meeting.timezone, "America/New_York");
    assert.equal(meeting.agenda, "Q3 plans");
    assert.equal(meeting.created_at, "2026-06-01T12:00:00Z");
    assert.match(meeting.password, /^[A-Za-z0-9]{6}$/);
    assert.match(meeting.pstn_password, /^\d+$/);
    assert.equal(meeting.h323_password, meeting.pstn_password);
    assert.ok(meeting.encrypted_password);
    assert.equal(meeting.join_url, `${sim.url}/j/${meeting.id}?pwd=${meeting.encrypted_password}`);
    assert.match(meeting.start_url, new RegExp(`^${sim.url}/s/${meeting.id}\\?zak=[\\w-]{20,}$`));
    assert.equal(meeting.settings.waiting_room, true);
    assert.equal(meeting.settings.join_before_host, false);
    assert.equal(meeting.occurrences, undefined);
  });

  it("fills Zoom's defaults for an empty body", async () => {
    const meeting = (await create({})).body;
    assert.equal(meeting.topic, "Zoom Meeting");
    assert.equal(meeting.type, 2);
    assert.equal(meeting.start_time, "2026-06-01T12:00:00Z");
    assert.equal(meeting.timezone, "UTC");
  });

  it("reads a start time without Z as wall-clock time in the timezone, and one with Z as UTC", async () => {
    const local = await create({
      ...scheduled,
      start_time: "2026-07-01T09:00:00",
      timezone: "America/New_York",
    });
    assert.equal(local.body.start_time, "2026-07-01T13:00:00Z");
    const utc = await create({
      ...scheduled,
      start_time: "2026-07-01T09:00:00Z",
      timezone: "America/New_York",
    });
    assert.equal(utc.body.start_time, "2026-07-01T09:00:00Z");
  });

  it("keeps a given passcode, or none when default_password is false", async () => {
    const given = (await create({ ...scheduled, password: "a1@_*-B" })).body;
    assert.equal(given.password, "a1@_*-B");
    const numeric = (await create({ ...scheduled, password: "123456" })).body;
    assert.equal(numeric.pstn_password, "123456");
    const none = (await create({ ...scheduled, default_password: false })).body;
    assert.equal(none.password, "");
    assert.equal(none.join_url, `${sim.url}/j/${none.id}`);
  });

  it("creates for the user by id or email, and for no one else", async () => {
    assert.equal((await create(scheduled, { user: "sim-user-1" })).status, 201);
    assert.equal((await create(scheduled, { user: "HOST@sim.example" })).status, 201);

    const other = await create(scheduled, { user: "sim-user-2" });
    assert.equal(other.status, 404);
    assert.deepEqual(other.body, { code: 1001, message: "User does not exist: sim-user-2." });
    const unknown = await create(scheduled, { user: "nobody@example.com" });
    assert.deepEqual(unknown.body, {
      code: 1001,
      message: "User does not exist: nobody@example.com.",
    });
  });

  it("lets a Server-to-Server token create for any user of the account", async () => {
    const s2s = await tokenRequest(sim, {
      grant_type: "account_credentials",
      account_id: "sim-account",
    });
    const answer = await create(scheduled, {
      as: s2s.body.access_token,
      user: "other@sim.example",
    });
    assert.equal(answer.status, 201);
    assert.equal(answer.body.host_id, "sim-user-2");
  });

  it("schedules for another user with schedule_for, but not an instant meeting", async () => {
    const forOther = await create({ ...scheduled, schedule_for: "other@sim.example" });
    assert.equal(forOther.status, 201);
    assert.equal(forOther.body.host_email, "other@sim.example");

    const instant = await create({ topic: "now", type: 1, schedule_for: "other@sim.example" });
    assert.equal(instant.status, 400);
    assert.deepEqual(instant.body, {
      code: 3000,
      message: "Instant meetings do not support the schedule_for parameter.",
    });

    const unknown = await create({ ...scheduled, schedule_for: "ghost@example.com" });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, 300);
  });

  it("leaves start_time and occurrences out of a recurring meeting with no fixed time", async () => {
    const meeting = (await create({ topic: "Any time", type: 3 })).body;
    assert.equal(meeting.type, 3);
    assert.equal(meeting.start_time, undefined);
    assert.equal(meeting.occurrences, undefined);
  });
});

describe("validation", () => {
  it("refuses a topic over 200 characters with code 300 and the field", async () => {
    const answer = await create({ ...scheduled, topic: "x".repeat(201) });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.code, 300);
    assert.equal(answer.body.message, "Validation Failed.");
    assert.deepEqual(
      answer.body.errors.map((error) => error.field),
      ["topic"],
    );
    assert.equal((await create({ ...scheduled, topic: "x".repeat(200) })).status, 201);
  });

  it("reports every failing field at once, nested ones by path", async () => {
    const answer = await create({
      topic: 7,
      type: 5,
      agenda: "a".repeat(2001),
      start_time: "next tuesday",
      settings: { audio: "loud", breakout_room: { enable: "yes" } },
    });
    assert.equal(answer.status, 400);
    const fields = answer.body.errors.map((error) => error.field).sort();
    assert.deepEqual(fields, [
      "agenda",
      "settings.audio",
      "settings.breakout_room.enable",
      "start_time",
      "topic",
      "type",
    ]);
    for (const error of answer.body.errors) assert.ok(error.message.length > 0);
  });

  it("holds passcodes to 10 characters from A-Z a-z 0-9 @ _ * -", async () => {
    for (const password of ["abc!", "pass word", "ünïcødé", "12345678901"]) {
      const answer = await create({ ...scheduled, password });
      assert.equal(answer.status, 400, password);
      assert.equal(answer.body.code, 300);
      assert.ok(
        answer.body.errors.some((error) => error.field === "password"),
        password,
      );
    }
  });

  it("checks update bodies against the update schema and the same rules", async () => {
    const id = await createdId(scheduled);
    const bad = await api(sim, "PATCH", `/meetings/${id}`, {
      token,
      json: { password: "no spaces!", duration: "long" },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((error) => error.field).sort(), ["duration", "password"]);
    assert.equal((await getMeeting(id)).body.topic, "Design review");
  });

  it("refuses other content types and malformed JSON with code 300", async () => {
    const text = await api(sim, "POST", "/users/me/meetings", {
      token,
      body: JSON.stringify(scheduled),
      headers: { "content-type": "text/plain" },
    });
    assert.equal(text.status, 400);
    assert.deepEqual(text.body, { code: 300, message: "Unsupported Content Type" });

    const form = await api(sim, "POST", "/users/me/meetings", { token, body: "topic=x" });
    assert.deepEqual(form.body, { code: 300, message: "Unsupported Content Type" });

    const broken = await api(sim, "POST", "/users/me/meetings", {
      token,
      body: '{"topic": "x",',
      headers: { "content-type": "application/json" },
    });
    assert.equal(broken.status, 400);
    assert.deepEqual(broken.body, { code: 300, message: "Malformed JSON" });

    const list = await create([scheduled]);
    assert.equal(list.status, 400);
    assert.equal(list.body.message, "Validation Failed.");
  });

  it("accepts JSON with a charset parameter", async () => {
    const answer = await api(sim, "POST", "/users/me/meetings", {
      token,
      json: scheduled,
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    assert.equal(answer.status, 201);
  });

  it("refuses an unknown time zone", async () => {
    const answer = await create({ ...scheduled, timezone: "Mars/Olympus_Mons" });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.errors[0].field, "timezone");
  });
});

describe("get, update, delete", () => {
  it("gets what was created", async () => {
    const created = (await create(scheduled)).body;
    const answer = await getMeeting(created.id);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, created);
  });

  it("updates with 204 and an empty body, and keeps the changes", async () => {
    const created = (await create({ ...scheduled, settings: { waiting_room: true } })).body;
    const answer = await api(sim, "PATCH", `/meetings/${created.id}`, {
      token,
      json: {
        topic: "Renamed",
        start_time: "2026-12-11T09:30:00",
        timezone: "Europe/Paris",
        settings: { mute_upon_entry: true },
      },
    });
    assert.equal(answer.status, 204);
    assert.equal(answer.text, "");
    assert.equal(answer.headers.get("content-type"), null);
    assert.ok(answer.headers.get("x-zm-trackingid"));

    const meeting = (await getMeeting(created.id)).body;
    assert.equal(meeting.topic, "Renamed");
    assert.equal(meeting.start_time, "2026-12-11T08:30:00Z");
    assert.equal(meeting.timezone, "Europe/Paris");
    assert.equal(meeting.duration, 45);
    assert.equal(meeting.settings.mute_upon_entry, true);
    assert.equal(meeting.settings.waiting_room, true);
    assert.equal(meeting.join_url, created.join_url);
  });

  it("gives a new passcode new derived values", async () => {
    const created = (await create(scheduled)).body;
    await api(sim, "PATCH", `/meetings/${created.id}`, { token, json: { password: "654321" } });
    const meeting = (await getMeeting(created.id)).body;
    assert.equal(meeting.password, "654321");
    assert.equal(meeting.pstn_password, "654321");
    assert.notEqual(meeting.join_url, created.join_url);
  });

  it("deletes with 204 and an empty body; the meeting is then gone", async () => {
    const id = await createdId(scheduled);
    const answer = await api(
      sim,
      "DELETE",
      `/meetings/${id}?schedule_for_reminder=true&cancel_meeting_reminder=false`,
      { token },
    );
    assert.equal(answer.status, 204);
    assert.equal(answer.text, "");
    const gone = await getMeeting(id);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.body, {
      code: 3001,
      message: `Meeting ${id} is not found or has expired.`,
    });
  });

  it("answers 404 code 3001 for unknown and non-numeric ids on every operation", async () => {
    for (const [method, json] of [["GET"], ["PATCH", { topic: "x" }], ["DELETE"]]) {
      const unknown = await api(sim, method, "/meetings/81234567890", { token, json });
      assert.equal(unknown.status, 404, method);
      assert.deepEqual(unknown.body, {
        code: 3001,
        message: "Meeting 81234567890 is not found or has expired.",
      });
    }
    const word = await getMeeting("abc");
    assert.equal(word.status, 404);
    assert.equal(word.body.code, 3001);
  });

  it("keeps other users' meetings to themselves (400 code 3000)", async () => {
    const id = await createdId(scheduled);
    const stranger = sim.issueTokens({ userId: "sim-user-2" }).access_token;
    const answer = await getMeeting(id, "", stranger);
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, { code: 3000, message: "Cannot access meeting info." });
    assert.equal(
      (await api(sim, "DELETE", `/meetings/${id}`, { token: stranger })).body.code,
      3000,
    );
    assert.equal((await getMeeting(id)).status, 200);
  });

  it("refuses to delete the user's PMI with code 3018", async () => {
    const pmi = sim.state.users.get("sim-user-1").pmi;
    assert.match(String(pmi), /^[1-9]\d{9}$/);
    const meeting = (await getMeeting(pmi)).body;
    assert.equal(meeting.type, 4);
    const answer = await api(sim, "DELETE", `/meetings/${pmi}`, { token });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, { code: 3018, message: "Not allowed to delete PMI." });
  });

  it("refuses a user who may not host with code 3161", async () => {
    const id = await createdId(scheduled);
    const configured = await control(sim, "POST", "config", { users: { me: { canHost: false } } });
    assert.equal(configured.status, 200);
    const expected = {
      code: 3161,
      message: "Meeting hosting and scheduling capabilities are not allowed for your user account.",
    };
    const created = await create(scheduled);
    assert.equal(created.status, 400);
    assert.deepEqual(created.body, expected);
    const updated = await api(sim, "PATCH", `/meetings/${id}`, { token, json: { topic: "x" } });
    assert.deepEqual(updated.body, expected);
    assert.equal((await getMeeting(id)).status, 200);
  });

  it("refuses a malformed boolean query parameter", async () => {
    const id = await createdId(scheduled);
    const answer = await api(sim, "DELETE", `/meetings/${id}?cancel_meeting_reminder=maybe`, {
      token,
    });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, {
      code: 300,
      message: "Invalid parameter: cancel_meeting_reminder.",
    });
  });
});

describe("recurring meetings", () => {
  const series = (recurrence, extra = {}) => ({
    topic: "Stand-up",
    type: 8,
    start_time: "2026-06-08T09:00:00",
    timezone: "UTC",
    duration: 15,
    recurrence,
    ...extra,
  });
  const starts = (meeting) => meeting.occurrences.map((occurrence) => occurrence.start_time);

  it("lists daily occurrences with Zoom's occurrence ids", async () => {
    const meeting = (await create(series({ type: 1, repeat_interval: 2, end_times: 3 }))).body;
    assert.deepEqual(starts(meeting), [
      "2026-06-08T09:00:00Z",
      "2026-06-10T09:00:00Z",
      "2026-06-12T09:00:00Z",
    ]);
    for (const occurrence of meeting.occurrences) {
      assert.equal(occurrence.occurrence_id, String(Date.parse(occurrence.start_time)));
      assert.equal(occurrence.duration, 15);
      assert.equal(occurrence.status, "available");
    }
    assert.deepEqual(meeting.recurrence, { type: 1, repeat_interval: 2, end_times: 3 });
  });

  it("keeps the wall-clock time across a daylight-saving change", async () => {
    const meeting = (
      await create(
        series(
          { type: 1, end_times: 3 },
          { start_time: "2026-03-07T09:00:00", timezone: "America/New_York" },
        ),
      )
    ).body;
    assert.deepEqual(starts(meeting), [
      "2026-03-07T14:00:00Z",
      "2026-03-08T13:00:00Z",
      "2026-03-09T13:00:00Z",
    ]);
  });

  it("lists weekly occurrences on the given days (1 = Sunday)", async () => {
    // 2026-06-08 is a Monday; Monday and Wednesday, every other week.
    const meeting = (
      await create(series({ type: 2, weekly_days: "2,4", repeat_interval: 2, end_times: 4 }))
    ).body;
    assert.deepEqual(starts(meeting), [
      "2026-06-08T09:00:00Z",
      "2026-06-10T09:00:00Z",
      "2026-06-22T09:00:00Z",
      "2026-06-24T09:00:00Z",
    ]);
  });

  it("lists monthly occurrences by day, falling back to a short month's last day", async () => {
    const meeting = (
      await create(
        series({ type: 3, monthly_day: 31, end_times: 3 }, { start_time: "2026-12-31T09:00:00" }),
      )
    ).body;
    assert.deepEqual(starts(meeting), [
      "2026-12-31T09:00:00Z",
      "2027-01-31T09:00:00Z",
      "2027-02-28T09:00:00Z",
    ]);
  });

  it("lists monthly occurrences by week: the last Friday", async () => {
    const meeting = (
      await create(series({ type: 3, monthly_week: -1, monthly_week_day: 6, end_times: 3 }))
    ).body;
    assert.deepEqual(starts(meeting), [
      "2026-06-26T09:00:00Z",
      "2026-07-31T09:00:00Z",
      "2026-08-28T09:00:00Z",
    ]);
    assert.equal(meeting.start_time, "2026-06-26T09:00:00Z");
  });

  it("stops at end_date_time, and at 60 occurrences", async () => {
    const until = (await create(series({ type: 1, end_date_time: "2026-06-11T00:00:00Z" }))).body;
    assert.equal(until.occurrences.length, 3);
    const endless = (await create(series({ type: 1, end_times: 0 }))).body;
    assert.equal(endless.occurrences.length, 60);
  });

  it("refuses contradictory or out-of-range recurrences", async () => {
    const both = await create(
      series({ type: 1, end_times: 2, end_date_time: "2026-07-01T00:00:00Z" }),
    );
    assert.equal(both.status, 400);
    assert.equal(both.body.code, 300);
    const tooMany = await create(series({ type: 1, end_times: 61 }));
    assert.equal(tooMany.body.errors[0].field, "recurrence.end_times");
    const interval = await create(series({ type: 1, repeat_interval: 100 }));
    assert.equal(interval.body.errors[0].field, "recurrence.repeat_interval");
    const missing = await create(series(undefined));
    assert.equal(missing.body.errors[0].field, "recurrence");
  });

  it("deletes one occurrence, then refuses it as an occurrence_id", async () => {
    const meeting = (await create(series({ type: 1, end_times: 3 }))).body;
    const second = meeting.occurrences[1].occurrence_id;
    const answer = await api(sim, "DELETE", `/meetings/${meeting.id}?occurrence_id=${second}`, {
      token,
    });
    assert.equal(answer.status, 204);
    assert.equal(answer.text, "");

    const after = (await getMeeting(meeting.id)).body;
    assert.deepEqual(
      after.occurrences.map((occurrence) => occurrence.status),
      ["available", "deleted", "available"],
    );
    const again = await api(sim, "DELETE", `/meetings/${meeting.id}?occurrence_id=${second}`, {
      token,
    });
    assert.equal(again.status, 400);
    assert.deepEqual(again.body, { code: 300, message: "Invalid parameter: occurrence_id." });
    const unknown = await getMeeting(meeting.id, "?occurrence_id=123");
    assert.equal(unknown.body.code, 300);
  });

  it("updates one occurrence's agenda, start and duration, and only that one", async () => {
    const meeting = (await create(series({ type: 1, end_times: 3 }, { agenda: "series" }))).body;
    const first = meeting.occurrences[0].occurrence_id;
    const answer = await api(sim, "PATCH", `/meetings/${meeting.id}?occurrence_id=${first}`, {
      token,
      json: {
        agenda: "special",
        duration: 30,
        start_time: "2026-06-08T10:00:00Z",
        topic: "ignored",
      },
    });
    assert.equal(answer.status, 204);

    const one = (await getMeeting(meeting.id, `?occurrence_id=${first}`)).body;
    assert.equal(one.agenda, "special");
    assert.equal(one.duration, 30);
    assert.equal(one.start_time, "2026-06-08T10:00:00Z");
    assert.equal(one.topic, "Stand-up");
    const whole = (await getMeeting(meeting.id)).body;
    assert.equal(whole.agenda, "series");
    assert.equal(whole.occurrences[0].occurrence_id, first);
    assert.equal(whole.occurrences[0].duration, 30);
    assert.equal(whole.occurrences[1].duration, 15);
  });

  it("deletes a whole series without occurrence_id", async () => {
    const meeting = (await create(series({ type: 1, end_times: 3 }))).body;
    assert.equal((await api(sim, "DELETE", `/meetings/${meeting.id}`, { token })).status, 204);
    assert.equal((await getMeeting(meeting.id)).status, 404);
  });

  it("hides past occurrences unless show_previous_occurrences=true", async () => {
    const meeting = (await create(series({ type: 1, end_times: 3 }))).body;
    clock.set(Date.parse("2026-06-08T12:00:00Z"));
    token = sim.issueTokens().access_token;
    const upcoming = (await getMeeting(meeting.id)).body;
    assert.equal(upcoming.occurrences.length, 2);
    const all = (await getMeeting(meeting.id, "?show_previous_occurrences=true")).body;
    assert.equal(all.occurrences.length, 3);
  });
});
