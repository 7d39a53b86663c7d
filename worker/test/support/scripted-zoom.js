// A stand-in for Zoom on the loopback interface that plays a script: each request it receives
// is recorded and answered with the next scripted answer. The API lives under /v2 and the
// token endpoint at /oauth/token, as on Zoom's hosts.

import { createServer } from "node:http";

/**
 * Starts the server. `play(answers, { repeatLast })` loads a script; each answer is
 * `{ status, headers, json | text }`, or `{ hang: true }` for a request never answered.
 * A request past the end of the script gets 599, which no case expects.
 */
export async function startScriptedZoom() {
  let answers = [];
  let repeatLast = false;
  let last;
  const requests = [];

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    requests.push({
      method: req.method,
      url: new URL(req.url, "http://zoom.invalid"),
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    });

    const answer = answers.length > 0 ? answers.shift() : repeatLast ? last : undefined;
    last = answer;
    if (answer === undefined) {
      res.writeHead(599, { "content-type": "text/plain" }).end("the script has no answer left");
    } else if (!answer.hang) {
      send(res, answer);
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;

  return {
    url,
    apiBase: `${url}/v2`,
    oauthBase: url,
    /** What was received since the last `play`, oldest first. */
    requests,
    play(script, options = {}) {
      answers = [...script];
      repeatLast = options.repeatLast === true;
      last = undefined;
      requests.length = 0;
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
