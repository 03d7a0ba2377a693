//! Opening the device a [`Backend`] names: the backends this build compiled in.
//!
//! The name lives in `vocab` (the page shows it without linking Burn); opening the device
//! is Burn's business, so it lives here.

use burn::tensor::Device;
pub use vocab::Backend;

use crate::error::BackendError;

/// What this build can do with a [`Backend`].
pub trait BackendDevice: Sized {
    /// Whether this build can run it at all.
    fn compiled(self) -> bool;

    /// An autodiff device on this backend, ready for training. Native code only for wgpu:
    /// in the browser, WebGPU must be started with [`device_async`].
    fn device(self) -> Result<Device, BackendError>;
}

impl BackendDevice for Backend {
    fn compiled(self) -> bool {
        match self {
            Backend::Flex => cfg!(feature = "flex"),
            Backend::NdArray => cfg!(feature = "ndarray"),
            Backend::Wgpu => cfg!(feature = "wgpu"),
        }
    }

    #[allow(unreachable_code, unreachable_patterns, unused_variables)] // builds with fewer backends
    fn device(self) -> Result<Device, BackendError> {
        let device: Device = match self {
            #[cfg(feature = "flex")]
            Backend::Flex => Device::flex(),
            #[cfg(feature = "ndarray")]
            #[allow(deprecated)]
            // Burn 0.22 prefers flex; ndarray stays selectable to compare.
            Backend::NdArray => Device::ndarray(),
            #[cfg(all(feature = "wgpu", not(target_family = "wasm")))]
            Backend::Wgpu => Device::wgpu(Default::default()),
            other => return Err(BackendError::NotCompiled(other)),
        };
        Ok(device.autodiff())
    }
}

/// The default CPU backend of this build: flex where compiled in (it measured faster, see
/// BENCHMARKS.md), else ndarray.
pub fn default_cpu() -> Backend {
    if cfg!(feature = "flex") {
        Backend::Flex
    } else {
        Backend::NdArray
    }
}

/// Like [`BackendDevice::device`], but starts WebGPU asynchronously, as the browser requires,
/// and once per program: cubecl registers one runtime per device, so a second start fails
/// ("a server is still registered"); the run moving back to WebGPU, or timed there beside
/// the run, gets the device started first.
pub async fn device_async(backend: Backend) -> Result<Device, BackendError> {
    match backend {
        #[cfg(feature = "wgpu")]
        Backend::Wgpu => {
            if let Some(device) = STARTED_WGPU.with(|started| started.borrow().clone()) {
                return Ok(device);
            }
            let device = Device::wgpu_options()
                .init_async()
                .await
                .map(Device::autodiff)
                .map_err(|e| match e {
                    burn::tensor::wgpu::WgpuInitError::AdapterUnavailable { .. } => {
                        BackendError::NoGpuAdapter
                    }
                    other => BackendError::GpuUnavailable(other.to_string()),
                })?;
            STARTED_WGPU.with(|started| *started.borrow_mut() = Some(device.clone()));
            Ok(device)
        }
        other => other.device(),
    }
}

#[cfg(feature = "wgpu")]
thread_local! {
    /// The WebGPU device [`device_async`] started.
    static STARTED_WGPU: std::cell::RefCell<Option<Device>> = const { std::cell::RefCell::new(None) };
}
