// The package's `handle`: turns whatever JS values arrive into JSON text for the wasm flow,
// and makes sure the promise resolves to an envelope, whatever happens.
import { resume, start } from "./zoom_gateway.js";
import { drive } from "./drive.js";

const gateway = { start, resume };

const CONFIG_KEYS = [
  "ZOOM_CLIENT_ID",
  "ZOOM_CLIENT_SECRET",
  "ZOOM_REDIRECT_URI",
  "ZOOM_ACCOUNT_ID",
  "ZOOM_API_BASE",
  "ZOOM_OAUTH_BASE",
  "ZOOM_TIMEOUT_MS",
  "ZOOM_REFRESH_REUSE_MS",
];

// The flow refuses larger events too; checking here spares copying them into wasm memory.
const MAX_EVENT_CHARS = 1 << 20;

function failure(error, msg) {
  return { error, msg, token: { updated: false, access: "", refresh: "" }, body: {} };
}

function nameOf(error) {
  try {
    return typeof error?.name === "string" ? error.name : typeof error;
  } catch {
    return "Error";
  }
}

function bigintAsString(_key, value) {
  return typeof value === "bigint" ? value.toString() : value;
}

function eventText(event) {
  try {
    return JSON.stringify(event) ?? "null";
  } catch (error) {
    // A BigInt meeting ID is the usual reason; the replacer costs a call per key, so it is
    // only used when needed.
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(event, bigintAsString) ?? "null";
  }
}

function setting(config, key) {
  let value;
  try {
    value = config[key];
  } catch {
    return undefined;
  }
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

// The settings last handed to the module, key by key. A deployment passes the same ones on
// every call; when nothing changed, none are sent (undefined), and the module uses those it
// read before, which spares writing, copying and comparing them each time.
const sent = new Array(CONFIG_KEYS.length);
let sentBefore = false;

function configText(config) {
  const readable = config !== null && (typeof config === "object" || typeof config === "function");
  let changed = !sentBefore;
  const values = new Array(CONFIG_KEYS.length);
  for (let i = 0; i < CONFIG_KEYS.length; i += 1) {
    values[i] = readable ? setting(config, CONFIG_KEYS[i]) : undefined;
    if (values[i] !== sent[i]) changed = true;
  }
  if (!changed) return undefined;
  const picked = {};
  for (let i = 0; i < CONFIG_KEYS.length; i += 1) {
    sent[i] = values[i];
    if (values[i] !== undefined) picked[CONFIG_KEYS[i]] = values[i];
  }
  sentBefore = true;
  return JSON.stringify(picked);
}

function customFetch(config) {
  try {
    const fetch = config?.fetch;
    return typeof fetch === "function" ? fetch : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds `handle` over an initialised module; `ready()` returns a promise (or nothing) that
 * settles once the wasm module can be called.
 */
export function makeHandle(ready) {
  return async function handle(event, config) {
    let eventJson;
    try {
      eventJson = eventText(event);
    } catch (error) {
      return failure(3, `event: cannot be read as JSON (${nameOf(error)})`);
    }
    if (eventJson.length > MAX_EVENT_CHARS) {
      return failure(3, `event: larger than ${MAX_EVENT_CHARS} characters of JSON`);
    }
    try {
      await ready();
    } catch (error) {
      return failure(1, `zoom-gateway could not load its wasm module (${nameOf(error)})`);
    }
    try {
      // The settings are read here, just before `start` takes them: nothing runs in between.
      return await drive(gateway, eventJson, configText(config), customFetch(config));
    } catch (error) {
      // The module may not have read the settings: send them again next time.
      sentBefore = false;
      return failure(1, `zoom-gateway failed unexpectedly (${nameOf(error)})`);
    }
  };
}
