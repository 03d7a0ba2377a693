// The page's benchmark (not a test): load → first update, ms per update on each backend for
// `tiny` and `small`, and the wasm sizes. Run by `cargo xtask bench`, or `npm run bench` in
// tests/ after `trunk build --release`. Figures go to BENCHMARKS.md by hand, with the command.
//
// Here WebGPU is Chromium's SwiftShader (software Vulkan on the CPU): its figures say the
// path works, not how fast a graphics card is.

import { readFile, readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { serveDist, launch, openPage, backendOf, stepCount, untilStep, redrawTimes, DIST } from './harness.mjs';

const DEVICES = (process.env.VITP_BACKENDS ?? 'cpu,webgpu').split(',');
// Updates timed per preset: software WebGPU is far too slow for many.
const UPDATES = { cpu: { tiny: 200, small: 20 }, webgpu: { tiny: 5, small: 2 } };
const LIMIT_MS = 240_000;

const rows = [];

async function timePlaying(page, updates) {
  // One update first: shaders compile and autotune on the first WebGPU updates.
  const warm = await stepCount(page);
  await page.click('#step');
  await untilStep(page, warm + 1, LIMIT_MS);
  const start = await stepCount(page);
  const t0 = Date.now();
  await page.click('#play');
  try {
    await untilStep(page, start + updates, LIMIT_MS);
  } catch {
    // Too slow to finish: time what got done.
  }
  const elapsed = Date.now() - t0;
  const done = (await stepCount(page)) - start;
  const worker = await page.textContent('#ms-per-update');
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
  return { done, msPerUpdate: done > 0 ? elapsed / done : NaN, workerMs: worker.trim() };
}

/** Every redraw the page makes within a second of a Step: `{ frames: [ms…], total }`. */
async function firstStepFrames(page) {
  const n = await stepCount(page);
  await page.evaluate(() => {
    window.vitpFrames = [];
    window.vitpFrameWatch ??= new MutationObserver(() => window.vitpFrames.push(Number(document.body.dataset.redrawMs)));
    window.vitpFrameWatch.observe(document.body, { attributes: true, attributeFilter: ['data-redraw-detail'] });
  });
  await page.click('#step');
  await untilStep(page, n + 1, LIMIT_MS);
  await page.waitForFunction((n) => document.querySelector('#probe-caption')?.textContent.includes(`update ${n}`), n + 1, { timeout: LIMIT_MS });
  await page.waitForTimeout(1000);
  const frames = await page.evaluate(() => { window.vitpFrameWatch.disconnect(); return window.vitpFrames; });
  return { frames, total: frames.reduce((sum, ms) => sum + ms, 0) };
}

async function bench(browser, origin, device) {
  const { page, context, loadStart } = await openPage(browser, origin, `?device=${device === 'webgpu' ? 'gpu' : 'cpu'}&lang=en`);
  try {
    const backend = await backendOf(page, LIMIT_MS);
    await page.waitForSelector('#step:not([disabled])', { timeout: LIMIT_MS });
    const ready = Date.now() - loadStart;
    await page.click('#step');
    await untilStep(page, 1, LIMIT_MS);
    const firstUpdate = Date.now() - loadStart;
    rows.push(`| ${device} (${backend}) | load → Step enabled | ${ready} ms |`);
    rows.push(`| ${device} (${backend}) | load → first update done | ${firstUpdate} ms |`);
    for (const preset of ['tiny', 'small']) {
      if (preset !== 'tiny') {
        await page.selectOption('#preset', preset);
        await page.waitForFunction(() => document.querySelector('#step-count').textContent === '0');
        await page.waitForSelector('#step:not([disabled])');
      }
      if (device === 'cpu') {
        // At the top of the page (the training panels in view), then with the attention
        // views on screen: panels out of view are not laid out or painted by the browser.
        for (const [where, anchor] of [['top of the page', 'header'], ['attention views on screen', '#attention']]) {
          await page.locator(anchor).scrollIntoViewIfNeeded();
          await page.evaluate((a) => document.querySelector(a).scrollIntoView({ block: 'start' }), anchor);
          if (preset !== 'tiny' && where === 'top of the page') {
            // The first Step of a model just chosen draws every view at its new size, in more
            // than one frame: timed on its own (every frame until a second after it), so the
            // 15 below say what each further Step costs.
            const first = await firstStepFrames(page);
            rows.push(`| ${device} (${backend}) | ${preset}: redraw after its first Step, ${where} | ${first.total.toFixed(1)} ms in ${first.frames.length} frames (${first.frames.join(' + ')} ms) |`);
            console.log(rows.at(-1));
          }
          const redraw = await redrawTimes(page, 15, LIMIT_MS);
          rows.push(`| ${device} (${backend}) | ${preset}: redraw every view after a Step, ${where} (15 Steps) | median ${redraw.median.toFixed(1)} ms, max ${redraw.max.toFixed(1)} ms (median's parts, ms: ${redraw.detail}) |`);
          console.log(rows.at(-1));
        }
        await page.evaluate(() => window.scrollTo(0, 0));
      }
      const r = await timePlaying(page, UPDATES[device][preset]);
      rows.push(`| ${device} (${backend}) | ${preset}: ms per update, playing (${r.done} updates) | ${r.msPerUpdate.toFixed(1)} ms (worker's last: ${r.workerMs} ms) |`);
      console.log(rows.at(-1));
    }
  } finally {
    await context.close();
  }
}

const server = await serveDist();
const browser = await launch();
try {
  for (const device of DEVICES) await bench(browser, server.origin, device);
} finally {
  await browser.close();
  await server.close();
}
for (const name of (await readdir(DIST)).filter((f) => f.endsWith('.wasm')).sort()) {
  const bytes = await readFile(join(DIST, name));
  const gz = gzipSync(bytes, { level: 9 }).length;
  rows.push(`| wasm | ${name} | ${(bytes.length / 1e6).toFixed(2)} MB raw, ${(gz / 1e6).toFixed(2)} MB gzip -9 |`);
}
console.log('\n| run | measure | value |\n|---|---|---|');
for (const row of rows) console.log(row);
