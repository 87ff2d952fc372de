// The learner page in a real browser (headless Chromium, driven by playwright-core), for tests/it/learn_page.rs.
//
//   node learn-page.mjs CONFIG_JSON
//
// CONFIG: { page_url (with #token=), plain_url (another session's page, no fragment), plain_token, frame_url (a
//           third session's page_url), step, check, shots (a folder) }. It prints one JSON line per event and waits for "go" on stdin after "ready", while
// the test changes the account:
//   1. with JavaScript, English: the page opens from the link's fragment (the token leaves the URL), the check is
//      not checked yet; the step's button grades it: it fails with its hint; "ready" -> (the account is fixed) -> the step's button grades in place: the check
//      passes, the score rises, the live region speaks, and the page was not reloaded;
//   2. without JavaScript, Spanish: the access code is pasted into the form, the step's button (a plain form)
//      grades and the page reloads with the check passed;
//   3. in an <iframe> of a page on another site (the platform's): it opens, grades and passes there too.
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { createInterface } from "node:readline";

const config = JSON.parse(process.argv[2]);
const say = (event) => console.log(JSON.stringify(event));
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  // 1. With JavaScript.
  const context = await browser.newContext({ locale: "en-US", viewport: { width: 900, height: 1100 } });
  const page = await context.newPage();
  await page.goto(config.page_url);
  const item = page.locator(`li[data-check="${config.check}"]`);
  const section = page.locator(`section[data-step="${config.step}"]`);
  const button = section.getByRole("button");
  await item.and(page.locator(".skip")).waitFor({ timeout: 30000 });
  const fresh = await item.locator(".state").innerText();
  await button.click();
  await item.and(page.locator(".fail")).waitFor({ timeout: 30000 });
  const hint = await item.locator(".hint").innerText();
  const before = Number(await page.locator("#score-bar").getAttribute("value"));
  const urlAfterOpen = page.url();
  await page.screenshot({ path: `${config.shots}/learn-en-before.png`, clip: { x: 0, y: 0, width: 900, height: 760 } });
  await page.evaluate(() => { window.notReloaded = true; });
  say({ event: "ready", fresh, hint, before, url: urlAfterOpen });
  const go = await lines.next();
  if (go.value !== "go") throw new Error(`expected go, got ${go.value}`);

  await button.click();
  const checking = await page.locator("#status").innerText();
  // Pressed again while the grading runs: it joins the grading in flight.
  await button.click();
  await item.and(page.locator(".pass")).waitFor({ timeout: 60000 });
  await page.waitForFunction(() => !document.querySelector("main[aria-busy]"));
  const after = Number(await page.locator("#score-bar").getAttribute("value"));
  const status = await page.locator("#status").innerText();
  const notReloaded = await page.evaluate(() => window.notReloaded === true);
  const focused = await page.evaluate(() => document.activeElement?.tagName);
  const liveRegion = await page.locator("#status").getAttribute("aria-live");
  await page.screenshot({ path: `${config.shots}/learn-en-after.png`, fullPage: true });
  say({ event: "checked", before, after, checking, status, notReloaded, focused, liveRegion });
  await context.close();

  // 2. Without JavaScript, in Spanish.
  const plain = await browser.newContext({
    locale: "es-ES",
    javaScriptEnabled: false,
    extraHTTPHeaders: { "accept-language": "es-ES,es;q=0.9" },
    viewport: { width: 900, height: 1100 },
  });
  const noScript = await plain.newPage();
  await noScript.goto(config.plain_url);
  await noScript.getByLabel("Código de acceso").fill(config.plain_token);
  await noScript.getByRole("button", { name: "Abrir" }).click();
  await noScript.locator(`li[data-check="${config.check}"]`).waitFor();
  const plainBefore = await noScript.locator(`li[data-check="${config.check}"]`).getAttribute("class");
  await noScript.locator(`section[data-step="${config.step}"]`).getByRole("button").click();
  await noScript.locator(`li[data-check="${config.check}"].pass`).waitFor({ timeout: 60000 });
  const plainScore = Number(await noScript.locator("#score-bar").getAttribute("value"));
  const heading = await noScript.locator("h1").innerText();
  const lang = await noScript.locator("html").getAttribute("lang");
  await noScript.screenshot({ path: `${config.shots}/learn-es-nojs.png`, fullPage: true });
  say({ event: "plain", plainBefore, plainScore, heading, lang, url: noScript.url() });
  await plain.close();

  // 3. In the platform's page, another site (127.0.0.1 frames localhost): allowed by --frame-ancestors, opened
  //    from the link's fragment, its cookie kept in the frame's partition.
  const lms = createServer((_, answer) => {
    answer.setHeader("content-type", "text/html; charset=utf-8");
    answer.end(`<!DOCTYPE html><title>LMS</title><h1>Step 1</h1><iframe id="lab" title="Lab checklist" src="${config.frame_url}" width="860" height="900"></iframe>`);
  });
  await new Promise((ready) => lms.listen(0, "127.0.0.1", ready));
  const host = await (await browser.newContext({ viewport: { width: 900, height: 1000 } })).newPage();
  await host.goto(`http://127.0.0.1:${lms.address().port}/`);
  const framed = host.frameLocator("#lab");
  await framed.locator(`li[data-check="${config.check}"]`).waitFor({ timeout: 30000 });
  await framed.locator(`section[data-step="${config.step}"]`).getByRole("button").click();
  await framed.locator(`li[data-check="${config.check}"].pass`).waitFor({ timeout: 60000 });
  const frameUrl = host.frames().find((f) => f !== host.mainFrame()).url();
  await host.screenshot({ path: `${config.shots}/learn-framed.png` });
  say({ event: "framed", frameUrl });
  lms.close();
} finally {
  await browser.close();
}
process.exit(0);
