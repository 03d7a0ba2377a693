// The page in headless Chromium, on WebGPU and on the CPU: Step, Play, a forced NaN and its
// rollback, the language switch, and no request outside the page's own origin.
// Run by `cargo xtask test` after `trunk build --release`; alone: `npm test` in tests/.
//
// A missing WebGPU adapter FAILS the WebGPU run: it is not skipped.

import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDist, launch, openPage, backendOf, stepCount, lossPoints, untilStep } from './harness.mjs';
import { playgroundTests } from './playground.checks.mjs';
import { lessonTests, contrastTest, narrowTest } from './lessons.checks.mjs';
import { runsTests } from './runs.checks.mjs';
import { shapeTests } from './shape.checks.mjs';
import { cameraTests } from './camera.checks.mjs';
import { workersTests } from './workers.checks.mjs';
import { chartsTests } from './charts.checks.mjs';
import { deviceTests } from './device.checks.mjs';

// The ORL faces sit beside the repository (never inside it: they are not ours to ship).
const ORL = process.env.VITP_ORL ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'orl_faces');

const RUNS = (process.env.VITP_BACKENDS ?? 'webgpu,cpu').split(',');
// Software WebGPU (SwiftShader) is slow: give each of its updates room.
const SLOW = { webgpu: 8, cpu: 1 };

let passed = 0;
let failed = 0;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function test(name, body) {
  const start = Date.now();
  try {
    await body();
    passed += 1;
    console.log(`browser: ok   ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed += 1;
    console.log(`browser: FAIL ${name}: ${error.message}`);
  }
}

async function runOn(browser, origin, device) {
  const slow = SLOW[device];
  const { page, context, foreign, console: logs } = await openPage(
    browser, origin, `?device=${device === 'webgpu' ? 'gpu' : 'cpu'}&lang=en`,
  );
  const t = (ms) => ms * slow;
  try {
    await test(`${device}: starts on the requested backend`, async () => {
      const backend = await backendOf(page, t(60_000));
      const status = await page.textContent('#device-status');
      if (device === 'webgpu') {
        const notices = await page.$$eval('.notice', (n) => n.map((e) => e.textContent).join(' | '));
        check(backend === 'wgpu', `no WebGPU adapter: the page runs on ${backend} (${notices})`);
      } else {
        check(backend === 'flex', `expected the CPU backend (flex), got ${backend}`);
      }
      console.log(`browser: ${device}: the page says "${status}"`);
      await page.waitForSelector('#step:not([disabled])', { timeout: t(60_000) });
    });

    await test(`${device}: Step three times gives update 3 and three finite loss points`, async () => {
      for (let i = 1; i <= 3; i += 1) {
        await page.click('#step');
        await untilStep(page, i, t(60_000));
      }
      check((await stepCount(page)) === 3, `step counter reads ${await stepCount(page)}`);
      const points = await lossPoints(page);
      check(points.length === 3, `loss chart holds ${points.length} points`);
      check(points.every(([s, l]) => Number.isFinite(l) && l > 0), `non-finite loss in ${JSON.stringify(points)}`);
      check(JSON.stringify(points.map((p) => p[0])) === '[1,2,3]', `steps ${JSON.stringify(points)}`);
      // Shown, not only made: each face on screen and painted with a face's grey levels.
      const faces = await page.$$eval('#batch .batch-face', (figures) => figures.map((f) => {
        const canvas = f.querySelector('canvas.face');
        const box = canvas?.getBoundingClientRect();
        const grey = canvas ? [...canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data].filter((_, i) => i % 4 === 0) : [];
        return { shown: !f.hidden && box?.width > 20 && box?.height > 20, levels: new Set(grey).size };
      }));
      check(faces.length === 32, `the batch view has ${faces.length} faces, not 32`);
      check(faces.every((f) => f.shown), `faces not shown: ${faces.filter((f) => !f.shown).length} of ${faces.length}`);
      check(faces.every((f) => f.levels > 8), `faces painted flat: ${JSON.stringify(faces.map((f) => f.levels))}`);
    });

    if (device === 'cpu') {
      await test('cpu: the attention views are drawn from this update\'s numbers', async () => {
        await page.waitForFunction(() => document.querySelector('#probe-caption')?.textContent.includes('update 3'));
        const sums = await page.$eval('#attention-map', (e) => JSON.parse(e.vitpRowSums));
        check(sums.length > 1 && sums.every((s) => Math.abs(s - 1) < 1e-4), `softmax rows do not sum to 1: ${sums}`);
        const scores = await page.$eval('#scores-map', (e) => JSON.parse(e.vitpMatrix));
        const shares = await page.$eval('#attention-map', (e) => JSON.parse(e.vitpMatrix));
        const n = Math.round(Math.sqrt(shares.length));
        check(n * n === shares.length && scores.length === shares.length, `matrices of ${scores.length} and ${shares.length} values`);
        // Each row of shares is the softmax of the same row of scores.
        for (let r = 0; r < n; r += 1) {
          const row = scores.slice(r * n, r * n + n);
          const top = Math.max(...row);
          const e = row.map((x) => Math.exp(x - top));
          const z = e.reduce((a, b) => a + b, 0);
          e.forEach((x, c) => check(Math.abs(x / z - shares[r * n + c]) < 1e-4, `share (${r}, ${c}) is not softmax of the scores`));
        }
        // Hovering a cell reads that cell's numbers.
        const cell = 300 / n;
        const [row, col] = [2, n - 2];
        await page.hover('#attention-map', { position: { x: (col + 0.5) * cell, y: (row + 0.5) * cell } });
        await page.waitForSelector('#attention-readout');
        const readout = await page.$eval('#attention-readout', (e) => ({ ...e.dataset, text: e.textContent }));
        check(Number(readout.query) === row && Number(readout.key) === col, `hovered (${readout.query}, ${readout.key}), not (${row}, ${col})`);
        check(Math.abs(Number(readout.score) - scores[row * n + col]) < 1e-6, `readout score ${readout.score} vs ${scores[row * n + col]}`);
        check(Math.abs(Number(readout.share) - shares[row * n + col]) < 1e-6, `readout share ${readout.share} vs ${shares[row * n + col]}`);
        check(readout.text.includes((shares[row * n + col] * 100).toFixed(1)), `the readout text does not show the share: ${readout.text}`);
        // Rollout: what CLS is made of over all blocks, shares that add up to 1.
        const rollout = await page.$eval('#attention-face', (e) => JSON.parse(e.vitpRollout));
        check(rollout.length === n && Math.abs(rollout.reduce((a, b) => a + b, 0) - 1) < 1e-4, `rollout ${rollout}`);
        await page.click('#face-rollout');
        await page.waitForFunction(() => document.querySelector('#face-rollout').getAttribute('aria-pressed') === 'true');
        // A view saved as PNG.
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-export="attention"]')]);
        check(download.suggestedFilename() === 'vit-playground-attention.png', download.suggestedFilename());
        // The walkthrough's loss for its face is −log p of the probability it shows.
        const walk = await page.$eval('#walkthrough', (e) => ({ ...e.dataset, text: e.textContent }));
        check(Number(walk.step) === 3, `the walkthrough shows update ${walk.step}`);
        const p = Number(walk.pTrue);
        check(Math.abs(Number(walk.minusLogP) + Math.log(p)) < 1e-5, `−log p: ${walk.minusLogP} vs p = ${p}`);
        check(walk.text.includes(`−log ${p.toFixed(3)} = ${(-Math.log(p)).toFixed(3)}`), `the text does not show −log p: ${walk.text}`);
        const lastLoss = (await lossPoints(page)).at(-1)[1];
        check(Math.abs(Number(walk.loss) - lastLoss) < 1e-6, `walkthrough loss ${walk.loss} vs chart ${lastLoss}`);
        // The learned weights: moved from their initial values, with a history point per read
        // (the panel, out of view until now, shows this update once it comes into view).
        await page.$eval('#weights', (e) => e.scrollIntoView());
        await page.waitForFunction(() => document.querySelector('#weights-wq')?.dataset.drift);
        const drift = await page.$eval('#weights-wq', (e) => Number(e.dataset.drift));
        check(drift > 0 && drift < 1, `Wq drift after 3 updates: ${drift}`);
        check(Number(await page.$eval('#weights-history', (e) => e.dataset.points)) >= 2, 'no weight history');
        // The flow of V opens the tensor an arrow carries.
        await page.click('[data-carries="V"] text');
        await page.waitForFunction(() => document.querySelector('#flow-shape').textContent.startsWith('V = LN(X)·Wv'));
        const flow = await page.textContent('#flow-shape');
        check(flow.includes(`[${n} × 16]`), `V of one head is tokens × head_dim: ${flow}`);
        // The gradient chart holds one point per update.
        const points = await page.$eval('#gradient-chart', (e) => Number(e.dataset.points));
        check(points === 3, `the gradient chart holds ${points} points after 3 updates`);
        await page.click('#step');
        await untilStep(page, 4, 30_000);
        await page.waitForFunction(() => document.querySelector('#gradient-chart').dataset.points === '4');
      });

      await playgroundTests(page, { test, check });
      await lessonTests(page, browser, origin, { test, check });
      await contrastTest(page, { test, check });
      await narrowTest(browser, origin, { test, check });
    }

    await test(`${device}: Play trains on its own and the loss falls`, async () => {
      const before = await stepCount(page);
      await page.click('#play');
      // At least 12 more updates (as many as time allows on the CPU).
      await untilStep(page, before + 12, t(90_000));
      if (device === 'cpu') await page.waitForTimeout(3000);
      await page.click('#play');
      await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
      const points = (await lossPoints(page)).map((p) => p[1]);
      check(points.length >= 15, `only ${points.length} updates`);
      const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const first = mean(points.slice(0, 3));
      const last = mean(points.slice(-3));
      console.log(`browser: ${device}: ${points.length} updates, loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
      check(last < first, `the loss did not fall: ${first} → ${last}`);
      // The page stayed responsive: the counter kept moving while playing.
      const settled = await stepCount(page);
      await page.waitForTimeout(500);
      check((await stepCount(page)) === settled, 'updates went on after Pause');
    });

    if (device === 'cpu') await chartsTests(page, { test, check });

    await test(`${device}: the walkthrough explains an update by the optimizer that made it, and its backward path`, async () => {
      const stepOnce = async () => {
        const n = await stepCount(page);
        await page.click('#step');
        await untilStep(page, n + 1, t(60_000));
        await page.waitForFunction((n) => document.querySelector('#walkthrough')?.dataset.step === String(n), n + 1);
        return n + 1;
      };
      const optimizerOf = () => page.$eval('#walkthrough', (e) => e.dataset.optimizer);
      await page.selectOption('#optimizer', 'adam');
      await stepOnce();
      check(await optimizerOf() === 'adam', `after an Adam update the walkthrough says ${await optimizerOf()}`);
      check((await page.textContent('#walkthrough')).includes('Adam keeps two running means'), 'Adam\'s rule is not shown');
      // Changing the controls does not rewrite the explanation of an update already made.
      await page.selectOption('#optimizer', 'sgd');
      await page.waitForTimeout(200);
      check(await optimizerOf() === 'adam', 'the controls rewrote the last update\'s optimizer');
      // The backward path's maps are redrawn in place, not made anew each Step.
      await page.$$eval('#backward canvas[data-norm]', (cs) => cs.forEach((c) => { c.dataset.kept = 'yes'; }));
      await stepOnce();
      check(await optimizerOf() === 'sgd', `after an SGD update the walkthrough says ${await optimizerOf()}`);
      const text = await page.textContent('#walkthrough');
      check(text.includes('W_new = W_old − lr × grad = '), `the teaching text's rule is not shown: ${text}`);
      // A panel far out of view holds what it showed: the browser skips it, and so does the
      // page's DOM work after an update; it catches up when it comes into view.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForFunction(() => !document.querySelector('#backward-caption').checkVisibility({ contentVisibilityAuto: true }));
      const held = await page.textContent('#backward-caption');
      const later = await stepOnce();
      check(await page.textContent('#backward-caption') === held, `the backward path out of view changed: ${held} → ${await page.textContent('#backward-caption')}`);
      check(!held.includes(`Update ${later},`), `the backward path already showed update ${later}`);
      // The single Step's backward path through the inspected head, with its update's numbers.
      await page.$eval('#backward', (e) => e.scrollIntoView());
      await page.waitForFunction((n) => document.querySelector('#backward-caption')?.textContent.includes(`Update ${n},`), later);
      const norms = await page.$$eval('#backward canvas[data-norm]', (cs) => cs.map((c) => Number(c.dataset.norm)));
      check(norms.length === 9 && norms.every((x) => Number.isFinite(x) && x > 0), `backward pieces: ${norms}`);
      check(await page.$$eval('#backward canvas[data-norm]', (cs) => cs.every((c) => c.dataset.kept === 'yes')), 'the backward path\'s canvases were made anew');
      check((await page.textContent('#backward-summary')).includes('without passing through softmax'), 'no summary');
      await page.selectOption('#optimizer', 'adam');
    });

    await test(`${device}: an absurd learning rate is caught, paused and rolled back`, async () => {
      const before = await stepCount(page);
      await page.selectOption('#optimizer', 'sgd');
      await page.fill('#learning-rate', '1e30');
      await page.press('#learning-rate', 'Enter');
      await page.$eval('#learning-rate', (e) => e.blur());
      for (let i = 0; i < 4 && !(await page.$('#divergence')); i += 1) {
        const n = await stepCount(page);
        await page.click('#step');
        await Promise.race([
          untilStep(page, n + 1, t(60_000)),
          page.waitForSelector('#divergence', { timeout: t(60_000) }),
        ]);
      }
      await page.waitForSelector('#divergence', { timeout: t(10_000) });
      const text = await page.textContent('#divergence');
      check(/NaN|inf/i.test(text), `the banner does not say what happened: ${text}`);
      check(await page.$eval('#step', (b) => b.disabled), 'Step is still enabled after a divergence');
      const good = Number((await page.textContent('#rollback')).match(/\d+/)[0]);
      check(good >= before, `rollback target ${good} is before the run's ${before} good updates`);
      await page.click('#rollback');
      await page.waitForSelector('#divergence', { state: 'detached', timeout: t(10_000) });
      check((await stepCount(page)) === good, `after the rollback the counter reads ${await stepCount(page)}, not ${good}`);
      const points = await lossPoints(page);
      check(points.every(([, l]) => Number.isFinite(l)), 'a NaN point stayed on the chart');
      await page.fill('#learning-rate', '0.01');
      await page.press('#learning-rate', 'Enter');
      await page.$eval('#learning-rate', (e) => e.blur());
      await page.click('#step');
      await untilStep(page, good + 1, t(60_000));
      const last = (await lossPoints(page)).at(-1);
      check(last[0] === good + 1 && Number.isFinite(last[1]), `after the rollback: ${JSON.stringify(last)}`);
    });

    await test(`${device}: the language switches to French and back`, async () => {
      await page.click('#language');
      await page.waitForFunction(() => document.documentElement.lang === 'fr');
      const step = await page.textContent('#step');
      check(step.trim() === 'Un pas', `the Step button reads "${step}" in French`);
      const statement = await page.textContent('#dataset-statement');
      check(statement.includes('synthétiques'), 'the dataset statement is not in French');
      // No English sentence left on the French page (the lesson text is folded, so read it too).
      const words = await page.evaluate(() => document.querySelector('main').innerText + ' ' + document.querySelector('#lesson-body').textContent);
      const english = words.match(/\b(the|and|with|which|is|of|to)\b[^.]{0,40}/gi);
      check(!english, `English on the French page: ${english?.slice(0, 5).join(' | ')}`);
      await page.click('#language');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      check((await page.textContent('#step')).trim() === 'Step', 'not back in English');
    });

    if (device === 'cpu') {
      await test('cpu: the keyboard steps (Space) and plays / pauses (P)', async () => {
        await page.click('h1');
        const before = await stepCount(page);
        await page.keyboard.press('Space');
        await untilStep(page, before + 1, 30_000);
        await page.keyboard.press('p');
        await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'true');
        await untilStep(page, before + 3, 30_000);
        await page.keyboard.press('p');
        await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
        await page.waitForTimeout(500);
        // Ten presses during one update queue one more, not ten; a held key's repeats none.
        const burst = async (repeat) => {
          const n = await stepCount(page);
          await page.evaluate((repeat) => {
            for (let i = 0; i < 10; i += 1) {
              document.body.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', repeat, bubbles: true }));
            }
          }, repeat);
          await page.waitForTimeout(1500);
          return (await stepCount(page)) - n;
        };
        const pressed = await burst(false);
        check(pressed >= 1 && pressed <= 2, `ten presses during an update made ${pressed} updates`);
        check((await burst(true)) === 0, 'auto-repeated keys made updates');
        // Typing in a field never plays or steps.
        const n = await stepCount(page);
        const rate = await page.$eval('#learning-rate', (e) => e.value);
        await page.focus('#learning-rate');
        await page.keyboard.type(' P p');
        await page.waitForTimeout(500);
        check(await page.$eval('#play', (b) => b.getAttribute('aria-pressed')) === 'false', 'typing P in a field started playing');
        check((await stepCount(page)) === n, 'typing a space in a field stepped');
        await page.fill('#learning-rate', rate);
        await page.press('#learning-rate', 'Enter');
        await page.click('h1');
      });

      await test('cpu: a broken .zip is refused with its reason and the faces in use stay', async () => {
        const counts = await page.textContent('#dataset-counts');
        const steps = await stepCount(page);
        await page.setInputFiles('#import-file', { name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip at all') });
        await page.waitForFunction(() => [...document.querySelectorAll('.notice')].some((n) => n.textContent.includes('could not be used')));
        check((await page.textContent('#dataset-counts')) === counts, 'the dataset changed after a failed import');
        check((await stepCount(page)) === steps, 'the run in progress was thrown away');
        // The same refusal on the French page: its reason is worded in French too.
        await page.click('#language');
        await page.waitForFunction(() => document.documentElement.lang === 'fr');
        await page.setInputFiles('#import-file', { name: 'broken2.zip', mimeType: 'application/zip', buffer: Buffer.from('still not a zip') });
        await page.waitForFunction(() => [...document.querySelectorAll('.notice')].some((n) => n.textContent.includes('n’ont pas pu être utilisés')));
        const notices = await page.$$eval('.notice', (ns) => ns.map((n) => n.textContent).filter((t) => t.includes('n’ont pas pu')));
        const english = notices.join(' ').match(/\b(the|and|with|which|is|of|to|not|a zip)\b/gi);
        check(!english, `English in the French refusal: ${notices.join(' | ')}`);
        await page.click('#language');
        await page.waitForFunction(() => document.documentElement.lang === 'en');
      });

      await test('cpu: a folder of real faces (ORL) is imported in the page and trains', async () => {
        if (!existsSync(ORL)) {
          console.log(`browser: notice: ${ORL} is absent; the ORL import was not tried`);
          return;
        }
        await page.setInputFiles('#import-folder', ORL);
        // First who was found, read from the folders; nothing changes until accepted.
        await page.waitForSelector('#import-preview[data-people="40"][data-layout="folders"]', { timeout: 60_000 });
        const preview = await page.textContent('#import-preview');
        check(preview.includes('40 people found') && preview.includes('s1: 10 images'), preview);
        await page.click('#accept-import');
        await page.waitForFunction(() => document.querySelector('#dataset-counts').textContent.includes('320 training images'), null, { timeout: 60_000 });
        const counts = await page.textContent('#dataset-counts');
        check(counts.includes('40 people') && counts.includes('80 validation images') && counts.includes('32×32'), counts);
        check((await page.textContent('#dataset-statement')).includes('orl_faces'), 'the page does not say whose faces these are');
        check((await stepCount(page)) === 0, 'new faces start a new run');
        await page.click('#step');
        await untilStep(page, 1, 30_000);
        await page.click('#use-synthetic');
        await page.waitForFunction(() => document.querySelector('#dataset-counts').textContent.includes('400 training images'));
      });

      await test('cpu: a flat folder named by person is previewed with its junk, and Cancel changes nothing', async () => {
        // As the Yale faces come: subject01.happy, … in one folder (PGM here, told by content).
        const dir = join(mkdtempSync(join(tmpdir(), 'vitp-flat-')), 'yalefaces');
        mkdirSync(dir);
        const pgm = (seed) => Buffer.concat([Buffer.from('P5\n40 40\n255\n'), Buffer.from(Array.from({ length: 1600 }, (_, i) => (i * 7 + seed * 31) % 256))]);
        let seed = 0;
        for (const person of ['subject01', 'subject02', 'subject03']) {
          for (const condition of ['happy', 'sad', 'glasses']) writeFileSync(join(dir, `${person}.${condition}`), pgm(seed++));
        }
        writeFileSync(join(dir, 'notes.png'), 'not a face');
        writeFileSync(join(dir, 'subject03.empty'), '');
        const counts = await page.textContent('#dataset-counts');
        await page.setInputFiles('#import-folder', dir);
        await page.waitForSelector('#import-preview[data-people="3"][data-layout="names"]', { timeout: 60_000 });
        const preview = await page.textContent('#import-preview');
        check(preview.includes('subject01: 3 images') && preview.includes('file name'), preview);
        check(preview.includes('notes.png') && preview.includes('does not say whose face') && preview.includes('subject03.empty'), preview);
        await page.click('#discard-import');
        check(!(await page.$('#import-preview')), 'the preview stayed');
        check((await page.textContent('#dataset-counts')) === counts, 'Cancel changed the faces');
      });
    }

    await test(`${device}: no request left the page's origin`, async () => {
      check(foreign.length === 0, `requests outside ${origin}: ${foreign.join(', ')}`);
    });
  } finally {
    const errors = logs.filter((l) => l.startsWith('pageerror') || l.startsWith('error'));
    if (errors.length) console.log(`browser: ${device}: console errors:\n  ${errors.slice(0, 10).join('\n  ')}`);
    if (process.env.VITP_SCREENSHOTS) {
      await page.screenshot({ path: `${process.env.VITP_SCREENSHOTS}/page-${device}.png`, fullPage: true });
    }
    await context.close();
  }
}

/**
 * On the CPU the page loads the CPU-only worker program; asking for WebGPU moves the run to
 * the WebGPU program, where it stopped; back on the CPU it stays there.
 */
async function cpuThenWebGpu(browser, origin) {
  const { page, context, foreign, asked } = await openPage(browser, origin, '?device=cpu&lang=en');
  const slow = SLOW.webgpu;
  try {
    await test('cpu → WebGPU: the CPU program alone, then the run carried on in the WebGPU program', async () => {
      check((await backendOf(page, 60_000)) === 'flex', 'not on the CPU');
      await page.waitForSelector('#step:not([disabled])');
      for (let i = 1; i <= 2; i += 1) {
        await page.click('#step');
        await untilStep(page, i, 30_000);
      }
      check(asked.includes('/worker_bg.wasm'), `the CPU program was not loaded: ${asked.join(', ')}`);
      check(!asked.some((p) => p.startsWith('/worker_gpu')), `the WebGPU program was loaded for the CPU: ${asked.join(', ')}`);
      const before = await lossPoints(page);
      await page.click('#device-gpu');
      check((await backendOf(page, 60_000 * slow)) === 'wgpu', 'not on WebGPU after the switch');
      check(asked.includes('/worker_gpu_bg.wasm'), 'the WebGPU program was not loaded');
      check((await stepCount(page)) === 2, `the run did not come along: update ${await stepCount(page)}`);
      check(JSON.stringify(await lossPoints(page)) === JSON.stringify(before), 'the loss curve changed in the move');
      await page.waitForSelector('#step:not([disabled])', { timeout: 60_000 * slow });
      await page.click('#step');
      await untilStep(page, 3, 60_000 * slow);
      const gpuWorkers = asked.filter((p) => p === '/worker_gpu_bg.wasm').length;
      await page.click('#device-cpu');
      await page.waitForFunction(() => document.querySelector('#device-status')?.dataset.backend === 'flex', null, { timeout: 60_000 * slow });
      check((await stepCount(page)) === 3, `the run did not come back: update ${await stepCount(page)}`);
      check(asked.filter((p) => p === '/worker_gpu_bg.wasm').length === gpuWorkers, 'a worker was replaced going back to the CPU');
      check(foreign.length === 0, `requests outside ${origin}: ${foreign.join(', ')}`);
    });
  } finally {
    await context.close();
  }
}

/** A browser that offers no WebGPU adapter: the page must say so and train on the CPU. */
async function withoutWebGpu(origin) {
  const browser = await launch({ webgpu: false });
  try {
    const { page, context, foreign, asked } = await openPage(browser, origin, '?device=gpu&lang=en');
    await test('no WebGPU adapter: the page falls back to the CPU and says why', async () => {
      const backend = await backendOf(page, 60_000);
      check(backend === 'flex', `expected the CPU fallback, got ${backend}`);
      await page.waitForSelector('.notice', { timeout: 10_000 });
      const notice = await page.textContent('.notice');
      check(notice.includes('WebGPU could not start'), `no fallback notice: ${notice}`);
      await page.waitForSelector('#step:not([disabled])');
      await page.click('#step');
      await untilStep(page, 1, 30_000);
      check(!asked.some((p) => p.startsWith('/worker_gpu')), `the WebGPU program was loaded without an adapter: ${asked.join(', ')}`);
      check(foreign.length === 0, `requests outside ${origin}: ${foreign.join(', ')}`);
    });
    await context.close();
  } finally {
    await browser.close();
  }
}

const server = await serveDist();
const browser = await launch();
try {
  for (const device of RUNS) {
    console.log(`browser: running the page on ${device === 'webgpu' ? 'WebGPU (SwiftShader, software)' : 'the CPU (burn-flex)'}`);
    await runOn(browser, server.origin, device);
  }
  if (RUNS.includes('webgpu')) {
    await cpuThenWebGpu(browser, server.origin);
    await deviceTests(browser, server.origin, { test, check });
  }
  if (RUNS.includes('cpu')) {
    await runsTests(browser, server.origin, { test, check });
    await shapeTests(browser, server.origin, { test, check });
    await workersTests(browser, server.origin, { test, check });
    await cameraTests(server.origin, ORL, { test, check });
    await withoutWebGpu(server.origin);
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
