//! Handing a burn-flex tensor's elements to the kernels' loops.

#![cfg(feature = "flex")]

use burn::backend::flex::{FlexTensor, Layout};
use burn::backend::{Bytes, DType, TensorMetadata};

/// The f32 tensor as a contiguous one of its own, whose storage is exactly its elements: the
/// tensor itself when nothing else holds it and it already is one (the kernel then writes in
/// place), a copy otherwise. Other element types come back as `Err`, untouched.
pub fn f32_owned(tensor: FlexTensor) -> Result<FlexTensor, FlexTensor> {
    if tensor.dtype() != DType::F32 {
        return Err(tensor);
    }
    let n = tensor.layout().num_elements();
    if tensor.is_unique()
        && tensor.layout().contiguous_offsets() == Some((0, n))
        && tensor.storage::<f32>().len() == n
    {
        return Ok(tensor);
    }
    let contiguous = tensor.to_contiguous();
    let values = contiguous
        .as_slice::<f32>()
        .expect("a contiguous f32 tensor")
        .to_vec();
    Ok(FlexTensor::new(
        Bytes::from_elems(values),
        Layout::contiguous(tensor.shape()),
        DType::F32,
    ))
}
