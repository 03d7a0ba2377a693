// The model's shape, in the page on the CPU: a shape made by hand trains and its views have
// its dimensions; an impossible one is refused before anything is made, in both languages;
// the 1-vs-4-heads experiment keeps both runs, compared and side by side; and the teaching
// text's own model (vit-s14) does one update, with 257×257 maps and its numbers in the lessons.

import { openPage, backendOf, stepCount, untilStep } from './harness.mjs';

async function ready(page) {
  await backendOf(page, 60_000);
  await page.waitForSelector('#step:not([disabled])', { timeout: 120_000 });
}

/** Types a value into a number field and commits it, as leaving the field does. */
async function setField(page, selector, value) {
  await page.$eval(selector, (e, v) => {
    e.value = v;
    e.dispatchEvent(new Event('change', { bubbles: true }));
  }, String(value));
}

const attentionCells = (page) => page.$eval('#attention-map', (e) => JSON.parse(e.vitpMatrix || '[]').length);
const options = (page, select) => page.$$eval(`${select} option`, (o) => o.length);

/** Waits until the run in the page has `tokens` tokens (a new run's first probe). */
async function untilTokens(page, tokens, timeout) {
  await page.waitForFunction((n) => {
    const map = document.querySelector('#attention-map');
    return map && map.vitpMatrix && JSON.parse(map.vitpMatrix).length === n * n;
  }, tokens, { timeout });
}

export async function shapeTests(browser, origin, { test, check }) {
  const { page, context } = await openPage(browser, origin, '?device=cpu&lang=en');
  try {
    await test('shape: a model shaped by hand (1 head, 1 block, patch 8) trains and its views have its shape', async () => {
      await ready(page);
      await setField(page, '#shape-heads', 1);
      await setField(page, '#shape-depth', 1);
      const facts = await page.textContent('#shape-facts');
      check(facts.includes('4×4 = 16 patches of 8×8 pixels, plus CLS: 17 tokens'), facts);
      check(facts.includes('d_head = 32'), facts);
      await page.click('#train-shape');
      await page.waitForSelector('#preset option[value="shaped"]:checked', { state: 'attached', timeout: 30_000 });
      await ready(page);
      await page.click('#step');
      await untilStep(page, 1, 60_000);
      await untilTokens(page, 17, 30_000);
      check(await attentionCells(page) === 17 * 17, `${await attentionCells(page)} attention cells`);
      check(await options(page, '#inspect-head') === 1, 'not one head to choose from');
      check(await options(page, '#inspect-block') === 1, 'not one block to choose from');
      check((await page.textContent('#shape-facts')).includes('Its last update took'), 'no measured update time');
    });

    await test('shape: an impossible shape is refused before anything is made, in both languages', async () => {
      const steps = await stepCount(page);
      await setField(page, '#shape-heads', 3);
      const english = await page.textContent('#shape-refused');
      check(english.includes('the width (32) is not a multiple of the number of heads (3)'), english);
      check(await page.$('#train-shape[disabled]'), 'the impossible shape can be trained');
      await page.click('#language');
      await page.waitForFunction(() => document.documentElement.lang === 'fr');
      const french = await page.textContent('#shape-refused');
      check(french.includes('la largeur (32) n’est pas un multiple du nombre de têtes (3)'), french);
      await setField(page, '#shape-heads', 1);
      await setField(page, '#shape-image', 512);
      const large = await page.textContent('#shape-refused');
      check(large.includes('d’au plus 256\u00a0×\u00a0256\u00a0pixels'), large);
      await page.click('#language');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      check(await stepCount(page) === steps, 'the run changed');
      check(await attentionCells(page) === 17 * 17, 'the views changed');
    });
  } finally {
    await context.close();
  }

  const experiment = await openPage(browser, origin, '?device=cpu&lang=en');
  try {
    await test('shape: the 1-vs-4-heads experiment keeps both runs, compared and side by side', async () => {
      const page = experiment.page;
      await ready(page);
      await setField(page, '#experiment-updates', 2);
      await page.click('button[data-experiment="heads"]');
      await page.waitForSelector('#experiment-results .arm[data-arm="1"]', { timeout: 180_000 });
      const arms = await page.$$eval('#experiment-results .arm', (a) => a.map((e) => ({
        heads: Number(e.dataset.heads),
        step: Number(e.dataset.step),
        maps: e.querySelectorAll('canvas').length,
        grid: Number(e.querySelector('canvas').dataset.grid),
        title: e.querySelector('h4').textContent,
      })));
      check(JSON.stringify(arms.map((a) => [a.heads, a.step, a.maps, a.grid])) === '[[1,2,2,8],[4,2,5,8]]',
        `arms: ${JSON.stringify(arms)}`);
      check(arms[0].title === '1 head' && arms[1].title === '4 heads', `labels: ${arms.map((a) => a.title)}`);
      // Both runs are kept and ticked: their curves share the comparison charts.
      await page.waitForSelector('#compare-loss[data-runs="2"]', { timeout: 30_000 });
      const labels = await page.$eval('#compare-loss', (e) => JSON.parse(e.dataset.labels));
      check(JSON.stringify(labels) === '["1 head","4 heads"]', `compared: ${JSON.stringify(labels)}`);
      const kept = await page.$$eval('#recent-list li[data-steps="2"]', (l) => l.length);
      check(kept === 2, `${kept} runs of 2 updates kept`);
      check(await page.$eval('#play', (b) => b.getAttribute('aria-pressed')) === 'false', 'still playing');
    });
  } finally {
    await experiment.context.close();
  }

  // Opened as a teacher would share it: the address names the model and the lesson.
  const lesson = 7; // questions 10 and 11: scores divided by √d_head
  const s14 = await openPage(browser, origin, `?device=cpu&lang=en&model=vit-s14&lesson=${lesson}`);
  try {
    await test('shape: the teaching text\'s vit-s14 does one update, with 257×257 maps and its numbers quoted', async () => {
      const page = s14.page;
      await ready(page);
      check(await page.$eval('#preset', (s) => s.value) === 'vit-s14', 'the address did not choose vit-s14');
      const batch = await page.$eval('#batch-size', (s) => Number(s.value));
      check(batch <= 8, `vit-s14 would train on batches of ${batch}`);
      const facts = await page.textContent('#shape-facts');
      check(facts.includes('257 tokens') && facts.includes('√64 = 8'), facts);
      const start = Date.now();
      await page.click('#step');
      // A long update says how long it has run so far.
      await page.waitForFunction(() => /Update 1 under way/.test(document.querySelector('#update-running')?.textContent ?? ''),
        null, { timeout: 60_000 });
      await untilStep(page, 1, 300_000);
      const seconds = (Date.now() - start) / 1000;
      const ms = await page.textContent('#ms-per-update');
      await untilTokens(page, 257, 120_000);
      check(await options(page, '#inspect-head') === 6, 'not 6 heads');
      check(await options(page, '#inspect-block') === 12, 'not 12 blocks');
      // The lessons quote the model in the page: 257 tokens, √64, and its width.
      const body = await page.textContent('#lesson-body');
      check(body.includes("Q·Kᵀ/√64 (√d_head, d_head = 64: one head's width, not the model's 384)"), body);
      await page.selectOption('#lesson-select', String(lesson));
      const flow = await page.textContent('#lesson-body');
      check(flow.includes('Each of the 257 tokens'), flow);
      const memory = await page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize : 0));
      console.log(`browser: vit-s14 (batch ${batch}) on the CPU: one update in ${ms} ms `
        + `(${seconds.toFixed(1)} s from the click to the counter); page JS heap ${(memory / 1e6).toFixed(0)} MB`);
    });
  } finally {
    await s14.context.close();
  }
}
