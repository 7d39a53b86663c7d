// A stand-in for Zoom on the loopback interface that plays a script: each request it receives
// is recorded and answered with the next scripted answer. The API lives under /v2 and the
// token endpoint at /oauth/token, as on Zoom's hosts.

import { createServer } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Starts the server. `play(answers, { repeatLast })` loads a script; each answer is
 * `{ status, headers, json | text, delayMs }`, or `{ hang: true }` for a request never
 * answered. A request past the end of the script gets 599, which no case expects.
 * `play(request => answer)` answers each request by looking at it instead.
 */
export async function startScriptedZoom() {
  let answers = [];
  let repeatLast = false;
  let last;
  const requests = [];
  const load = { open: 0, most: 0 };

  const server = createServer(async (req, res) => {
    load.most = Math.max(load.most, ++load.open);
    res.on("close", () => load.open--);

    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = {
      method: req.method,
      url: new URL(req.url, "http://zoom.invalid"),
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    requests.push(request);

    const answer = next(request);
    if (answer === undefined) {
      res.writeHead(599, { "content-type": "text/plain" }).end("the script has no answer left");
    } else if (!answer.hang) {
      if (answer.delayMs) await sleep(answer.delayMs);
      send(res, answer);
    }
  });

  function next(request) {
    if (typeof answers === "function") return answers(request);
    const answer = answers.length > 0 ? answers.shift() : repeatLast ? last : undefined;
    last = answer;
    return answer;
  }

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;

  return {
    url,
    apiBase: `${url}/v2`,
    oauthBase: url,
    /** What was received since the last `play`, oldest first. */
    requests,
    /** Requests open at once: now, and at most since the last `play`. */
    load,
    play(script, options = {}) {
      answers = typeof script === "function" ? script : [...script];
      repeatLast = options.repeatLast === true;
      last = undefined;
      requests.length = 0;
      load.most = load.open;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

function send(res, { status, headers = {}, json, text }) {
  if (json !== undefined) {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(json));
  } else {
    res.writeHead(status, headers);
    res.end(text ?? "");
  }
}
