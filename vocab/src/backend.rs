//! Which device the model trains on, by name: chosen at run time, as Burn 0.22 does. The
//! `model` crate opens the device; the page only names it.

use core::fmt;
use core::str::FromStr;

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
