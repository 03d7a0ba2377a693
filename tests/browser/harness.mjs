// Serves the built page (dist/) and opens it in Debian's headless Chromium.
// Shared by the browser tests and the page benchmark.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, extname, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const DIST = process.env.VITP_DIST ?? join(here, '..', '..', 'dist');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/** Serves DIST on 127.0.0.1 at a free port; resolves to { origin, close, served }. */
export async function serveDist() {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html is missing: build the page first (trunk build --release)`);
  }
  const served = [];
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(DIST, path.endsWith('/') ? path + 'index.html' : path);
    try {
      const body = await readFile(file);
      served.push({ path, bytes: body.length });
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, served, close: () => new Promise((ok) => server.close(ok)) };
}

/**
 * Headless Chromium with a software WebGPU adapter (SwiftShader): see shared/docs/toolchain.md.
 * `camera`: a fake camera, granted without asking, playing this .y4m clip (or Chromium's own
 * test pattern for `true`).
 */
export async function launch({ webgpu = true, camera = null } = {}) {
  // VITP_GPU=hardware: the machine's graphics card where Chromium finds one, instead of
  // SwiftShader (for the benchmarks on a machine with a GPU).
  const software = process.env.VITP_GPU !== 'hardware'
    ? ['--use-vulkan=swiftshader', '--use-angle=swiftshader'] : [];
  const gpu = webgpu
    ? ['--enable-unsafe-webgpu', '--enable-features=Vulkan', ...software, '--enable-webgpu-developer-features']
    // VITP_COMPOSITOR=software: no GL at all (Chromium's software compositor and raster, as on
    // a machine whose GPU it will not use) instead of GL emulated by SwiftShader, which in
    // headless mode spends hundreds of ms per frame in SwapBuffers on this machine kind.
    : process.env.VITP_COMPOSITOR === 'software' ? ['--disable-gpu'] : ['--use-angle=swiftshader'];
  if (camera) {
    gpu.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream');
    if (typeof camera === 'string') gpu.push(`--use-file-for-fake-video-capture=${camera}`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      ...gpu,
    ],
  });
}

/**
 * A fresh page; every request outside `origin` is recorded in `foreign`. `VITP_WORKERS=N`
 * opens every page with N workers sharing each update, where the address does not say
 * (the default is one per core, up to 4): `VITP_WORKERS=1 npm test` runs the suite alone.
 */
export async function openPage(browser, origin, query, viewport = { width: 1400, height: 1000 }) {
  if (process.env.VITP_WORKERS && !/[?&]workers=/.test(query)) {
    query = `${query}${query.includes('?') ? '&' : '?'}workers=${process.env.VITP_WORKERS}`;
  }
  const context = await browser.newContext({ viewport, locale: 'en-US', deviceScaleFactor: 1 });
  const foreign = [];
  const console = [];
  // The page's own files asked for, by path (which worker program was loaded, say).
  const asked = [];
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin + '/') && !url.startsWith('data:') && !url.startsWith('blob:')) {
      foreign.push(url);
    } else if (url.startsWith(origin + '/')) {
      asked.push(new URL(url).pathname);
    }
  });
  const page = await context.newPage();
  page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  const loadStart = Date.now();
  await page.goto(`${origin}/${query}`);
  return { context, page, foreign, console, loadStart, asked };
}

/** The backend the page says it trains on, once the worker has started one. */
export async function backendOf(page, timeout) {
  await page.waitForFunction(
    () => { const b = document.querySelector('#device-status')?.dataset.backend; return b && b !== 'none'; },
    null, { timeout },
  );
  return page.$eval('#device-status', (e) => e.dataset.backend);
}

export const stepCount = (page) => page.$eval('#step-count', (e) => Number(e.textContent));
export const lossPoints = (page) => page.$eval('#loss-chart', (e) => JSON.parse(e.vitpPoints));

/** Waits until the step counter reads at least `n`. */
export function untilStep(page, n, timeout) {
  return page.waitForFunction(
    (n) => Number(document.querySelector('#step-count')?.textContent) >= n, n, { timeout },
  );
}

/**
 * The page's own time to redraw every view after single Steps (applying the events, running
 * the effects, drawing the canvases: `<body data-redraw-ms>`), over `steps` Steps, waiting
 * for each Step's probe of the attention views too; the median, the max and the median's parts.
 */
export async function redrawTimes(page, steps, timeout) {
  const times = [];
  const details = new Map();
  for (let i = 0; i < steps; i += 1) {
    const n = await stepCount(page);
    await page.evaluate(() => { delete document.body.dataset.redrawMs; });
    await page.click('#step');
    await untilStep(page, n + 1, timeout);
    await page.waitForFunction((n) => document.querySelector('#probe-caption')?.textContent.includes(`update ${n}`), n + 1, { timeout });
    await page.waitForFunction(() => document.body.dataset.redrawMs !== undefined);
    const ms = Number(await page.evaluate(() => document.body.dataset.redrawMs));
    times.push(ms);
    details.set(ms, await page.evaluate(() => document.body.dataset.redrawDetail));
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  return { median, max: times.at(-1), detail: details.get(median) };
}
