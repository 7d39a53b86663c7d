// The four meeting operations under /v2, with Zoom's checks in Zoom's order: token, scope,
// per-second limit, then the request itself, the user or meeting, the body, the host's
// rights and the daily limit.

import { apiError, clip, empty, json, mediaType } from "./http.js";
import { countDaily, dailyLimitReached, takePerSecond } from "./limits.js";
import { normalizeRecurrence, occurrenceStarts } from "./recurrence.js";
import { fieldErrors, loadSchemas } from "./schema.js";
import { checkAccessToken, findUser } from "./state.js";
import { formatUtc, isTimeZone, parseZoomTime } from "./time.js";
import { randomDigits, randomId, randomPasscode, randomToken, randomUuid } from "./tokens.js";

const PASSWORD = /^[A-Za-z0-9@_*-]{0,10}$/;
const PASSWORD_RULE =
  "Password can only contain the following characters: [a-z A-Z 0-9 @ - _ *] and can have a maximum of 10 characters.";
const MAX_BODY_DEPTH = 16;
const OCCURRENCE_FIELDS = ["agenda", "start_time", "duration", "settings"];
const FIELD_ORDER = [
  "uuid",
  "id",
  "host_id",
  "host_email",
  "topic",
  "type",
  "status",
  "start_time",
  "duration",
  "timezone",
  "agenda",
  "created_at",
  "start_url",
  "join_url",
  "password",
  "h323_password",
  "pstn_password",
  "encrypted_password",
  "settings",
  "pre_schedule",
  "tracking_fields",
  "occurrences",
  "recurrence",
];

const DEFAULT_SETTINGS = {
  host_video: false,
  participant_video: false,
  cn_meeting: false,
  in_meeting: false,
  join_before_host: false,
  jbh_time: 0,
  mute_upon_entry: false,
  watermark: false,
  use_pmi: false,
  approval_type: 2,
  audio: "both",
  auto_recording: "none",
  enforce_login: false,
  enforce_login_domains: "",
  alternative_hosts: "",
  alternative_host_update_polls: false,
  close_registration: false,
  show_share_button: false,
  allow_multiple_devices: false,
  registrants_confirmation_email: true,
  waiting_room: false,
  request_permission_to_unmute_participants: false,
  registrants_email_notification: true,
  meeting_authentication: false,
  encryption_type: "enhanced_encryption",
  approved_or_denied_countries_or_regions: { enable: false },
  breakout_room: { enable: false },
  internal_meeting: false,
  continuous_meeting_chat: { enable: false },
  participant_focused_meeting: false,
  push_change_to_calendar: false,
  alternative_hosts_email_notification: true,
  show_join_info: false,
  device_testing: false,
  focus_mode: false,
  private_meeting: false,
  email_notification: true,
  host_save_video_order: false,
  sign_language_interpretation: { enable: false },
  email_in_attendee_report: false,
};

const handlers = { create, get, update, delete: remove };

/** Serves one meeting operation (`create`, `get`, `update`, `delete`) for `params` from the path. */
export function meetingOperation(core, ctx, operation, params) {
  const facts = loadSchemas()[operation];

  const token = bearerToken(core, ctx);
  if (token.reply) return token.reply;
  const scopes = token.scopes.split(" ");
  if (!facts.acceptedScopes.some((scope) => scopes.includes(scope))) {
    return apiError(
      400,
      4711,
      `Invalid access token, does not contain scopes:[${facts.missingScopeName}].`,
    );
  }
  const limited = takePerSecond(core, facts.rateLimitCategory);
  if (limited) return limited;

  return handlers[operation](core, ctx, { token, facts, ...params });
}

function bearerToken(core, ctx) {
  // Zoom has refused tokens in the query string since February 2023.
  if (ctx.query.access_token !== undefined)
    return { reply: apiError(401, 124, "Invalid access token.") };
  const presented = /^bearer\s+(\S+)\s*$/i.exec(ctx.headers.authorization ?? "")?.[1];
  const checked = checkAccessToken(core, presented);
  if (checked.problem === "expired")
    return { reply: apiError(401, 124, "Access token is expired.") };
  if (checked.problem) return { reply: apiError(401, 124, "Invalid access token.") };
  return checked.token;
}

function create(core, ctx, { token, facts, userId }) {
  const input = readJsonBody(ctx);
  if (input.reply) return input.reply;
  const { state } = core;

  const user = findUser(state, userId, state.users.get(token.userId));
  if (!user || (!token.serverToServer && user.id !== token.userId)) {
    return apiError(404, 1001, `User does not exist: ${clip(userId)}.`);
  }
  const invalid = validate(facts, input.value);
  if (invalid) return invalid;

  const fields = input.value;
  const type = fields.type ?? 2;
  const host = scheduledHost(state, user, fields.schedule_for, type);
  if (host.reply) return host.reply;
  if (fields.pre_schedule === true && type !== 2 && type !== 3) {
    return apiError(
      400,
      3000,
      "Prescheduling is only available for scheduled meetings (type 2) and recurring meetings with no fixed time (type 3).",
    );
  }
  if (!host.canHost) return notAllowedToHost();

  const record = newRecord(core, host, fields);
  const built = applyChanges(core, record, { ...fields, type }, host);
  if (built.reply) return built.reply;
  const limited = dailyLimitReached(core, host.id, facts.rateLimitCategory);
  if (limited) return limited;

  countDaily(core, host.id);
  state.meetings.set(String(record.meeting.id), record);
  return json(201, publicMeeting(core, record, { showPrevious: true }));
}

function get(core, ctx, { token, meetingId }) {
  const found = findMeeting(core, token, meetingId);
  if (found.reply) return found.reply;
  const showPrevious = booleanParam(ctx.query, "show_previous_occurrences");
  if (showPrevious.reply) return showPrevious.reply;

  const occurrenceId = ctx.query.occurrence_id;
  if (occurrenceId !== undefined && !findOccurrence(found.record, occurrenceId)) {
    return invalidOccurrence();
  }
  return json(
    200,
    publicMeeting(core, found.record, { occurrenceId, showPrevious: showPrevious.value }),
  );
}

function update(core, ctx, { token, facts, meetingId }) {
  const input = readJsonBody(ctx);
  if (input.reply) return input.reply;
  const found = findMeeting(core, token, meetingId);
  if (found.reply) return found.reply;
  const invalid = validate(facts, input.value);
  if (invalid) return invalid;

  const { record } = found;
  const fields = input.value;
  let host = core.state.users.get(record.meeting.host_id);
  const occurrenceId = ctx.query.occurrence_id;
  if (occurrenceId !== undefined && !findOccurrence(record, occurrenceId))
    return invalidOccurrence();
  if (occurrenceId === undefined && fields.schedule_for !== undefined) {
    host = scheduledHost(core.state, host, fields.schedule_for, fields.type ?? record.meeting.type);
    if (host.reply) return host.reply;
  }
  if (!host.canHost) return notAllowedToHost();

  // Changes are made on a copy so that a refused update leaves the meeting as it was.
  const draft = structuredClone(record);
  const outcome =
    occurrenceId === undefined
      ? applyChanges(core, draft, fields, host)
      : changeOccurrence(draft, findOccurrence(draft, occurrenceId), fields);
  if (outcome.reply) return outcome.reply;
  const limited = dailyLimitReached(core, host.id, facts.rateLimitCategory);
  if (limited) return limited;

  countDaily(core, host.id);
  core.state.meetings.set(String(record.meeting.id), draft);
  return empty(204);
}

function remove(core, ctx, { token, meetingId }) {
  const found = findMeeting(core, token, meetingId);
  if (found.reply) return found.reply;
  for (const name of ["schedule_for_reminder", "cancel_meeting_reminder"]) {
    const flag = booleanParam(ctx.query, name);
    if (flag.reply) return flag.reply;
  }

  const { record } = found;
  if (record.meeting.type === 4) return apiError(400, 3018, "Not allowed to delete PMI.");
  if (!core.state.users.get(record.meeting.host_id).canHost) return notAllowedToHost();

  const occurrenceId = ctx.query.occurrence_id;
  if (occurrenceId === undefined) {
    core.state.meetings.delete(String(record.meeting.id));
    return empty(204);
  }
  const occurrence = findOccurrence(record, occurrenceId);
  if (!occurrence) return invalidOccurrence();
  occurrence.status = "deleted";
  return empty(204);
}

function notAllowedToHost() {
  return apiError(
    400,
    3161,
    "Meeting hosting and scheduling capabilities are not allowed for your user account.",
  );
}

function invalidOccurrence() {
  return apiError(400, 300, "Invalid parameter: occurrence_id.");
}

/** The meeting a token may see: `{ record }`, or `{ reply }` with Zoom's refusal. */
function findMeeting(core, token, meetingId) {
  const notFound = {
    reply: apiError(404, 3001, `Meeting ${clip(meetingId)} is not found or has expired.`),
  };
  if (!/^\d{1,19}$/.test(meetingId)) return notFound;
  const record = core.state.meetings.get(meetingId.replace(/^0+(?=\d)/, ""));
  if (!record) return notFound;
  if (!token.serverToServer && record.meeting.host_id !== token.userId) {
    return { reply: apiError(400, 3000, "Cannot access meeting info.") };
  }
  return { record };
}

/** An occurrence that can still be read, changed or deleted. */
function findOccurrence(record, occurrenceId) {
  return record.occurrences.find(
    (occurrence) => occurrence.occurrence_id === occurrenceId && occurrence.status === "available",
  );
}

function booleanParam(query, name) {
  const value = query[name];
  if (value === undefined) return { value: false };
  if (value === "true" || value === "false") return { value: value === "true" };
  return { reply: apiError(400, 300, `Invalid parameter: ${name}.`) };
}

/** The user a meeting is for: the path's user, or whom `schedule_for` names. */
function scheduledHost(state, user, scheduleFor, type) {
  if (scheduleFor === undefined) return user;
  if (type === 1) {
    return {
      reply: apiError(400, 3000, "Instant meetings do not support the schedule_for parameter."),
    };
  }
  const host = findUser(state, scheduleFor);
  if (!host) {
    return {
      reply: apiError(
        400,
        300,
        "The value that you entered in the schedule_for field is invalid. Enter a valid value and try again.",
      ),
    };
  }
  return host;
}

function readJsonBody(ctx) {
  if (mediaType(ctx.headers) !== "application/json") {
    return { reply: apiError(400, 300, "Unsupported Content Type") };
  }
  const text = ctx.body.toString("utf8");
  if (text.trim() === "") return { value: {} };
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return { reply: apiError(400, 300, "Malformed JSON") };
  }
  if (depthOf(value) > MAX_BODY_DEPTH) {
    return { reply: validationFailed([{ field: "body", message: "body is nested too deeply" }]) };
  }
  return { value };
}

/** How deeply objects and arrays nest in a parsed JSON value, without recursion. */
function depthOf(value) {
  let deepest = 0;
  const stack = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop();
    if (node === null || typeof node !== "object") continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_BODY_DEPTH) break;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function validationFailed(errors) {
  return apiError(400, 300, "Validation Failed.", { errors });
}

/** Schema validation plus Zoom's rules that the schema does not state, all errors at once. */
function validate(facts, body) {
  const errors = facts.validateBody(body) ? [] : fieldErrors(facts.validateBody.errors);
  if (typeof body?.password === "string" && !PASSWORD.test(body.password)) {
    errors.push({ field: "password", message: PASSWORD_RULE });
  }
  return errors.length > 0 ? validationFailed(errors) : null;
}

function newRecord(core, host, fields) {
  let id;
  do id = randomId(11, 8, 9);
  while (core.state.meetings.has(String(id)));

  const password = fields.password ?? (fields.default_password === false ? "" : randomPasscode());
  const meeting = {
    uuid: randomUuid(),
    id,
    host_id: host.id,
    host_email: host.email,
    topic: "Zoom Meeting",
    type: 2,
    status: "waiting",
    timezone: host.timezone,
    agenda: "",
    created_at: formatUtc(core.now()),
    start_url: `${core.url}/s/${id}?zak=${randomToken(32)}`,
    ...passwordFields(core, id, password),
    settings: structuredClone(DEFAULT_SETTINGS),
    pre_schedule: false,
  };
  return { meeting, occurrences: [] };
}

/** The passcode and everything derived from it, the join URL included. */
function passwordFields(core, id, password) {
  if (password === "") return { join_url: `${core.url}/j/${id}`, password: "" };
  const numeric = /^\d+$/.test(password) ? password : randomDigits(6);
  const encrypted = `${randomToken(24)}.1`;
  return {
    join_url: `${core.url}/j/${id}?pwd=${encrypted}`,
    password,
    h323_password: numeric,
    pstn_password: numeric,
    encrypted_password: encrypted,
  };
}

/**
 * Applies a validated create or update body to a record, recomputing the schedule.
 * Returns `{}` or `{ reply }` with a validation failure.
 */
function applyChanges(core, record, fields, host) {
  const { meeting } = record;
  for (const name of ["topic", "agenda", "tracking_fields", "pre_schedule", "template_id"]) {
    if (fields[name] !== undefined) meeting[name] = fields[name];
  }
  if (fields.type !== undefined && meeting.type !== 4) meeting.type = fields.type;
  if (fields.settings !== undefined)
    meeting.settings = mergeSettings(meeting.settings, fields.settings);
  if (fields.password !== undefined && fields.password !== meeting.password) {
    Object.assign(meeting, passwordFields(core, meeting.id, fields.password));
  }
  if (host.id !== meeting.host_id) {
    meeting.host_id = host.id;
    meeting.host_email = host.email;
  }
  return schedule(core, record, fields);
}

/** Sets start_time, duration, timezone, recurrence and occurrences from the meeting's type. */
function schedule(core, record, fields) {
  const { meeting } = record;
  const timeZone = fields.timezone ?? meeting.timezone;
  if (!isTimeZone(timeZone)) {
    return {
      reply: validationFailed([
        { field: "timezone", message: `Invalid timezone: ${clip(timeZone, 64)}` },
      ]),
    };
  }
  meeting.timezone = timeZone;
  if (meeting.type === 4) return {};

  meeting.duration = fields.duration ?? meeting.duration ?? 60;
  if (meeting.type === 3) {
    delete meeting.start_time;
    delete meeting.recurrence;
    record.occurrences = [];
    return {};
  }

  // An instant meeting starts when it is made, whatever start_time says.
  const startMs =
    meeting.type !== 1 && fields.start_time !== undefined
      ? parseZoomTime(fields.start_time, timeZone)
      : meeting.start_time === undefined
        ? core.now()
        : parseZoomTime(meeting.start_time, "UTC");
  if (startMs === null) {
    return {
      reply: validationFailed([
        { field: "start_time", message: "start_time is not a valid date-time" },
      ]),
    };
  }
  meeting.start_time = formatUtc(startMs);

  if (meeting.type !== 8) {
    delete meeting.recurrence;
    record.occurrences = [];
    return {};
  }
  return scheduleSeries(record, fields.recurrence ?? meeting.recurrence, startMs);
}

function scheduleSeries(record, given, startMs) {
  const { meeting } = record;
  if (given === undefined) {
    return {
      reply: validationFailed([
        {
          field: "recurrence",
          message: "recurrence is required for a recurring meeting with a fixed time (type 8)",
        },
      ]),
    };
  }
  const normalized = normalizeRecurrence(given, startMs, meeting.timezone);
  if (normalized.errors) return { reply: validationFailed(normalized.errors) };
  meeting.recurrence = normalized.recurrence;
  const starts = occurrenceStarts(normalized.recurrence, startMs, meeting.timezone);
  // As on Zoom, the series starts with its first occurrence, which can be after start_time.
  if (starts.length > 0) meeting.start_time = formatUtc(starts[0]);

  // Occurrences keep their id (their original start) across edits, and a deleted one stays deleted.
  const previous = new Map(
    record.occurrences.map((occurrence) => [occurrence.occurrence_id, occurrence]),
  );
  record.occurrences = starts.map((ms) => {
    const id = String(ms);
    return {
      occurrence_id: id,
      start_time: formatUtc(ms),
      duration: meeting.duration,
      status: previous.get(id)?.status ?? "available",
    };
  });
  return {};
}

/** A per-occurrence update: only agenda, start_time, duration and settings change. */
function changeOccurrence(record, occurrence, fields) {
  if (fields.start_time !== undefined) {
    const ms = parseZoomTime(fields.start_time, record.meeting.timezone);
    if (ms === null) {
      return {
        reply: validationFailed([
          { field: "start_time", message: "start_time is not a valid date-time" },
        ]),
      };
    }
    occurrence.start_time = formatUtc(ms);
  }
  if (fields.duration !== undefined) occurrence.duration = fields.duration;
  if (fields.agenda !== undefined) occurrence.agenda = fields.agenda;
  if (fields.settings !== undefined)
    occurrence.settings = mergeSettings(occurrence.settings ?? {}, fields.settings);
  return {};
}

/** PATCH semantics for settings: nested objects merge, everything else is replaced. */
function mergeSettings(current, changes) {
  const merged = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    const old = merged[name];
    const bothObjects = isPlainObject(old) && isPlainObject(value);
    merged[name] = bothObjects ? { ...old, ...value } : value;
  }
  return merged;
}

function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The meeting as Zoom shows it, with occurrences and, for one occurrence, its own details. */
function publicMeeting(core, record, { occurrenceId, showPrevious }) {
  const meeting = structuredClone(record.meeting);
  if (record.occurrences.length > 0) {
    const now = core.now();
    meeting.occurrences = record.occurrences
      .filter(
        ({ start_time, duration }) =>
          showPrevious || parseZoomTime(start_time, "UTC") + duration * 60_000 >= now,
      )
      .map(({ occurrence_id, start_time, duration, status }) => ({
        occurrence_id,
        start_time,
        duration,
        status,
      }));
  }
  const occurrence = occurrenceId === undefined ? undefined : findOccurrence(record, occurrenceId);
  for (const name of OCCURRENCE_FIELDS) {
    if (occurrence?.[name] === undefined) continue;
    meeting[name] =
      name === "settings" ? mergeSettings(meeting.settings, occurrence.settings) : occurrence[name];
  }
  return inZoomOrder(meeting);
}

/** Zoom's field order, which a person reading a response expects; unknown fields go last. */
function inZoomOrder(meeting) {
  const ordered = {};
  for (const name of FIELD_ORDER) {
    if (meeting[name] !== undefined) ordered[name] = meeting[name];
  }
  return Object.assign(ordered, meeting);
}
