//! One batched read of device results, waited on natively or awaited in the browser.
//!
//! WebGPU cannot read synchronously, and every read is a GPU round trip: each operation
//! registers all it needs in one [`Transaction`] and turns the data into its report here.

use burn::tensor::{TensorData, Transaction};

use crate::error::TrainError;

type Finish<T> = Box<dyn FnOnce(Vec<TensorData>) -> Result<T, TrainError>>;

/// Results still on the device, with the recipe to turn them into a `T` once read.
pub struct Pending<T> {
    transaction: Transaction,
    finish: Finish<T>,
}

impl<T> Pending<T> {
    pub(crate) fn new(
        transaction: Transaction,
        finish: impl FnOnce(Vec<TensorData>) -> Result<T, TrainError> + 'static,
    ) -> Self {
        Self {
            transaction,
            finish: Box::new(finish),
        }
    }

    /// The same read, turned into something else once it is done.
    pub fn map<U: 'static>(
        self,
        then: impl FnOnce(T) -> Result<U, TrainError> + 'static,
    ) -> Pending<U>
    where
        T: 'static,
    {
        let finish = self.finish;
        Pending::new(self.transaction, move |data| then(finish(data)?))
    }

    /// Blocks until the data is read: native code, and CPU backends in the browser.
    pub fn wait(self) -> Result<T, TrainError> {
        let data = self
            .transaction
            .try_execute()
            .map_err(|e| TrainError::Readback(format!("{e:?}")))?;
        (self.finish)(data)
    }

    /// Awaits the data without blocking: required for WebGPU in the browser.
    pub async fn resolve(self) -> Result<T, TrainError> {
        let data = self
            .transaction
            .execute_async()
            .await
            .map_err(|e| TrainError::Readback(format!("{e:?}")))?;
        (self.finish)(data)
    }
}

/// Reads any tensor data as `f32`, whatever its stored element type.
pub(crate) fn floats(data: &TensorData) -> Vec<f32> {
    data.iter::<f32>().collect()
}

/// Reads integer tensor data as indices.
pub(crate) fn indices(data: &TensorData) -> Vec<usize> {
    data.iter::<i64>().map(|i| i.max(0) as usize).collect()
}

/// Splits a flat vector into consecutive pieces of the given lengths.
pub(crate) struct Cursor<'a> {
    values: &'a [f32],
    at: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(values: &'a [f32]) -> Self {
        Self { values, at: 0 }
    }

    pub fn take(&mut self, len: usize) -> &'a [f32] {
        let piece = &self.values[self.at..self.at + len];
        self.at += len;
        piece
    }

    pub fn one(&mut self) -> f32 {
        self.take(1)[0]
    }
}
