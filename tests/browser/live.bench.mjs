// Live recognition's pace: frames per second through the model, for `tiny` and `small`, on the
// CPU and on WebGPU (SwiftShader, software, on a machine without a GPU), with Chromium's fake
// camera playing the two-people clip of the camera test. Live sends the next frame as soon as
// the last one is answered; the rate is over the last 10 answers, after 8 s.
// A benchmark, not a test: `npm run bench:live` in tests/ (after `trunk build --release`).

import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDist, launch, openPage, backendOf } from './harness.mjs';
import { cameraClip } from './camera.checks.mjs';

const ORL = process.env.VITP_ORL ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'orl_faces');
const DEVICES = (process.env.LIVE_DEVICES ?? 'cpu,gpu').split(',');

const server = await serveDist();
const browser = await launch({ webgpu: true, camera: cameraClip(ORL) });
try {
  console.log('| model | device | frames per second |');
  console.log('|---|---|---|');
  for (const device of DEVICES) {
    for (const model of ['tiny', 'small']) {
      const { page, context } = await openPage(browser, server.origin, `?device=${device}&lang=en&model=${model}`);
      const backend = await backendOf(page, 120_000);
      await page.waitForSelector('#step:not([disabled])', { timeout: 120_000 });
      await page.click('#camera-start');
      await page.waitForSelector('#camera-stop:not(.hidden)', { timeout: 30_000 });
      await page.click('#live');
      await page.waitForSelector('#live-top li', { timeout: 120_000 });
      await page.waitForTimeout(8_000);
      const fps = await page.textContent('#live-fps');
      console.log(`| ${model} | ${backend === 'wgpu' ? 'WebGPU (SwiftShader)' : 'CPU (burn-flex)'} | ${fps.replace(' frames per second', '')} |`);
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
