// Types for zoom-gateway's one call, `handle(event, config)`.

/** A meeting ID: Zoom's IDs are 10 or 11 digits today, so every form holds them exactly. */
export type MeetingId = number | bigint | string;

/** The tokens a meeting call carries. An empty `token` with a `refresh_token` refreshes first. */
export interface SessionTokens {
  token?: string;
  refresh_token?: string;
}

/** Recurrence of a type-8 meeting. */
export interface Recurrence {
  /** 1 daily, 2 weekly, 3 monthly. */
  type: 1 | 2 | 3;
  /** At most 99 days, 50 weeks or 10 months. */
  repeat_interval?: number;
  /** Days 1 (Sunday) to 7, comma separated, such as "2,4". */
  weekly_days?: string;
  monthly_day?: number;
  monthly_week?: -1 | 1 | 2 | 3 | 4;
  monthly_week_day?: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  /** 0 to 60; not with `end_date_time`. */
  end_times?: number;
  /** yyyy-MM-ddTHH:mm:ssZ; not with `end_times`. */
  end_date_time?: string;
}

/** The fields of a meeting to create or change, with Zoom's limits. */
export interface MeetingFields {
  /** At most 200 characters. */
  topic?: string;
  /** 1 instant, 2 scheduled, 3 recurring without fixed time, 8 recurring with fixed time, 10 screen share. */
  type?: 1 | 2 | 3 | 8 | 10;
  /** yyyy-MM-ddTHH:mm:ssZ (UTC), or yyyy-MM-ddTHH:mm:ss with `timezone`. Types 2 and 8 only. */
  start_time?: string;
  /** Whole minutes. */
  duration?: number;
  /** An IANA name such as America/New_York. */
  timezone?: string;
  /** At most 10 characters from A-Z a-z 0-9 @ _ * -. */
  password?: string;
  /** At most 2000 characters. */
  agenda?: string;
  /** Host email or ID; not for instant meetings. */
  schedule_for?: string;
  recurrence?: Recurrence;
  settings?: Record<string, unknown>;
  /** Other fields of Zoom's schema go to Zoom as they are. */
  [field: string]: unknown;
}

export interface GetAccessTokenEvent {
  APIName: "GET_ACCESS_TOKEN";
  body:
    | { code: string; redirect_uri?: string; code_verifier?: string; grant_type?: "authorization_code" }
    | { grant_type: "account_credentials"; account_id?: string };
}

export interface CreateMeetingEvent {
  APIName: "CREATE_MEETING";
  /** `userId` is "me" (the default), a user ID or an email. */
  body: SessionTokens & MeetingFields & { userId?: string };
}

export interface GetMeetingEvent {
  APIName: "GET_MEETING";
  body: SessionTokens & {
    meetingId: MeetingId;
    occurrence_id?: string;
    show_previous_occurrences?: boolean;
  };
}

export interface EditMeetingEvent {
  APIName: "EDIT_MEETING";
  body: SessionTokens & MeetingFields & { meetingId: MeetingId; occurrence_id?: string };
}

export interface DeleteMeetingEvent {
  APIName: "DELETE_MEETING";
  body: SessionTokens & {
    meetingId: MeetingId;
    occurrence_id?: string;
    schedule_for_reminder?: boolean;
    cancel_meeting_reminder?: boolean;
  };
}

export type GatewayEvent =
  | GetAccessTokenEvent
  | CreateMeetingEvent
  | GetMeetingEvent
  | EditMeetingEvent
  | DeleteMeetingEvent;

export type ApiName = GatewayEvent["APIName"];

/** Settings by their environment names: a Worker's `env` or `process.env` fits as it is. */
export interface GatewayConfig {
  ZOOM_CLIENT_ID?: string;
  ZOOM_CLIENT_SECRET?: string;
  ZOOM_REDIRECT_URI?: string;
  ZOOM_ACCOUNT_ID?: string;
  /** Default https://api.zoom.us/v2. */
  ZOOM_API_BASE?: string;
  /** Default https://zoom.us; the token endpoint is /oauth/token below it. */
  ZOOM_OAUTH_BASE?: string;
  /** Limit for each request to Zoom, default 10000. */
  ZOOM_TIMEOUT_MS?: string | number;
  /**
   * How long, in ms, a refreshed token pair is handed to calls in the same isolate that still
   * present the replaced refresh token; default 60000, 0 shares only refreshes under way.
   */
  ZOOM_REFRESH_REUSE_MS?: string | number;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: (input: string, init: RequestInit) => Promise<Response> | Response;
  [key: string]: unknown;
}

/** `updated` is true when the gateway obtained new tokens; store `access` and `refresh` then. */
export interface TokenUpdate {
  updated: boolean;
  access: string;
  refresh: string;
}

/** What Zoom said when it refused. */
export interface ZoomErrorInfo {
  status: number;
  code: number | null;
  message: string;
}

/** A meeting as Zoom returns it; integers beyond 2^53 arrive as strings. */
export interface Meeting {
  id: number | string;
  uuid?: string;
  host_id?: string;
  host_email?: string;
  topic?: string;
  type?: number;
  status?: string;
  start_time?: string;
  duration?: number;
  timezone?: string;
  agenda?: string;
  created_at?: string;
  /** Signs anyone in as host: treat it as a secret. */
  start_url?: string;
  join_url?: string;
  password?: string;
  occurrences?: Array<{ occurrence_id: string; start_time: string; duration: number; status: string }>;
  recurrence?: Recurrence;
  settings?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface MeetingSuccess<Body> {
  error: 0;
  msg: string;
  token: TokenUpdate;
  body: Body;
}

export interface LoginSuccess {
  error: 0;
  msg: "Retrieved Access Token";
  body: {
    accessToken: string;
    /** Empty for Server-to-Server OAuth. */
    refreshToken: string;
    expiresIn?: number;
    scope?: string;
    /** The regional API host Zoom named, such as https://api-eu.zoom.us. */
    apiUrl?: string;
  };
}

/** 1: Zoom refused or failed; 2: sign in again; 3: refused before calling Zoom. */
export interface Failure {
  error: 1 | 2 | 3;
  msg: string;
  token: TokenUpdate;
  body: Record<string, never>;
  zoom?: ZoomErrorInfo;
}

export type Envelope<E = GatewayEvent> = E extends GetAccessTokenEvent
  ? LoginSuccess | Failure
  : E extends CreateMeetingEvent | GetMeetingEvent
    ? MeetingSuccess<Meeting> | Failure
    : E extends EditMeetingEvent | DeleteMeetingEvent
      ? MeetingSuccess<Record<string, never>> | Failure
      : MeetingSuccess<Meeting | Record<string, never>> | LoginSuccess | Failure;

/**
 * Handles one event. The promise always resolves to an envelope and never rejects; at run
 * time any value is accepted (a wrong one gives error 3), but the types ask for a valid event.
 */
export function handle<E extends GatewayEvent>(event: E, config: GatewayConfig): Promise<Envelope<E>>;

export interface AuthorizeOptions {
  clientId: string;
  /** Must equal the redirect URI registered for the app, character for character. */
  redirectUri: string;
  /** Default https://zoom.us. */
  oauthBase?: string;
  /** Default: 32 random characters. */
  state?: string;
  /** Default true: add an S256 code challenge and return its verifier. */
  pkce?: boolean;
  scope?: string;
}

/** Builds Zoom's authorize URL; keep `state` and `codeVerifier` until the redirect comes back. */
export function authorizeUrl(
  options: AuthorizeOptions,
): Promise<{ url: string; state: string; codeVerifier: string | undefined }>;

/** The S256 PKCE challenge of a code verifier. */
export function codeChallenge(verifier: string): Promise<string>;
