// The console in headless Chromium against `make demo`'s servers: sign-in, the four meeting
// calls, the automatic refresh, field errors, the in-page mode, keyboard and phone width.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  PHONE,
  answered,
  calls,
  openPage,
  pick,
  result,
  screenshot,
  screenshotOf,
  send,
  signIn,
  startConsole,
  storedTokens,
  textOutsideTokenPanel,
} from "./support.js";

let servers;
before(async () => {
  servers = await startConsole();
});
after(() => servers?.close());

function meeting(id) {
  return servers.demo.sim.state.meetings.get(String(id))?.meeting;
}

async function createMeeting(page, topic) {
  await pick(page, "CREATE_MEETING");
  await page.getByLabel("Topic").fill(topic);
  const shown = await send(page);
  assert.equal(shown.code, "0", shown.summary);
  return page.evaluate(() => sessionStorage.getItem("zoom-gateway-demo:meeting-id"));
}

function assertNoSecretShown(text, tokens) {
  for (const secret of [tokens.access, tokens.refresh, servers.demo.sim.options.clientSecret]) {
    assert.ok(!text.includes(secret), "a whole token or secret is shown outside the token panel");
  }
}

test("signing in goes to the authorize page and back, and stores the pair", async (t) => {
  const page = await openPage(t, servers);
  assert.equal(await page.textContent("#access-value"), "none");

  const authorizeVisits = () =>
    servers.demo.sim.state.requests.filter((entry) => entry.path === "/oauth/authorize").length;
  const visitsBefore = authorizeVisits();
  const shown = await signIn(page);

  assert.equal(authorizeVisits(), visitsBefore + 1, "through the simulator's authorize page");
  assert.equal(shown.code, "0");
  assert.match(shown.summary, /GET_ACCESS_TOKEN/);
  assert.match(shown.summary, /Retrieved Access Token/);
  const tokens = await storedTokens(page);
  assert.ok(servers.demo.sim.state.accessTokens.has(tokens.access), "a token the simulator issued");
  assert.equal(tokens.reason, "signed in");
  assert.match(await page.textContent("#token-notice"), /Signed in at \d/);
  assert.match(await page.textContent("#tokens-changed"), /signed in/);

  // Masked until revealed, and whole only in the token panel.
  assert.doesNotMatch(await page.textContent("#access-value"), new RegExp(tokens.access));
  await page.getByRole("button", { name: "Reveal the access token" }).click();
  assert.equal(await page.textContent("#access-value"), tokens.access);
  await page.getByRole("button", { name: "Hide the access token" }).click();
  assert.doesNotMatch(await page.textContent("#access-value"), new RegExp(tokens.access));
  assertNoSecretShown(await textOutsideTokenPanel(page), tokens);
  assert.doesNotMatch(page.url(), /code=/, "the code is not left in the address bar");
  await screenshot(page, "desktop-signed-in");
});

test("create, get, edit and delete a meeting through the Worker", async (t) => {
  const page = await openPage(t, servers);
  await signIn(page);

  await pick(page, "CREATE_MEETING");
  await page.getByLabel("Topic").fill("Console walkthrough");
  await page.getByLabel("Meeting type").selectOption("2");
  await page.getByLabel("Start time").fill("2030-01-15T10:00:00Z");
  await page.getByLabel("Duration").fill("45");
  await page.getByLabel("Passcode").fill("Abc123");
  const created = await send(page);
  assert.equal(created.code, "0", created.summary);
  assert.match(created.summary, /CREATE_MEETING/);
  assert.deepEqual(
    created.exchanges.map(({ method, url, status }) => [method, url, status]),
    [["POST", servers.demo.workerUrl, "200"]],
  );
  await page.getByText("Event preview").click();
  await screenshot(page, "desktop-created");

  await pick(page, "GET_MEETING");
  const id = await page.getByLabel("Meeting ID").inputValue();
  assert.match(id, /^\d{10,11}$/, "the new meeting's ID is filled in");
  assert.equal(meeting(id).topic, "Console walkthrough");
  assert.equal(meeting(id).duration, 45);
  const got = await send(page);
  assert.equal(got.code, "0", got.summary);
  assert.match(got.envelope, /"topic": "Console walkthrough"/);
  assert.match(got.envelope, new RegExp(`"id": ${id}`));

  await pick(page, "EDIT_MEETING");
  await page.getByLabel("Topic").fill("Renamed in the console");
  await page.getByLabel("Duration").fill("");
  await page.getByLabel("Passcode").fill("");
  await page.getByLabel("Start time").fill("");
  await page.getByLabel("Meeting type").selectOption("");
  const edited = await send(page);
  assert.equal(edited.code, "0", edited.summary);
  assert.equal(meeting(id).topic, "Renamed in the console");

  await pick(page, "DELETE_MEETING");
  const deleted = await send(page);
  assert.equal(deleted.code, "0", deleted.summary);
  assert.equal(meeting(id), undefined);

  await pick(page, "GET_MEETING");
  const gone = await send(page);
  assert.equal(gone.code, "1", "Zoom's 404 is an API error");
  assert.match(gone.envelope, /"status": 404/);
  assertNoSecretShown(await textOutsideTokenPanel(page), await storedTokens(page));
});

test("expired tokens are refreshed on the way and the page shows it", async (t) => {
  const page = await openPage(t, servers);
  await signIn(page);
  const id = await createMeeting(page, "Refresh me");
  const before = await storedTokens(page);

  assert.ok(servers.demo.sim.expireTokens() >= 1);
  await pick(page, "GET_MEETING");
  const shown = await send(page);

  assert.equal(shown.code, "0", shown.summary);
  assert.match(shown.envelope, /"updated": true/);
  assert.match(shown.envelope, new RegExp(`"id": ${id}`));
  const after = await storedTokens(page);
  assert.notEqual(after.access, before.access);
  assert.notEqual(after.refresh, before.refresh);
  assert.ok(servers.demo.sim.state.accessTokens.has(after.access));
  assert.equal(after.reason, "refreshed during GET_MEETING");
  assert.match(
    await page.textContent("#token-notice"),
    /Tokens refreshed at \d.* during GET_MEETING/,
  );
  assert.match(await page.textContent("#tokens-changed"), /refreshed during GET_MEETING/);
  assert.match(await page.textContent("#exchanges-note"), /obtained new tokens/);
  assertNoSecretShown(await textOutsideTokenPanel(page), after);

  // The next call uses the stored new pair without refreshing again.
  const again = await send(page);
  assert.equal(again.code, "0");
  assert.match(again.envelope, /"updated": false/);
  assert.deepEqual(await storedTokens(page), after);
  await screenshot(page, "desktop-refreshed");
});

test("a session that is over (error 2) asks to sign in again", async (t) => {
  const page = await openPage(t, servers);
  await signIn(page);
  const tokens = await storedTokens(page);
  servers.demo.sim.revoke(tokens.refresh);
  servers.demo.sim.expireTokens(tokens.access);

  await pick(page, "GET_MEETING");
  await page.getByLabel("Meeting ID").fill("81234567890");
  const shown = await send(page);
  assert.equal(shown.code, "2", shown.summary);
  assert.match(shown.summary, /sign in again/);
  assert.match(await page.textContent("#session-state"), /sign in again/);
  assert.deepEqual(await storedTokens(page), tokens, "nothing new to store");
});

test("an invalid field shows the gateway's error 3 next to that field", async (t) => {
  const page = await openPage(t, servers);
  await signIn(page);
  await pick(page, "CREATE_MEETING");
  const requestsBefore = servers.demo.sim.state.requests.length;

  const passcode = page.getByLabel("Passcode");
  await passcode.fill("abcdefghijk");
  const shown = await send(page);
  assert.equal(shown.code, "3");
  assert.match(shown.summary, /password: at most 10 characters/);
  const message = page.locator('[data-field="password"] .field-error');
  assert.match(
    await message.textContent(),
    /^password: at most 10 characters from A-Z a-z 0-9 @ _ \* -$/,
  );
  assert.equal(await passcode.getAttribute("aria-invalid"), "true");
  const describedBy = (await passcode.getAttribute("aria-describedby")).split(" ");
  assert.ok(describedBy.includes(await message.getAttribute("id")));
  assert.equal(await page.evaluate(() => document.activeElement.id), "f-password");
  assert.equal(await page.locator(".field-error:not([hidden])").count(), 1, "only that field");
  await screenshot(page, "desktop-field-error");

  // A field inside the folded recurrence group is found and unfolded.
  await passcode.fill("");
  assert.equal(await passcode.getAttribute("aria-invalid"), null, "typing clears the mark");
  await page.locator("details.group summary").click();
  await page.getByLabel("Every").fill("5");
  const nested = await send(page);
  assert.equal(nested.code, "3");
  assert.match(
    await page.locator('[data-field="recurrence.type"] .field-error').textContent(),
    /^recurrence\.type: required/,
  );
  assert.equal(await page.getByLabel("Repeats").getAttribute("aria-invalid"), "true");
  await page.getByLabel("Every").fill("");

  // Too long a topic: the page shows the limit but lets the gateway refuse it.
  await page.getByLabel("Topic").fill("x".repeat(201));
  const long = await send(page);
  assert.equal(long.code, "3");
  assert.match(
    await page.locator('[data-field="topic"] .field-error').textContent(),
    /^topic: at most 200 characters$/,
  );
  assert.match(await page.locator('[data-field="topic"] .hint').textContent(), /200 characters/);
  assert.equal(servers.demo.sim.state.requests.length, requestsBefore, "Zoom was never called");

  // With the browser's checks on, the same value stops in the page.
  await page.getByLabel("Check the limits in the browser too").check();
  await page.getByLabel("Passcode").fill("pass word");
  const count = await calls(page);
  await page.click("#send");
  assert.equal(await calls(page), count);
  assert.equal(
    await page.evaluate(() => document.getElementById("f-password").validity.valid),
    false,
  );
});

test("in-page mode runs the wasm here and lists a refresh-and-retry's exchanges", async (t) => {
  const page = await openPage(t, servers);
  await signIn(page);
  const worker = page.getByLabel("In the Worker");
  const inPage = page.getByLabel("In this page (simulator only)");
  assert.equal(await worker.isChecked(), true, "the Worker is the default");
  assert.equal(await page.isVisible("#mode-warning"), false);

  await inPage.check();
  assert.equal(await page.isVisible("#mode-warning"), true);
  assert.match(await page.textContent("#send"), /in this page/);

  const id = await createMeeting(page, "Made in the page");
  let shown = await result(page);
  assert.deepEqual(
    shown.exchanges.map(({ method, url, status }) => [method, url, status]),
    [["POST", `${servers.demo.apiBase}/users/me/meetings`, "201"]],
  );
  assert.equal(meeting(id).topic, "Made in the page");

  const before = await storedTokens(page);
  servers.demo.sim.expireTokens();
  await pick(page, "GET_MEETING");
  shown = await send(page);
  assert.equal(shown.code, "0", shown.summary);
  assert.deepEqual(
    shown.exchanges.map(({ method, url, status }) => [method, url, status]),
    [
      ["GET", `${servers.demo.apiBase}/meetings/${id}`, "401"],
      ["POST", `${servers.demo.oauthBase}/oauth/token`, "200"],
      ["GET", `${servers.demo.apiBase}/meetings/${id}`, "200"],
    ],
  );
  assert.match(
    await page.textContent("#exchanges-note"),
    /GET 401 → POST \/oauth\/token 200 → GET 200/,
  );
  const after = await storedTokens(page);
  assert.notEqual(after.access, before.access);
  assert.match(await page.textContent("#token-notice"), /Tokens refreshed at/);

  // The exchanges show what was sent, with credentials masked.
  await page.locator("#exchanges summary").nth(1).click();
  const refresh = await page.locator("#exchanges li").nth(1).textContent();
  assert.match(refresh, /"authorization": "Basic \[redacted\]"/);
  assert.match(refresh, /grant_type=refresh_token&refresh_token=\[redacted\]/);
  assert.match(refresh, /"access_token": "\[redacted …/);
  await page.locator("#exchanges summary").nth(0).click();
  assert.match(await page.locator("#exchanges li").first().textContent(), /Bearer \[redacted\]/);
  assertNoSecretShown(await textOutsideTokenPanel(page), after);
  await screenshot(page, "desktop-in-page-refresh");
  await screenshotOf(page.locator("#exchanges"), "desktop-in-page-exchanges");

  // The choice sticks across a reload; then back to the Worker.
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.getByLabel("In this page (simulator only)").isChecked(), true);
  await page.getByLabel("In the Worker").check();
  assert.match(await page.textContent("#send"), /through the Worker/);
});

test("against real Zoom the in-page switch is disabled, and the page says why", async (t) => {
  const page = await openPage(t, servers, {
    route: async (page) => {
      await page.addInitScript(() => localStorage.setItem("zoom-gateway-demo:mode", "page"));
      await page.route("**/demo-config.json", (route) =>
        route.fulfill({
          json: {
            workerUrl: servers.demo.workerUrl,
            oauthBase: "https://zoom.us",
            apiBase: "https://api.zoom.us/v2",
            clientId: "real-client-id",
            redirectUri: `${servers.demo.consoleUrl}/callback.html`,
            simulator: false,
          },
        }),
      );
    },
  });
  const inPage = page.getByLabel("In this page (simulator only)");
  assert.equal(await inPage.isDisabled(), true);
  assert.equal(await page.getByLabel("In the Worker").isChecked(), true);
  assert.match(await page.textContent("#mode-page-note"), /must never reach a browser/);
  assert.match(await page.textContent("#target"), /Zoom at https:\/\/zoom\.us/);
});

test("the callback refuses a redirect whose state this tab did not send", async (t) => {
  const page = await openPage(t, servers);
  await page.goto(`${servers.demo.consoleUrl}/callback.html?code=forged-code&state=forged`);
  assert.match(await page.textContent("#callback-status"), /No sign-in was started/);
  assert.doesNotMatch(page.url(), /forged-code/);

  await page.evaluate(() =>
    sessionStorage.setItem("zoom-gateway-demo:oauth-pending", JSON.stringify({ state: "sent" })),
  );
  await page.goto(`${servers.demo.consoleUrl}/callback.html?code=forged-code&state=other`);
  assert.match(await page.textContent("#callback-status"), /does not match/);
  await page.goto(`${servers.demo.consoleUrl}/`);
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await calls(page), 0, "no code was exchanged");
});

test("usable with the keyboard alone", async (t) => {
  const page = await openPage(t, servers);
  await signIn(page);

  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "skip-link");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "api-name");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "f-topic");
  await page.keyboard.type("Typed, not clicked");
  const shown = await answered(page, () => page.keyboard.press("Enter"));
  assert.equal(shown.code, "0", shown.summary);
  assert.match(shown.envelope, /"topic": "Typed, not clicked"/);
});

test("readable at phone width", async (t) => {
  const page = await openPage(t, servers, { viewport: PHONE });
  await screenshot(page, "phone-start");
  await signIn(page);
  await createMeeting(page, "On a phone");
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.equal(overflow, 0, "no sideways scrolling");
  await screenshot(page, "phone-created");

  await page.getByLabel("Passcode").fill("far too long a passcode");
  const shown = await send(page);
  assert.equal(shown.code, "3");
  await screenshot(page, "phone-field-error");
});

test(
  "the simulator's consent page: Approve by keyboard, then back to the console",
  async (t) => {
    servers.demo.sim.configure({ autoApprove: false });
    t.after(() => servers.demo.sim.configure({ autoApprove: true }));
    const page = await openPage(t, servers);
    page.setDefaultTimeout(5000);
    await page.click("#sign-in");
    await page.waitForURL(/\/oauth\/authorize/);
    await page.getByRole("button", { name: "Approve" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector("body[data-signed-in=true]");
    assert.equal((await result(page)).code, "0");
  },
);
