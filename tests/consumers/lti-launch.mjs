// An LMS launching a learner into labcheck, in a real browser (headless Chromium, driven by playwright-core), for
// tests/it/lti.rs.
//
//   node lti-launch.mjs CONFIG_JSON      CONFIG: { course_url, step, check, shots }
//
// The learner opens the course and the lab link: the LMS's OIDC login initiation, labcheck's redirect to the LMS's
// auth endpoint and the id_token form post all happen in the browser, ending on labcheck's learner page. "ready";
// then (after "go" on stdin, once the account is fixed) the step's button, "checked"; then the lab's button,
// "checked-lab".
import { chromium } from "playwright-core";
import { createInterface } from "node:readline";

const config = JSON.parse(process.argv[2]);
const say = (event) => console.log(JSON.stringify(event));
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await (await browser.newContext({ viewport: { width: 900, height: 1000 } })).newPage();
  const visited = [];
  page.on("request", (request) => { if (request.isNavigationRequest()) visited.push(`${request.method()} ${request.url()}`); });
  await page.goto(config.course_url);
  await page.getByRole("link", { name: "Open the lab" }).click();
  const item = page.locator(`li[data-check="${config.check}"]`);
  await item.waitFor({ timeout: 30000 });
  await page.screenshot({ path: `${config.shots}/lti-launched.png` });
  say({ event: "ready", url: page.url(), visited });
  if ((await lines.next()).value !== "go") throw new Error("expected go");
  await page.locator(`section[data-step="${config.step}"]`).getByRole("button").click();
  await item.and(page.locator(".pass")).waitFor({ timeout: 60000 });
  const afterStep = Number(await page.locator("#score-bar").getAttribute("value"));
  say({ event: "checked", score: afterStep });
  if ((await lines.next()).value !== "go") throw new Error("expected go");
  await page.getByRole("button", { name: "Check my progress" }).click();
  await page.waitForFunction(
    (before) => Number(document.querySelector("#score-bar").getAttribute("value")) > before,
    afterStep,
    { timeout: 60000 },
  );
  say({ event: "checked-lab", score: Number(await page.locator("#score-bar").getAttribute("value")) });
} finally {
  await browser.close();
}
process.exit(0);
