'use strict';
// Ace by DAISY on many EPUBs with one Chromium: `node ace.js OUTDIR BOOK.epub...`.
// Writes Ace's report for each book to OUTDIR/<n>/ and prints one JSON list to stdout:
// [{"epub", "outcome", "violations": [{"rule", "impact", "location", "html"}], "metadata",
//   "properties"}]. The browser is Debian's Chromium (PUPPETEER_EXECUTABLE_PATH, default
// /usr/bin/chromium); the Ace runner already passes --no-sandbox, which root needs.
const path = require('path');
process.env.PUPPETEER_EXECUTABLE_PATH ||= '/usr/bin/chromium';
process.env.ACE_TIMEOUT_INITIAL ||= '60000'; // a busy 2-core machine starts Chromium slowly

const ace = require('@daisy/ace-core');
const logger = require('@daisy/ace-logger');
const runner = require('@daisy/ace-axe-runner-puppeteer');

// Ace launches and closes the browser for every book; keep one open for the whole batch.
const realLaunch = runner.launch.bind(runner);
const realClose = runner.close.bind(runner);
let launched = false;
runner.launch = async () => { if (!launched) { await realLaunch(); launched = true; } };
runner.close = async () => {};

function violations(report) {
  const found = [];
  for (const doc of report.assertions || []) {
    for (const test of doc.assertions || []) {
      if (test['earl:result']['earl:outcome'] !== 'fail') continue;
      found.push({
        rule: test['earl:test']['dct:title'],
        impact: test['earl:test']['earl:impact'],
        location: (test['earl:result']['earl:pointer'] || {}).css || doc['earl:testSubject'].url,
        document: doc['earl:testSubject'].url,
        html: test['earl:result']['html'] || '',
        description: test['earl:result']['dct:description'] || '',
      });
    }
  }
  return found;
}

async function main() {
  const [outdir, ...books] = process.argv.slice(2);
  logger.initLogger({ verbose: false, silent: true, fileName: 'ace-cli.log' });
  const results = [];
  try {
    for (const [index, book] of books.entries()) {
      const [, report] = await ace(book, {
        cwd: process.cwd(), outdir: path.join(outdir, String(index)), silent: true, jobId: '',
      }, runner);
      results.push({
        epub: book,
        outcome: report['earl:result']['earl:outcome'],
        violations: violations(report),
        metadata: report['a11y-metadata'],
        properties: report.properties,
        data: report.data,
      });
    }
  } finally {
    if (launched) await realClose();
  }
  process.stdout.write(JSON.stringify(results) + '\n');
}

main().catch((err) => { console.error(err && err.stack ? err.stack : String(err)); process.exit(1); });
