// Zoom's two ways of writing a start time (UTC with `Z`, or local wall-clock time read in a
// time zone) and the calendar arithmetic recurring meetings need, on Intl's IANA data.

const DAY_MS = 86_400_000;
const formatters = new Map();

function formatterFor(timeZone) {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for a name Intl does not know; only known zones reach the cache.
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether `timeZone` is an IANA name (or `UTC`) this runtime knows. */
export function isTimeZone(timeZone) {
  if (typeof timeZone !== "string" || timeZone.length === 0 || timeZone.length > 64) {
    return false;
  }
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading `{year, month, day, hour, minute, second}` of an instant in a zone. */
export function wallClock(ms, timeZone) {
  if (timeZone === "UTC") {
    // Intl is the hot spot of a load test; UTC needs none of it.
    const date = new Date(ms);
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    };
  }
  const parts = {};
  for (const { type, value } of formatterFor(timeZone).formatToParts(ms)) {
    if (type !== "literal") parts[type] = Number(value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

function offsetAt(ms, timeZone) {
  const c = wallClock(ms, timeZone);
  const asUtc = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant at which the wall clock in `timeZone` reads the given date and time. */
export function fromWallClock({ year, month, day, hour, minute, second }, timeZone) {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const firstGuess = asUtc - offsetAt(asUtc, timeZone);
  // Near a DST change the offset at the guess can differ from the one at `asUtc`.
  return asUtc - offsetAt(firstGuess, timeZone);
}

const ZOOM_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * Reads a Zoom start time: with `Z` or an offset it is an instant and `timeZone` plays no
 * part (as on Zoom); without one it is wall-clock time in `timeZone`. Null when unreadable.
 */
export function parseZoomTime(text, timeZone) {
  const match = typeof text === "string" ? ZOOM_TIME.exec(text) : null;
  if (!match) return null;

  const [, year, month, day, hour, minute, second, zone] = match;
  if (zone) {
    const ms = Date.parse(text.replace(" ", "T"));
    return Number.isFinite(ms) ? ms : null;
  }
  const fields = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
  };
  const ms = fromWallClock(fields, timeZone);
  return Number.isFinite(ms) ? ms : null;
}

/** Zoom's way of writing an instant: `yyyy-MM-ddTHH:mm:ssZ`, no fraction. */
export function formatUtc(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Days since 1970-01-01 of a calendar date, for stepping through dates. */
export function dayNumber(year, month, day) {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** The calendar date `{year, month, day, weekday}` of a day number; weekday 1 = Sunday. */
export function dateOfDay(number) {
  const date = new Date(number * DAY_MS);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    weekday: date.getUTCDay() + 1,
  };
}

export function daysInMonth(year, month) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `YYYY-MM-DD` of the UTC day holding `ms`, the key of Zoom's daily limit. */
export function utcDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The first instant of the next UTC day. */
export function nextUtcMidnight(ms) {
  return (Math.floor(ms / DAY_MS) + 1) * DAY_MS;
}
