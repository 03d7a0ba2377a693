// What the page's default run learns in the time a class gives it: `small` on the built-in
// faces, on the CPU, Play pressed and left alone; the validation accuracy (measured by the
// worker after every epoch) and the last batch loss after 1 and 3 minutes, with the page's
// augmentation (shifts of up to 2 pixels) and without it. A benchmark, not a test: the
// figures depend on the machine. `npm run bench:default-run` in tests/ (after
// `trunk build --release`); the results go in BENCHMARKS.md.

import { serveDist, launch, openPage, backendOf, stepCount, lossPoints } from './harness.mjs';

const MARKS_S = [60, 180];

async function measure(browser, origin, augmented) {
  const { page, context } = await openPage(browser, origin, '?device=cpu&lang=en&model=small&seed=0');
  try {
    await backendOf(page, 60_000);
    await page.waitForSelector('#step:not([disabled])', { timeout: 60_000 });
    const checked = await page.isChecked('#augmentation');
    if (checked !== augmented) await page.click('#augmentation');
    await page.click('#play');
    const start = Date.now();
    const rows = [];
    for (const mark of MARKS_S) {
      await page.waitForTimeout(Math.max(0, mark * 1000 - (Date.now() - start)));
      const accuracy = await page.$eval('#accuracy-chart', (e) => JSON.parse(e.vitpPoints));
      const losses = await lossPoints(page);
      const [atUpdate, last] = accuracy[accuracy.length - 1];
      rows.push({
        seconds: mark,
        updates: await stepCount(page),
        validation: last,
        validatedAt: atUpdate,
        batchLoss: losses[losses.length - 1][1],
      });
    }
    return rows;
  } finally {
    await context.close();
  }
}

const server = await serveDist();
const browser = await launch({ webgpu: false });
try {
  console.log('| augmentation | Play for | updates | validation accuracy (at update) | last batch loss |');
  console.log('|---|---|---|---|---|');
  for (const augmented of [true, false]) {
    for (const row of await measure(browser, server.origin, augmented)) {
      console.log(`| ${augmented ? 'shifts ≤ 2 px (default)' : 'off'} | ${row.seconds / 60} min | ${row.updates} | ${(row.validation * 100).toFixed(1)} % (${row.validatedAt}) | ${row.batchLoss.toFixed(3)} |`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
