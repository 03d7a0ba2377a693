// What each model costs in the page on the CPU: `tiny`, `small` and the teaching text's
// `vit-s14`, each at the batch the page gives it: the time from opening the page to the
// first Step being possible, the milliseconds of an update (the page's own counter, median
// of a few), the worker's wasm memory after them, and the page's estimate beside it.
// A benchmark, not a test: `npm run bench:shapes` in tests/ (after `trunk build --release`);
// the results go in BENCHMARKS.md.

import { serveDist, launch, openPage, backendOf, stepCount, untilStep } from './harness.mjs';

const MODELS = (process.env.SHAPES ?? 'tiny,small,vit-s14').split(',');
const STEPS = { tiny: 5, small: 5, 'vit-s14': 3 };

const server = await serveDist();
const browser = await launch({ webgpu: false });
try {
  console.log('| model | batch | open → first Step possible (s) | ms per update (median) | worker wasm memory (MB) | page estimate of one update (MB) |');
  console.log('|---|---|---|---|---|---|');
  for (const model of MODELS) {
    const start = Date.now();
    const { page, context } = await openPage(browser, server.origin, `?device=cpu&lang=en&model=${model}`);
    await backendOf(page, 120_000);
    await page.waitForSelector('#step:not([disabled])', { timeout: 300_000 });
    const ready = (Date.now() - start) / 1000;
    const batch = await page.$eval('#batch-size', (s) => Number(s.value));
    const times = [];
    for (let i = 1; i <= STEPS[model]; i += 1) {
      await page.click('#step');
      await untilStep(page, (await stepCount(page)) + 1, 600_000);
      times.push(Number((await page.textContent('#ms-per-update')).replace(/[^\d.]/g, '')));
    }
    times.sort((a, b) => a - b);
    const [worker] = page.workers();
    const wasm = await worker.evaluate(async () => (await wasm_bindgen()).memory.buffer.byteLength);
    const estimate = await page.$eval('#shape-facts', (e) => Number(e.dataset.bytes));
    console.log(`| ${model} | ${batch} | ${ready.toFixed(1)} | ${times[Math.floor(times.length / 2)]} | ${(wasm / 1e6).toFixed(0)} | ${(estimate / 1e6).toFixed(0)} |`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
