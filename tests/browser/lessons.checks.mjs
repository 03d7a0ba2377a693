// The guided tour, its live numbers, the address a teacher shares, and the two panels the
// lessons add (the same face then and now; one token's X · Wq and X · Wk).
// Called from page.test.mjs on a CPU page that has trained a few updates.

import { openPage, backendOf, stepCount, untilStep } from './harness.mjs';

const inView = (page, id) => page.evaluate((id) => {
  const r = document.getElementById(id).getBoundingClientRect();
  return r.top < window.innerHeight && r.bottom > 0;
}, id);

export async function lessonTests(page, browser, origin, { test, check }) {
  await test('lessons: the keyboard walks through all lessons, each bringing its panel into view', async () => {
    await page.selectOption('#lesson-select', '0');
    await page.waitForFunction(() => document.querySelector('#lessons').dataset.lesson === '1');
    await page.focus('#lesson-next');
    const seen = [];
    for (let lesson = 2; lesson <= 8; lesson += 1) {
      await page.keyboard.press('Enter');
      await page.waitForFunction((n) => document.querySelector('#lessons').dataset.lesson === String(n), lesson);
      const progress = await page.textContent('#lesson-progress');
      check(progress.includes(`Lesson ${lesson} of 8`), `progress reads ${progress}`);
      // The outlined panel is the lesson's, scrolled into view once the frame is drawn.
      await page.waitForFunction(() => {
        const el = document.querySelector('.panel.lesson-target');
        if (!el || el.id !== document.querySelector('#lessons').dataset.panel) return false;
        const r = el.getBoundingClientRect();
        return r.top < window.innerHeight && r.bottom > 0;
      });
      const target = await page.$eval('.panel.lesson-target', (e) => e.id);
      check(await inView(page, target), `lesson ${lesson}: ${target} is not in view`);
      seen.push(target);
      const focused = await page.evaluate(() => document.activeElement?.id);
      if (lesson < 8) check(focused === 'lesson-next', `the keyboard focus left Next for ${focused}`);
    }
    check(await page.$eval('#lesson-next', (b) => b.disabled), 'Next is still enabled on the last lesson');
    check(new Set(seen).size === seen.length, `a panel came twice: ${seen}`);
    check(new URL(page.url()).searchParams.get('lesson') === '8', `the address says lesson ${new URL(page.url()).searchParams.get('lesson')}`);
  });

  await test('lessons: a lesson\'s numbers change after a Step', async () => {
    await page.selectOption('#lesson-select', '0');
    await page.waitForFunction(() => document.querySelector('#lessons').dataset.lesson === '1');
    const before = await page.textContent('#lesson-body');
    const n = await stepCount(page);
    check(before.includes(`At update ${n},`), `lesson 1 does not quote update ${n}: ${before}`);
    await page.click('#step');
    await untilStep(page, n + 1, 30_000);
    await page.waitForFunction((n) => document.querySelector('#lesson-body').textContent.includes(`At update ${n},`), n + 1);
    const after = await page.textContent('#lesson-body');
    check(after !== before, 'the lesson text did not change');
    const loss = (await page.$$eval('#loss-chart', (e) => JSON.parse(e[0].vitpPoints))).at(-1)[1];
    check(after.includes(`mean loss is ${loss.toFixed(3)}`), `lesson 1 does not quote the chart's last loss ${loss}: ${after}`);
  });

  await test('lessons: the token breakdown\'s entries equal the model\'s Q and K', async () => {
    await page.locator('#token-breakdown').scrollIntoViewIfNeeded();
    for (const token of [null, '0', '5']) {
      if (token !== null) {
        await page.selectOption('#breakdown-token', token);
        await page.waitForFunction((t) => document.querySelector('#breakdown-caption')?.textContent.length > 0 && document.querySelector('#breakdown-token').value === t, token);
      }
      await page.waitForSelector('#breakdown-table[data-q]');
      const table = await page.$eval('#breakdown-table', (e) => ({ q: JSON.parse(e.dataset.q), k: JSON.parse(e.dataset.k), mq: JSON.parse(e.dataset.modelQ), mk: JSON.parse(e.dataset.modelK) }));
      check(table.q.length === 16 && table.k.length === 16, `${table.q.length} entries`);
      table.q.forEach((v, j) => check(Math.abs(v - table.mq[j]) < 1e-4, `Q[${j}] = ${v}, the model's ${table.mq[j]}`));
      table.k.forEach((v, j) => check(Math.abs(v - table.mk[j]) < 1e-4, `K[${j}] = ${v}, the model's ${table.mk[j]}`));
      check(table.q.some((v, j) => Math.abs(v - table.k[j]) > 1e-3), 'Q and K are the same vector');
      // The table shows those numbers, a row per entry.
      const shown = await page.$$eval('#breakdown-table [data-entry]', (cells) => cells.map((c) => [c.dataset.entry, Number(c.textContent.replace('−', '-'))]));
      check(shown.length === 32, `the table shows ${shown.length} entries`);
      for (const [entry, value] of shown) {
        const data = entry[0] === 'q' ? table.q : table.k;
        check(Math.abs(value - data[Number(entry.slice(1))]) < 1e-4, `${entry} shows ${value}, its number is ${data[Number(entry.slice(1))]}`);
      }
    }
    await page.focus('[data-entry="k1"]');
    const terms = await page.textContent('#breakdown-terms');
    check(terms.includes('K[2]') && terms.includes('32 terms'), `the terms of K[2]: ${terms}`);
  });

  await test('lessons: update 0 and now are the same face through different weights', async () => {
    await page.waitForSelector('#then-face[data-cls-row]');
    const then = await page.$eval('#then-face', (e) => JSON.parse(e.dataset.clsRow));
    const now = await page.$eval('#now-face', (e) => JSON.parse(e.dataset.clsRow));
    check(then.length === now.length && then.length === 17, `rows of ${then.length} and ${now.length}`);
    check(Math.abs(then.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'the row of update 0 is not a softmax');
    check(then.some((v, i) => Math.abs(v - now[i]) > 1e-4), 'training did not change the attention');
  });

  await test('lessons: a shared address reopens the same lesson, language and settings', async () => {
    const { page: shared, context } = await openPage(browser, origin, '?device=cpu&lesson=5&lang=fr&model=small&seed=9&data=synthetic&classroom=1');
    try {
      await backendOf(shared, 60_000);
      await shared.waitForSelector('#step:not([disabled])', { timeout: 60_000 });
      check((await shared.textContent('#lesson-progress')).includes('Leçon 5 sur 8'), await shared.textContent('#lesson-progress'));
      check(await shared.evaluate(() => document.documentElement.lang) === 'fr', 'not in French');
      check(await shared.$eval('#preset', (s) => s.value) === 'small', 'the model is not small');
      check(await shared.$eval('#seed', (s) => s.value) === '9', 'the seed is not 9');
      check(await shared.evaluate(() => document.body.classList.contains('classroom')), 'not in classroom mode');
      check(!(await shared.isVisible('#optimizer')), 'classroom mode shows the advanced settings');
      await shared.waitForFunction(() => document.querySelector('.panel.lesson-target')?.id === 'qk-playground');
      const params = new URL(shared.url()).searchParams;
      check(params.get('lesson') === '5' && params.get('seed') === '9' && params.get('model') === 'small' && params.get('lang') === 'fr', shared.url());
    } finally {
      await context.close();
    }
  });
}

/** WCAG contrast of every piece of visible text against the background it sits on. */
export async function contrastTest(page, { test, check }) {
  await test('accessibility: every visible text passes WCAG AA contrast; the maps answer the keyboard', async () => {
    const failures = await page.evaluate(() => {
      const rgba = (text) => {
        const m = text.match(/rgba?\(([^)]+)\)/);
        if (!m) return null;
        const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
        return [r, g, b, a];
      };
      const luminance = ([r, g, b]) => {
        const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = (el) => {
        // Layers from the element up, composited over white.
        const layers = [];
        for (let e = el; e; e = e.parentElement) {
          const c = rgba(getComputedStyle(e).backgroundColor);
          if (c && c[3] > 0) layers.push(c);
          if (c && c[3] === 1) break;
        }
        let out = [255, 255, 255];
        for (const [r, g, b, a] of layers.reverse()) out = [r * a + out[0] * (1 - a), g * a + out[1] * (1 - a), b * a + out[2] * (1 - a)];
        return out;
      };
      const bad = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!node.textContent.trim() || !el || el.closest('[disabled], svg, option, canvas')) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none' || el.getClientRects().length === 0) continue;
        if (el.closest('.visually-hidden')) continue;
        const colour = rgba(style.color);
        const back = background(el);
        const fg = colour[3] < 1 ? colour.slice(0, 3).map((c, i) => c * colour[3] + back[i] * (1 - colour[3])) : colour;
        const [l1, l2] = [luminance(fg), luminance(back)].sort((a, b) => b - a);
        const ratio = (l1 + 0.05) / (l2 + 0.05);
        const size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) bad.push(`${ratio.toFixed(2)} "${node.textContent.trim().slice(0, 30)}" (${el.tagName.toLowerCase()}.${el.className})`);
      }
      return bad;
    });
    check(failures.length === 0, `low contrast: ${failures.slice(0, 8).join('; ')}`);
    // The score map read with the keyboard: focus, then the arrows move the read cell.
    await page.locator('#attention').scrollIntoViewIfNeeded();
    await page.focus('#attention-map');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#attention-readout');
    const cell = await page.$eval('#attention-readout', (e) => [Number(e.dataset.query), Number(e.dataset.key)]);
    check(cell[0] === 1 && cell[1] === 2, `the keyboard reads cell ${cell}`);
  });
}

/** At a phone's width, in French (its words are the longer), every panel's contents fit the
 *  panel: each panel contains its painting (style.css), so anything wider would be cut off, as
 *  the Q·K playground's plane was (two thirds of it out of sight at 420 px). What scrolls in a
 *  scroll container of its own, and the text of a closed help, are not counted. */
export async function narrowTest(browser, origin, { test, check }) {
  await test('narrow screens: at 360 px, in French, every panel holds its contents', async () => {
    const { page, context } = await openPage(browser, origin, '?device=cpu&lang=fr&workers=1&model=tiny', { width: 360, height: 800 });
    try {
      await backendOf(page, 60_000);
      await page.waitForSelector('#step:not([disabled])', { timeout: 60_000 });
      for (let i = 0; i < 2; i += 1) {
        const n = await stepCount(page);
        await page.click('#step');
        await untilStep(page, n + 1, 60_000);
      }
      const ids = await page.$$eval('section.panel', (panels) => panels.map((p) => p.id));
      check(ids.length >= 15, `only ${ids.length} panels`);
      for (const id of ids) {
        await page.$eval(`#${id}`, (e) => e.scrollIntoView());
        // Brought up to date once in view (ui/sight.rs), then laid out.
        await page.waitForTimeout(300);
        const over = await page.$eval(`#${id}`, (panel) => {
          const box = panel.getBoundingClientRect();
          const found = [];
          for (const e of panel.querySelectorAll('*')) {
            const r = e.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue;
            if (e.closest('details:not([open])') && !e.closest('summary')) continue;
            let scrolls = false;
            for (let p = e.parentElement; p && p !== panel; p = p.parentElement) {
              const style = getComputedStyle(p);
              if (/auto|scroll|hidden/.test(style.overflowX)) { scrolls = true; break; }
            }
            if (!scrolls && (r.right > box.right + 1 || r.left < box.left - 1)) {
              found.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className?.baseVal ?? e.className} by ${Math.round(Math.max(r.right - box.right, box.left - r.left))} px`);
            }
          }
          return found.slice(0, 3);
        });
        check(over.length === 0, `${id} at 360 px: ${over.join(', ')}`);
      }
    } finally {
      await context.close();
    }
  });
}
