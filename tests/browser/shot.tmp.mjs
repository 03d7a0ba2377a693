import { serveDist, launch, untilStep } from './harness.mjs';
const server = await serveDist();
const browser = await launch();
const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2, locale: 'fr-FR' });
const page = await ctx.newPage();
page.on('pageerror', (e) => console.log('pageerror', e.message));
await page.goto(`${server.origin}/?device=cpu`);
await page.waitForSelector('#step:not([disabled])', { timeout: 60000 });
for (let i = 1; i <= 2; i++) { await page.click('#step'); await untilStep(page, i, 30000); }
await page.click('#play'); await page.waitForTimeout(4000); await page.click('#play');
await page.check('#log-scale');
await page.waitForTimeout(500);
await page.screenshot({ path: '/tmp/shots/fr-hidpi.png' });
const chart = await page.$('#loss');
await chart.screenshot({ path: '/tmp/shots/loss-hidpi.png' });
await page.selectOption('#optimizer', 'sgd');
await page.fill('#learning-rate', '1e30'); await page.press('#learning-rate', 'Enter');
for (let i = 0; i < 4 && !(await page.$('#divergence')); i++) { await page.click('#step'); await page.waitForTimeout(800); }
await page.screenshot({ path: '/tmp/shots/diverged.png' });
await ctx.close();
const narrow = await browser.newContext({ viewport: { width: 800, height: 1000 }, locale: 'en-US' });
const p2 = await narrow.newPage();
await p2.goto(`${server.origin}/?device=gpu&lang=en`);
await p2.waitForSelector('#step:not([disabled])', { timeout: 60000 });
await p2.screenshot({ path: '/tmp/shots/narrow.png' });
await browser.close(); await server.close();
