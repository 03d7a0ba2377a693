//! The training loop, in one place: batch → forward → loss → backward → update → report.

use burn::module::{Module, Param};
use burn::optim::GradientsParams;
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Int, Tensor, TensorData, Transaction};

use crate::backward::{backward_pieces, read_backward_path};
use crate::data::{Batch, EpochPosition, EpochSampler, ImageSet, ImageShift};
use crate::error::TrainError;
use crate::optimizer::ModelOptimizer;
use crate::optimizer_memory::WqMemory;
use crate::readback::{floats, indices, Cursor, Pending};
use crate::report::{
    AttentionGradients, BlockGradientNorms, Evaluation, GradientNorms, HeadTarget, StepReport,
    TrackedEntry, TrackedValue,
};
use crate::rng::SeededRng;
use crate::share::{ShareGradients, ShareJob};
use crate::vit::{Vit, VitInit};
pub use vocab::training::TrainingOptions;
use vocab::training::{check_learning_rate, check_tracked};
pub use vocab::OptimizerKind;

/// Everything needed to go back to the state before an update.
#[derive(Clone)]
struct Checkpoint {
    model: Vit,
    optimizer: ModelOptimizer,
    memory: WqMemory,
    sampler: EpochSampler,
    steps: u64,
}

/// An update that blew up, and where the last good weights are.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Divergence {
    /// The update whose loss or gradients came back NaN or infinite.
    pub step: u64,
    pub loss: f32,
    /// Updates done in the state [`Trainer::rollback`] returns to.
    pub good_steps: u64,
}

/// What to read back besides the step report's usual numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepExtras {
    /// The full gradients of every block's Wq, Wk, Wv and Wo (for the replay dump).
    pub attention_gradients: bool,
    /// One head's backward pass through attention, for the batch's first image (the
    /// page's single Step). A head outside the model is ignored.
    pub backward_path: Option<HeadTarget>,
}

/// This worker's share of an update: its gradients, not yet added to the others'.
struct OwnShare {
    /// The weights the gradients were taken at.
    model: Vit,
    grads: GradientsParams,
    /// `[1]`: the whole batch's mean loss, or this share's part of it.
    loss: Tensor<1>,
    true_log_prob: Tensor<1>,
    log_probs: Tensor<2>,
    backward: Option<(HeadTarget, Vec<Tensor<1>>)>,
}

/// An update whose batch is split between this worker and helpers (see [`crate::share`]):
/// made by [`Trainer::share_next`], finished by [`Trainer::finish_shared`].
pub struct SharedUpdate {
    batch: Batch,
    own_share: Batch,
    position: EpochPosition,
    augmented: Vec<ImageShift>,
    checkpoint: Checkpoint,
    /// One per helper, in share order (empty when the batch was not split).
    pub jobs: Vec<ShareJob>,
    /// The weights every share's gradients are taken at, flat in module order.
    pub weights: Vec<f32>,
    own: Option<Result<OwnShare, TrainError>>,
}

/// Owns the model and its optimizer and runs exactly one update per call.
pub struct Trainer {
    options: TrainingOptions,
    device: Device,
    model: Vit,
    /// The weights at step 0, kept so the page can compare "then" and "now".
    initial: Vit,
    optimizer: ModelOptimizer,
    /// Burn's optimizer state for every Wq, repeated where the report can read it.
    memory: WqMemory,
    sampler: EpochSampler,
    steps: u64,
    /// The states before the last two updates, oldest first. A NaN loss at update k
    /// condemns the weights update k−1 made, so going back to good weights can mean
    /// going back two updates.
    checkpoints: Vec<Checkpoint>,
    /// Set when an update came back with a NaN or infinite loss or gradient.
    diverged: Option<Divergence>,
}

impl Trainer {
    /// A fresh model from the options' seed, ready to train on `examples` images.
    /// `device` must be an autodiff device (see [`crate::Backend::device`]).
    pub fn new(
        options: TrainingOptions,
        examples: usize,
        device: Device,
    ) -> Result<Self, TrainError> {
        options.validate()?;
        if examples == 0 {
            return Err(TrainError::EmptyDataset);
        }
        debug_assert!(device.is_autodiff(), "the trainer needs an autodiff device");
        let model = options.model.init(&device)?;
        Ok(Self {
            initial: model.clone(),
            model,
            optimizer: ModelOptimizer::new(options.optimizer),
            memory: WqMemory::new(options.optimizer),
            sampler: EpochSampler::new(examples, options.batch_size, options.model.seed),
            steps: 0,
            checkpoints: Vec::new(),
            diverged: None,
            options,
            device,
        })
    }

    pub fn options(&self) -> &TrainingOptions {
        &self.options
    }

    pub fn model(&self) -> &Vit {
        &self.model
    }

    /// The model as it was before the first update.
    pub fn initial_model(&self) -> &Vit {
        &self.initial
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    pub(crate) fn optimizer(&self) -> &ModelOptimizer {
        &self.optimizer
    }

    pub(crate) fn memory(&self) -> &WqMemory {
        &self.memory
    }

    pub(crate) fn sampler(&self) -> &EpochSampler {
        &self.sampler
    }

    /// This fresh trainer, carried on from a kept state (see [`crate::run_file`]).
    pub(crate) fn resumed(
        self,
        model: Vit,
        initial: Vit,
        optimizer: ModelOptimizer,
        memory: WqMemory,
        sampler: EpochSampler,
        steps: u64,
    ) -> Self {
        Self {
            model,
            initial,
            optimizer,
            memory,
            sampler,
            steps,
            checkpoints: Vec::new(),
            diverged: None,
            ..self
        }
    }

    /// Updates done so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Where the last update's batch sat in its epoch; `None` before the first update.
    pub fn position(&self) -> Option<vocab::EpochPosition> {
        self.sampler.position()
    }

    /// `ceil(training images / batch size)`.
    pub fn updates_per_epoch(&self) -> usize {
        self.sampler.updates_per_epoch()
    }

    /// The update that diverged, while it has not been rolled back.
    pub fn diverged(&self) -> Option<Divergence> {
        self.diverged
    }

    /// Takes effect from the next update.
    pub fn set_learning_rate(&mut self, lr: f64) -> Result<(), TrainError> {
        check_learning_rate(lr)?;
        self.options.learning_rate = lr;
        Ok(())
    }

    /// Shifts and mirrors from the next update on.
    pub fn set_augmentation(&mut self, augmentation: crate::data::Augmentation) {
        self.options.augmentation = augmentation;
    }

    /// Switches optimizer from the next update; the new one starts with empty state.
    pub fn set_optimizer(&mut self, optimizer: OptimizerKind) {
        self.options.optimizer = optimizer;
        self.optimizer = ModelOptimizer::new(optimizer);
        self.memory = WqMemory::new(optimizer);
    }

    /// Takes effect from the next update, keeping the place in the epoch.
    pub fn set_batch_size(&mut self, batch_size: usize) -> Result<(), TrainError> {
        if batch_size == 0 {
            return Err(TrainError::ZeroBatch);
        }
        self.options.batch_size = batch_size;
        self.sampler.set_batch_size(batch_size);
        Ok(())
    }

    pub fn set_tracked(&mut self, entry: TrackedEntry) -> Result<(), TrainError> {
        check_tracked(&self.options.model, entry)?;
        self.options.tracked = entry;
        Ok(())
    }

    /// After a divergence, goes back to the last weights whose loss was finite; otherwise
    /// undoes the latest update. Counters, optimizer state and the epoch's order go back too.
    pub fn rollback(&mut self) -> Result<(), TrainError> {
        let target = match self.diverged {
            Some(divergence) => divergence.good_steps,
            None => self
                .steps
                .checked_sub(1)
                .ok_or(TrainError::NothingToRollBack)?,
        };
        let index = self
            .checkpoints
            .iter()
            .position(|c| c.steps == target)
            .ok_or(TrainError::NothingToRollBack)?;
        let checkpoint = self.checkpoints.swap_remove(index);
        self.checkpoints.clear();
        self.model = checkpoint.model;
        self.optimizer = checkpoint.optimizer;
        self.memory = checkpoint.memory;
        self.sampler = checkpoint.sampler;
        self.steps = checkpoint.steps;
        self.diverged = None;
        Ok(())
    }

    /// One update on the next batch of `data`, blocking for the read-back (native code).
    pub fn step(&mut self, data: &impl ImageSet) -> Result<StepReport, TrainError> {
        self.step_with(data, StepExtras::default())
    }

    /// [`Trainer::step`], reading back `extras` too.
    pub fn step_with(
        &mut self,
        data: &impl ImageSet,
        extras: StepExtras,
    ) -> Result<StepReport, TrainError> {
        let pending = self.begin_next(data, extras)?;
        let report = pending.wait()?;
        Ok(self.settle(report))
    }

    /// One update on the next batch of `data`, awaiting the read-back (the browser).
    pub async fn step_async(
        &mut self,
        data: &impl ImageSet,
        extras: StepExtras,
    ) -> Result<StepReport, TrainError> {
        let pending = self.begin_next(data, extras)?;
        let report = pending.resolve().await?;
        Ok(self.settle(report))
    }

    /// One update on a batch chosen by the caller (the replay dump, tests). It counts as
    /// the next update but leaves the epoch's order alone.
    pub fn step_on(&mut self, batch: &Batch, extras: StepExtras) -> Result<StepReport, TrainError> {
        // Counted as if every update so far had been a full batch.
        let updates_per_epoch = self.sampler.updates_per_epoch();
        let position = EpochPosition {
            epoch: self.steps / updates_per_epoch as u64 + 1,
            update_in_epoch: (self.steps % updates_per_epoch as u64) as usize + 1,
            updates_per_epoch,
            examples: self.sampler.examples(),
        };
        let checkpoint = self.checkpoint();
        let pending = self.begin(batch, position, extras, Vec::new())?;
        self.remember(checkpoint);
        let report = pending.wait()?;
        Ok(self.settle(report))
    }

    fn begin_next(
        &mut self,
        data: &impl ImageSet,
        extras: StepExtras,
    ) -> Result<Pending<StepReport>, TrainError> {
        let (checkpoint, batch, position, shifts) = self.draw_batch(data)?;
        let pending = self.begin(&batch, position, extras, shifts);
        self.kept_or_undone(checkpoint, pending)
    }

    /// Keeps the state before an update that was made; after one that could not be made
    /// (which fails before touching the model), puts the sampler back as it was.
    fn kept_or_undone(
        &mut self,
        checkpoint: Checkpoint,
        pending: Result<Pending<StepReport>, TrainError>,
    ) -> Result<Pending<StepReport>, TrainError> {
        match pending {
            Ok(pending) => {
                self.remember(checkpoint);
                Ok(pending)
            }
            Err(error) => {
                self.sampler = checkpoint.sampler;
                Err(error)
            }
        }
    }

    /// The next batch of `data`, shifted as the augmentation says, with the state before it
    /// was drawn (to go back to if the update cannot be made).
    fn draw_batch(
        &mut self,
        data: &impl ImageSet,
    ) -> Result<(Checkpoint, Batch, EpochPosition, Vec<ImageShift>), TrainError> {
        self.check_data(data)?;
        if let Some(Divergence { step, loss, .. }) = self.diverged {
            return Err(TrainError::Diverged { step, loss });
        }
        let checkpoint = self.checkpoint();
        let (indices, position) = self.sampler.next_batch();
        let mut batch = Batch::gather(data, &indices);
        let config = &self.options.model;
        let mut rng = SeededRng::for_stream(config.seed, &format!("augment.{}", self.steps + 1));
        let shifts = self.options.augmentation.apply(
            &mut batch,
            config.channels,
            config.image_size,
            &mut rng,
        );
        Ok((checkpoint, batch, position, shifts))
    }

    /// Starts the next update with its batch split in `parts` shares (fewer if the batch
    /// is smaller): the first share is this worker's, the others are the update's
    /// [`SharedUpdate::jobs`], for helpers to compute from [`SharedUpdate::weights`].
    pub fn share_next(
        &mut self,
        data: &impl ImageSet,
        parts: usize,
    ) -> Result<SharedUpdate, TrainError> {
        let weights = crate::share::flat_weights(&self.model)?;
        let (checkpoint, batch, position, augmented) = self.draw_batch(data)?;
        let config = &self.options.model;
        let ranges = crate::share::share_ranges(batch.len(), parts);
        let image_len = config.image_len();
        let part = |range: &std::ops::Range<usize>| Batch {
            images: batch.images[range.start * image_len..range.end * image_len].to_vec(),
            labels: batch.labels[range.clone()].to_vec(),
            indices: batch.indices[range.clone()].to_vec(),
        };
        let jobs = ranges[1..]
            .iter()
            .map(|range| {
                let share = part(range);
                ShareJob {
                    config: config.clone(),
                    batch_size: batch.len(),
                    images: share.images,
                    labels: share.labels,
                }
            })
            .collect();
        Ok(SharedUpdate {
            own_share: part(&ranges[0]),
            batch,
            position,
            augmented,
            checkpoint,
            jobs,
            weights,
            own: None,
        })
    }

    /// This worker's share of `update`: called once the jobs are with the helpers, so that
    /// every worker computes at the same time.
    pub fn compute_own_share(&self, update: &mut SharedUpdate, extras: StepExtras) {
        update.own = Some(self.backward_share(&update.own_share, update.batch.len(), extras));
    }

    /// Adds the helpers' gradients (one per job, in order) to this worker's share and
    /// makes the update. On any error the trainer is as it was before [`Trainer::share_next`].
    pub fn finish_shared(
        &mut self,
        update: SharedUpdate,
        extras: StepExtras,
        others: Vec<ShareGradients>,
    ) -> Result<Pending<StepReport>, TrainError> {
        let SharedUpdate {
            batch,
            position,
            augmented,
            checkpoint,
            jobs,
            own,
            ..
        } = update;
        let missing = TrainError::SharesMissing {
            got: others.len() + usize::from(matches!(own, Some(Ok(_)))),
            expected: jobs.len() + 1,
        };
        let pending = match own {
            Some(Ok(own)) if others.len() == jobs.len() => {
                self.update_from(own, others, &batch, position, extras, augmented)
            }
            Some(Err(error)) => Err(error),
            _ => Err(missing),
        };
        self.kept_or_undone(checkpoint, pending)
    }

    /// [`Trainer::finish_shared`], waiting for the read-back (native: `vitp bench --shares`).
    pub fn finish_shared_sync(
        &mut self,
        update: SharedUpdate,
        extras: StepExtras,
        others: Vec<ShareGradients>,
    ) -> Result<StepReport, TrainError> {
        let report = self.finish_shared(update, extras, others)?.wait()?;
        Ok(self.settle(report))
    }

    /// [`Trainer::finish_shared`], awaiting the read-back (the browser).
    pub async fn finish_shared_async(
        &mut self,
        update: SharedUpdate,
        extras: StepExtras,
        others: Vec<ShareGradients>,
    ) -> Result<StepReport, TrainError> {
        let report = self
            .finish_shared(update, extras, others)?
            .resolve()
            .await?;
        Ok(self.settle(report))
    }

    /// Keeps the state before an update, and the one before that.
    fn remember(&mut self, checkpoint: Checkpoint) {
        if self.checkpoints.len() == 2 {
            self.checkpoints.remove(0);
        }
        self.checkpoints.push(checkpoint);
    }

    fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            model: self.model.clone(),
            optimizer: self.optimizer.clone(),
            memory: self.memory.clone(),
            sampler: self.sampler.clone(),
            steps: self.steps,
        }
    }

    /// A NaN loss at update k was computed on the weights update k−1 made: those are bad,
    /// and the good ones are two updates back. A finite loss with NaN gradients condemns
    /// only the weights this update made.
    fn settle(&mut self, report: StepReport) -> StepReport {
        let good_steps = if !report.loss.is_finite() {
            Some(report.step.saturating_sub(2))
        } else if !report.gradient_norms.all_finite() {
            Some(report.step - 1)
        } else {
            None
        };
        if let Some(good_steps) = good_steps {
            // Only states we still hold can be returned to.
            let oldest = self.checkpoints.first().map_or(good_steps, |c| c.steps);
            self.diverged = Some(Divergence {
                step: report.step,
                loss: report.loss,
                good_steps: good_steps.max(oldest),
            });
        }
        report
    }

    fn check_data(&self, data: &impl ImageSet) -> Result<(), TrainError> {
        if data.is_empty() {
            return Err(TrainError::EmptyDataset);
        }
        let expected = self.options.model.image_len();
        if data.image_len() != expected {
            return Err(TrainError::ImageShapeMismatch {
                expected,
                got: data.image_len(),
            });
        }
        Ok(())
    }

    fn batch_tensors(
        &self,
        batch: &Batch,
        device: &Device,
    ) -> Result<(Tensor<4>, Tensor<1, Int>), TrainError> {
        let config = &self.options.model;
        let classes = config.classes;
        if let Some(&label) = batch.labels.iter().find(|&&l| l >= classes) {
            return Err(TrainError::LabelOutOfRange { label, classes });
        }
        let expected = batch.len() * config.image_len();
        if batch.images.len() != expected || batch.is_empty() {
            return Err(TrainError::ImageShapeMismatch {
                expected: config.image_len(),
                got: batch.images.len() / batch.len().max(1),
            });
        }
        let shape = [
            batch.len(),
            config.channels,
            config.image_size,
            config.image_size,
        ];
        let images = Tensor::<4>::from_data(TensorData::new(batch.images.clone(), shape), device);
        let labels: Vec<i64> = batch.labels.iter().map(|&l| l as i64).collect();
        let labels = Tensor::<1, Int>::from_data(TensorData::new(labels, [batch.len()]), device);
        Ok((images, labels))
    }

    /// Forward → loss → backward → update, all queued on the device; the numbers of the
    /// report come back in one read.
    fn begin(
        &mut self,
        batch: &Batch,
        position: EpochPosition,
        extras: StepExtras,
        augmented: Vec<ImageShift>,
    ) -> Result<Pending<StepReport>, TrainError> {
        let own = self.backward_share(batch, batch.len(), extras)?;
        self.update_from(own, Vec::new(), batch, position, extras, augmented)
    }

    /// The forward and backward pass of `share` (the whole batch, or this worker's first
    /// part of it, see [`crate::share`]), with the loss divided by `whole` images.
    fn backward_share(
        &self,
        share: &Batch,
        whole: usize,
        extras: StepExtras,
    ) -> Result<OwnShare, TrainError> {
        let (images, labels) = self.batch_tensors(share, &self.device)?;
        let model = self.model.clone();

        // Forward and loss; with a backward path asked for, a tap on that block's
        // attention output (see `Vit::forward_tapped`).
        let config = &self.options.model;
        let target = extras
            .backward_path
            .filter(|t| t.block < config.depth && t.head < config.heads);
        let tap = target.map(|t| {
            let zeros =
                Tensor::<3>::zeros([share.len(), config.tokens(), config.width], &self.device);
            (t.block, zeros.require_grad())
        });
        let output = model.forward_tapped(images, tap.is_some(), tap.clone());
        let log_probs = log_softmax(output.logits, 1);
        let len = share.len();
        let true_log_prob = log_probs
            .clone()
            .gather(1, labels.reshape([len, 1]))
            .reshape([len]);
        // The whole batch's mean; a share's sum over the whole batch's size, so that the
        // shares' gradients add up to the batch's.
        let loss = if len == whole {
            true_log_prob.clone().mean().neg()
        } else {
            true_log_prob.clone().sum().neg() / whole as f32
        };

        // Backward: what the tap received is read before the gradients are handed over.
        let mut grads = loss.backward();
        let backward = match (target, tap, output.probes) {
            (Some(target), Some((_, leaf)), Some(probes)) => {
                let d_output = leaf
                    .grad_remove(&mut grads)
                    .expect("the tap is on the loss's path");
                Some((
                    target,
                    backward_pieces(&probes.blocks[target.block], d_output, target),
                ))
            }
            _ => None,
        };
        let grads = GradientsParams::from_grads(grads, &model);
        Ok(OwnShare {
            model,
            grads,
            loss: loss.inner().reshape([1]),
            true_log_prob: true_log_prob.inner(),
            log_probs: log_probs.inner(),
            backward,
        })
    }

    /// Adds the other shares' gradients to this worker's, makes the update, and queues
    /// the report's one read.
    fn update_from(
        &mut self,
        own: OwnShare,
        others: Vec<ShareGradients>,
        batch: &Batch,
        position: EpochPosition,
        extras: StepExtras,
        augmented: Vec<ImageShift>,
    ) -> Result<Pending<StepReport>, TrainError> {
        let OwnShare {
            model,
            mut grads,
            loss,
            true_log_prob,
            log_probs,
            backward,
        } = own;
        crate::share::add_shares(&model, &mut grads, &others)?;
        let tracked = self.options.tracked;
        let norms = gradient_norms(&model, &grads);
        let tracked_weight = |m: &Vit| {
            m.blocks[tracked.block]
                .attn
                .wq
                .weight
                .val()
                .inner()
                .slice([tracked.row..tracked.row + 1, tracked.col..tracked.col + 1])
                .reshape([1])
        };
        let before = tracked_weight(&model);
        let width = self.options.model.width;
        let wq_grads: Vec<Tensor<2>> = model
            .blocks
            .iter()
            .map(|block| grad_or_zeros(grad_of(&block.attn.wq.weight, &grads), width, &self.device))
            .collect();
        let tracked_grad = wq_grads[tracked.block]
            .clone()
            .slice([tracked.row..tracked.row + 1, tracked.col..tracked.col + 1])
            .reshape([1]);
        let (memory, memory_reading) =
            self.memory
                .advance(wq_grads, tracked, &self.device.clone().inner());
        let full_grads = extras
            .attention_gradients
            .then(|| attention_gradients(&model, &grads));

        // Update.
        self.model = self
            .optimizer
            .step(self.options.learning_rate, model, grads);
        self.steps += 1;
        let after = tracked_weight(&self.model);

        // One read for everything.
        let own_len = true_log_prob.dims()[0];
        let predicted = log_probs.clone().argmax(1);
        let predicted_probability = log_probs
            .gather(1, predicted.clone())
            .reshape([own_len])
            .exp();
        let mut floats_to_read = vec![
            loss,
            true_log_prob,
            predicted_probability,
            norms,
            before,
            tracked_grad,
            after,
        ];
        floats_to_read.extend(memory);
        floats_to_read.extend(full_grads);
        let target = backward.as_ref().map(|(target, _)| *target);
        if let Some((_, pieces)) = backward {
            floats_to_read.extend(pieces);
        }
        let transaction = Transaction::default()
            .register(Tensor::cat(floats_to_read, 0))
            .register(predicted.reshape([own_len]));

        let step = self.steps;
        let learning_rate = self.options.learning_rate;
        let config = &self.options.model;
        let depth = config.depth;
        let batch_len = batch.len();
        let labels = batch.labels.clone();
        let batch_indices = batch.indices.clone();
        let (tokens, head_dim, width) = (config.tokens(), config.head_dim(), config.width);
        Ok(Pending::new(transaction, move |data| {
            let values = floats(&data[0]);
            let mut predicted = indices(&data[1]);
            let mut cursor = Cursor::new(&values);
            let own_loss = cursor.one();
            let mut true_log_prob = cursor.take(own_len).to_vec();
            let mut predicted_probability = cursor.take(own_len).to_vec();
            let gradient_norms = read_gradient_norms(&mut cursor, depth);
            let tracked = TrackedValue {
                entry: tracked,
                before: cursor.one(),
                gradient: cursor.one(),
                after: cursor.one(),
                optimizer: memory_reading.read(|| cursor.one()),
            };
            let attention_gradients = extras.attention_gradients.then(|| {
                (0..depth)
                    .map(|_| AttentionGradients {
                        wq: cursor.take(width * width).to_vec(),
                        wk: cursor.take(width * width).to_vec(),
                        wv: cursor.take(width * width).to_vec(),
                        wo: cursor.take(width * width).to_vec(),
                    })
                    .collect()
            });
            let backward = target.map(|target| {
                Box::new(read_backward_path(
                    &mut cursor,
                    target,
                    batch_indices[0],
                    tokens,
                    head_dim,
                    width,
                ))
            });
            // The other shares' images follow this worker's, in share order.
            for other in &others {
                true_log_prob.extend(&other.true_log_prob);
                predicted.extend(&other.predicted);
                predicted_probability.extend(&other.predicted_probability);
            }
            let loss = if others.is_empty() {
                own_loss
            } else {
                let sum: f64 = true_log_prob.iter().map(|&v| v as f64).sum();
                (-sum / batch_len as f64) as f32
            };
            let correct = predicted
                .iter()
                .zip(&labels)
                .filter(|(p, l)| p == l)
                .count();
            Ok(StepReport {
                step,
                position,
                batch_size: batch_len,
                learning_rate,
                loss,
                accuracy: correct as f32 / batch_len as f32,
                indices: batch_indices,
                labels,
                true_class_probability: true_log_prob.iter().map(|v| v.exp()).collect(),
                predicted,
                predicted_probability,
                gradient_norms,
                tracked,
                attention_gradients,
                backward,
                augmented,
            })
        }))
    }

    /// Loss and accuracy of the current weights over all of `data`, without updating.
    pub fn evaluate(&self, data: &impl ImageSet) -> Result<Evaluation, TrainError> {
        self.begin_evaluation(data)?.wait()
    }

    /// [`Trainer::evaluate`], awaiting the read-back (the browser).
    pub async fn evaluate_async(&self, data: &impl ImageSet) -> Result<Evaluation, TrainError> {
        self.begin_evaluation(data)?.resolve().await
    }

    /// Sums loss and hits on the device batch after batch, and reads them once.
    fn begin_evaluation(&self, data: &impl ImageSet) -> Result<Pending<Evaluation>, TrainError> {
        self.check_data(data)?;
        let device = self.device.clone().inner();
        let model = self.model.valid();
        let all: Vec<usize> = (0..data.len()).collect();
        let mut totals: Option<Tensor<1>> = None;
        for chunk in all.chunks(self.options.batch_size.max(64)) {
            let batch = Batch::gather(data, chunk);
            let (images, labels) = self.batch_tensors(&batch, &device)?;
            let log_probs = log_softmax(model.forward(images, false).logits, 1);
            let n = batch.len();
            let loss_sum = log_probs
                .clone()
                .gather(1, labels.clone().reshape([n, 1]))
                .sum()
                .neg();
            let hits = log_probs
                .argmax(1)
                .reshape([n])
                .equal(labels)
                .int()
                .sum()
                .float();
            let chunk_totals = Tensor::cat(vec![loss_sum, hits], 0);
            totals = Some(match totals {
                Some(t) => t + chunk_totals,
                None => chunk_totals,
            });
        }
        let totals = totals.ok_or(TrainError::EmptyDataset)?;
        let images = data.len();
        Ok(Pending::new(
            Transaction::default().register(totals),
            move |data| {
                let values = floats(&data[0]);
                Ok(Evaluation {
                    loss: values[0] / images as f32,
                    accuracy: values[1] / images as f32,
                    images,
                })
            },
        ))
    }
}

fn grad_or_zeros(grad: Option<Tensor<2>>, width: usize, device: &Device) -> Tensor<2> {
    grad.unwrap_or_else(|| Tensor::zeros([width, width], &device.clone().inner()))
}

/// The gradient of `weight`, if the loss reaches it.
fn grad_of<const D: usize>(
    weight: &Param<Tensor<D>>,
    grads: &GradientsParams,
) -> Option<Tensor<D>> {
    grads.get::<D>(weight.id)
}

/// `‖∂loss/∂W‖₂`; a weight the loss does not reach has a zero gradient.
fn l2<const D: usize>(weight: &Param<Tensor<D>>, grads: &GradientsParams) -> Tensor<1> {
    match grad_of(weight, grads) {
        Some(g) => g.square().sum().sqrt(),
        None => Tensor::<1>::zeros([1], &weight.val().device().inner()),
    }
}

/// Every weight matrix's gradient norm, in the order [`read_gradient_norms`] expects.
fn gradient_norms(model: &Vit, grads: &GradientsParams) -> Tensor<1> {
    let mut norms = Vec::new();
    for block in &model.blocks {
        norms.push(l2(&block.attn.wq.weight, grads));
        norms.push(l2(&block.attn.wk.weight, grads));
        norms.push(l2(&block.attn.wv.weight, grads));
        norms.push(l2(&block.attn.wo.weight, grads));
        norms.push(l2(&block.mlp.fc1.weight, grads));
        norms.push(l2(&block.mlp.fc2.weight, grads));
    }
    norms.push(l2(&model.patch_embed.weight, grads));
    norms.push(l2(&model.cls_token, grads));
    norms.push(l2(&model.pos_embed, grads));
    norms.push(l2(&model.head.weight, grads));
    Tensor::cat(norms, 0)
}

fn attention_gradients(model: &Vit, grads: &GradientsParams) -> Tensor<1> {
    let mut flat = Vec::new();
    for block in &model.blocks {
        let attn = &block.attn;
        for weight in [
            &attn.wq.weight,
            &attn.wk.weight,
            &attn.wv.weight,
            &attn.wo.weight,
        ] {
            let [rows, cols] = weight.val().dims();
            let grad = grad_of(weight, grads)
                .unwrap_or_else(|| Tensor::zeros([rows, cols], &weight.val().device().inner()));
            flat.push(grad.reshape([rows * cols]));
        }
    }
    Tensor::cat(flat, 0)
}

/// Reads the norms [`gradient_norms`] registered, in its order.
fn read_gradient_norms(cursor: &mut Cursor<'_>, depth: usize) -> GradientNorms {
    let blocks = (0..depth)
        .map(|_| BlockGradientNorms {
            wq: cursor.one(),
            wk: cursor.one(),
            wv: cursor.one(),
            wo: cursor.one(),
            mlp_fc1: cursor.one(),
            mlp_fc2: cursor.one(),
        })
        .collect();
    GradientNorms {
        blocks,
        patch_embed: cursor.one(),
        cls_token: cursor.one(),
        pos_embed: cursor.one(),
        head: cursor.one(),
    }
}
