// The fault matrix: each of the simulator's faults at each of the three requests of a
// refresh-and-retry (the call, the refresh, the retry), for each meeting API, once and for
// every attempt. `expectedOutcome` says what the contract promises for each; `runScenario`
// plays one against a fresh simulator. faults.test.mjs checks them, secrets.test.mjs scans them.
import { handle } from "../../pkg/node.js";
import {
  clearLog,
  configFor,
  countByEndpoint,
  createdMeetings,
  meetingEvent,
  pairFor,
  seedMeeting,
  settledLog,
} from "./helpers.mjs";

/**
 * Each logical request may take this long: three attempts and their backoff (600 ms) fit in it
 * with room to spare on a busy machine. A held answer comes back well after it.
 */
export const TIMEOUT_MS = 3000;
const HELD_MS = TIMEOUT_MS + 1500;

/**
 * `effect` is what the gateway sees: no answer in time, a broken connection, a 5xx, or a page
 * that is not JSON. `works` says whether the simulator still does what was asked (a create
 * creates, a refresh rotates) though the answer never arrives whole.
 */
export const FAULTS = [
  { name: "timeout", spec: { kind: "delay", delayMs: HELD_MS }, effect: "timeout", works: true },
  {
    name: "slow body",
    spec: { kind: "slowbody", delayMs: HELD_MS },
    effect: "timeout",
    works: true,
    needsBody: true,
  },
  { name: "dropped connection", spec: { kind: "drop" }, effect: "network", works: false },
  {
    name: "truncated body",
    spec: { kind: "truncate" },
    effect: "network",
    works: true,
    needsBody: true,
  },
  { name: "502 JSON", spec: { kind: "status", status: 502 }, effect: "5xx", works: false },
  {
    name: "503 HTML page",
    spec: { kind: "status", status: 503, body: "html" },
    effect: "5xx",
    works: false,
  },
  {
    name: "500 empty body",
    spec: { kind: "status", status: 500, body: "empty" },
    effect: "5xx",
    works: false,
  },
  { name: "200 HTML page", spec: { kind: "nonjson" }, effect: "nonjson", works: false },
];

export const STAGES = ["call", "refresh", "retry"];

export const APIS = {
  GET_MEETING: { endpoint: "get", idempotent: true, answerHasBody: true },
  EDIT_MEETING: { endpoint: "update", idempotent: true, answerHasBody: false },
  DELETE_MEETING: { endpoint: "delete", idempotent: true, answerHasBody: false },
  CREATE_MEETING: { endpoint: "create", idempotent: false, answerHasBody: true },
};

/** Every scenario: API x stage x fault x (first attempt only | every attempt). */
export function allScenarios() {
  const scenarios = [];
  for (const api of Object.keys(APIS)) {
    for (const stage of STAGES) {
      for (const fault of FAULTS) {
        // The token endpoint is never retried, so "every attempt" adds nothing there.
        const spans = stage === "refresh" ? [false] : [false, true];
        for (const persistent of spans) scenarios.push({ api, stage, fault, persistent });
      }
    }
  }
  return scenarios;
}

export function scenarioName({ api, stage, fault, persistent }) {
  return `${api}: ${fault.name} at the ${stage}${persistent ? ", every attempt" : ""}`;
}

/**
 * What the contract promises when the caller's access token has expired and `fault` strikes
 * at `stage`: the envelope's code, whether a new pair comes back, how many requests each
 * endpoint gets, and what the caller's stored refresh token is worth afterwards.
 */
export function expectedOutcome({ api, stage, fault, persistent }) {
  const { endpoint, idempotent, answerHasBody } = APIS[api];
  const outcome = { error: 0, updated: false, effect: null, requests: {}, rotatedAway: false };
  const fail = (effect) => Object.assign(outcome, { error: 1, effect });

  if (stage === "call") {
    // The answer the fault spoils is the 401 of the expired token, which has a body.
    const call = attempts(fault.effect, idempotent, persistent);
    if (call.failed) {
      outcome.requests = { [endpoint]: call.count };
      return fail(fault.effect);
    }
    outcome.requests = { [endpoint]: call.count + 1, token: 1 };
    outcome.updated = true;
    return outcome;
  }

  if (stage === "refresh") {
    // A refresh is never repeated: a second one would spend the rotated token.
    outcome.requests = { [endpoint]: 1, token: 1 };
    outcome.rotatedAway = fault.works;
    return fail(fault.effect);
  }

  // The retry, with the new access token; its answer has a body for get and create only.
  outcome.updated = true;
  const effect = fault.needsBody && !answerHasBody ? "none" : fault.effect;
  const retry = attempts(effect, idempotent, persistent);
  outcome.requests = { [endpoint]: 1 + retry.count, token: 1 };
  if (retry.failed) fail(effect);
  return outcome;
}

/** Attempts of one logical request under a fault, and whether the last one failed. */
function attempts(effect, idempotent, persistent) {
  if (effect === "none") return { count: 1, failed: false };
  const retried = idempotent && (effect === "network" || effect === "5xx");
  if (!retried) return { count: 1, failed: true };
  return persistent ? { count: 3, failed: true } : { count: 2, failed: false };
}

/** Meetings the simulator holds after a create scenario: one at most, never a duplicate. */
export function expectedMeetings(scenario, outcome) {
  if (scenario.api !== "CREATE_MEETING" || scenario.stage !== "retry") return 0;
  return outcome.error === 0 || scenario.fault.works ? 1 : 0;
}

/**
 * Plays a scenario on a fresh simulator and returns what a test checks: the envelope, the
 * request log, the simulator (still open), and the ids involved. `simOptions` and `config`
 * let the secrets test use its own client credentials.
 */
export async function runScenario(t, simulatorFor, scenario, { simOptions, config } = {}) {
  const sim = await simulatorFor(t, simOptions);
  const setup = pairFor(sim);
  const meetingId =
    scenario.api === "CREATE_MEETING" ? undefined : await seedMeeting(sim, setup.access);
  const pair = pairFor(sim, { expired: true });
  clearLog(sim);

  const { endpoint } = APIS[scenario.api];
  const target = scenario.stage === "refresh" ? "token" : endpoint;
  if (scenario.stage === "retry") {
    // The first answer (the 401) passes untouched; the fault waits for the retry.
    sim.fault({ endpoint, kind: "delay", delayMs: 0, count: 1 });
  }
  sim.fault({ endpoint: target, ...scenario.fault.spec, count: scenario.persistent ? -1 : 1 });

  const envelope = await handle(
    meetingEvent(scenario.api, pair, eventFields(scenario.api, meetingId)),
    { ...configFor(sim, { ZOOM_TIMEOUT_MS: TIMEOUT_MS }), ...config },
  );

  const outcome = expectedOutcome(scenario);
  const expectedTotal = Object.values(outcome.requests).reduce((a, b) => a + b, 0);
  const log = await settledLog(sim, expectedTotal);
  sim.clearFaults();
  return {
    sim,
    envelope,
    outcome,
    pair,
    meetingId,
    log,
    counts: countByEndpoint(log),
    // Meetings this scenario created: the seeded one is not among them.
    meetings: createdMeetings(sim).filter((meeting) => meeting.id !== meetingId),
  };
}

function eventFields(api, meetingId) {
  switch (api) {
    case "CREATE_MEETING":
      return { topic: "fault matrix", type: 2, start_time: "2030-01-15T10:00:00Z", duration: 30 };
    case "EDIT_MEETING":
      return { meetingId, topic: "edited by the fault matrix" };
    default:
      return { meetingId };
  }
}

/** A GET of the user's personal meeting with `pair`: any call that proves a pair works. */
export function probeEvent(sim, pair) {
  const pmi = sim.state.users.get("sim-user-1").pmi;
  return meetingEvent("GET_MEETING", pair, { meetingId: pmi });
}
