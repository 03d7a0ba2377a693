//! Which device the model trains on: chosen at run time, as Burn 0.22 does.

use core::fmt;
use core::str::FromStr;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::error::BackendError;

/// The backends the page and `vitp` can train on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// burn-flex, Burn's own CPU backend (SIMD128 on wasm): the default CPU path.
    Flex,
    /// burn-ndarray, the CPU backend the product was first specified with.
    NdArray,
    /// burn-wgpu: WebGPU in the browser, Vulkan/Metal natively.
    Wgpu,
}

impl Backend {
    pub const ALL: [Backend; 3] = [Backend::Flex, Backend::NdArray, Backend::Wgpu];

    pub fn name(self) -> &'static str {
        match self {
            Backend::Flex => "flex",
            Backend::NdArray => "ndarray",
            Backend::Wgpu => "wgpu",
        }
    }

    /// Whether this build can run it at all.
    pub fn compiled(self) -> bool {
        match self {
            Backend::Flex => cfg!(feature = "flex"),
            Backend::NdArray => cfg!(feature = "ndarray"),
            Backend::Wgpu => cfg!(feature = "wgpu"),
        }
    }

    /// The default CPU backend of this build: flex where compiled in (it measured faster,
    /// see BENCHMARKS.md), else ndarray.
    pub fn default_cpu() -> Backend {
        if cfg!(feature = "flex") {
            Backend::Flex
        } else {
            Backend::NdArray
        }
    }

    /// An autodiff device on this backend, ready for training. Native code only for wgpu:
    /// in the browser, WebGPU must be started with [`Backend::device_async`].
    #[allow(unreachable_code, unreachable_patterns, unused_variables)] // builds with fewer backends
    pub fn device(self) -> Result<Device, BackendError> {
        let device: Device = match self {
            #[cfg(feature = "flex")]
            Backend::Flex => Device::flex(),
            #[cfg(feature = "ndarray")]
            #[allow(deprecated)]
            // Burn 0.22 prefers flex; ndarray stays selectable to compare.
            Backend::NdArray => Device::ndarray(),
            #[cfg(all(feature = "wgpu", not(target_family = "wasm")))]
            Backend::Wgpu => Device::wgpu(Default::default()),
            other => return Err(BackendError::NotCompiled(other.name())),
        };
        Ok(device.autodiff())
    }

    /// Like [`Backend::device`], but starts WebGPU asynchronously, as the browser requires.
    pub async fn device_async(self) -> Result<Device, BackendError> {
        match self {
            #[cfg(feature = "wgpu")]
            Backend::Wgpu => Device::wgpu_options()
                .init_async()
                .await
                .map(Device::autodiff)
                .map_err(|e| match e {
                    burn::tensor::wgpu::WgpuInitError::AdapterUnavailable { .. } => {
                        BackendError::NoGpuAdapter
                    }
                    other => BackendError::GpuUnavailable(other.to_string()),
                }),
            other => other.device(),
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = BackendError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name() == name)
            .ok_or_else(|| BackendError::Unknown(name.to_string()))
    }
}
