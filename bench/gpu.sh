#!/usr/bin/env bash
# The speed issue's figures on a graphics card, in one command, for a machine that has one
# (none was lent where this was written): Burn natively on Vulkan (burn-wgpu) beside the CPU
# (burn-flex, every core) for `small` and `vit-s14`, then the page's own comparison of WebGPU
# and the CPU (the "Time WebGPU and the CPU" button) in Chromium on the card.
#
# Needs what `cargo xtask test` installs (the wasm target, Trunk, wasm-bindgen-cli, Chromium,
# the tests' npm packages) and the card's Vulkan driver. The native build compiles the whole
# GPU stack (tens of minutes on 2 cores). Figures go to BENCHMARKS.md by hand, with this
# command and the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release -p vitp --features wgpu
target/release/vitp bench --presets small,vit-s14 --backends flex,wgpu --batch 32 --warmup 3 --steps 10

trunk build --release
cd tests
npm ci --no-audit --no-fund
VITP_GPU=hardware VITP_MODELS=tiny,small,vit-s14 npm run bench:devices
