// A long session stays flat: `tiny` on the CPU played for 20 000 updates, with the page's
// JS heap, the page's and the worker's wasm memory, and the redraw after a Step measured at
// update 2 000, 10 000 and 20 000. A benchmark, not a test: `npm run bench:soak` in tests/
// (after `trunk build --release`); the results go in BENCHMARKS.md. SOAK_UPDATES=5000 for
// a shorter try (marks at a tenth, a half and the end).

import { serveDist, launch, openPage, backendOf, stepCount, redrawTimes } from './harness.mjs';

const LAST = Number(process.env.SOAK_UPDATES ?? 20_000);
const MARKS = [LAST / 10, LAST / 2, LAST];
const STEPS_TIMED = 15;

async function memory(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  const pageWasm = await page.evaluate(() => window.__vitpWasm?.memory.buffer.byteLength ?? NaN);
  const [worker] = page.workers();
  // Called again, wasm-bindgen's init returns the instance it made.
  const workerWasm = await worker.evaluate(async () => (await wasm_bindgen()).memory.buffer.byteLength);
  return { heap, pageWasm, workerWasm };

}

async function playUntil(page, target) {
  await page.click('#play');
  await page.waitForFunction((n) => Number(document.querySelector('#step-count').textContent) >= n, target, { timeout: 0, polling: 1000 });
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
}

const MB = (bytes) => (bytes / 1e6).toFixed(1);

const server = await serveDist();
const browser = await launch({ webgpu: false });
try {
  const { page, context } = await openPage(browser, server.origin, '?device=cpu&lang=en&model=tiny');
  await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__vitpWasm = e.detail.wasm; }));
  await page.reload();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await backendOf(page, 60_000);
  await page.waitForSelector('#step:not([disabled])', { timeout: 60_000 });
  const start = Date.now();
  console.log('| update | JS heap (MB) | page wasm memory (MB) | worker wasm memory (MB) | redraw after a Step: median / max (ms) | median\'s parts (ms) | minutes playing |');
  console.log('|---|---|---|---|---|---|---|');
  for (const mark of MARKS) {
    await playUntil(page, mark);
    const at = await stepCount(page);
    const used = await memory(page, cdp);
    const times = await redrawTimes(page, STEPS_TIMED, 60_000);
    console.log(`| ${at} | ${MB(used.heap)} | ${MB(used.pageWasm)} | ${MB(used.workerWasm)} | ${times.median.toFixed(1)} / ${times.max.toFixed(1)} | ${times.detail} | ${((Date.now() - start) / 60_000).toFixed(1)} |`);
  }
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
