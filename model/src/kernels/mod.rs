//! Operations of our own where Burn's CPU path is slow: the exact GELU and the softmax of the
//! attention, each one Burn backend extension with its own backward pass.
//!
//! On burn-flex (the page's CPU backend and `vitp`'s default) they run the loops of
//! [`lanes`], many elements at a time; on ndarray and WebGPU they are the backend's own
//! operations, so the model's numbers are the same function everywhere.

mod flex;
pub mod gelu;
pub mod lanes;
pub mod softmax;

pub use gelu::gelu;
pub use softmax::softmax_last;

/// The CPU devices this build has, for the kernels' tests against Burn's own operations.
#[cfg(test)]
#[allow(deprecated)] // burn-ndarray stays selectable to compare
fn cpu_devices() -> Vec<burn::tensor::Device> {
    use burn::tensor::Device;
    vec![
        #[cfg(feature = "flex")]
        Device::flex(),
        #[cfg(feature = "ndarray")]
        Device::ndarray(),
    ]
}
