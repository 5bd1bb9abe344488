'use strict';
// axe-core on many web pages with one Chromium: `node axe.js JOB.json`.
// JOB.json is a list of {"url", "name"}; every page is checked at a desktop width and at
// 390 px, in the light and the dark colour scheme (prefers-color-scheme emulated), with every
// axe rule. A job may narrow that: "widths" (e.g. [1280]), "schemes" (e.g. ["dark"]),
// "rules" (e.g. ["color-contrast"], for EPUB documents in the scheme Ace does not try). Prints one
// JSON list: [{"name", "url", "width", "scheme", "violations": [{"rule", "impact",
// "location", "html", "description"}]}]. The browser is Debian's Chromium through
// puppeteer-core (PUPPETEER_EXECUTABLE_PATH, default /usr/bin/chromium); nothing is downloaded.
const fs = require('fs');
const puppeteer = require('puppeteer-core');

const AXE = require.resolve('axe-core/axe.min.js');
const WIDTHS = [[1280, 900], [390, 844]];
const SCHEMES = ['light', 'dark'];

async function check(page, job, width, scheme) {
  const options = { resultTypes: ['violations'] };
  if (job.rules) options.runOnly = { type: 'rule', values: job.rules };
  await page.setViewport({ width: width[0], height: width[1] });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  await page.goto(job.url, { waitUntil: 'load', timeout: 60000 });
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async (options) => {
    const run = await window.axe.run(document, options);
    return run.violations.map((v) => ({ rule: v.id, impact: v.impact, description: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html,
        summary: n.failureSummary })) }));
  }, options);
  const violations = [];
  for (const v of result) {
    for (const node of v.nodes) {
      violations.push({ rule: v.rule, impact: v.impact, description: v.description,
        location: node.target, html: node.html, summary: node.summary });
    }
  }
  return { name: job.name, url: job.url, width: width[0], scheme, violations };
}

async function main() {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const browser = await puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium',
    headless: true,
    // root needs --no-sandbox; the rest keeps a headless run quiet and offline
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-dev-shm-usage', '--no-first-run'],
    timeout: 60000,
  });
  const results = [];
  try {
    const page = await browser.newPage();
    for (const job of jobs) {
      for (const width of WIDTHS.filter((w) => !job.widths || job.widths.includes(w[0]))) {
        for (const scheme of SCHEMES.filter((s) => !job.schemes || job.schemes.includes(s))) {
          results.push(await check(page, job, width, scheme));
        }
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results) + '\n');
}

main().catch((err) => { console.error(err && err.stack ? err.stack : String(err)); process.exit(1); });
