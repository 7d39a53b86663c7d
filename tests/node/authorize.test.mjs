// The authorize URL with state and PKCE, checked against RFC 7636's example.
import assert from "node:assert/strict";
import { test } from "node:test";

import { authorizeUrl, codeChallenge } from "../../pkg/node.js";

test("the S256 challenge matches RFC 7636, appendix B", async () => {
  assert.equal(
    await codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
});

test("the URL carries state and the challenge of its verifier", async () => {
  const { url, state, codeVerifier } = await authorizeUrl({
    clientId: "client-id",
    redirectUri: "https://app.example.com/zoom/callback",
  });
  const parsed = new URL(url);
  assert.equal(parsed.origin + parsed.pathname, "https://zoom.us/oauth/authorize");
  assert.equal(parsed.searchParams.get("response_type"), "code");
  assert.equal(parsed.searchParams.get("client_id"), "client-id");
  assert.equal(parsed.searchParams.get("redirect_uri"), "https://app.example.com/zoom/callback");
  assert.equal(parsed.searchParams.get("state"), state);
  assert.match(state, /^[A-Za-z0-9._~-]{32}$/);
  assert.match(codeVerifier, /^[A-Za-z0-9._~-]{64}$/);
  assert.equal(parsed.searchParams.get("code_challenge_method"), "S256");
  assert.equal(parsed.searchParams.get("code_challenge"), await codeChallenge(codeVerifier));
  const again = await authorizeUrl({ clientId: "c", redirectUri: "https://a.example/cb" });
  assert.notEqual(again.state, state);
  assert.notEqual(again.codeVerifier, codeVerifier);
});

test("without PKCE there is no challenge; bad options throw", async () => {
  const { url, codeVerifier } = await authorizeUrl({
    clientId: "c",
    redirectUri: "http://127.0.0.1:8080/callback.html",
    oauthBase: "http://127.0.0.1:8790",
    pkce: false,
    state: "s-1",
  });
  assert.equal(codeVerifier, undefined);
  assert.equal(new URL(url).searchParams.get("code_challenge"), null);
  assert.equal(new URL(url).searchParams.get("state"), "s-1");
  await assert.rejects(authorizeUrl({ redirectUri: "https://a.example" }), /clientId/);
  await assert.rejects(authorizeUrl({ clientId: "c", redirectUri: "not a url" }), /redirectUri/);
});
