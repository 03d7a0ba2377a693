// Every core (speed issue, item 1): ms per update in the page on the CPU, `small` at batch 32,
// with the update shared between 1, 2, … workers (?workers=N), in one run, alternating so that
// each figure has its reference beside it. `npm run bench:workers` in tests/ after
// `trunk build --release`; VITP_WORKERS=1,2 chooses the counts, VITP_UPDATES the updates timed.
// VITP_THREADS=1 also says how much processor time each busy thread of the browser (the
// workers, the page's main thread, the compositor, the GPU process) and of the benchmark took
// per timed update, from Linux's /proc, to see where the machine's cores went. Figures go to BENCHMARKS.md by hand, with
// the command.

import { readdirSync, readFileSync } from 'node:fs';
import { serveDist, launch, openPage, backendOf, stepCount, untilStep } from './harness.mjs';

const COUNTS = (process.env.VITP_WORKERS ?? '1,2').split(',').map(Number);
const UPDATES = Number(process.env.VITP_UPDATES ?? 30);
const ROUNDS = Number(process.env.VITP_ROUNDS ?? 3);
const MODEL = process.env.VITP_MODEL ?? 'small';
const LIMIT_MS = 600_000;
const THREADS = process.env.VITP_THREADS === '1';

/** This benchmark's process and every process it started (the browser and the browser's
 *  own children: renderers, the GPU process), from Linux's /proc. */
function ourProcesses() {
  const parent = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* the process ended */ }
  }
  const ours = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!ours.has(pid) && ours.has(ppid)) { ours.add(pid); grew = true; }
    }
  }
  return ours;
}

/** Processor time so far of every thread of this benchmark and of the browser it started
 *  (SwiftShader's threads too, which no trace event covers): `Map(key → { name, ms })`. */
function threadTimes() {
  const times = new Map();
  const tick = 10; // ms: Linux reports USER_HZ = 100 ticks per second
  for (const pid of ourProcesses()) {
    let command;
    try { command = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    const kind = pid === process.pid ? 'benchmark (node)' : (command.match(/--type=([a-z-]+)/)?.[1] ?? 'browser');
    let tasks;
    try { tasks = readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const tid of tasks) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        times.set(`${pid}/${tid}`, { name: `${kind}: ${name}`, ms: (Number(fields[11]) + Number(fields[12])) * tick });
      } catch { /* the thread ended */ }
    }
  }
  return times;
}

/** Processor time per update: each worker's thread on its own, every other thread summed by
 *  process and name; `threads` lists those of at least 1 ms per update, busiest first, and
 *  `total` counts them all. */
function busyThreads(before, after, updates) {
  const sums = new Map();
  for (const [key, t] of after) {
    const name = t.name.includes('DedicatedWorker') ? `${t.name} ${key}` : t.name;
    sums.set(name, (sums.get(name) ?? 0) + (t.ms - (before.get(key)?.ms ?? 0)) / updates);
  }
  const total = [...sums.values()].reduce((sum, ms) => sum + ms, 0);
  const busy = [...sums].filter(([, ms]) => ms >= 1).sort((a, b) => b[1] - a[1]);
  let worker = 0;
  const threads = busy.map(([name, ms]) => [name.includes('DedicatedWorker') ? `worker ${(worker += 1)}` : name, ms]);
  return { threads, total };
}

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
    const threadsBefore = THREADS ? threadTimes() : null;
    const start = await stepCount(page);
    const t0 = Date.now();
    await page.click('#play');
    const worker = await workerTimes(page, start + UPDATES);
    const elapsed = Date.now() - t0;
    const done = (await stepCount(page)) - start;
    await page.click('#play');
    if (THREADS) {
      const { threads, total } = busyThreads(threadsBefore, threadTimes(), done);
      console.log(`  ${workers} workers: processor ms per update (${(elapsed / done).toFixed(1)} ms of wall clock, ${total.toFixed(0)} ms of processor in all): ${threads.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join('; ')}`);
    }
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
