// The console's main page: loads the demo's settings, builds the request form, sends events
// through the Worker or the in-page package, and keeps the token pair up to date.

import { byId, el } from "./dom.js";
import { APIS, apiNamed } from "./fields.js";
import { RequestForm } from "./form.js";
import { mask, redactValue } from "./redact.js";
import { showResult } from "./result.js";
import { forgetTokens, loadTokens, startSignIn, storeTokens, takeReturned } from "./session.js";
import { runInPage, sendToWorker } from "./transport.js";

const MODE_KEY = "zoom-gateway-demo:mode";
const API_KEY = "zoom-gateway-demo:api";
const MEETING_KEY = "zoom-gateway-demo:meeting-id";
const FIELD_MESSAGE = /^([A-Za-z_][\w.]*): (.+)$/s;
const ONE_COLUMN = matchMedia("(max-width: 959px)");

const state = {
  config: null,
  tokens: null,
  revealed: { access: false, refresh: false },
  busy: false,
  calls: 0,
};

const form = new RequestForm(byId("fields"));

main();

async function main() {
  setUpRequestForm();
  setUpSession();
  try {
    state.config = await loadConfig();
  } catch (error) {
    const problem = byId("config-problem");
    problem.textContent = `The demo's settings could not be loaded from /demo-config.json (${error.message}). Start the console with make demo.`;
    problem.hidden = false;
    byId("target").textContent = "No settings: nothing can be sent.";
    return;
  }
  describeTarget();
  setUpModes();
  state.tokens = loadTokens(state.config.oauthBase);
  showTokens();
  document.body.dataset.ready = "true";
  await finishSignIn();
}

/** The demo's settings; while its servers are still starting it answers `{ starting: true }`. */
async function loadConfig() {
  for (let attempt = 0; ; attempt += 1) {
    const response = await fetch("/demo-config.json", { cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const config = await response.json();
    if (config?.starting === true && attempt < 30) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    for (const key of ["workerUrl", "oauthBase", "apiBase", "clientId", "redirectUri"]) {
      if (typeof config[key] !== "string") throw new Error(`${key} is missing`);
    }
    return config;
  }
}

function describeTarget() {
  const { config } = state;
  const zoom = config.simulator
    ? `the Zoom simulator at ${config.oauthBase}`
    : `Zoom at ${config.oauthBase}`;
  byId("target").replaceChildren(
    "Talking to ",
    el("strong", {}, zoom),
    " through the Worker at ",
    el("code", {}, config.workerUrl),
    ".",
  );
  document.body.dataset.simulator = String(Boolean(config.simulator));
}

// --- Where the gateway runs ------------------------------------------------------------

function setUpModes() {
  const pageOption = byId("mode-page");
  const note = byId("mode-page-note");
  const allowed = state.config.simulator === true && typeof state.config.clientSecret === "string";
  if (!allowed) {
    pageOption.disabled = true;
    note.textContent =
      "Unavailable: this console talks to real Zoom, and a real client secret must never reach a browser. The Worker keeps it on the server.";
    localStorage.removeItem(MODE_KEY);
  }
  const saved = allowed ? localStorage.getItem(MODE_KEY) : null;
  byId(saved === "page" ? "mode-page" : "mode-worker").checked = true;
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener("change", () => {
      localStorage.setItem(MODE_KEY, currentMode());
      showMode();
    });
  }
  showMode();
}

function currentMode() {
  return byId("mode-page").checked ? "page" : "worker";
}

function showMode() {
  const page = currentMode() === "page";
  byId("mode-warning").hidden = !page;
  document.body.dataset.mode = currentMode();
  byId("send-mode").textContent = page ? "in this page" : "through the Worker";
}

// --- The request form ------------------------------------------------------------------

function setUpRequestForm() {
  const picker = byId("api-name");
  picker.replaceChildren(...APIS.map((api) => el("option", { value: api.name }, api.name)));
  picker.value = apiNamed(sessionStorage.getItem(API_KEY))?.name ?? APIS[0].name;
  picker.addEventListener("change", () => {
    sessionStorage.setItem(API_KEY, picker.value);
    showApi();
  });

  const savedMeeting = sessionStorage.getItem(MEETING_KEY);
  if (savedMeeting) form.set("meetingId", savedMeeting);
  form.onChange = showPreview;
  showApi();

  byId("browser-checks").addEventListener("change", (event) => {
    form.setBrowserChecks(event.target.checked);
  });
  byId("request-form").addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });
}

function showApi() {
  const api = apiNamed(byId("api-name").value);
  byId("api-summary").textContent = api.summary;
  byId("tokens-added").hidden = Boolean(api.login);
  form.show(api);
  hideFormProblem();
  showPreview();
}

/** The event as it will be sent, with the stored tokens standing in by name. */
function showPreview() {
  const { body } = form.read();
  const api = form.api;
  const shown = redactValue(body);
  const preview = api.login
    ? shown
    : { token: "(the stored access token)", refresh_token: "(the stored refresh token)", ...shown };
  byId("event-preview").textContent = JSON.stringify({ APIName: api.name, body: preview }, null, 2);
}

async function send() {
  if (state.busy || !state.config) return;
  form.clearErrors();
  hideFormProblem();
  const { body, problems } = form.read();
  if (problems.length > 0) {
    for (const { field, message } of problems) form.showError(field, `${field}: ${message}`);
    return;
  }
  if (!form.reportValidity()) return;

  const api = form.api;
  if (!api.login) {
    body.token = state.tokens?.access ?? "";
    body.refresh_token = state.tokens?.refresh ?? "";
  }
  await call({ APIName: api.name, body });
}

/** Sends one event in the current mode and shows what came back. */
async function call(event) {
  state.busy = true;
  const sendButton = byId("send");
  sendButton.disabled = true;
  byId("result").setAttribute("aria-busy", "true");
  byId("result-summary").textContent = `Sending ${event.APIName} ${byId("send-mode").textContent}…`;

  const mode = currentMode();
  let result;
  try {
    result =
      mode === "page"
        ? await runInPage(event, state.config)
        : await sendToWorker(event, state.config);
  } finally {
    state.busy = false;
    sendButton.disabled = false;
    byId("result").removeAttribute("aria-busy");
  }

  const notes = [];
  if (mode === "worker") {
    notes.push(
      "Worker mode: the page sees only its own request; the Worker's requests to Zoom happen on the server.",
    );
    if (result.envelope?.token?.updated) {
      notes.push("The gateway obtained new tokens on the way (token.updated is true).");
    }
  }
  showResult(event.APIName, result, notes);
  const focusedField = result.envelope ? afterEnvelope(event, result.envelope) : false;
  // In one column the result is below the long form: bring it up, unless a field error
  // already took the focus there.
  if (!focusedField && ONE_COLUMN.matches) {
    byId("result").scrollIntoView({ block: "start" });
  }
  // Lets a test (or a curious developer) tell that a call has been answered and shown.
  state.calls += 1;
  document.body.dataset.calls = String(state.calls);
  return result;
}

/**
 * Acts on what the envelope says: new tokens to keep, a meeting ID to reuse, a session to
 * renew, a field to mark. True when the focus moved to the field an error 3 names.
 */
function afterEnvelope(event, envelope) {
  const { error, token, body } = envelope;
  if (token?.updated === true && token.access) {
    keepTokens(token.access, token.refresh, `refreshed during ${event.APIName}`);
  }
  if (error === 0 && event.APIName === "GET_ACCESS_TOKEN" && body?.accessToken) {
    keepTokens(body.accessToken, body.refreshToken ?? "", "signed in");
  }
  if (error === 0 && event.APIName === "CREATE_MEETING" && body?.id !== undefined) {
    form.set("meetingId", body.id);
    sessionStorage.setItem(MEETING_KEY, String(body.id));
  }
  if (error === 2) {
    byId("session-state").textContent =
      "The session is over (error 2): sign in again to get a new token pair.";
  }
  return error === 3 && showFieldError(envelope.msg ?? "");
}

/**
 * Puts an error-3 message beside the field it names. Token problems belong to the session
 * panel; anything else (the event, the body as a whole) goes above the Send button.
 */
function showFieldError(message) {
  const field = FIELD_MESSAGE.exec(message)?.[1];
  if (field && form.showError(field, message)) return true;
  if (field === "token" || field === "refresh_token") {
    showNotice(`${message}. Sign in with Zoom first.`);
    byId("sign-in").focus();
    return true;
  }
  const problem = byId("form-problem");
  problem.textContent = message;
  problem.hidden = false;
  return false;
}

function hideFormProblem() {
  byId("form-problem").hidden = true;
  byId("form-problem").textContent = "";
}

// --- The session -----------------------------------------------------------------------

function setUpSession() {
  byId("sign-in").addEventListener("click", async () => {
    if (!state.config) return;
    byId("sign-in").disabled = true;
    await startSignIn(state.config);
  });
  byId("forget").addEventListener("click", () => {
    forgetTokens();
    state.tokens = null;
    showTokens();
    showNotice("Tokens forgotten.");
  });
  for (const which of ["access", "refresh"]) {
    byId(`${which}-reveal`).addEventListener("click", (event) => {
      state.revealed[which] = !state.revealed[which];
      const verb = state.revealed[which] ? "Hide" : "Reveal";
      event.currentTarget.textContent = verb;
      event.currentTarget.setAttribute("aria-label", `${verb} the ${which} token`);
      showTokens();
    });
  }
}

/** Exchanges the code callback.html left behind, if any, with GET_ACCESS_TOKEN. */
async function finishSignIn() {
  const returned = takeReturned();
  if (!returned) return;
  if (returned.error) {
    showNotice(
      `Sign-in did not complete: ${returned.error}${returned.description ? ` (${returned.description})` : ""}.`,
    );
    return;
  }
  showNotice("Back from the authorize page: exchanging the code with GET_ACCESS_TOKEN…");
  const body = { code: returned.code, redirect_uri: state.config.redirectUri };
  if (returned.verifier) body.code_verifier = returned.verifier;
  const result = await call({ APIName: "GET_ACCESS_TOKEN", body });
  if (result.envelope?.error !== 0) {
    showNotice(`Sign-in failed: ${result.envelope?.msg ?? result.problem}`);
  }
}

function keepTokens(access, refresh, reason) {
  state.tokens = storeTokens({ access, refresh }, state.config.oauthBase, reason);
  showTokens();
  const at = formatTime(state.tokens.changedAt);
  showNotice(
    reason === "signed in"
      ? `Signed in at ${at}; the token pair is stored in this browser.`
      : `Tokens refreshed at ${at} during ${reason.replace("refreshed during ", "")}; the new pair replaced the stored one.`,
  );
}

function showTokens() {
  const { tokens } = state;
  for (const which of ["access", "refresh"]) {
    const value = tokens?.[which] ?? "";
    byId(`${which}-value`).textContent =
      value === "" ? "none" : state.revealed[which] ? value : mask(value);
    byId(`${which}-reveal`).disabled = value === "";
  }
  const changed = byId("tokens-changed");
  if (tokens) {
    changed.replaceChildren(
      el("time", { datetime: tokens.changedAt }, formatTime(tokens.changedAt)),
      ` (${tokens.reason})`,
    );
  } else {
    changed.textContent = "never";
  }
  byId("session-state").textContent = tokens
    ? "Signed in: meeting calls carry the stored pair as token and refresh_token."
    : "Not signed in: meeting calls will be refused until you sign in.";
  byId("forget").disabled = !tokens;
  document.body.dataset.signedIn = String(Boolean(tokens));
}

function showNotice(text) {
  byId("token-notice").textContent = text;
}

function formatTime(iso) {
  const date = new Date(iso);
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
