// Which device the page trains on where nobody said (app/src/ui/advice.rs): a software WebGPU
// adapter (this machine's SwiftShader) leaves it on the CPU, saying why; a graphics card's
// adapter has the model timed on both devices once, the run moved to the faster, and the next
// visit starting there (with the CPU program only, where that is the CPU). The graphics card
// is this machine's SwiftShader, described to the page as a card: it is slower than the CPU,
// as a weak card can be.

import { openPage, backendOf, stepCount, untilStep } from './harness.mjs';

const advice = (page) => page.textContent('#device-advice');
/** Whether the comparison has a figure for both devices (WebGPU trained beside the run). */
const timedOnBoth = (page) => page.$eval('#device-advice', (e) => {
  const { cpu, gpu } = JSON.parse(e.dataset.timed ?? '{}');
  return Boolean(cpu?.update_ms > 0 && gpu?.update_ms > 0);
});
const comparison = (page) => page.$eval('#device-advice', (e) => e.dataset.comparison);

/** A page whose WebGPU adapter describes itself as a graphics card. */
async function withCard(browser, origin, query) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-US' });
  await context.addInitScript(() => {
    if (!self.GPUAdapter) return;
    const card = { vendor: 'test', architecture: 'card', device: '', description: 'described as a graphics card', isFallbackAdapter: false };
    Object.defineProperty(GPUAdapter.prototype, 'info', { configurable: true, get: () => card });
    Object.defineProperty(GPUAdapter.prototype, 'isFallbackAdapter', { configurable: true, get: () => false });
  });
  const asked = [];
  context.on('request', (r) => { if (r.url().startsWith(origin + '/')) asked.push(new URL(r.url()).pathname); });
  const page = await context.newPage();
  await page.goto(`${origin}/${query}`);
  return { context, page, asked };
}

export async function deviceTests(browser, origin, { test, check }) {
  await test('device: where nobody asks, a software WebGPU adapter leaves the page on the CPU, and it says why (EN, FR)', async () => {
    for (const [lang, words] of [['en', 'is a software one'], ['fr', 'est logiciel']]) {
      const { page, context, asked } = await openPage(browser, origin, `?lang=${lang}&model=tiny`);
      try {
        check((await backendOf(page, 60_000)) === 'flex', `${lang}: not on the CPU`);
        const said = await advice(page);
        check(said.includes(words), `${lang}: the page does not say why: ${said}`);
        check(await page.$eval('#device-cpu', (e) => e.getAttribute('aria-pressed')) === 'true', `${lang}: the CPU is not shown as chosen`);
        const notices = await page.$$eval('.notice', (all) => all.map((n) => n.textContent));
        check(notices.length === 0, `${lang}: a notice: ${notices.join(' | ')}`);
        check(!asked.some((p) => p.startsWith('/worker_gpu')), `${lang}: the WebGPU program was loaded: ${asked.join(', ')}`);
        check(!(await page.$('#compare-devices')), `${lang}: a comparison offered by the CPU-only program`);
      } finally {
        await context.close();
      }
    }
  });

  await test('device: with a graphics card, the model is timed on both devices once, the run goes to the faster, and the next visit starts there', async () => {
    const { page, context, asked } = await withCard(browser, origin, '?lang=en&model=tiny');
    try {
      await backendOf(page, 120_000);
      check(asked.some((p) => p.startsWith('/worker_gpu')), 'the WebGPU program was not loaded for a card');
      await page.waitForFunction(() => (document.querySelector('#device-advice')?.dataset.comparison ?? 'none') !== 'none', null, { timeout: 240_000 });
      check((await comparison(page)) === 'cpu', `software WebGPU timed faster than the CPU: ${await advice(page)}`);
      check(await timedOnBoth(page), `WebGPU was not timed: ${await advice(page)}`);
      // The CPU is timed as the run would train there: with the 2 workers the page asks for
      // on this 2-core machine (the helper loads while WebGPU is timed).
      const cpuWorkers = await page.$eval('#device-advice', (e) => JSON.parse(e.dataset.timed).cpu.workers);
      check(cpuWorkers === 2, `the CPU was timed with ${cpuWorkers} worker(s), 2 asked`);
      await page.waitForFunction(() => document.querySelector('#device-status')?.dataset.backend === 'flex', null, { timeout: 60_000 });
      const said = await advice(page);
      for (const words of ['This model, timed in this browser with batches of 32', 'WebGPU', 'per update', '(2 workers)', 'The page trains the model on the CPU, the faster here.']) {
        check(said.includes(words), `"${words}" is not said: ${said}`);
      }
      check((await stepCount(page)) === 0, `the comparison moved the run: update ${await stepCount(page)}`);
      await page.waitForSelector('#step:not([disabled])', { timeout: 60_000 });
      await page.click('#step');
      await untilStep(page, 1, 60_000);

      asked.length = 0;
      await page.reload();
      check((await backendOf(page, 60_000)) === 'flex', 'the next visit did not start on the CPU');
      await page.waitForFunction(() => document.querySelector('#device-advice')?.dataset.comparison === 'cpu', null, { timeout: 60_000 });
      check(!(await advice(page)).includes('Timing this model'), 'timed again on the next visit');
      // The card was timed slower: the next visit downloads the CPU program only.
      const hint = await page.evaluate(() => JSON.parse(localStorage.getItem('vitp-start-device') ?? 'null'));
      check(hint?.adapter === 'described as a graphics card' && hint?.device === 'cpu', `the page did not keep the CPU for this card: ${JSON.stringify(hint)}`);
      await page.waitForSelector('#step:not([disabled])', { timeout: 60_000 });
      check(asked.includes('/worker_loader.js'), `the next visit's requests were not seen: ${asked.join(', ')}`);
      check(!asked.some((p) => p.startsWith('/worker_gpu')), `the next visit loaded the WebGPU program: ${asked.join(', ')}`);
      check(!(await page.$('#compare-devices')), 'the next visit runs the WebGPU program (it offers a comparison)');

      // A model not timed on this card yet goes to the WebGPU program, to be timed there.
      asked.length = 0;
      await page.selectOption('#preset', 'small');
      await page.waitForFunction(() => (document.querySelector('#device-advice')?.textContent ?? '').includes('Timing this model'), null, { timeout: 120_000 });
      check(asked.some((p) => p.startsWith('/worker_gpu')), `an untimed model was not taken to the WebGPU program: ${asked.join(', ')}`);
    } finally {
      await context.close();
    }
  });

  await test('device: asked for WebGPU, the learner times both devices and the run stays where it is (FR)', async () => {
    const { page, context } = await openPage(browser, origin, '?device=gpu&lang=fr&model=tiny');
    try {
      check((await backendOf(page, 120_000)) === 'wgpu', 'not on WebGPU');
      await page.waitForSelector('#compare-devices:not([disabled])', { timeout: 120_000 });
      check((await advice(page)) === '', `advice where the address chose: ${await advice(page)}`);
      await page.click('#compare-devices');
      await page.waitForFunction(() => (document.querySelector('#device-advice')?.dataset.comparison ?? 'none') !== 'none', null, { timeout: 240_000 });
      check(await timedOnBoth(page), `WebGPU n’a pas été chronométré : ${await advice(page)}`);
      const said = await advice(page);
      for (const words of ['Ce modèle, chronométré dans ce navigateur avec des lots de 32', 'par mise à jour', 'Le processeur est le plus rapide ici.']) {
        check(said.includes(words), `« ${words} » n’est pas dit : ${said}`);
      }
      check(await page.$eval('#device-status', (e) => e.dataset.backend) === 'wgpu', 'the run left WebGPU, which the address asked for');
      check((await stepCount(page)) === 0, `the comparison moved the run: update ${await stepCount(page)}`);
    } finally {
      await context.close();
    }
  });
}
