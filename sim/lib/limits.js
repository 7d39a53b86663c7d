// Zoom's two rate limits: requests per second per account and category (create is
// "Medium"; get, update and delete are "Light"), and meetings created or updated per host
// per UTC day. A limit of 0 or Infinity is off.

import { apiError } from "./http.js";
import { nextUtcMidnight, utcDay } from "./time.js";

function isOn(limit) {
  return Number.isFinite(limit) && limit > 0;
}

function perSecondLimitOf(options, category) {
  const limits = options.perSecondLimit ?? {};
  return category === "Medium" ? limits.create : limits.light;
}

/** Counts a request against its category; a 429 reply when the second's budget is spent. */
export function takePerSecond(core, category) {
  const limit = perSecondLimitOf(core.options, category);
  if (!isOn(limit)) return null;

  const second = Math.floor(core.now() / 1000);
  const counters = core.state.usage.perSecond;
  let counter = counters.get(category);
  if (!counter || counter.second !== second) {
    counter = { second, count: 0 };
    counters.set(category, counter);
  }
  if (counter.count >= limit) {
    return apiError(
      429,
      429,
      "You have reached the maximum per-second rate limit for this API. Try again later.",
      {},
      {
        "x-ratelimit-category": category,
        "x-ratelimit-type": "QPS",
        "x-ratelimit-limit": String(limit),
        "x-ratelimit-remaining": "0",
        "retry-after": "1",
      },
    );
  }
  counter.count++;
  return null;
}

/** A 429 reply when `hostId` has used up today's creates and updates; else null. */
export function dailyLimitReached(core, hostId, category) {
  const limit = core.options.dailyLimit;
  if (!isOn(limit) || dailyCount(core, hostId) < limit) return null;

  const now = core.now();
  return apiError(
    429,
    429,
    `You have exceeded the daily rate limit (${limit}) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.`,
    {},
    {
      "x-ratelimit-category": category,
      "x-ratelimit-type": "Daily-limit",
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": "0",
      "retry-after": new Date(nextUtcMidnight(now)).toUTCString(),
    },
  );
}

function dailyCount(core, hostId) {
  const entry = core.state.usage.daily.get(hostId);
  return entry?.day === utcDay(core.now()) ? entry.count : 0;
}

/** Records one create or update for `hostId` today. */
export function countDaily(core, hostId) {
  core.state.usage.daily.set(hostId, {
    day: utcDay(core.now()),
    count: dailyCount(core, hostId) + 1,
  });
}

export function resetLimits(core) {
  core.state.usage.daily.clear();
  core.state.usage.perSecond.clear();
}
