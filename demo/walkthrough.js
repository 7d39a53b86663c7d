// The demo's session, step by step, through the Worker over HTTP: sign in, create, get, edit,
// a refresh the gateway does by itself, delete, a meeting that is gone, and a session that is
// over. Each step prints its event and envelope, redacted, and is checked against its code.

import { randomBytes } from "node:crypto";
import { colourOfCode, painter, pick, redact, redactUrl, render } from "./transcript.js";

const RULE_WIDTH = 72;

// The fields of a meeting that the transcript shows; the other twenty or so are counted.
const MEETING_FIELDS = [
  "id",
  "topic",
  "type",
  "status",
  "start_time",
  "duration",
  "timezone",
  "agenda",
  "host_email",
  "join_url",
  "start_url",
];

/**
 * Runs the session against a started demo (see servers.js) and resolves to
 * `{ ok, steps: [{ title, expected, error, ok, skipped }] }`; `ok` is true when every step
 * that ran gave its expected code and passed its check.
 *
 * `out(line)` prints one line. `getCode(authorizeUrl, state)` supplies the authorization
 * code when there is no simulator to approve the login; it is required then.
 */
export async function runWalkthrough(demo, { out = console.log, colour = false, getCode } = {}) {
  const session = new Session(demo, out, painter(colour));
  await session.run(getCode);
  return session.summary();
}

class Session {
  constructor(demo, out, paint) {
    this.demo = demo;
    this.out = out;
    this.paint = paint;
    this.steps = [];
    this.access = "";
    this.refresh = "";
    this.meetingId = undefined;
  }

  async run(getCode) {
    await this.signIn(getCode);
    await this.createMeeting();
    await this.getMeeting("Get it", 0);
    await this.editMeeting();
    await this.refreshBySelf();
    await this.deleteMeeting();
    await this.getMeeting("Get it again: it is gone", 1, (envelope) =>
      /not (be )?found|does not exist/i.test(envelope.msg) ? null : "msg should say not found",
    );
    await this.sessionOver();
  }

  async signIn(getCode) {
    this.title("Sign in with an authorization code");
    let code;
    try {
      code = this.demo.sim ? await this.approveOnSimulator() : await this.askForCode(getCode);
    } catch (error) {
      this.note(`No authorization code: ${error.message}`);
    }

    const envelope = await this.call({ APIName: "GET_ACCESS_TOKEN", body: { code } });
    this.adoptLogin(envelope);
    this.expect(envelope, 0, () =>
      this.access && this.refresh ? null : "body should hold accessToken and refreshToken",
    );
  }

  /**
   * A login as a user makes it: the simulator's consent page, approved, redirects to the
   * console's callback with the code. Only the redirect's address is read, never followed.
   */
  async approveOnSimulator() {
    const state = `demo-${randomBytes(6).toString("hex")}`;
    const fields = {
      response_type: "code",
      client_id: this.demo.clientId,
      redirect_uri: this.demo.redirectUri,
      state,
    };
    const authorize = `${this.demo.oauthBase}/oauth/authorize`;

    let response = await fetch(`${authorize}?${new URLSearchParams(fields)}`, {
      redirect: "manual",
    });
    if (response.status === 200) {
      this.note("The simulator shows its consent page; the demo presses Approve.");
      response = await fetch(authorize, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ...fields, decision: "approve" }),
      });
    }
    await response.body?.cancel();

    const location = response.headers.get("location");
    if (response.status !== 302 || location === null) {
      throw new Error(`the simulator answered ${response.status} instead of a redirect`);
    }
    this.note(`It redirects to ${redactUrl(location)}`);
    return codeFromRedirect(location, state);
  }

  async askForCode(getCode) {
    if (typeof getCode !== "function") throw new Error("no way to ask for a code was given");
    const state = `demo-${randomBytes(6).toString("hex")}`;
    const query = new URLSearchParams({
      response_type: "code",
      client_id: this.demo.clientId,
      redirect_uri: this.demo.redirectUri,
      state,
    });
    const code = await getCode(`${this.demo.oauthBase}/oauth/authorize?${query}`, state);
    this.note(`Got the code ${redact(code, "code")}`);
    return code;
  }

  adoptLogin(envelope) {
    if (envelope.error === 0) {
      this.access = envelope.body?.accessToken ?? "";
      this.refresh = envelope.body?.refreshToken ?? "";
    }
  }

  async createMeeting() {
    this.title("Create a scheduled meeting");
    const envelope = await this.call({
      APIName: "CREATE_MEETING",
      body: {
        ...this.credentials(),
        topic: "zoom-gateway demo",
        type: 2,
        start_time: tomorrowAt(15),
        duration: 30,
        timezone: "Europe/Paris",
        agenda: "Created by make demo",
      },
    });
    this.meetingId = envelope.body?.id;
    this.expect(envelope, 0, () => (this.meetingId ? null : "body should hold the meeting's id"));
  }

  async getMeeting(title, expected, check) {
    this.title(title);
    const envelope = await this.call({
      APIName: "GET_MEETING",
      body: { ...this.credentials(), meetingId: this.meetingId },
    });
    this.expect(envelope, expected, check);
    return envelope;
  }

  async editMeeting() {
    this.title("Edit it: a new topic and a longer meeting");
    const envelope = await this.call({
      APIName: "EDIT_MEETING",
      body: {
        ...this.credentials(),
        meetingId: this.meetingId,
        topic: "zoom-gateway demo (edited)",
        duration: 45,
      },
    });
    this.expect(envelope, 0);
  }

  /**
   * On the simulator the access token is expired for real; the next call is refused with 401
   * and the gateway refreshes and retries. Real Zoom cannot be told to expire a token, so
   * there the call goes without one, which makes the gateway refresh first.
   */
  async refreshBySelf() {
    if (this.demo.sim) {
      this.title("The access token expires; the next call refreshes by itself");
      await this.control("expire", { access_token: this.access });
      this.note("The simulator expired the access token.");
    } else {
      this.title("A call without an access token refreshes first");
      this.note("Real Zoom cannot expire a token on demand (no simulator control API),");
      this.note("so this call sends an empty token and only the refresh token.");
      this.access = "";
    }

    const envelope = await this.getMeetingEnvelope();
    if (envelope.token?.updated) {
      this.access = envelope.token.access;
      this.refresh = envelope.token.refresh;
      this.note("The envelope carries a new token pair; the demo stores it.");
    }
    this.expect(envelope, 0, () =>
      envelope.token?.updated === true ? null : "token.updated should be true",
    );
  }

  async deleteMeeting() {
    this.title("Delete it");
    const envelope = await this.call({
      APIName: "DELETE_MEETING",
      body: { ...this.credentials(), meetingId: this.meetingId },
    });
    this.expect(envelope, 0);
  }

  async sessionOver() {
    this.title("The refresh token is revoked: the session is over");
    if (!this.demo.sim) {
      this.skip("skipped: revoking needs the simulator's control API, and real Zoom has none.");
      return;
    }
    await this.control("revoke", { refresh_token: this.refresh });
    await this.control("expire", { access_token: this.access });
    this.note("The simulator revoked the refresh token and expired the access token.");

    const envelope = await this.getMeetingEnvelope();
    this.expect(envelope, 2);
  }

  async getMeetingEnvelope() {
    return this.call({
      APIName: "GET_MEETING",
      body: { ...this.credentials(), meetingId: this.meetingId },
    });
  }

  credentials() {
    return { token: this.access, refresh_token: this.refresh };
  }

  /** POSTs the event to the Worker and prints both sides. */
  async call(event) {
    this.out(this.paint("cyan", "→ event"));
    this.out(indent(render(redact(event))));

    let envelope;
    try {
      const response = await fetch(this.demo.workerUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(event),
      });
      envelope = await response.json();
    } catch (error) {
      envelope = { error: null, msg: `the Worker could not be reached: ${error.message}` };
    }

    this.out(this.paint("cyan", "← envelope"));
    const shown = redact(envelope);
    if (shown.body?.join_url !== undefined) shown.body = pick(shown.body, MEETING_FIELDS);
    const text = indent(render(shown, { foldDepth: 2 }));
    this.out(this.paint(colourOfCode(envelope.error), text));
    return envelope;
  }

  /** Calls the simulator's control API (`/_sim/NAME`); a refusal fails the step later. */
  async control(name, body) {
    const response = await fetch(`${this.demo.sim.url}/_sim/${name}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    await response.body?.cancel();
    if (!response.ok) this.note(`The simulator refused /_sim/${name}: ${response.status}`);
  }

  title(text) {
    this.current = { title: text, expected: null, error: null, ok: false, skipped: false };
    this.steps.push(this.current);
    const heading = `── ${this.steps.length}. ${text} `;
    this.out("");
    this.out(this.paint("bold", heading.padEnd(RULE_WIDTH, "─")));
  }

  note(text) {
    this.out(this.paint("dim", `   ${text}`));
  }

  skip(text) {
    this.current.skipped = true;
    this.current.ok = true;
    this.out(this.paint("yellow", `– ${text}`));
  }

  /** Records and prints whether the envelope has the expected code and passes `check`. */
  expect(envelope, expected, check) {
    const step = this.current;
    step.expected = expected;
    step.error = envelope.error;
    const problem = envelope.error === expected ? (check?.(envelope) ?? null) : null;
    step.ok = envelope.error === expected && problem === null;

    if (step.ok) {
      this.out(this.paint("green", `✓ error ${expected}, as expected`));
    } else if (problem) {
      this.out(this.paint("red", `✗ error ${envelope.error} as expected, but ${problem}`));
    } else {
      this.out(this.paint("red", `✗ error ${envelope.error}, expected ${expected}`));
    }
  }

  summary() {
    const passed = this.steps.filter((step) => step.ok).length;
    const skipped = this.steps.filter((step) => step.skipped).length;
    const ok = passed === this.steps.length;
    const line = `${passed} of ${this.steps.length} steps as expected${
      skipped ? ` (${skipped} skipped)` : ""
    }.`;
    this.out("");
    this.out(this.paint(ok ? "green" : "red", `${ok ? "✓" : "✗"} ${line}`));
    return { ok, steps: this.steps };
  }
}

/** The code in a redirect back to the app; throws on an error answer or a foreign state. */
export function codeFromRedirect(location, state) {
  const params = new URL(location).searchParams;
  if (params.get("state") !== state) throw new Error("the redirect's state is not ours");
  const error = params.get("error");
  if (error !== null) throw new Error(`the login was refused: ${error}`);
  const code = params.get("code");
  if (!code) throw new Error("the redirect has no code");
  return code;
}

/** Tomorrow at `hour`:00 UTC, as Zoom wants it: `yyyy-MM-ddTHH:mm:ssZ`. */
function tomorrowAt(hour) {
  const day = new Date();
  day.setUTCDate(day.getUTCDate() + 1);
  day.setUTCHours(hour, 0, 0, 0);
  return day.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function indent(text) {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
