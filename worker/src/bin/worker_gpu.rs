//! The training worker with WebGPU (burn-wgpu) beside the CPU: what the page loads for a
//! learner who trains on the graphics card.

fn main() {
    worker::main()
}
