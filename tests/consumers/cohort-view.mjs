// The cohort view in a real browser (headless Chromium, driven by playwright-core), for tests/it/cohort.rs.
//
//   node cohort-view.mjs CONFIG_JSON
//
// CONFIG: { pages: [{ name, file }], shots (a folder) }. For each page (an HTML file written by `labcheck cohort
// --format html`), it opens it from file://, reads every figure the page shows (its data-value attributes), checks
// that its own style applied under its Content-Security-Policy and that nothing was blocked or fetched, and takes
// screenshots: light, dark and print. It prints one JSON line per page.
import { chromium } from "playwright-core";

const config = JSON.parse(process.argv[2]);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  for (const { name, file } of config.pages) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems = [];
    page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
    page.on("request", (request) => { if (!request.url().startsWith("file:")) problems.push(`fetched ${request.url()}`); });
    await page.goto(`file://${file}`);
    const seen = await page.evaluate(() => {
      const number = (text) => (text === "" ? null : Number(text));
      const checks = {};
      for (const row of document.querySelectorAll("#checks-table tr[data-check]")) {
        const figures = {};
        for (const cell of row.querySelectorAll("td[data-figure][data-value]")) {
          figures[cell.dataset.figure] = number(cell.dataset.value);
        }
        figures.reasons = [...row.querySelectorAll("li[data-reason]")].map((li) => [li.dataset.reason, Number(li.dataset.value)]);
        figures.flag = row.querySelector(".flag")?.dataset.rule ?? null;
        checks[row.dataset.check] = figures;
      }
      const steps = Object.fromEntries([...document.querySelectorAll("#funnel-chart g[data-step]")]
        .map((g) => [g.dataset.step, Number(g.dataset.value)]));
      const stuck = Object.fromEntries([...document.querySelectorAll("#stuck-map g[data-check]")]
        .map((g) => [g.dataset.check, Number(g.dataset.value)]));
      const learners = [...document.querySelectorAll("#learners-table tr[data-learner]")].map((tr) => tr.dataset.learner);
      const styled = getComputedStyle(document.querySelector("table")).borderCollapse === "collapse";
      const bar = document.querySelector("#funnel-chart .bar");
      const barFill = bar ? getComputedStyle(bar).fill : null;
      return {
        lang: document.documentElement.lang,
        title: document.title,
        learners: Number(document.querySelector("#summary").dataset.learners),
        headers: [...document.querySelectorAll("#checks-table th[scope=col]")].map((th) => th.innerText),
        checks, steps, stuck, learnerRows: learners, styled, barFill,
      };
    });
    await page.screenshot({ path: `${config.shots}/cohort-${name}.png`, fullPage: true });
    // The book's (docs/src/images/cohort.png): the funnel, the stuck map and the first checks.
    await page.screenshot({ path: `${config.shots}/cohort-${name}-top.png`, clip: { x: 0, y: 0, width: 1100, height: 1250 } });
    await page.emulateMedia({ colorScheme: "dark" });
    const darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.screenshot({ path: `${config.shots}/cohort-${name}-dark.png`, clip: { x: 0, y: 0, width: 1100, height: 900 } });
    await page.emulateMedia({ media: "print", colorScheme: "light" });
    const printBar = await page.evaluate(() => getComputedStyle(document.querySelector("#funnel-chart .bar")).fill);
    const pdf = await page.pdf({ format: "A4" });
    console.log(JSON.stringify({ name, ...seen, darkBackground, printBar, pdfBytes: pdf.length, problems }));
    await context.close();
  }
} finally {
  await browser.close();
}
