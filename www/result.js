// The result panel: the envelope, coloured by its code and pretty-printed with credentials
// masked, and the HTTP exchanges the call caused.

import { byId, el } from "./dom.js";
import { redactValue } from "./redact.js";

/** What each code means, as the contract words it. */
export const CODES = {
  0: "success",
  1: "API error: Zoom refused or failed, or could not be reached",
  2: "fatal: the session is over, sign in again",
  3: "invalid request: refused before calling Zoom",
};

const JSON_TOKEN =
  /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** Shows `result` from transport.js for the call `apiName`, with `notes` under the exchanges. */
export function showResult(apiName, { envelope, exchanges, problem }, notes = []) {
  const panel = byId("result");
  const summary = byId("result-summary");
  const code = envelope ? envelope.error : null;
  panel.dataset.code = code ?? "none";

  if (envelope) {
    summary.replaceChildren(
      el("span", { class: "badge" }, `error ${code}`),
      " ",
      el("span", { class: "meaning" }, CODES[code] ?? "unknown code"),
      el(
        "span",
        { class: "msg" },
        el("code", { class: "api" }, apiName),
        `: ${envelope.msg ?? ""}`,
      ),
    );
  } else {
    summary.replaceChildren(
      el("span", { class: "badge" }, "no envelope"),
      " ",
      el("span", { class: "msg" }, problem ?? "Nothing arrived."),
    );
  }

  const pretty = envelope ? JSON.stringify(redactValue(envelope), null, 2) : "";
  byId("envelope").replaceChildren(highlight(pretty));
  byId("envelope").hidden = !envelope;

  byId("exchanges").replaceChildren(...exchanges.map(exchangeItem));
  byId("exchanges-note").replaceChildren(
    ...notes.map((note) => el("span", {}, note, " ")),
    exchanges.length === 0 ? "No HTTP request was made." : "",
    exchanges.length > 1 ? el("span", { class: "chain" }, chain(exchanges)) : "",
  );
}

/** The exchanges in one line, such as `GET 401 → POST /oauth/token 200 → GET 200`. */
function chain(exchanges) {
  return exchanges
    .map(({ method, url, status, error }) => {
      const path = URL.parse(url)?.pathname ?? url;
      const shownPath = path.endsWith("/oauth/token") ? " /oauth/token" : "";
      return `${method}${shownPath} ${error ? "failed" : status}`;
    })
    .join(" → ");
}

/** Pretty JSON as text nodes, with spans for keys, strings, numbers and literals. */
function highlight(text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(JSON_TOKEN)) {
    fragment.append(text.slice(last, match.index));
    const [whole, string, colon, literal, number] = match;
    if (string !== undefined) {
      fragment.append(el("span", { class: colon ? "j-key" : "j-str" }, string));
      if (colon) fragment.append(colon);
    } else if (literal !== undefined) {
      fragment.append(el("span", { class: "j-lit" }, literal));
    } else if (number !== undefined) {
      fragment.append(el("span", { class: "j-num" }, number));
    }
    last = match.index + whole.length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

function exchangeItem(exchange) {
  const status = exchange.error ? "failed" : String(exchange.status ?? "…");
  const statusClass = exchange.error ? "s-fail" : `s-${String(exchange.status ?? 0)[0]}xx`;
  const headline = el(
    "span",
    { class: "exchange-line" },
    el("span", { class: "method" }, exchange.method),
    " ",
    el("span", { class: "url" }, exchange.url),
    " ",
    el("span", { class: `status ${statusClass}` }, status),
    " ",
    el("span", { class: "ms" }, `${exchange.ms ?? "?"} ms`),
  );
  const parts = [
    section("Request headers", JSON.stringify(exchange.requestHeaders ?? {}, null, 2)),
    exchange.requestBody ? section("Request body", exchange.requestBody) : null,
    exchange.error ? section("Error", exchange.error) : null,
    exchange.responseBody ? section("Response body", exchange.responseBody) : null,
  ];
  return el(
    "li",
    { class: "exchange" },
    el("details", {}, el("summary", {}, headline), ...parts.filter(Boolean)),
  );
}

function section(title, text) {
  return el("div", { class: "exchange-part" }, el("h4", {}, title), el("pre", {}, text));
}
