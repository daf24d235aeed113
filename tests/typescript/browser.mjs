// The web example (`examples/web/`) in headless Chromium, through puppeteer-core (the DevTools
// protocol): `node browser.mjs WEB_DIR API_BASE PAGE_PORT SCREENSHOT CHROMIUM`. The page is built
// and served by the example's own `build.mjs` on 127.0.0.1:PAGE_PORT, an origin the API at
// API_BASE allows (CORS). Exits non-zero with a message on the first broken expectation.
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const [webDir, apiBase, pagePort, screenshot, chromium] = process.argv.slice(2);
const { serve } = await import(pathToFileURL(join(webDir, "build.mjs")).href);
const { validateUserCreate } = await import(pathToFileURL(join(webDir, "node_modules/devora-api-client/validators.js")).href);

const site = await serve(Number(pagePort));
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  // Chromium's sandbox cannot start as root.
  args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
});
try {
  await run(await browser.newPage());
} finally {
  await browser.close();
  await site.stop();
}
console.log("browser flow: ok");

async function run(page) {
  /** Every answer the API gave the page: `METHOD /path STATUS`, in order. */
  const calls = [];
  /** Every request that left for the API, preflights included. */
  const sent = [];
  const failures = [];
  page.on("request", (request) => {
    if (request.url().startsWith(apiBase)) sent.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  page.on("response", (response) => {
    const request = response.request();
    if (!request.url().startsWith(apiBase) || request.method() === "OPTIONS") return;
    calls.push(`${request.method()} ${new URL(request.url()).pathname} ${response.status()}`);
  });
  page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => failures.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on("console", (message) => {
    // A CORS refusal is reported on the console only; Chromium also logs every 4xx answer there.
    const expected = message.text().startsWith("Failed to load resource: the server responded with a status of 4");
    if (message.type() === "error" && !expected) failures.push(`console: ${message.text()}`);
  });

  await page.setViewport({ width: 800, height: 900 });
  await page.goto(`${site.url}/?api=${encodeURIComponent(apiBase)}`, { waitUntil: "load" });

  const text = (selector) => page.$eval(selector, (element) => element.textContent.trim());
  const texts = (selector) => page.$$eval(selector, (elements) => elements.map((e) => e.textContent.trim()));
  const sorted = async (selector) => (await texts(selector)).sort();
  const fill = async (selector, value) => {
    await page.$eval(selector, (input) => (input.value = ""));
    await page.type(selector, value);
  };
  /** Clicks `selector` and waits until the page awaits no answer. */
  const submit = async (selector) => {
    await page.click(selector);
    await page.waitForFunction(() => document.body.dataset.busy === undefined);
  };

  // A weak password: the validators' messages under the field, and nothing sent.
  const email = "browser@example.com";
  await fill("#email", email);
  await fill("#password", "weak");
  await fill("#full_name", "Brow Ser");
  await submit("#register");
  const weak = validateUserCreate({ email, password: "weak", full_name: "Brow Ser" });
  assert.equal(weak.ok, false);
  const expected = weak.errors.filter((e) => e.path === "/password").map((e) => e.message);
  assert.ok(expected.length >= 2, "the weak password breaks several rules");
  assert.deepEqual(await texts('[data-errors-for="password"] li'), expected);
  assert.deepEqual(await texts('[data-errors-for="email"] li'), []);
  assert.deepEqual(sent, [], "a form the validators refuse sends nothing");

  // Register, log in, create a project and see it listed.
  await fill("#password", "Sup3rSecret");
  await submit("#register");
  assert.deepEqual(await texts('[data-errors-for="password"] li'), [], "the messages go once the password is fixed");
  assert.equal(await text("#problem"), "");
  assert.equal(await text("#status"), `Registered as ${email}: you can log in.`);
  await submit("#login");
  assert.equal(await text("#problem"), "");
  assert.equal(await text("#status"), `Signed in as ${email}.`);
  assert.equal(await page.$eval("#projects", (section) => section.hidden), false);
  await fill("#project-name", "Browser project");
  await submit("#create");
  assert.equal(await text("#problem"), "");
  assert.deepEqual(await texts("#project-list li"), ["Browser project"]);

  // The same name again: the problem's detail, and the list unchanged.
  await fill("#project-name", "Browser project");
  await submit("#create");
  assert.equal(await text("#problem"), 'You already have a project named "Browser project"; choose another name.');
  assert.deepEqual(await texts("#project-list li"), ["Browser project"]);
  assert.ok(calls.includes("POST /api/v2/projects 409"), calls.join("\n"));

  // The access token expires (the server gives it 2 seconds); the next action works as before,
  // after one refresh the user does not see.
  await new Promise((resolve) => setTimeout(resolve, 3200));
  const before = calls.length;
  await fill("#project-name", "After expiry");
  await submit("#create");
  assert.equal(await text("#problem"), "", "nothing shows that the token expired");
  assert.deepEqual(await sorted("#project-list li"), ["After expiry", "Browser project"]);
  // (The list read after it may need a refresh of its own on a slow machine: not asserted.)
  assert.deepEqual(
    calls.slice(before, before + 3),
    ["POST /api/v2/projects 401", "POST /api/v2/auth/refresh 200", "POST /api/v2/projects 201"],
    "the expired token is refused once, refreshed, and the call sent again",
  );

  await page.screenshot({ path: screenshot, fullPage: true });
  assert.deepEqual(failures, [], "the page logged no error");
}
