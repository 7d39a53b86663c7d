// What each APIName accepts in `body`, with Zoom's limits, as the form shows them. The
// package's index.d.ts documents the same limits; the gateway enforces them, and this page
// only describes them (it checks them itself only when asked to).

/**
 * A field: `name` is its key in `body` (`recurrence.type` for a nested one) and so the name
 * the gateway uses in a `field: rule` message. `kind` says how the text becomes a value:
 * text (a string), integer (a number when it looks like one), choice (a number or string
 * from `options`), flag (true/false or not sent), json (an object).
 */
const topic = {
  name: "topic",
  label: "Topic",
  kind: "text",
  hint: "At most 200 characters.",
  maxLength: 200,
};

const meetingType = {
  name: "type",
  label: "Meeting type",
  kind: "choice",
  options: [
    ["", "Not sent (Zoom's default: 2)"],
    [1, "1: instant"],
    [2, "2: scheduled"],
    [3, "3: recurring, no fixed time"],
    [8, "8: recurring, fixed time"],
    [10, "10: screen share only"],
  ],
  hint: "Recurrence needs type 8.",
};

const startTime = {
  name: "start_time",
  label: "Start time",
  kind: "text",
  placeholder: "2026-12-10T15:00:00Z",
  hint: "yyyy-MM-ddTHH:mm:ssZ in UTC, or yyyy-MM-ddTHH:mm:ss with a time zone. Types 2 and 8 only; a Z makes Zoom ignore the time zone.",
  pattern: "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z?",
};

const duration = {
  name: "duration",
  label: "Duration",
  kind: "integer",
  hint: "Whole minutes.",
  min: 1,
};

const timezone = {
  name: "timezone",
  label: "Time zone",
  kind: "text",
  placeholder: "America/New_York",
  hint: "An IANA name from Zoom's list.",
  suggestions: [
    "UTC",
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Paris",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
  ],
};

const password = {
  name: "password",
  label: "Passcode",
  kind: "text",
  hint: "At most 10 characters from A-Z a-z 0-9 @ _ * -.",
  maxLength: 10,
  pattern: "[A-Za-z0-9@_*\\-]{0,10}",
  autocomplete: "off",
};

const agenda = {
  name: "agenda",
  label: "Agenda",
  kind: "text",
  multiline: true,
  hint: "At most 2000 characters.",
  maxLength: 2000,
};

const scheduleFor = {
  name: "schedule_for",
  label: "Schedule for",
  kind: "text",
  hint: "Another host's email or user ID; not for instant meetings (type 1).",
  autocomplete: "off",
};

const recurrence = {
  group: "recurrence",
  legend: "Recurrence",
  hint: "Type 8 meetings only. Give end after or end date, not both.",
  fields: [
    {
      name: "recurrence.type",
      label: "Repeats",
      kind: "choice",
      options: [
        ["", "Not sent (no recurrence)"],
        [1, "1: daily"],
        [2, "2: weekly"],
        [3, "3: monthly"],
      ],
      hint: "Required when any other recurrence field is given.",
    },
    {
      name: "recurrence.repeat_interval",
      label: "Every",
      kind: "integer",
      hint: "At most 99 days, 50 weeks or 10 months.",
      min: 1,
      max: 99,
    },
    {
      name: "recurrence.weekly_days",
      label: "Week days",
      kind: "text",
      placeholder: "2,4",
      hint: "Weekly: days 1 (Sunday) to 7, comma separated.",
      pattern: "[1-7](,[1-7])*",
    },
    {
      name: "recurrence.monthly_day",
      label: "Day of month",
      kind: "integer",
      hint: "Monthly: 1 to 31.",
      min: 1,
      max: 31,
    },
    {
      name: "recurrence.monthly_week",
      label: "Week of month",
      kind: "integer",
      hint: "Monthly: -1 (last) or 1 to 4, with a week day.",
      min: -1,
      max: 4,
    },
    {
      name: "recurrence.monthly_week_day",
      label: "Week day",
      kind: "integer",
      hint: "Monthly: 1 (Sunday) to 7.",
      min: 1,
      max: 7,
    },
    {
      name: "recurrence.end_times",
      label: "End after",
      kind: "integer",
      hint: "Number of occurrences, at most 60.",
      min: 0,
      max: 60,
    },
    {
      name: "recurrence.end_date_time",
      label: "End date",
      kind: "text",
      placeholder: "2027-01-31T00:00:00Z",
      hint: "yyyy-MM-ddTHH:mm:ssZ.",
      pattern: "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z",
    },
  ],
};

const settings = {
  name: "settings",
  label: "Settings (JSON)",
  kind: "json",
  multiline: true,
  placeholder: '{"waiting_room": true}',
  hint: "An object of Zoom's meeting settings. Zoom may still force a passcode or a waiting room: the answer tells what was created.",
};

const meetingId = {
  name: "meetingId",
  label: "Meeting ID",
  kind: "text",
  inputMode: "numeric",
  hint: "A positive integer, 10 or 11 digits. Filled in after a create.",
  pattern: "[0-9]+",
  required: true,
};

const occurrenceId = {
  name: "occurrence_id",
  label: "Occurrence ID",
  kind: "text",
  inputMode: "numeric",
  hint: "Optional: one occurrence of a recurring meeting (digits).",
  pattern: "[0-9]+",
};

const meetingFields = [
  topic,
  meetingType,
  startTime,
  duration,
  timezone,
  password,
  agenda,
  scheduleFor,
  recurrence,
  settings,
];

/** The five APIs: what the form asks for, and what it says about each. */
export const APIS = [
  {
    name: "CREATE_MEETING",
    summary: "Schedules a meeting: POST /users/{userId}/meetings.",
    fields: [
      {
        name: "userId",
        label: "User",
        kind: "text",
        placeholder: "me",
        hint: "me (the default), a user ID or an email.",
        autocomplete: "off",
      },
      ...meetingFields,
    ],
  },
  {
    name: "GET_MEETING",
    summary: "Reads a meeting: GET /meetings/{meetingId}.",
    fields: [
      meetingId,
      occurrenceId,
      {
        name: "show_previous_occurrences",
        label: "Show previous occurrences",
        kind: "flag",
        hint: "Recurring meetings: include occurrences that have ended.",
      },
    ],
  },
  {
    name: "EDIT_MEETING",
    summary: "Changes the fields given: PATCH /meetings/{meetingId}.",
    fields: [meetingId, occurrenceId, ...meetingFields],
  },
  {
    name: "DELETE_MEETING",
    summary: "Deletes a meeting or one occurrence: DELETE /meetings/{meetingId}.",
    fields: [
      meetingId,
      occurrenceId,
      {
        name: "schedule_for_reminder",
        label: "Email the host",
        kind: "flag",
        hint: "Notify the host of the cancellation.",
      },
      {
        name: "cancel_meeting_reminder",
        label: "Email the registrants",
        kind: "flag",
        hint: "Notify registrants of the cancellation.",
      },
    ],
  },
  {
    name: "GET_ACCESS_TOKEN",
    summary:
      "Exchanges an authorization code for tokens. Sign in with Zoom does this for you; the form is for a code you got elsewhere.",
    fields: [
      {
        name: "code",
        label: "Authorization code",
        kind: "text",
        hint: "The code from Zoom's redirect; it works once, for 5 minutes on the simulator.",
        required: true,
        autocomplete: "off",
        secret: true,
      },
      {
        name: "redirect_uri",
        label: "Redirect URI",
        kind: "text",
        hint: "The one given to the authorize page. Empty: the gateway's ZOOM_REDIRECT_URI.",
        autocomplete: "off",
      },
      {
        name: "code_verifier",
        label: "PKCE code verifier",
        kind: "text",
        hint: "Only when the authorize URL carried a code_challenge: 43 to 128 characters from A-Z a-z 0-9 - . _ ~.",
        autocomplete: "off",
        secret: true,
      },
    ],
    login: true,
  },
];

export function apiNamed(name) {
  return APIS.find((api) => api.name === name);
}
