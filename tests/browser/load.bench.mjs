// Where a cold load waits: load → Step enabled and → first update over fresh browsers (CPU,
// one worker), then one traced load saying when the worker's program was asked for, when the
// first frame reached the screen, and when Step was enabled, in ms after navigation.
// A benchmark, not a test: `npm run bench:load` in tests/ (after `trunk build --release`);
// VITP_DIST=another/dist measures another build, LOADS=N the number of cold loads (4),
// VITP_QUERY another address (`?device=cpu&lang=en&workers=1`), VITP_WEBGPU=1 a browser with
// WebGPU (SwiftShader here) instead of one without.

import { readFileSync, rmSync } from 'node:fs';
import { serveDist, launch, openPage, stepCount, untilStep } from './harness.mjs';

const LOADS = Number(process.env.LOADS ?? 4);
const QUERY = process.env.VITP_QUERY ?? '?device=cpu&lang=en&workers=1';
const WEBGPU = process.env.VITP_WEBGPU === '1';

async function coldLoad(server) {
  const browser = await launch({ webgpu: WEBGPU });
  try {
    const { page, loadStart } = await openPage(browser, server.origin, QUERY);
    await page.waitForSelector('#step:not([disabled])', { timeout: 120_000 });
    const enabled = Date.now() - loadStart;
    await page.click('#step');
    await untilStep(page, 1, 120_000);
    return [enabled, Date.now() - loadStart];
  } finally {
    await browser.close();
  }
}

async function tracedLoad(server) {
  const browser = await launch({ webgpu: WEBGPU });
  const path = `/tmp/vitp-load-${process.pid}.json`;
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await browser.startTracing(page, { path, categories: ['devtools.timeline', 'loading', 'blink.user_timing'] });
    await page.goto(`${server.origin}/${QUERY}`);
    await page.waitForSelector('#step:not([disabled])', { timeout: 120_000 });
    const enabledAt = await page.evaluate(() => performance.now());
    await browser.stopTracing();
    const events = JSON.parse(readFileSync(path, 'utf8')).traceEvents;
    const start = events.find((e) => e.name === 'navigationStart')?.ts;
    const at = (e) => (e ? ((e.ts - start) / 1000).toFixed(0) : '?');
    const request = (file) => events.find((e) => e.name === 'ResourceSendRequest' && e.args?.data?.url?.endsWith(file));
    return {
      'worker wasm asked for': at(request('/worker_bg.wasm')),
      'first contentful paint': at(events.find((e) => e.name === 'firstContentfulPaint')),
      'Step enabled (seen by the test, page clock)': enabledAt.toFixed(0),
    };
  } finally {
    rmSync(path, { force: true });
    await browser.close();
  }
}

const server = await serveDist();
try {
  const loads = [];
  for (let i = 0; i < LOADS; i += 1) loads.push(await coldLoad(server));
  console.log(`${LOADS} cold loads, ms from navigation: Step enabled / first update done`);
  console.log(loads.map(([a, b]) => `${a} / ${b}`).join(', '));
  console.log('one traced load, ms after navigation:', JSON.stringify(await tracedLoad(server)));
} finally {
  await server.close();
}
