// What the console's tests share: the demo's servers, Debian's Chromium, and the few steps
// every test takes on the page (sign in, fill, send, read the result).

import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startDemo } from "../../demo/servers.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = fileURLToPath(new URL("../test-results/", import.meta.url));

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 740 };

/**
 * The demo's servers (console, simulator, Worker) on free loopback ports, and a headless
 * Chromium. The simulator approves logins at once: its consent page is tested on its own.
 */
export async function startConsole() {
  const demo = await startDemo({});
  demo.sim.configure({ autoApprove: true });
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  } catch (error) {
    await demo.close();
    throw error;
  }
  return {
    demo,
    browser,
    close: async () => {
      await browser.close();
      await demo.close();
    },
  };
}

/**
 * A page in a fresh context (its own storage), on the console, ready. Errors the page throws
 * fail the test that opened it.
 */
export async function openPage(t, { browser, demo }, { viewport = DESKTOP, route } = {}) {
  const context = await browser.newContext({ viewport });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  t.after(() => {
    if (errors.length > 0) throw new Error(`the page threw: ${errors.join("; ")}`);
  });
  if (route) await route(page);
  await page.goto(`${demo.consoleUrl}/`);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

/** Number of calls the page has answered and shown so far. */
export async function calls(page) {
  return Number((await page.getAttribute("body", "data-calls")) ?? 0);
}

/** Runs `action` (a click, a key press) and waits until the call it starts is shown. */
export async function answered(page, action) {
  const before = await calls(page);
  await action();
  await page.waitForFunction((count) => Number(document.body.dataset.calls ?? 0) > count, before);
  return result(page);
}

/** Clicks Send and returns the result as shown. */
export function send(page) {
  return answered(page, () => page.click("#send"));
}

/** What the result panel shows: its code, summary, envelope text and exchange lines. */
export async function result(page) {
  return page.evaluate(() => ({
    code: document.getElementById("result").dataset.code,
    summary: document.getElementById("result-summary").textContent,
    envelope: document.getElementById("envelope").textContent,
    exchanges: [...document.querySelectorAll("#exchanges .exchange-line")].map((line) => ({
      method: line.querySelector(".method").textContent,
      url: line.querySelector(".url").textContent,
      status: line.querySelector(".status").textContent,
    })),
  }));
}

/** Goes through "Sign in with Zoom" and back; returns the result of GET_ACCESS_TOKEN. */
export async function signIn(page) {
  await page.click("#sign-in");
  // The page is loaded anew after the redirects: wait on selectors, which outlive navigations.
  await page.waitForSelector("body[data-calls]");
  await page.waitForSelector("body[data-signed-in=true]");
  return result(page);
}

/** The pair as the page stored it. */
export function storedTokens(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem("zoom-gateway-demo:tokens")));
}

/** Picks an API in the form. */
export function pick(page, apiName) {
  return page.getByLabel("APIName").selectOption(apiName);
}

/**
 * The page's text outside the token panel, hidden parts included (folded exchanges, the
 * event preview), and the values of its form fields: where no whole secret may appear.
 */
export function textOutsideTokenPanel(page) {
  return page.evaluate(() => {
    const copy = document.body.cloneNode(true);
    copy.querySelector(".tokens")?.remove();
    const values = [...document.querySelectorAll("input, textarea")].map((input) => input.value);
    return [copy.textContent, ...values, location.href].join("\n");
  });
}

/** Saves a full-page screenshot as test-results/NAME.png. */
export async function screenshot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  // From the top, so the sticky result panel sits beside the session as a person sees it.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

/** Saves a screenshot of one element (scrolled into view) as test-results/NAME.png. */
export async function screenshotOf(locator, name) {
  mkdirSync(SHOTS, { recursive: true });
  await locator.screenshot({ path: `${SHOTS}${name}.png` });
}
