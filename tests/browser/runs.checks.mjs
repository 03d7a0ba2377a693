// Runs that last, in the page on the CPU: the autosave reopens after a reload and carries on
// bit for bit, "Save run…" downloads a file that another page opens, a run file made by
// `vitp train --save` opens and carries on, a file that is not a run is refused, and a
// reopened run can be set aside for a fresh one, which keeps it among the recent runs (to
// reopen, compare or forget); the trained model opens at its stated accuracy; a full storage
// quota gives the notice and training goes on.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPage, backendOf, stepCount, lossPoints, untilStep } from './harness.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Built by the native tests (`cargo xtask test` runs them first).
const VITP = process.env.VITP_BIN ?? join(ROOT, 'target', 'debug', 'vitp');

async function ready(page) {
  await backendOf(page, 60_000);
  await page.waitForSelector('#step:not([disabled])', { timeout: 60_000 });
}

async function stepTo(page, n) {
  for (let i = await stepCount(page); i < n; i += 1) {
    await page.click('#step');
    await untilStep(page, i + 1, 30_000);
  }
}

const keptAt = (page, n) => page.waitForSelector(`#kept[data-step="${n}"]`, { timeout: 30_000 });

export async function runsTests(browser, origin, { test, check }) {
  const dir = mkdtempSync(join(tmpdir(), 'vitp-runs-'));
  // The losses of an uninterrupted run, to compare with the resumed ones.
  const straight = await openPage(browser, origin, '?device=cpu&lang=en');
  let reference;
  try {
    await ready(straight.page);
    await stepTo(straight.page, 4);
    reference = await lossPoints(straight.page);
  } finally {
    await straight.context.close();
  }

  const { page, context } = await openPage(browser, origin, '?device=cpu&lang=en');
  try {
    await test('runs: a reload reopens the run the browser kept, and it carries on bit for bit', async () => {
      await ready(page);
      await stepTo(page, 3);
      await keptAt(page, 3);
      await page.reload();
      await page.waitForSelector('#reopened[data-origin="autosave"]', { timeout: 60_000 });
      await untilStep(page, 3, 30_000);
      check((await stepCount(page)) === 3, `reopened at update ${await stepCount(page)}`);
      const banner = await page.textContent('#reopened');
      check(banner.includes('update 3'), banner);
      check((await lossPoints(page)).length === 3, 'the loss chart lost its past');
      // The validation loss of update 0 is drawn beside the batch losses, kept with the run.
      const validation = await page.$eval('#loss-chart', (e) => JSON.parse(e.vitpValidation));
      check(validation.length === 1 && validation[0][0] === 0 && validation[0][1] > 0, `validation loss points: ${JSON.stringify(validation)}`);
      await ready(page);
      await stepTo(page, 4);
      const losses = await lossPoints(page);
      check(JSON.stringify(losses) === JSON.stringify(reference),
        `resumed ${JSON.stringify(losses)} vs uninterrupted ${JSON.stringify(reference)}`);
    });

    await test('runs: Save run downloads a file that a fresh page opens where it stopped', async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-run')]);
      check(download.suggestedFilename() === 'vitp-tiny-adam-update-4.vitp', download.suggestedFilename());
      const file = join(dir, download.suggestedFilename());
      await download.saveAs(file);
      const other = await openPage(browser, origin, '?device=cpu&lang=fr');
      try {
        await ready(other.page);
        await other.page.setInputFiles('#open-run', file);
        await other.page.waitForSelector('#reopened[data-origin="file"]', { timeout: 60_000 });
        await untilStep(other.page, 4, 30_000);
        const banner = await other.page.textContent('#reopened');
        check(banner.includes('vitp-tiny-adam-update-4.vitp') && banner.includes('mise à jour 4'), banner);
        check(JSON.stringify(await lossPoints(other.page)) === JSON.stringify(reference), 'the opened run lost its chart');
      } finally {
        await other.context.close();
      }
    });

    await test('runs: a file that is not a run is refused with its reason, and the run goes on', async () => {
      const junk = join(dir, 'junk.vitp');
      writeFileSync(junk, 'not a run');
      await page.setInputFiles('#open-run', junk);
      await page.waitForFunction(() => [...document.querySelectorAll('.notice')].some((n) => n.textContent.includes('not a ViT Playground run file')), null, { timeout: 30_000 });
      check((await stepCount(page)) === 4, 'the run in use changed');
    });


    await test('runs: a worker that dies is replaced and the run comes back from its autosave', async () => {
      await keptAt(page, 4);
      const [worker] = page.workers();
      check(worker, 'no worker to crash');
      // An uncaught error in the worker: the page's error handler replaces it.
      await worker.evaluate(() => setTimeout(() => { throw new Error('simulated crash'); }, 0));
      await page.waitForFunction(() => document.querySelector('#reopened')?.textContent.includes('reopened from its last save'), null, { timeout: 60_000 });
      const banner = await page.textContent('#reopened');
      check(banner.includes('update 4') && banner.includes('nothing was lost'), banner);
      check((await stepCount(page)) === 4, `back at update ${await stepCount(page)}`);
      const notices = await page.$$eval('.notice', (n) => n.map((e) => e.textContent).join(' | '));
      check(notices.includes('simulated crash'), `the page does not say the worker stopped: ${notices}`);
      await ready(page);
      await page.click('#step');
      await untilStep(page, 5, 30_000);
      // Kept before the next test reloads: the page is told once the file is written.
      await keptAt(page, 5);
    });

    await test('runs: "Start a fresh run instead" sets the reopened run aside', async () => {
      await page.reload();
      await page.waitForSelector('#start-fresh', { timeout: 60_000 });
      await page.click('#start-fresh');
      await page.waitForFunction(() => Number(document.querySelector('#step-count').textContent) === 0, null, { timeout: 30_000 });
      check(!(await page.$('#reopened')), 'the banner stayed');
    });

    await test('runs: a replaced run stays in the recent runs, reopens where it stopped, and runs compare', async () => {
      // The run of 5 updates that "Start a fresh run" replaced is listed, not lost.
      await page.waitForSelector('#recent-list li[data-steps="5"]', { timeout: 30_000 });
      await ready(page);
      await stepTo(page, 2);
      await page.waitForSelector('#recent-list li.open[data-steps="2"]', { timeout: 30_000 });
      const listed = await page.$$eval('#recent-list li', (items) => items.map((li) => li.dataset.steps));
      check(JSON.stringify(listed) === '["2","5"]', `recent runs (newest first): ${listed}`);
      const budget = await page.textContent('#recent-budget');
      check(/[\d.]+ MB of 64 MB/.test(budget), budget);
      // Two ticked runs: their loss and validation curves on one chart, each labelled.
      for (const box of await page.$$('#recent-list input.compare')) await box.check();
      await page.waitForSelector('#compare-loss[data-runs="2"]', { timeout: 30_000 });
      const labels = await page.$eval('#compare-loss', (e) => JSON.parse(e.dataset.labels));
      check(labels.length === 2 && labels[0] !== labels[1], `labels: ${JSON.stringify(labels)}`);
      check(await page.$('#compare-accuracy[data-runs="2"]'), 'no accuracy comparison');
      // Reopened, the older run carries on from update 5.
      await page.click('#recent-list li[data-steps="5"] button.reopen');
      await page.waitForSelector('#reopened[data-origin="kept"]', { timeout: 60_000 });
      await untilStep(page, 5, 30_000);
      check((await lossPoints(page)).length === 5, 'the reopened run lost its chart');
      // The other one can be let go; the open one cannot.
      await page.waitForSelector('#recent-list li.open[data-steps="5"]', { timeout: 30_000 });
      check(!(await page.$('#recent-list li.open button.forget')), 'the open run offers Forget');
      await page.click('#recent-list li:not(.open) button.forget');
      await page.waitForFunction(() => document.querySelectorAll('#recent-list li').length === 1, null, { timeout: 30_000 });
    });
  } finally {
    await context.close();
  }

  await test('runs: "Start from a trained model" opens the trained model at its stated accuracy', async () => {
    const trained = await openPage(browser, origin, '?device=cpu&lang=fr');
    try {
      await ready(trained.page);
      await trained.page.click('#start-trained');
      await trained.page.waitForSelector('#reopened[data-origin="trained"]', { timeout: 60_000 });
      const accuracy = await trained.page.$eval('#accuracy-chart', (e) => JSON.parse(e.vitpPoints).at(-1));
      // BENCHMARKS.md, "A trained model to start from": the file's own last validation.
      check(accuracy && accuracy[1] >= 0.8, `trained accuracy ${JSON.stringify(accuracy)}`);
      const banner = await trained.page.textContent('#reopened');
      // As the accuracy chart's caption writes it (French decimal comma, narrow space).
      const written = (await trained.page.textContent('#accuracy-latest')).match(/\d+,\d\u202f%/)?.[0];
      check(written && banner.includes(written) && banner.includes(`${accuracy[0]}\u00a0mises à jour`), `${banner} (expected ${written})`);
      await ready(trained.page);
      await trained.page.click('#step');
      await untilStep(trained.page, accuracy[0] + 1, 60_000);
    } finally {
      await trained.context.close();
    }
  });

  await test('runs: a run trained by vitp opens in the page and carries on', async () => {
    check(existsSync(VITP), `${VITP} is missing: build it (cargo build -p cli) or set VITP_BIN`);
    const file = join(dir, 'native.vitp');
    execFileSync(VITP, ['train', '--preset', 'tiny', '--seed', '0', '--epochs', '1', '--save', file], { stdio: 'pipe' });
    const native = await openPage(browser, origin, '?device=cpu&lang=en');
    try {
      await ready(native.page);
      await native.page.setInputFiles('#open-run', file);
      await native.page.waitForSelector('#reopened[data-origin="file"]', { timeout: 60_000 });
      await untilStep(native.page, 13, 30_000);
      check((await stepCount(native.page)) === 13, `opened at update ${await stepCount(native.page)}`);
      check((await lossPoints(native.page)).length === 13, 'the native run brought its loss history');
      await ready(native.page);
      await native.page.click('#step');
      await untilStep(native.page, 14, 30_000);
    } finally {
      await native.context.close();
    }
  });

  await test('runs: a full storage quota gives the notice, and training goes on', async () => {
    const full = await openPage(browser, origin, '?device=cpu&lang=en');
    const cdp = await full.context.newCDPSession(full.page);
    try {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 10_000 });
      await ready(full.page);
      await stepTo(full.page, 2);
      await full.page.waitForFunction(() => [...document.querySelectorAll('.notice')].some((n) => n.textContent.includes('storage for this page is full')), null, { timeout: 30_000 });
      await stepTo(full.page, 3);
      check((await stepCount(full.page)) === 3, 'training stopped with the storage full');
    } finally {
      // Without a size, the origin's own quota again.
      await cdp.send('Storage.overrideQuotaForOrigin', { origin }).catch(() => {});
      await full.context.close();
    }
  });
}
