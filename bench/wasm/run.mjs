// Median ms per train step of the wasm32 build, per preset and CPU backend, in Node.js (V8).
// Usage: node bench/wasm/run.mjs <folder with wasm_bench.js> [batch]
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import path from "node:path";

const require = createRequire(import.meta.url);
const folder = path.resolve(process.argv[2] ?? "target/wasm-bench");
const batch = Number(process.argv[3] ?? 32);
const { StepBench } = require(path.join(folder, "wasm_bench.js"));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

console.log(`Node.js ${process.version} (V8 ${process.versions.v8}), wasm32 + SIMD128, single thread`);
console.log("| preset | backend | batch | first step ms | median ms/step | min ms/step |");
console.log("|---|---|---|---|---|---|");
for (const preset of ["tiny", "small"]) {
  for (const backend of ["flex", "ndarray"]) {
    const bench = new StepBench(preset, backend, batch);
    let t = performance.now();
    bench.step();
    const first = performance.now() - t;
    for (let i = 0; i < 4; i++) bench.step();
    const times = [];
    const steps = preset === "tiny" ? 30 : 10;
    for (let i = 0; i < steps; i++) {
      t = performance.now();
      const loss = bench.step();
      times.push(performance.now() - t);
      if (!Number.isFinite(loss)) throw new Error(`non-finite loss ${loss}`);
    }
    console.log(`| ${preset} | ${backend} | ${batch} | ${first.toFixed(1)} | ${median(times).toFixed(2)} | ${Math.min(...times).toFixed(2)} |`);
    bench.free();
  }
}
