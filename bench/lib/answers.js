// The answers the in-process fetch gives: a recurring meeting as Zoom's GET /meetings/{id}
// returns it, with as many occurrences as asked for, and the fields a create sends.

export const MEETING_ID = 85746065432;
export const ACCESS_TOKEN = "bench-access-token";
export const REFRESH_TOKEN = "bench-refresh-token";

const DAY_MS = 24 * 60 * 60 * 1000;
const FIRST_START_MS = Date.UTC(2030, 0, 7, 15, 0, 0);

const SETTINGS = {
  host_video: true,
  participant_video: false,
  cn_meeting: false,
  in_meeting: false,
  join_before_host: false,
  jbh_time: 0,
  mute_upon_entry: true,
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
  waiting_room: true,
  request_permission_to_unmute_participants: false,
  registrants_email_notification: true,
  meeting_authentication: false,
  encryption_type: "enhanced_encryption",
  approved_or_denied_countries_or_regions: { enable: false },
  breakout_room: { enable: false },
  internal_meeting: false,
  continuous_meeting_chat: { enable: true, auto_add_invited_external_users: false },
  participant_focused_meeting: false,
  push_change_to_calendar: false,
  resources: [],
  alternative_hosts_email_notification: true,
  show_join_info: false,
  device_testing: false,
  focus_mode: false,
  meeting_invitees: [],
  private_meeting: false,
  email_notification: true,
  host_save_video_order: false,
  sign_language_interpretation: { enable: false },
  email_in_attendee_report: false,
};

function zoomTime(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A daily recurring meeting with `occurrences` occurrences, as a JS value. */
export function meetingValue(occurrences = 1) {
  return {
    uuid: "iV8hYd2kQvaS0zvdG6E7Og==",
    id: MEETING_ID,
    host_id: "KDcuGIm1QgePTO8WbOqwIQ",
    host_email: "jchill@example.com",
    topic: "Weekly planning",
    type: 8,
    status: "waiting",
    start_time: zoomTime(FIRST_START_MS),
    duration: 45,
    timezone: "America/Los_Angeles",
    agenda: "Plans for the week; blockers; who does what.",
    created_at: "2029-12-20T09:14:02Z",
    start_url:
      "https://example.zoom.us/s/85746065432?zak=eyJ0eXAiOiJKV1QiLCJzdiI6IjAwMDAwMSIsInptX3NrbSI6InptX28ybSIsImFsZyI6IkhTMjU2In0.eyJhdWQiOiJjbGllbnRzbSIsInVpZCI6IktEY3VHSW0xUWdlUFRPOFdiT3F3SVEifQ.kTq1cE3Zb0vD6b1p3m4nG5w",
    join_url: "https://example.zoom.us/j/85746065432?pwd=Q0ZkZ2hEWm1mSnB6bXp1dE9xa3RXZz09",
    password: "k8Zr2x",
    h323_password: "408123",
    pstn_password: "408123",
    encrypted_password: "Q0ZkZ2hEWm1mSnB6bXp1dE9xa3RXZz09",
    settings: SETTINGS,
    pre_schedule: false,
    occurrences: Array.from({ length: occurrences }, (_, i) => ({
      occurrence_id: String(FIRST_START_MS + i * DAY_MS),
      start_time: zoomTime(FIRST_START_MS + i * DAY_MS),
      duration: 45,
      status: "available",
    })),
    recurrence: { type: 1, repeat_interval: 1, end_times: occurrences },
  };
}

/** The same meeting as the JSON text Zoom sends. */
export function meetingText(occurrences = 1) {
  return JSON.stringify(meetingValue(occurrences));
}

/** The fields a CREATE_MEETING sends, besides `userId`. */
export function createFields() {
  return {
    topic: "Weekly planning",
    type: 8,
    start_time: zoomTime(FIRST_START_MS),
    duration: 45,
    timezone: "America/Los_Angeles",
    agenda: "Plans for the week; blockers; who does what.",
    recurrence: { type: 1, repeat_interval: 1, end_times: 1 },
    settings: { host_video: true, mute_upon_entry: true, waiting_room: true },
  };
}
