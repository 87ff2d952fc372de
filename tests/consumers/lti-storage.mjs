// A browser that blocks labcheck's cookie in the LMS's frame, launching through the platform's storage (LTI Client
// Side postMessages), in headless Chromium driven by playwright-core, for tests/it/lti.rs.
//
//   node lti-storage.mjs CONFIG_JSON      CONFIG: { framed_url, check, shots }
//
// The LMS page (framed_url) keeps the platform's storage and frames the lab. Each post to labcheck's /lti/launch goes
// without the login's cookie: the launch can only go through the storage. Prints one event: "launched" (the frame's
// URL, the storage's messages, the cookies each launch post carried).
import { chromium } from "playwright-core";

const config = JSON.parse(process.argv[2]);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1000 } });
  // Just before each launch post, the login's cookie goes from the cookie store: the post is sent without it, as a
  // browser blocking the tool's cookies in a frame would send it (the cookie header itself cannot be rewritten).
  await context.route(/\/lti\/launch/, async (route) => {
    await context.clearCookies({ name: /^labcheck_lti_/ });
    await route.continue();
  });
  const page = await context.newPage();
  const launches = [];
  page.on("request", async (request) => {
    if (request.url().includes("/lti/launch")) launches.push((await request.allHeaders()).cookie || "");
  });
  await page.goto(config.framed_url);
  const frame = page.frameLocator('iframe[name="tool"]');
  await frame.locator(`li[data-check="${config.check}"]`).waitFor({ timeout: 30000 });
  await page.screenshot({ path: `${config.shots}/lti-storage-launched.png` });
  const url = page.frames().find((f) => f.name() === "tool").url();
  const log = await page.evaluate(() => window.storageLog);
  console.log(JSON.stringify({ event: "launched", url, log, launches }));
} finally {
  await browser.close();
}
process.exit(0);
