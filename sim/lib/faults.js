// Faults a test arms through the control API: the next matching requests are delayed,
// answered with an error or an HTML page, cut short, dribbled out slowly, or dropped.

export const FAULT_KINDS = ["delay", "status", "nonjson", "truncate", "drop", "slowbody"];
export const FAULT_ENDPOINTS = [
  "token",
  "authorize",
  "revoke",
  "create",
  "get",
  "update",
  "delete",
  "*",
];
const BODIES = ["json", "html", "empty"];
const MAX_DELAY_MS = 120_000;

/**
 * Checks a fault spec and fills in defaults. Returns `{ fault }` or `{ error }` with a
 * sentence for the caller.
 */
export function normalizeFault(spec) {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    return { error: 'a fault is an object such as {"endpoint": "token", "kind": "status"}' };
  }
  const { endpoint = "*", kind, count = 1, process = false } = spec;
  if (!FAULT_ENDPOINTS.includes(endpoint)) {
    return { error: `endpoint must be one of ${FAULT_ENDPOINTS.join(", ")}` };
  }
  if (!FAULT_KINDS.includes(kind))
    return { error: `kind must be one of ${FAULT_KINDS.join(", ")}` };
  if (!Number.isInteger(count) || (count < 1 && count !== -1)) {
    return { error: "count must be a positive integer, or -1 for every request until cleared" };
  }
  const status = spec.status ?? (kind === "nonjson" ? 200 : 502);
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    return { error: "status must be an integer from 200 to 599" };
  }
  const delayMs = spec.delayMs ?? 1000;
  if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
    return { error: `delayMs must be from 0 to ${MAX_DELAY_MS}` };
  }
  const body = spec.body ?? "json";
  if (!BODIES.includes(body)) return { error: `body must be one of ${BODIES.join(", ")}` };
  if (typeof process !== "boolean") return { error: "process must be true or false" };

  return { fault: { endpoint, kind, count, status, delayMs, body, process } };
}

/** The first armed fault for `endpoint`, used up by one; undefined when none applies. */
export function takeFault(state, endpoint) {
  const index = state.faults.findIndex(
    (fault) => fault.endpoint === "*" || fault.endpoint === endpoint,
  );
  if (index === -1) return undefined;
  const fault = state.faults[index];
  if (fault.count > 0) {
    fault.count--;
    if (fault.count === 0) state.faults.splice(index, 1);
  }
  return fault;
}

const STATUS_TEXT = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The answer a `status` fault gives instead of the real one. */
export function statusFaultReply(fault) {
  const text = STATUS_TEXT[fault.status] ?? "Error";
  if (fault.body === "empty") return { status: fault.status, headers: {}, body: null };
  if (fault.body === "html") return htmlFaultReply(fault.status, text);
  return {
    status: fault.status,
    headers: { "content-type": "application/json;charset=UTF-8" },
    body: JSON.stringify({ code: fault.status, message: text }),
  };
}

/** An HTML page such as a proxy in front of Zoom sends; `nonjson` faults use it too. */
export function htmlFaultReply(status, text = STATUS_TEXT[status] ?? "Service notice") {
  return {
    status,
    headers: { "content-type": "text/html" },
    body: `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}
