// Every core: the page splits each update's batch between Web Workers (?workers=N, the
// "Cores" control). A run shared between two workers makes the same updates as one worker
// alone (losses equal to float rounding), the page says how many share them, in English and
// in French, and the control follows the device (one worker on WebGPU).

import { openPage, backendOf, stepCount, untilStep, lossPoints } from './harness.mjs';

const UPDATES = 6;

async function stepped(page, updates) {
  await backendOf(page, 60_000);
  await page.waitForSelector('#step:not([disabled])', { timeout: 120_000 });
  for (let i = 0; i < updates; i += 1) {
    const n = await stepCount(page);
    await page.click('#step');
    await untilStep(page, n + 1, 120_000);
    // The helpers load their program meanwhile: the first updates may be this worker's alone.
    if (i === 0) await page.waitForTimeout(3000);
  }
  return lossPoints(page);
}

const inUse = (page) => page.$eval('#workers-status', (e) => Number(e.dataset.workers));

export async function workersTests(browser, origin, { test, check }) {
  await test('workers: two workers sharing each update train as one does, and the page says so (EN, FR)', async () => {
    const alone = await openPage(browser, origin, '?device=cpu&lang=en&model=small&workers=1');
    const shared = await openPage(browser, origin, '?device=cpu&lang=fr&model=small&workers=2');
    try {
      // The controls appear once the page's program has loaded, which can be after `load`.
      await shared.page.waitForSelector('#workers option', { state: 'attached', timeout: 60_000 });
      const cores = await shared.page.$$eval('#workers option', (o) => o.length);
      check(cores >= 2, `the browser reports ${cores} cores: the test needs 2`);
      // The helper is counted as soon as it has loaded, before any update.
      await shared.page.waitForFunction(() => document.querySelector('#workers-status')?.dataset.workers === '2', null, { timeout: 60_000 });
      check(await stepCount(shared.page) === 0, 'an update ran before the helper was counted');
      const [one, two] = await Promise.all([stepped(alone.page, UPDATES), stepped(shared.page, UPDATES)]);
      check(one.length === UPDATES && two.length === UPDATES, `${one.length} and ${two.length} losses`);
      for (let i = 0; i < UPDATES; i += 1) {
        const [a, b] = [one[i][1], two[i][1]];
        check(Math.abs(a - b) <= 1e-4 * Math.max(Math.abs(a), 1e-3), `update ${i + 1}: loss ${a} alone, ${b} shared`);
      }
      check(await inUse(shared.page) === 2, `${await inUse(shared.page)} workers in use, 2 asked`);
      check(await inUse(alone.page) === 1, 'one worker asked, one in use');
      // The worker index.html starts before the page's program loads is the one that trains:
      // the page adopted it rather than starting a second one.
      check(alone.page.workers().length === 1, `${alone.page.workers().length} workers running for one asked`);
      check(!(await alone.page.evaluate(() => 'vitpEarlyWorker' in window)), 'the early worker was not adopted');
      const fr = await shared.page.textContent('.workers');
      check(fr.includes('Cœurs') && fr.includes('2\u00a0fils de calcul') && !fr.includes('worker'), fr);
      await shared.page.click('#language');
      const en = await shared.page.textContent('.workers');
      check(en.includes('Cores') && en.includes('2 workers'), en);
      // Back to one: the next update is this worker's alone, and said so.
      await shared.page.selectOption('#workers', '1');
      await shared.page.waitForFunction(() => document.querySelector('#workers-status').dataset.workers === '1');
      const n = await stepCount(shared.page);
      await shared.page.click('#step');
      await untilStep(shared.page, n + 1, 60_000);
      check(await inUse(shared.page) === 1, 'one worker after choosing 1');
      check(!shared.console.some((m) => m.startsWith('pageerror')), shared.console.join('\n'));
    } finally {
      await alone.context.close();
      await shared.context.close();
    }
  });

  await test('workers: on WebGPU one worker computes, and the control says why', async () => {
    const { page, context } = await openPage(browser, origin, '?device=gpu&lang=en&workers=2');
    try {
      const backend = await backendOf(page, 120_000);
      if (backend !== 'wgpu') return; // No WebGPU here: the CPU tests above cover the rest.
      check(await page.$eval('#workers', (e) => e.disabled), 'the control is off on WebGPU');
      check((await page.textContent('#workers-status')).includes('graphics card'), await page.textContent('#workers-status'));
      check(await inUse(page) === 1, 'one worker on WebGPU');
    } finally {
      await context.close();
    }
  });
}
