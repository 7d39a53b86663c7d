// The occurrences of a recurring meeting with a fixed time (type 8), computed from its
// `recurrence` object the way Zoom's calendar does: in the meeting's time zone, so the
// wall-clock time stays put across daylight-saving changes.

import {
  dateOfDay,
  dayNumber,
  daysInMonth,
  fromWallClock,
  parseZoomTime,
  wallClock,
} from "./time.js";

/** Zoom stops every series at 60 occurrences, `end_times: 0` ("no end") included. */
export const MAX_OCCURRENCES = 60;

const DAILY = 1;
const WEEKLY = 2;
const MONTHLY = 3;
const MAX_INTERVAL = { [DAILY]: 99, [WEEKLY]: 50, [MONTHLY]: 10 };
const PERIOD_DAYS = { [DAILY]: 1, [WEEKLY]: 7, [MONTHLY]: 31 };

/**
 * Checks what the schema cannot say and fills in Zoom's defaults. Returns
 * `{ recurrence }` or `{ errors: [{field, message}] }`.
 */
export function normalizeRecurrence(given, startMs, timeZone) {
  const errors = [];
  const recurrence = { ...given };
  const start = wallClock(startMs, timeZone);
  const fail = (field, message) => errors.push({ field: `recurrence.${field}`, message });

  recurrence.repeat_interval ??= 1;
  const maxInterval = MAX_INTERVAL[recurrence.type];
  if (recurrence.repeat_interval < 1 || recurrence.repeat_interval > maxInterval) {
    fail("repeat_interval", `repeat_interval must be between 1 and ${maxInterval}`);
  }

  if (recurrence.end_times !== undefined && recurrence.end_date_time !== undefined) {
    fail("end_times", "end_times and end_date_time cannot be used together");
  } else if (recurrence.end_date_time !== undefined) {
    const endMs = parseZoomTime(recurrence.end_date_time, timeZone);
    if (endMs === null || endMs < startMs) {
      fail("end_date_time", "end_date_time must be a date-time after start_time");
    }
  } else {
    recurrence.end_times ??= 1;
    if (recurrence.end_times < 0) fail("end_times", "end_times must be between 0 and 60");
  }

  if (recurrence.type === WEEKLY) {
    const startWeekday = dateOfDay(dayNumber(start.year, start.month, start.day)).weekday;
    recurrence.weekly_days ??= String(startWeekday);
  }
  if (recurrence.type === MONTHLY) {
    const byWeek =
      recurrence.monthly_week !== undefined || recurrence.monthly_week_day !== undefined;
    if (
      byWeek &&
      (recurrence.monthly_week === undefined || recurrence.monthly_week_day === undefined)
    ) {
      fail("monthly_week", "monthly_week and monthly_week_day must be given together");
    } else if (byWeek && recurrence.monthly_day !== undefined) {
      fail("monthly_day", "monthly_day cannot be used with monthly_week");
    } else if (!byWeek) {
      recurrence.monthly_day ??= start.day;
      if (recurrence.monthly_day < 1 || recurrence.monthly_day > 31) {
        fail("monthly_day", "monthly_day must be between 1 and 31");
      }
    }
  }

  return errors.length > 0 ? { errors } : { recurrence };
}

/**
 * The start instants (ms) of a normalized recurrence, first at or after `startMs`, at most
 * 60, none after `end_date_time`.
 */
export function occurrenceStarts(recurrence, startMs, timeZone) {
  const start = wallClock(startMs, timeZone);
  const firstDay = dayNumber(start.year, start.month, start.day);
  const wanted =
    recurrence.end_date_time === undefined && recurrence.end_times > 0
      ? Math.min(recurrence.end_times, MAX_OCCURRENCES)
      : MAX_OCCURRENCES;
  const endMs =
    recurrence.end_date_time === undefined
      ? Infinity
      : parseZoomTime(recurrence.end_date_time, timeZone);
  const onDay = dayFilter(recurrence, firstDay);
  // Bounds the walk through the calendar: enough days for `wanted` periods, and no more.
  const lastDay =
    firstDay + (wanted + 1) * recurrence.repeat_interval * (PERIOD_DAYS[recurrence.type] ?? 1);

  const starts = [];
  for (let day = firstDay; day <= lastDay && starts.length < wanted; day++) {
    if (!onDay(day)) continue;
    const date = dateOfDay(day);
    const ms = fromWallClock(
      { ...date, hour: start.hour, minute: start.minute, second: start.second },
      timeZone,
    );
    if (ms > endMs) break;
    starts.push(ms);
  }
  return starts;
}

/** A predicate telling whether the series meets on a day (by day number). */
function dayFilter(recurrence, firstDay) {
  const interval = recurrence.repeat_interval;
  switch (recurrence.type) {
    case DAILY:
      return (day) => (day - firstDay) % interval === 0;
    case WEEKLY: {
      const weekdays = new Set(recurrence.weekly_days.split(",").map(Number));
      // Weeks run Sunday to Saturday, counted from the week holding the first day.
      const firstSunday = firstDay - (dateOfDay(firstDay).weekday - 1);
      return (day) =>
        weekdays.has(dateOfDay(day).weekday) &&
        Math.floor((day - firstSunday) / 7) % interval === 0;
    }
    case MONTHLY: {
      const first = dateOfDay(firstDay);
      return (day) => {
        const date = dateOfDay(day);
        const monthsApart = (date.year - first.year) * 12 + (date.month - first.month);
        return monthsApart % interval === 0 && date.day === monthlyDay(recurrence, date);
      };
    }
    default:
      return () => false;
  }
}

/** The day of the month the series meets in the month of `date`. */
function monthlyDay(recurrence, { year, month }) {
  const length = daysInMonth(year, month);
  if (recurrence.monthly_week === undefined) {
    // A 31st in a shorter month falls on its last day.
    return Math.min(recurrence.monthly_day, length);
  }
  const firstWeekday = dateOfDay(dayNumber(year, month, 1)).weekday;
  const firstMatch = 1 + ((recurrence.monthly_week_day - firstWeekday + 7) % 7);
  if (recurrence.monthly_week > 0) return firstMatch + (recurrence.monthly_week - 1) * 7;
  return firstMatch + Math.floor((length - firstMatch) / 7) * 7;
}
