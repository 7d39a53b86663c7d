// Shared pieces of the Node tests: the shared cases, and a fetch stub that plays them.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const shared = fileURLToPath(new URL("../../../shared/cases/cases.json", import.meta.url));
const fixture = fileURLToPath(new URL("../fixtures/cases.json", import.meta.url));

/** The shared cases: ../shared when present (it may gain cases), else the repo's copy. */
export function loadCases() {
  return JSON.parse(readFileSync(existsSync(shared) ? shared : fixture, "utf8"));
}

/** Whether `actual` holds everything `expected` says: objects as subsets, the rest equal. */
export function matchesSubset(expected, actual) {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    return (
      actual !== null &&
      typeof actual === "object" &&
      Object.entries(expected).every(([key, value]) => matchesSubset(value, actual[key]))
    );
  }
  return JSON.stringify(expected) === JSON.stringify(actual);
}

/**
 * A fetch that answers from a case's `zoom` list and records every request as
 * { method, url, query, headers, text }.
 */
export function scriptedFetch(exchanges, { repeatLast = false } = {}) {
  const sent = [];
  let next = 0;
  async function fetch(input, init = {}) {
    const url = new URL(String(input));
    const headers = Object.fromEntries(
      Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    sent.push({
      method: init.method ?? "GET",
      url: `${url.origin}${url.pathname}`,
      query: Object.fromEntries(url.searchParams),
      headers,
      text: typeof init.body === "string" ? init.body : undefined,
    });
    let exchange = exchanges[next];
    if (exchange) next += 1;
    else if (repeatLast) exchange = exchanges[exchanges.length - 1];
    if (!exchange) throw new TypeError("fetch failed: the script has no more answers");
    const { status, headers: answerHeaders = {}, json, text } = exchange.respond;
    const body = status === 204 || status === 304 ? null : json !== undefined ? JSON.stringify(json) : (text ?? "");
    return new Response(body, { status, headers: answerHeaders });
  }
  return { fetch, sent };
}

/** What differs between a sent request and a case's `expect`. */
export function requestProblems(expect, sent) {
  const problems = [];
  if (expect.method !== sent.method) problems.push(`method ${sent.method} != ${expect.method}`);
  if (expect.url !== sent.url) problems.push(`url ${sent.url} != ${expect.url}`);
  if (JSON.stringify(sortKeys(expect.query ?? {})) !== JSON.stringify(sortKeys(sent.query))) {
    problems.push(`query ${JSON.stringify(sent.query)} != ${JSON.stringify(expect.query ?? {})}`);
  }
  for (const [name, value] of Object.entries(expect.headers ?? {})) {
    if (sent.headers[name] !== value) problems.push(`header ${name} differs`);
  }
  if (expect.json !== undefined) {
    let body;
    try {
      body = JSON.parse(sent.text);
    } catch {
      body = undefined;
    }
    if (JSON.stringify(sortKeys(body)) !== JSON.stringify(sortKeys(expect.json))) {
      problems.push(`json body ${sent.text} != ${JSON.stringify(expect.json)}`);
    }
  }
  if (expect.form) {
    const form = Object.fromEntries(new URLSearchParams(sent.text ?? ""));
    for (const [name, value] of Object.entries(expect.form)) {
      if (form[name] !== value) problems.push(`form field ${name} differs`);
    }
  }
  return problems;
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  }
  return value;
}
