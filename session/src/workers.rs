//! Helpers: other workers that compute shares of an update (see [`model::share`]), so that
//! one run uses every core the learner asked for.
//!
//! The session decides how many take part and hands them their jobs; how a job reaches a
//! helper is the worker program's business (Web Workers and `postMessage` in the page,
//! [`InThread`] natively). A helper that fails loses nothing: the training worker computes
//! its share itself, and carries on alone.

use std::future::Future;
use std::pin::Pin;

use model::burn::tensor::Device;
pub use model::share::{ShareGradients, ShareJob, ShareWorker};
use model::{BackendError, TrainError};

pub use vocab::protocol::MAX_WORKERS;

/// Why the helpers' answers did not come.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum HelperLost {
    /// A helper's worker died or could not be started (the browser's words).
    #[error("a helper worker stopped: {0}")]
    Died(String),
    /// A helper could not compute its share.
    #[error(transparent)]
    Failed(#[from] TrainError),
    /// A helper's backend did not start.
    #[error(transparent)]
    NoDevice(#[from] BackendError),
}

/// What a helper worker posts to the training worker: that it is listening (messages
/// sent to a worker before its program listens are lost), then one answer per job, whose
/// gradients travel beside it as bytes.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum HelperMessage {
    Ready,
    Done(Result<ShareGradients, TrainError>),
    /// The helper's CPU backend did not start.
    NoDevice(BackendError),
    /// A job the helper could not read, in the decoder's words.
    Unreadable(String),
}

/// The device a helper computes on: the CPU backend the training worker uses.
pub async fn helper_device() -> Result<Device, BackendError> {
    model::device_async(model::default_cpu()).await
}

/// The helpers' gradients, in job order, once every one has answered.
pub type Answers = Pin<Box<dyn Future<Output = Result<Vec<ShareGradients>, HelperLost>>>>;

/// Other workers that compute shares of an update.
pub trait Helpers {
    /// Keeps `count` helpers ready, starting or stopping workers.
    fn set_count(&mut self, count: usize);
    /// Helpers started (some may still be loading their program).
    fn count(&self) -> usize;
    /// Helpers listening, ready for a job now: an update is shared between them only, so
    /// that the first updates do not wait for the others to load.
    fn ready(&self) -> usize;
    /// Hands job `i` to the `i`-th ready helper, all of them before returning, so that they
    /// compute while the training worker computes its own share; the answers come in job
    /// order.
    fn compute(&mut self, jobs: &[ShareJob], weights: &[f32]) -> Answers;
}

/// Helpers in the training worker's own thread, one job after the other: the same code and
/// the same numbers as the page's helper workers, without the parallelism (native runs
/// and tests).
pub struct InThread {
    count: usize,
    worker: ShareWorker,
}

impl InThread {
    /// `device` must be an autodiff CPU device.
    pub fn new(device: Device) -> Self {
        Self {
            count: 0,
            worker: ShareWorker::new(device),
        }
    }
}

impl Helpers for InThread {
    fn set_count(&mut self, count: usize) {
        self.count = count;
    }

    fn count(&self) -> usize {
        self.count
    }

    fn ready(&self) -> usize {
        self.count
    }

    fn compute(&mut self, jobs: &[ShareJob], weights: &[f32]) -> Answers {
        let answers: Result<Vec<_>, HelperLost> = jobs
            .iter()
            .map(|job| Ok(self.worker.compute(job, weights)?))
            .collect();
        Box::pin(std::future::ready(answers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::BackendDevice;

    #[test]
    fn in_thread_helpers_answer_each_job_in_order() {
        let device = model::default_cpu().device().unwrap();
        let config = model::VitConfig::new(3).with_depth(1);
        let weights = {
            use model::VitInit;
            model::share::flat_weights(&config.init(&device).unwrap()).unwrap()
        };
        let job = |label: usize| ShareJob {
            config: config.clone(),
            batch_size: 4,
            images: vec![0.5; 2 * config.image_len()],
            labels: vec![label, label],
        };
        let mut helpers = InThread::new(device);
        helpers.set_count(2);
        let answers =
            futures::executor::block_on(helpers.compute(&[job(0), job(2)], &weights)).unwrap();
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0].gradients.len(), weights.len());
        // The same images, another person: another loss and other gradients.
        assert_ne!(answers[0].true_log_prob, answers[1].true_log_prob);
        assert_ne!(answers[0].gradients, answers[1].gradients);
        let wrong = futures::executor::block_on(helpers.compute(&[job(0)], &weights[1..]));
        assert!(matches!(
            wrong,
            Err(HelperLost::Failed(TrainError::ShareDoesNotFit { .. }))
        ));
    }
}
