import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { beforeEach, describe, it } from "node:test";
import { startSimulator } from "../index.js";
import {
  REDIRECT_URI,
  api,
  authorize,
  basic,
  claims,
  codeFor,
  control,
  decide,
  login,
  manualClock,
  simulator,
  tokenRequest,
} from "./helpers.js";

const clock = manualClock();
const sim = await simulator({
  now: clock.now,
  redirectUri: [REDIRECT_URI, "https://app.example/zoom/callback"],
});
const START = clock.now();

beforeEach(() => {
  clock.set(START);
  sim.reset();
});

const consentParams = {
  response_type: "code",
  client_id: "sim-client-id",
  redirect_uri: REDIRECT_URI,
  state: "xyz-1",
};

async function meetingCallWorks(accessToken) {
  const pmi = sim.state.users.get("sim-user-1").pmi;
  return (await api(sim, "GET", `/meetings/${pmi}`, { token: accessToken })).status === 200;
}

describe("authorize", () => {
  it("shows an accessible consent page with Approve and Deny", async () => {
    const page = await authorize(sim, consentParams);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type"), /^text\/html/);
    assert.match(page.text, /<html lang="en">/);
    assert.match(page.text, /<form method="post" action="\/oauth\/authorize">/);
    assert.match(
      page.text,
      /<button type="submit" name="decision" value="approve">Approve<\/button>/,
    );
    assert.match(page.text, /<button type="submit" name="decision" value="deny">Deny<\/button>/);
    assert.match(page.text, /name="state" value="xyz-1"/);
    assert.match(page.text, /host@sim\.example/);
  });

  it("lets the form's redirect reach the app's origin, and nothing else", async () => {
    const page = await authorize(sim, consentParams);
    const policy = page.headers.get("content-security-policy");
    assert.match(policy, new RegExp(`form-action 'self' ${new URL(REDIRECT_URI).origin}$`));
    assert.match(policy, /default-src 'none'/);
  });

  it("escapes what the request reflects into the page", async () => {
    const page = await authorize(sim, { ...consentParams, state: `"><script>alert(1)</script>` });
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /<script>/);
    assert.match(page.text, /value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
  });

  it("Approve redirects to the redirect URI with a code and the state", async () => {
    const answer = await decide(sim, consentParams, "approve");
    assert.equal(answer.status, 302);
    const location = new URL(answer.location);
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI);
    assert.match(location.searchParams.get("code"), /^[A-Za-z0-9_-]{20,}$/);
    assert.equal(location.searchParams.get("state"), "xyz-1");
  });

  it("Deny redirects with error=access_denied and the state, and no code", async () => {
    const answer = await decide(sim, consentParams, "deny");
    assert.equal(answer.status, 302);
    const location = new URL(answer.location);
    assert.equal(location.searchParams.get("error"), "access_denied");
    assert.equal(location.searchParams.get("state"), "xyz-1");
    assert.equal(location.searchParams.get("code"), null);
  });

  it("redirects at once when auto-approving, set as an option or through the control API", async () => {
    await control(sim, "POST", "config", { autoApprove: true });
    const answer = await authorize(sim, consentParams);
    assert.equal(answer.status, 302);
    assert.ok(new URL(answer.location).searchParams.get("code"));

    const auto = await startSimulator({ autoApprove: true });
    try {
      const direct = await authorize(auto, consentParams);
      assert.equal(direct.status, 302);
    } finally {
      await auto.close();
    }
  });

  it("accepts each registered redirect URI, exactly", async () => {
    const second = await decide(
      sim,
      { ...consentParams, redirect_uri: "https://app.example/zoom/callback" },
      "approve",
    );
    assert.equal(second.status, 302);
    assert.ok(second.location.startsWith("https://app.example/zoom/callback?code="));

    const slash = await authorize(sim, { ...consentParams, redirect_uri: `${REDIRECT_URI}/` });
    assert.equal(slash.status, 400);
    assert.match(slash.text, /Invalid redirect/);
  });

  it("shows a 400 page for an unknown client or an unregistered redirect URI, and never redirects there", async () => {
    const client = await authorize(sim, { ...consentParams, client_id: "nope" });
    assert.equal(client.status, 400);
    assert.equal(client.location, null);
    assert.match(client.text, /Invalid client_id/);

    const evil = await decide(
      sim,
      { ...consentParams, redirect_uri: "https://evil.example/cb" },
      "approve",
    );
    assert.equal(evil.status, 400);
    assert.equal(evil.location, null);
  });

  it("sends other request errors back to the app", async () => {
    const answer = await authorize(sim, { ...consentParams, response_type: "token" });
    assert.equal(answer.status, 302);
    assert.equal(new URL(answer.location).searchParams.get("error"), "unsupported_response_type");
  });
});

describe("authorization_code grant", () => {
  it("answers a token pair as Zoom does", async () => {
    const code = await codeFor(sim);
    const answer = await tokenRequest(sim, {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("content-type"), "application/json;charset=UTF-8");
    const body = answer.body;
    assert.equal(body.token_type, "bearer");
    assert.equal(body.expires_in, 3600);
    assert.equal(body.scope, "meeting:read meeting:write user:read");
    assert.equal(body.api_url, sim.url);
    assert.notEqual(body.access_token, body.refresh_token);

    const access = claims(body.access_token);
    assert.equal(access.uid, "sim-user-1");
    assert.equal(access.iat, Math.floor(START / 1000));
    assert.equal(access.exp, access.iat + 3600);
    assert.ok(await meetingCallWorks(body.access_token));
  });

  it("issues random tokens: no two alike", async () => {
    const first = await login(sim);
    const second = await login(sim);
    assert.notEqual(first.access_token, second.access_token);
    assert.notEqual(first.refresh_token, second.refresh_token);
    assert.notEqual(claims(first.access_token).jti, claims(second.access_token).jti);
  });

  it("takes a code only once, and a replay withdraws the tokens it bought", async () => {
    const code = await codeFor(sim);
    const fields = { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI };
    const first = await tokenRequest(sim, fields);
    assert.equal(first.status, 200);

    const replay = await tokenRequest(sim, fields);
    assert.equal(replay.status, 400);
    assert.deepEqual(replay.body, {
      reason: `Invalid authorization code ${code}`,
      error: "invalid_request",
    });
    assert.equal(await meetingCallWorks(first.body.access_token), false);
    const refresh = await tokenRequest(sim, {
      grant_type: "refresh_token",
      refresh_token: first.body.refresh_token,
    });
    assert.equal(refresh.body.error, "invalid_grant");
  });

  it("lets a code expire after five minutes", async () => {
    const fresh = await codeFor(sim);
    clock.advance(5 * 60 * 1000 - 1000);
    const inTime = await tokenRequest(sim, {
      grant_type: "authorization_code",
      code: fresh,
      redirect_uri: REDIRECT_URI,
    });
    assert.equal(inTime.status, 200);

    const stale = await codeFor(sim);
    clock.advance(5 * 60 * 1000);
    const late = await tokenRequest(sim, {
      grant_type: "authorization_code",
      code: stale,
      redirect_uri: REDIRECT_URI,
    });
    assert.equal(late.status, 400);
    assert.deepEqual(late.body, {
      reason: `Invalid authorization code ${stale}`,
      error: "invalid_request",
    });
  });

  it("refuses an unknown code and a missing one", async () => {
    const unknown = await tokenRequest(sim, {
      grant_type: "authorization_code",
      code: "made-up",
      redirect_uri: REDIRECT_URI,
    });
    assert.deepEqual(unknown.body, {
      reason: "Invalid authorization code made-up",
      error: "invalid_request",
    });
    const missing = await tokenRequest(sim, {
      grant_type: "authorization_code",
      redirect_uri: REDIRECT_URI,
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, "invalid_request");
  });

  it("requires the exact redirect URI used at authorize", async () => {
    const code = await codeFor(sim);
    const answer = await tokenRequest(sim, {
      grant_type: "authorization_code",
      code,
      redirect_uri: "https://app.example/zoom/callback",
    });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, { reason: "Redirect URI mismatch.", error: "invalid_request" });
  });

  it("reads parameters from the query string too, as Zoom does", async () => {
    const code = await codeFor(sim);
    const query = `?${new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI })}`;
    const answer = await tokenRequest(sim, {}, { query });
    assert.equal(answer.status, 200);
    assert.ok(answer.body.access_token);
  });
});

describe("client authentication", () => {
  async function withAuth(auth) {
    const code = await codeFor(sim);
    return tokenRequest(
      sim,
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI },
      { auth },
    );
  }
  const invalidClient = { reason: "Invalid client_id or client_secret", error: "invalid_client" };

  it("refuses a wrong secret with 401 invalid_client", async () => {
    const answer = await withAuth(basic("sim-client-id", "wrong"));
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.body, invalidClient);
  });

  it("refuses a wrong client id, a missing header and a malformed one", async () => {
    for (const auth of [
      basic("other", "sim-client-secret"),
      null,
      "Basic !!!notbase64",
      "Bearer abc",
      "Basic",
    ]) {
      const answer = await withAuth(auth);
      assert.equal(answer.status, 401, String(auth));
      assert.deepEqual(answer.body, invalidClient);
    }
  });

  it("does not let the confidential client's id stand in for Basic auth", async () => {
    const code = await codeFor(sim);
    const answer = await tokenRequest(
      sim,
      {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        client_id: "sim-client-id",
      },
      { auth: null },
    );
    assert.equal(answer.status, 401);
  });
});

describe("PKCE", () => {
  const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk0123";
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const publicParams = {
    response_type: "code",
    client_id: "sim-public-client",
    redirect_uri: REDIRECT_URI,
    state: "p1",
  };

  async function publicCode(extra) {
    const answer = await decide(sim, { ...publicParams, ...extra }, "approve");
    return new URL(answer.location).searchParams.get("code");
  }

  function exchange(code, codeVerifier) {
    const fields = {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: "sim-public-client",
    };
    if (codeVerifier !== undefined) fields.code_verifier = codeVerifier;
    return tokenRequest(sim, fields, { auth: null });
  }

  it("lets the public client exchange an S256 code with its verifier and no secret", async () => {
    const code = await publicCode({ code_challenge: challenge, code_challenge_method: "S256" });
    const answer = await exchange(code, verifier);
    assert.equal(answer.status, 200);
    assert.ok(await meetingCallWorks(answer.body.access_token));

    const refreshed = await tokenRequest(
      sim,
      {
        grant_type: "refresh_token",
        refresh_token: answer.body.refresh_token,
        client_id: "sim-public-client",
      },
      { auth: null },
    );
    assert.equal(refreshed.status, 200);
  });

  it("accepts the plain method", async () => {
    const code = await publicCode({ code_challenge: verifier, code_challenge_method: "plain" });
    assert.equal((await exchange(code, verifier)).status, 200);
  });

  it("refuses a wrong verifier and a missing one", async () => {
    const wrongCode = await publicCode({
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const wrong = await exchange(wrongCode, `${verifier.slice(0, -1)}x`);
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.body, { reason: "Invalid code_verifier.", error: "invalid_request" });

    const missingCode = await publicCode({
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const missing = await exchange(missingCode);
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { reason: "Missing code_verifier.", error: "invalid_request" });
  });

  it("checks a verifier for the confidential client too when its code had a challenge", async () => {
    const code = await codeFor(sim, { code_challenge: challenge, code_challenge_method: "S256" });
    const fields = {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: "x".repeat(43),
    };
    const answer = await tokenRequest(sim, fields);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.reason, "Invalid code_verifier.");
  });

  it("sends a public client without a code_challenge back with invalid_request", async () => {
    const answer = await authorize(sim, publicParams);
    assert.equal(answer.status, 302);
    assert.equal(new URL(answer.location).searchParams.get("error"), "invalid_request");
  });

  it("does not let the public client redeem the confidential client's code", async () => {
    const code = await codeFor(sim, { code_challenge: challenge, code_challenge_method: "S256" });
    const answer = await exchange(code, verifier);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, "invalid_request");
  });

  it("does not give the public client account_credentials", async () => {
    const answer = await tokenRequest(
      sim,
      {
        grant_type: "account_credentials",
        account_id: "sim-account",
        client_id: "sim-public-client",
      },
      { auth: null },
    );
    assert.equal(answer.status, 401);
    assert.equal(answer.body.error, "invalid_client");
  });
});

describe("refresh_token grant", () => {
  it("rotates: a new pair, the old refresh token refused, the old access token still good", async () => {
    const first = await login(sim);
    const second = await tokenRequest(sim, {
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
    });
    assert.equal(second.status, 200);
    assert.notEqual(second.body.access_token, first.access_token);
    assert.notEqual(second.body.refresh_token, first.refresh_token);
    assert.equal(second.body.scope, first.scope);

    const reused = await tokenRequest(sim, {
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
    });
    assert.equal(reused.status, 400);
    assert.deepEqual(reused.body, { reason: "Invalid Token!", error: "invalid_grant" });

    assert.ok(await meetingCallWorks(first.access_token));
    assert.ok(await meetingCallWorks(second.body.access_token));
    const third = await tokenRequest(sim, {
      grant_type: "refresh_token",
      refresh_token: second.body.refresh_token,
    });
    assert.equal(third.status, 200);
  });

  it("refuses an unknown refresh token", async () => {
    const answer = await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: "nope" });
    assert.deepEqual(answer.body, { reason: "Invalid Token!", error: "invalid_grant" });
  });

  it("refuses a refresh token revoked through the control API, one or all", async () => {
    const one = await login(sim);
    const other = await login(sim);
    const revoked = await control(sim, "POST", "revoke", { refresh_token: one.refresh_token });
    assert.deepEqual(revoked.body, { ok: true, revoked: 1 });
    const refused = await tokenRequest(sim, {
      grant_type: "refresh_token",
      refresh_token: one.refresh_token,
    });
    assert.equal(refused.body.error, "invalid_grant");
    const fine = await tokenRequest(sim, {
      grant_type: "refresh_token",
      refresh_token: other.refresh_token,
    });
    assert.equal(fine.status, 200);

    assert.equal(sim.revoke({ all: true }), sim.state.grants.size);
    const none = await tokenRequest(sim, {
      grant_type: "refresh_token",
      refresh_token: fine.body.refresh_token,
    });
    assert.equal(none.body.error, "invalid_grant");
  });

  it("refuses a grant type Zoom does not have", async () => {
    const answer = await tokenRequest(sim, {
      grant_type: "password",
      username: "a",
      password: "b",
    });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, {
      reason: "Unsupported grant type",
      error: "unsupported_grant_type",
    });
  });
});

describe("account_credentials grant", () => {
  it("answers an access token without a refresh token", async () => {
    const answer = await tokenRequest(sim, {
      grant_type: "account_credentials",
      account_id: "sim-account",
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.expires_in, 3600);
    assert.equal(answer.body.token_type, "bearer");
    assert.equal(answer.body.refresh_token, undefined);
    assert.ok(await meetingCallWorks(answer.body.access_token));
  });

  it("refuses another account id", async () => {
    const answer = await tokenRequest(sim, {
      grant_type: "account_credentials",
      account_id: "someone-else",
    });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, { reason: "Invalid account_id", error: "invalid_request" });
  });
});

describe("revocation", () => {
  it("POST /oauth/revoke ends the whole authorization", async () => {
    const pair = await login(sim);
    const answer = await tokenRequest(
      sim,
      { token: pair.refresh_token },
      { path: "/oauth/revoke" },
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { status: "success" });
    assert.equal(await meetingCallWorks(pair.access_token), false);
    const refresh = await tokenRequest(sim, {
      grant_type: "refresh_token",
      refresh_token: pair.refresh_token,
    });
    assert.equal(refresh.body.error, "invalid_grant");
  });

  it("wants client authentication", async () => {
    const pair = await login(sim);
    const answer = await tokenRequest(
      sim,
      { token: pair.access_token },
      { path: "/oauth/revoke", auth: null },
    );
    assert.equal(answer.status, 401);
    assert.ok(await meetingCallWorks(pair.access_token));
  });
});
