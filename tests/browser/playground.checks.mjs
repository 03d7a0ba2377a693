// The 2-D Q/K playground in the page: presets, dragging by mouse, the keyboard, typed
// coordinates, adding and removing keys, and the trained model's vectors on the plane.
// Called from page.test.mjs on a page that has stepped at least once (for the model's vectors).

const rows = (page) => page.$$eval('#qk-table tbody tr', (trs) => trs.map((tr) => ({
  share: Number(tr.dataset.share),
  score: Number(tr.dataset.score),
  trueShare: tr.dataset.trueShare === undefined ? null : Number(tr.dataset.trueShare),
  text: tr.querySelector('.share-text').textContent,
})));

/** The centre of a vector's handle on the screen. */
async function handleCentre(page, name) {
  const box = await page.locator(`[data-handle="${name}"] circle.grab`).boundingBox();
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export async function playgroundTests(page, { test, check }) {
  const sumsToOne = async (what) => {
    const shares = (await rows(page)).map((r) => r.share);
    const total = shares.reduce((a, b) => a + b, 0);
    check(Math.abs(total - 1) < 1e-9, `${what}: the shares sum to ${total}`);
    const shown = await page.textContent('#qk-sum');
    check(shown.includes('100.0\u202f%'), `${what}: the page shows ${shown}`);
  };

  await test('playground: the teaching text\'s example shows 66.5 / 24.5 / 9.0 and says the text is wrong', async () => {
    await page.locator('#qk-playground').scrollIntoViewIfNeeded();
    await page.click('[data-preset="text"]');
    const texts = (await rows(page)).map((r) => r.text.trim());
    check(JSON.stringify(texts) === JSON.stringify(['66.5\u202f%', '24.5\u202f%', '9.0\u202f%']), `shares ${texts}`);
    const slip = await page.textContent('#qk-slip');
    check(slip.includes('73 %') && slip.includes('66.5\u202f% / 24.5\u202f% / 9.0\u202f%') && slip.includes('57.6\u202f% / 28.4\u202f% / 14.0\u202f%'), slip);
    await sumsToOne('teaching text');
  });

  await test('playground: the Opposite preset\'s sentence quotes the shares its bars show', async () => {
    await page.click('[data-preset="opposite"]');
    const shown = (await rows(page)).map((r) => r.text.trim());
    const about = await page.textContent('#qk-about');
    check(shown.length === 2 && about.includes(shown[0]) && about.includes(shown[1]), `bars ${shown}, sentence: ${about}`);
    check(!/almost nothing|0\s*%\)/.test(about) && about.includes('never zero'), about);
  });

  await test('playground: dragging Q onto K1\'s direction gives K1 the largest share', async () => {
    await page.click('[data-preset="perpendicular"]');
    const before = await rows(page);
    check(Math.abs(before[0].share - before[1].share) < 1e-9, `perpendicular keys do not share evenly: ${before.map((r) => r.share)}`);
    const origin = await (async () => {
      const box = await page.locator('svg.plane').boundingBox();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    })();
    const q = await handleCentre(page, 'q');
    const k1 = await handleCentre(page, 'k1');
    await page.mouse.move(q.x, q.y);
    await page.mouse.down();
    // Along an arc, as a hand would drag it, ending at two thirds of K1's length.
    for (let i = 1; i <= 10; i += 1) {
      const f = i / 10;
      const x = q.x + (origin.x + (k1.x - origin.x) * 0.67 - q.x) * f;
      const y = q.y + (origin.y + (k1.y - origin.y) * 0.67 - q.y) * f;
      await page.mouse.move(x, y);
    }
    await page.mouse.up();
    const after = await rows(page);
    const largest = after.reduce((best, r, i) => (r.share > after[best].share ? i : best), 0);
    check(largest === 0, `after the drag the largest share is K${largest + 1}: ${after.map((r) => r.share)}`);
    check(after[0].share > 0.7, `K1's share is only ${after[0].share}`);
    const label = await page.getAttribute('[data-handle="q"]', 'aria-label');
    check(/^Q \[0\.00, 1\.00\]$/.test(label), `Q is not on K1's direction: ${label}`);
    await sumsToOne('after the drag');
  });

  await test('playground: the keyboard moves a vector, a typed coordinate is kept', async () => {
    await page.click('[data-preset="text"]');
    await page.focus('[data-handle="k2"]');
    check((await page.textContent('#qk-selected')).trim() === 'K2', 'focusing K2 does not select it');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    const label = await page.getAttribute('[data-handle="k2"]', 'aria-label');
    check(label === 'K2 [0.50, 0.75]', `after →, →, ↓ K2 reads ${label}`);
    const focused = await page.evaluate(() => document.activeElement?.dataset?.handle);
    check(focused === 'k2', `K2 lost the keyboard focus to ${focused}`);
    await page.fill('#qk-coordinate-0', '-0.3');
    await page.press('#qk-coordinate-0', 'Enter');
    const typed = await page.getAttribute('[data-handle="k2"]', 'aria-label');
    check(typed === 'K2 [−0.30, 0.75]', `after typing x = −0.3, K2 reads ${typed}`);
    await sumsToOne('after the keyboard');
  });

  await test('playground: keys are added up to eight and removed down to two; temperature flattens', async () => {
    await page.click('[data-preset="text"]');
    while (!(await page.$eval('#qk-add', (b) => b.disabled))) await page.click('#qk-add');
    check((await rows(page)).length === 8, `${(await rows(page)).length} keys after adding`);
    await sumsToOne('eight keys');
    while (await page.$('#qk-table tbody tr button.icon:not([disabled])')) {
      await page.click('#qk-table tbody tr button.icon:not([disabled])');
    }
    check((await rows(page)).length === 2, `${(await rows(page)).length} keys after removing`);
    await page.click('[data-preset="temperature"]');
    const sharp = Math.max(...(await rows(page)).map((r) => r.share));
    await page.$eval('#qk-temperature', (e) => { e.value = '5'; e.dispatchEvent(new Event('input', { bubbles: true })); });
    const flat = Math.max(...(await rows(page)).map((r) => r.share));
    check(sharp > 0.9 && flat < 0.5, `the largest share goes from ${sharp} (T = 0.2) to ${flat} (T = 5)`);
    await sumsToOne('temperature 5');
  });

  await test('playground: the trained model\'s vectors keep the model\'s scores and shares', async () => {
    await page.click('#qk-from-model');
    await page.waitForSelector('#qk-model-note');
    const shown = await rows(page);
    const attention = await page.$eval('#attention-map', (e) => JSON.parse(e.vitpMatrix));
    const n = Math.round(Math.sqrt(attention.length));
    const cls = attention.slice(0, n).sort((a, b) => b - a).slice(0, Math.min(8, n));
    check(shown.length === cls.length, `${shown.length} keys for ${n} tokens`);
    shown.forEach((r, i) => check(Math.abs(r.trueShare - cls[i]) < 1e-6, `model share ${i}: ${r.trueShare} vs the attention map's ${cls[i]}`));
    // The plane holds Q's direction: its shares are the model's, spread over the keys shown.
    const total = cls.reduce((a, b) => a + b, 0);
    shown.forEach((r, i) => check(Math.abs(r.share - cls[i] / total) < 1e-4, `plane share ${i}: ${r.share} vs ${cls[i] / total}`));
    await sumsToOne('the model\'s vectors');
  });
}
