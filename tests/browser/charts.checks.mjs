// The loss and accuracy charts grow: an update that only adds a point draws that point on what
// the canvas shows, and the result looks as the chart drawn whole does. A view whose panel is
// out of sight is drawn when it comes into view, with the latest update.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stepCount, untilStep } from './harness.mjs';

// A canvas's pixels, compared after decoding: how many differ, and how many by a lot.
async function pixelDifference(page, a, b) {
  return page.evaluate(async ([a, b]) => {
    const load = (url) => new Promise((done) => { const image = new Image(); image.onload = () => done(image); image.src = url; });
    const [x, y] = [await load(a), await load(b)];
    const canvas = new OffscreenCanvas(x.width, x.height);
    const g = canvas.getContext('2d');
    g.drawImage(x, 0, 0);
    const dx = g.getImageData(0, 0, x.width, x.height).data;
    g.clearRect(0, 0, x.width, x.height);
    g.drawImage(y, 0, 0);
    const dy = g.getImageData(0, 0, x.width, x.height).data;
    let differ = 0;
    let far = 0;
    for (let i = 0; i < dx.length; i += 4) {
      const d = Math.abs(dx[i] - dy[i]) + Math.abs(dx[i + 1] - dy[i + 1]) + Math.abs(dx[i + 2] - dy[i + 2]);
      if (d > 0) differ += 1;
      if (d > 96) far += 1;
    }
    return { pixels: dx.length / 4, differ, far };
  }, [a, b]);
}

export async function chartsTests(page, { test, check }) {
  await test('cpu: the charts grow by their new points and look as if drawn whole', async () => {
    // A mark in the chart's margin, where no point goes: it survives an update that draws only
    // the new point, and goes when the chart is drawn whole (when its axis must move).
    const mark = () => page.$eval('#loss-chart', (c) => { const g = c.getContext('2d'); g.fillStyle = 'rgb(255,0,0)'; g.fillRect(1, 1, 3, 3); });
    const marked = () => page.$eval('#loss-chart', (c) => c.getContext('2d').getImageData(2, 2, 1, 1).data[1] === 0);
    let kept = 0;
    for (let i = 0; i < 3; i += 1) {
      await mark();
      const n = await stepCount(page);
      await page.click('#step');
      await untilStep(page, n + 1, 60_000);
      await page.waitForFunction((n) => JSON.parse(document.querySelector('#loss-chart').vitpPoints).at(-1)[0] === n, n + 1);
      await page.waitForTimeout(300);
      if (await marked()) kept += 1;
    }
    check(kept >= 2, `the loss chart was drawn whole after ${3 - kept} of 3 updates`);
    // Drawn whole again (the language changes its labels, and back): the same picture.
    const pictures = () => page.$$eval('#loss-chart, #accuracy-chart', (cs) => cs.map((c) => c.toDataURL()));
    await page.$eval('#loss-chart', (c) => { const g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(1, 1, 3, 3); });
    const grown = await pictures();
    await page.click('#language');
    await page.waitForTimeout(500);
    await page.click('#language');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.waitForTimeout(800);
    const whole = await pictures();
    for (const [i, name] of ['loss', 'accuracy'].entries()) {
      const { pixels, differ, far } = await pixelDifference(page, grown[i], whole[i]);
      if (process.env.VITP_SCREENSHOTS && far > 0) {
        for (const [how, url] of [['grown', grown[i]], ['whole', whole[i]]]) {
          writeFileSync(join(process.env.VITP_SCREENSHOTS, `${name}-chart-${how}.png`), Buffer.from(url.split(',')[1], 'base64'));
        }
      }
      // Where segments meet, lines cross and dots sit, the order of drawing moves edge pixels;
      // a missing or misplaced series moves thousands.
      check(far < pixels / 200, `the ${name} chart grown and drawn whole differ: ${differ} of ${pixels} pixels, ${far} by much`);
    }
  });

  await test('cpu: a view out of sight is drawn when it comes into view, with the latest update', async () => {
    const wq = () => page.$eval('#weights-wq', (c) => c.toDataURL());
    const inView = async (selector) => {
      await page.evaluate((s) => document.querySelector(s).scrollIntoView({ block: 'start' }), selector);
      await page.waitForTimeout(400);
    };
    await inView('#weights');
    await page.waitForFunction(() => { const c = document.querySelector('#weights-wq'); return c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0); });
    const before = await wq();
    // Far out of sight: two updates change the weights, and their view waits.
    await inView('header');
    for (let i = 0; i < 2; i += 1) {
      const n = await stepCount(page);
      await page.click('#step');
      await untilStep(page, n + 1, 60_000);
    }
    await page.waitForTimeout(500);
    check((await wq()) === before, 'the weights were drawn while out of sight');
    const steps = await stepCount(page);
    await inView('#weights');
    await page.waitForFunction((before) => document.querySelector('#weights-wq').toDataURL() !== before, before, { timeout: 5_000 });
    const caption = await page.textContent('#weights');
    check(caption.includes(`After update ${steps},`), `the weights panel does not speak of update ${steps}: ${caption.slice(0, 200)}`);
    await inView('header');
  });
}
