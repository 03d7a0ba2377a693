// The page's main thread per Step: how long it is busy after each update, from a Chromium
// trace, with the Steps clicked from inside the page and nothing polling it meanwhile (the
// redraw timing of `npm run bench` waits on Playwright's polling, which runs every frame).
// A benchmark, not a test: `npm run bench:main-thread` in tests/ (after `trunk build
// --release`); VITP_DIST=another/dist measures another build, for a before/after.

import { readFileSync, rmSync } from 'node:fs';
import { serveDist, launch, openPage, backendOf, stepCount, untilStep } from './harness.mjs';

const STEPS = Number(process.env.STEPS ?? 15);
// Events of the renderer's main thread, in ms per Step (the median of the Steps: the worker
// computes beside the page on two cores, and a mean follows its worst Steps): the whole of
// its tasks, and parts.
const PARTS = {
  'all tasks': ['RunTask'],
  'animation frames (events applied, canvases drawn)': ['FireAnimationFrame'],
  'style and layout': ['UpdateLayoutTree', 'Layout'],
  paint: ['PrePaint', 'Paint'],
  'layerize and commit': ['Layerize', 'Commit'],
  'messages from the worker': ['HandlePostMessage'],
};

/** The views' drawing after the latest update, in ms, by the page's own clock (the parts of
 *  `<body data-redraw-detail>` after the update itself: one per view drawn). */
const drawingMs = (page) => page.evaluate(() => (document.body.dataset.redrawDetail ?? '')
  .split('; ').slice(1).reduce((sum, part) => sum + Number(part.split(' ').pop()), 0));

async function perStep(page, browser) {
  const path = `/tmp/vitp-main-thread-${process.pid}.json`;
  const drawing = [];
  const changes = [];
  // The DOM changes each Step makes (texts, attributes, nodes added or removed): the page's
  // own work, counted the same on any machine.
  await page.evaluate(() => {
    window.vitpChanges = 0;
    if (window.vitpCounting) return;
    window.vitpCounting = true;
    new MutationObserver((records) => { window.vitpChanges += records.length; })
      .observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await browser.startTracing(page, { path, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'] });
  for (let i = 0; i < STEPS; i += 1) {
    const n = await stepCount(page);
    // Each Step's events are those after its mark and before the next one.
    await page.evaluate(() => { window.vitpChanges = 0; performance.mark('vitp-step'); document.querySelector('#step').click(); });
    await untilStep(page, n + 1, 120_000);
    // The probe comes after the update: then the page is left alone until everything is drawn.
    await page.waitForFunction((n) => document.querySelector('#probe-caption')?.textContent.includes(`update ${n}`), n + 1, { polling: 100, timeout: 120_000 });
    await page.waitForTimeout(700);
    drawing.push(await drawingMs(page));
    changes.push(await page.evaluate(() => window.vitpChanges));
  }
  await browser.stopTracing();
  const trace = JSON.parse(readFileSync(path, 'utf8'));
  rmSync(path);
  const events = trace.traceEvents ?? trace;
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const marks = events.filter((e) => e.name === 'vitp-step').map((e) => e.ts).sort((a, b) => a - b);
  const steps = marks.map(() => Object.fromEntries(Object.keys(PARTS).map((k) => [k, 0])));
  for (const e of events) {
    if (e.ph !== 'X' || !main.has(`${e.pid}:${e.tid}`)) continue;
    const step = marks.findLastIndex((t) => t <= e.ts);
    if (step < 0) continue;
    for (const [part, names] of Object.entries(PARTS)) if (names.includes(e.name)) steps[step][part] += e.dur / 1000;
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const perStepTotals = Object.fromEntries(Object.keys(PARTS).map((k) => [k, median(steps.map((s) => s[k]))]));
  drawing.sort((a, b) => a - b);
  return { ...perStepTotals, 'views drawn (median)': drawing[Math.floor(STEPS / 2)], 'DOM changes (median)': median(changes) };
}

const server = await serveDist();
const browser = await launch({ webgpu: false });
try {
  const { page, context } = await openPage(browser, server.origin, '?device=cpu&lang=en&workers=1');
  await backendOf(page, 120_000);
  await page.waitForSelector('#step:not([disabled])', { timeout: 120_000 });
  const columns = [...Object.keys(PARTS), 'views drawn (median)', 'DOM changes (median)'];
  console.log(`| preset | where | ${columns.join(' | ')} |`);
  console.log(`|---|---|${columns.map(() => '---|').join('')}`);
  for (const preset of ['tiny', 'small']) {
    if (preset !== 'tiny') {
      await page.selectOption('#preset', preset);
      await page.waitForFunction(() => document.querySelector('#step-count').textContent === '0');
      await page.waitForSelector('#step:not([disabled])');
    }
    for (const [where, anchor] of [['top of the page', 'header'], ['attention views', '#attention']]) {
      await page.evaluate((a) => document.querySelector(a).scrollIntoView({ block: 'start' }), anchor);
      // Two Steps first, so every view has drawn once.
      for (let i = 0; i < 2; i += 1) {
        const n = await stepCount(page);
        await page.evaluate(() => document.querySelector('#step').click());
        await untilStep(page, n + 1, 120_000);
      }
      await page.waitForTimeout(1000);
      const ms = await perStep(page, browser);
      console.log(`| ${preset} | ${where} | ${Object.values(ms).map((v) => v.toFixed(1)).join(' | ')} |`);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
  }
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
