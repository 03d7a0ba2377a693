// Every core (speed issue, item 1): ms per update in the page on the CPU, `small` at batch 32,
// with the update shared between 1, 2, … workers (?workers=N), in one run, alternating so that
// each figure has its reference beside it. `npm run bench:workers` in tests/ after
// `trunk build --release`; VITP_WORKERS=1,2 chooses the counts, VITP_UPDATES the updates timed.
// Figures go to BENCHMARKS.md by hand, with the command.

import { serveDist, launch, openPage, backendOf, stepCount, untilStep } from './harness.mjs';

const COUNTS = (process.env.VITP_WORKERS ?? '1,2').split(',').map(Number);
const UPDATES = Number(process.env.VITP_UPDATES ?? 30);
const ROUNDS = Number(process.env.VITP_ROUNDS ?? 3);
const MODEL = process.env.VITP_MODEL ?? 'small';
const LIMIT_MS = 600_000;

/** The worker's own time for each update while playing, read from the page as they come. */
async function workerTimes(page, until) {
  const seen = [];
  let last = null;
  while ((await stepCount(page)) < until) {
    const step = await stepCount(page);
    if (step !== last) {
      last = step;
      const ms = Number((await page.textContent('#ms-per-update')).trim());
      if (Number.isFinite(ms)) seen.push(ms);
    }
    await page.waitForTimeout(40);
  }
  seen.sort((a, b) => a - b);
  return seen[Math.floor(seen.length / 2)];
}

async function timed(browser, origin, workers) {
  const { page, context, loadStart } = await openPage(browser, origin, `?device=cpu&lang=en&model=${MODEL}&workers=${workers}`);
  try {
    await backendOf(page, LIMIT_MS);
    await page.waitForSelector('#step:not([disabled])', { timeout: LIMIT_MS });
    await page.click('#step');
    await untilStep(page, 1, LIMIT_MS);
    const firstUpdate = Date.now() - loadStart;
    // Warm up until every asked worker shares the updates (helpers load their program).
    for (let i = 0; i < 20; i += 1) {
      const n = await stepCount(page);
      await page.click('#step');
      await untilStep(page, n + 1, LIMIT_MS);
      const using = await page.$eval('#workers-status', (e) => Number(e.dataset.workers));
      if (using === workers && i >= 1) break;
      await page.waitForTimeout(500);
    }
    const using = await page.$eval('#workers-status', (e) => Number(e.dataset.workers));
    const start = await stepCount(page);
    const t0 = Date.now();
    await page.click('#play');
    const worker = await workerTimes(page, start + UPDATES);
    const elapsed = Date.now() - t0;
    const done = (await stepCount(page)) - start;
    await page.click('#play');
    const batch = await page.$eval('#batch-size', (e) => e.value).catch(() => '?');
    return { workers, using, batch, msPerUpdate: elapsed / done, worker, firstUpdate };
  } finally {
    await context.close();
  }
}

const server = await serveDist();
const browser = await launch({ webgpu: false });
const results = new Map(COUNTS.map((n) => [n, []]));
try {
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const workers of COUNTS) {
      const r = await timed(browser, server.origin, workers);
      results.get(workers).push(r);
      console.log(`round ${round + 1}: ${workers} asked, ${r.using} in use, batch ${r.batch}: ${r.msPerUpdate.toFixed(1)} ms per update as the page sees it, the worker's median ${r.worker} ms; load → first update ${r.firstUpdate} ms`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = (rs) => ({
  page: median(rs.map((r) => r.msPerUpdate)),
  worker: median(rs.map((r) => r.worker)),
  first: median(rs.map((r) => r.firstUpdate)),
});
const reference = summary(results.get(COUNTS[0]));
console.log(`| workers | ms per update as the page sees it | vs ${COUNTS[0]} | the worker's update | vs ${COUNTS[0]} | load → first update |`);
console.log('|---|---|---|---|---|---|');
for (const [workers, rs] of results) {
  const s = summary(rs);
  console.log(`| ${workers} | ${s.page.toFixed(1)} ms | ${(s.page / reference.page).toFixed(2)}× | ${s.worker} ms | ${(s.worker / reference.worker).toFixed(2)}× | ${(s.first / 1000).toFixed(2)} s |`);
}
console.log(`(medians of ${ROUNDS} rounds of ${UPDATES} updates each; the worker's update is the median of its own timings)`);
