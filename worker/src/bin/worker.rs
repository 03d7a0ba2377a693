//! The training worker on the CPU only (burn-flex): what the page loads unless the learner
//! trains on WebGPU, and what every helper runs.

fn main() {
    worker::main()
}
