// WebGPU beside the CPU, as the page times them (the "Time WebGPU and the CPU" button,
// app/src/ui/advice.rs): for each model, the first update and the median of the next ones on
// each device, from fresh weights, in the same worker. `npm run bench:devices` in tests/ after
// `trunk build --release`; VITP_MODELS=tiny,small (the default), each timed on VITP_VISITS=2
// page loads in the same browser (the second shows what the browser itself keeps of the
// compiled shaders between loads). Figures go to BENCHMARKS.md by hand, with the command.
//
// Here WebGPU is Chromium's SwiftShader (software Vulkan on the CPU) unless the machine has a
// graphics card Chromium uses: the adapter is printed first.

import { serveDist, launch, openPage, backendOf } from './harness.mjs';

const MODELS = (process.env.VITP_MODELS ?? 'tiny,small').split(',');
const LIMIT_MS = 600_000;
const VISITS = Number(process.env.VITP_VISITS ?? 2);

const server = await serveDist();
const browser = await launch();
const rows = [];
try {
  for (const model of MODELS) for (let visit = 1; visit <= VISITS; visit += 1) {
    const { page, context } = await openPage(browser, server.origin, `?device=gpu&lang=en&model=${model}&workers=1`);
    try {
      if (rows.length === 0) {
        const adapter = await page.evaluate(async () => {
          const a = await navigator.gpu?.requestAdapter();
          const i = a?.info ?? {};
          return a ? [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' ') : 'none';
        });
        console.log(`WebGPU adapter: ${adapter}`);
      }
      await backendOf(page, LIMIT_MS);
      await page.waitForSelector('#compare-devices:not([disabled])', { timeout: LIMIT_MS });
      await page.click('#compare-devices');
      await page.waitForFunction(() => document.querySelector('#device-advice')?.dataset.timed, null, { timeout: LIMIT_MS });
      const { cpu, gpu } = JSON.parse(await page.$eval('#device-advice', (e) => e.dataset.timed));
      const ms = (v) => `${Math.round(v).toLocaleString('en-US')} ms`;
      const ratio = gpu ? (gpu.update_ms / cpu.update_ms).toFixed(1) : '–';
      rows.push(`| ${model} | ${visit} | ${ms(cpu.first_ms)} | ${ms(cpu.update_ms)} (${cpu.updates}) | ${gpu ? ms(gpu.first_ms) : '–'} | ${gpu ? `${ms(gpu.update_ms)} (${gpu.updates})` : '–'} | ${ratio}× |`);
      console.log(rows.at(-1));
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
console.log('\n| model | visit | CPU first update | CPU per update (median of) | WebGPU first update | WebGPU per update (median of) | WebGPU ÷ CPU |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
