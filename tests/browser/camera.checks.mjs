// The learner's own faces from the camera, in the page on the CPU, with Chromium's fake
// camera playing a clip made here from the ORL faces (two people, 5 s each, looping): two
// people captured in bursts, imported through the same preview as a folder, trained on; then
// Live shows who the model sees and where CLS looks, changing as the clip changes, without
// changing the run. A refused camera says so and nothing else breaks. No frame leaves the page.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPage, backendOf, stepCount, untilStep } from './harness.mjs';

/** A binary PGM's width, height and grey bytes. */
function readPgm(path) {
  const bytes = readFileSync(path);
  const fields = [];
  let at = 0;
  while (fields.length < 4) {
    while (/\s/.test(String.fromCharCode(bytes[at]))) at += 1;
    if (bytes[at] === 0x23) { while (bytes[at] !== 0x0a) at += 1; continue; }
    let token = '';
    while (!/\s/.test(String.fromCharCode(bytes[at]))) token += String.fromCharCode(bytes[at++]);
    fields.push(token);
  }
  at += 1;
  const [width, height] = [Number(fields[1]), Number(fields[2])];
  return { width, height, grey: bytes.subarray(at, at + width * height) };
}

/** A YUV4MPEG2 clip at 10 frames per second: each face held for half a second. */
function clip(faces, path) {
  const { width, height } = faces[0];
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (const face of faces) {
    for (let i = 0; i < 5; i += 1) parts.push(Buffer.from('FRAME\n'), face.grey, chroma, chroma);
  }
  writeFileSync(path, Buffer.concat(parts));
}

async function ready(page) {
  await backendOf(page, 60_000);
  await page.waitForSelector('#step:not([disabled])', { timeout: 60_000 });
}

const shotsOf = (page, n) => page.$$eval('#camera-people .camera-person', (p) => p.map((e) => Number(e.dataset.shots)));

/** The fake camera's clip: ORL's first two people, 5 s each; `true` (Chromium's test
 * pattern) where the ORL faces are absent. */
export function cameraClip(orl) {
  if (!existsSync(orl)) {
    console.log(`browser: notice: ${orl} is absent; the camera plays Chromium's test pattern`);
    return true;
  }
  const faces = [];
  for (const person of ['s1', 's2']) {
    for (let i = 1; i <= 10; i += 1) faces.push(readPgm(join(orl, person, `${i}.pgm`)));
  }
  const path = join(mkdtempSync(join(tmpdir(), 'vitp-camera-')), 'two-people.y4m');
  clip(faces, path);
  return path;
}

export async function cameraTests(origin, orl, { test, check }) {
  const video = cameraClip(orl);
  const browser = await launch({ webgpu: false, camera: video });
  try {
    const { page, context, foreign } = await openPage(browser, origin, '?device=cpu&lang=en&model=tiny');
    await test('camera: two people captured, imported, trained on, then recognised live with the attention on the frame', async () => {
      await ready(page);
      await page.click('#camera-start');
      await page.waitForSelector('#camera-stop:not(.hidden)', { timeout: 30_000 });
      await page.$eval('#burst-size', (e) => { e.value = '6'; e.dispatchEvent(new Event('change', { bubbles: true })); });
      await page.click('#camera-people .camera-person:nth-child(1) button.capture');
      await page.waitForSelector('#countdown', { timeout: 5_000 });
      await page.waitForFunction(() => document.querySelector('#camera-people .camera-person').dataset.shots === '6', null, { timeout: 30_000 });
      await page.click('#add-person');
      await page.fill('#camera-people .camera-person:nth-child(2) input.person-name', 'Second');
      await page.$eval('#camera-people .camera-person:nth-child(2) input.person-name', (e) => e.dispatchEvent(new Event('change', { bubbles: true })));
      // The fake camera plays the clip from its start when it opens: the first burst fell in
      // the first person's 5 s, this one falls in the second's.
      await page.click('#camera-people .camera-person:nth-child(2) button.capture');
      await page.waitForFunction(() => document.querySelectorAll('#camera-people .camera-person')[1].dataset.shots === '6', null, { timeout: 30_000 });
      // A bad shot goes.
      await page.click('#camera-people .camera-person:nth-child(2) .delete-shot');
      check(JSON.stringify(await shotsOf(page)) === '[6,5]', `shots: ${JSON.stringify(await shotsOf(page))}`);
      // Through the same preview as a folder of photos.
      await page.click('#camera-train');
      await page.waitForSelector('#import-preview[data-people="2"][data-layout="folders"]', { timeout: 60_000 });
      const preview = await page.textContent('#import-preview');
      check(preview.includes('Person 1: 6 images') && preview.includes('Second: 5 images'), preview);
      await page.click('#accept-import');
      await page.waitForFunction(() => document.querySelector('#dataset-counts').textContent.includes('2 people'), null, { timeout: 60_000 });
      await ready(page);
      await page.click('#play');
      await page.waitForFunction(() => Number(document.querySelector('#step-count').textContent) >= 20, null, { timeout: 60_000 });
      await page.click('#play');
      await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
      const steps = await stepCount(page);
      // Live: who, and where CLS looks on the frame, as the clip goes on.
      await page.click('#live');
      await page.waitForSelector('#live-top li', { timeout: 30_000 });
      const read = () => page.evaluate(() => ({
        top: [...document.querySelectorAll('#live-top li')].map((li) => li.textContent),
        shares: document.querySelector('#live-overlay').dataset.shares,
        fps: document.querySelector('#live-fps').textContent,
      }));
      const first = await read();
      check(first.top.length === 2, `guesses: ${JSON.stringify(first.top)}`);
      check(JSON.parse(first.shares).length === 16, 'not one share per patch of tiny');
      // Over one loop of the clip, both people are seen, and the attention follows.
      const seen = new Set();
      const shares = new Set();
      let last = first;
      for (let i = 0; i < 20; i += 1) {
        await page.waitForTimeout(500);
        last = await read();
        seen.add(last.top[0].replace(/:.*/, ''));
        shares.add(last.shares);
      }
      check(shares.size > 1, 'the attention did not follow the camera');
      // Chromium's own test pattern (no ORL faces here) shows nobody in particular.
      if (video !== true) check(seen.size === 2, `over 10 s the model saw only ${[...seen]}`);
      console.log(`browser: live on tiny (CPU): ${last.fps}; top guesses over 10 s: ${[...seen].join(', ')}`);
      // Far out of view, Live sends no frame (the answer on its way may still come); back in
      // view, it goes on by itself.
      const frames = () => page.$eval('#live-overlay', (c) => Number(c.dataset.frames));
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(1000);
      const away = await frames();
      await page.waitForTimeout(2000);
      check(await frames() <= away + 1, `Live went on out of view: ${away} then ${await frames()} frames`);
      await page.evaluate(() => document.querySelector('#live').scrollIntoView({ block: 'center' }));
      await page.waitForFunction((n) => Number(document.querySelector('#live-overlay').dataset.frames) > n + 1, away, { timeout: 10_000 });
      await page.click('#live');
      check(await stepCount(page) === steps, 'Live changed the run');
      await page.click('#step');
      await untilStep(page, steps + 1, 30_000);
    });

    await test('camera: no frame or image left the page', async () => {
      check(foreign.length === 0, `requests outside ${origin}: ${foreign.join(', ')}`);
    });
    await context.close();
  } finally {
    await browser.close();
  }

  const plain = await launch({ webgpu: false });
  try {
    const { page, context } = await openPage(plain, origin, '?device=cpu&lang=fr');
    await test('camera: a refused camera is said in the learner\'s language, and the rest works', async () => {
      await page.evaluate(() => {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('refused', 'NotAllowedError'));
      });
      await ready(page);
      await page.click('#camera-start');
      await page.waitForSelector('#camera-error', { timeout: 10_000 });
      const said = await page.textContent('#camera-error');
      check(said.startsWith('La caméra a été refusée.'), said);
      await page.click('#step');
      await untilStep(page, 1, 30_000);
    });
    await context.close();
  } finally {
    await plain.close();
  }
}
