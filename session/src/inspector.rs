//! What the attention views look at, and the probes that read it from the model: the
//! inspected head for one image, its attention with the weights of update 0, and the
//! inspected block's learned Wq, Wk, Wv.

use faces::FaceSet;
use model::{AttentionWeights, ProbeReport, Trainer};
use vocab::protocol::{
    Event, HeadView, InitialView, InspectTarget, LastBlockView, Outgoing, Recognition, WeightsView,
};
use vocab::{HeadTarget, ImageSet};

use crate::analysis::{cosine_similarity, relative_drift, rollout_from_cls};

/// While playing, the attention views are refreshed at most this often: a probe is one more
/// forward pass and read-back, and the eye does not follow faster.
pub const PROBE_INTERVAL_MS: f64 = 100.0;

/// One image (normalised, as the model takes it) through the trained model with every probe.
async fn probed(trainer: &Trainer, image: &[f32]) -> Option<ProbeReport> {
    let config = &trainer.options().model;
    trainer
        .model()
        .probe(config, image, trainer.device())
        .resolve()
        .await
        .ok()
}

/// The model's answer: the most probable person and its probability.
fn most_probable(probabilities: &[f32]) -> Option<(usize, f32)> {
    probabilities
        .iter()
        .copied()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The inspected image, block and head, and what has been sent of them in this run.
#[derive(Default)]
pub struct Inspector {
    /// `None` until the page opens the attention views.
    target: Option<InspectTarget>,
    /// When the last probe was read back (ms on the session's clock).
    last_probe: Option<f64>,
    /// The inspected block's weights at update 0 of this run, for the drift.
    initial_weights: Option<(usize, AttentionWeights)>,
    /// The target whose attention with the weights of update 0 ("then" beside "now") was
    /// last sent: it is computed and sent once per target and run.
    initial_sent: Option<InspectTarget>,
}

impl Inspector {
    pub fn look_at(&mut self, target: InspectTarget) {
        self.target = Some(target);
    }

    /// The inspected block and head (block 1, head 1 until the page says), whose backward
    /// pass a single Step reports.
    pub fn head_target(&self) -> HeadTarget {
        self.target.map_or(HeadTarget::default(), |t| HeadTarget {
            block: t.block,
            head: t.head,
        })
    }

    /// A new run: update 0 is another model now.
    pub fn new_run(&mut self) {
        self.initial_weights = None;
        self.initial_sent = None;
    }

    /// Whether a probe is due while playing, at `now`.
    pub fn due(&self, now: f64) -> bool {
        self.last_probe
            .is_none_or(|last| now - last >= PROBE_INTERVAL_MS)
    }

    /// The inspected head and block with the current weights, when the views are open and
    /// the weights are sound.
    pub async fn probe(&mut self, trainer: &Trainer, set: &FaceSet, now: f64) -> Vec<Outgoing> {
        let mut out = self.head(trainer, set, now).await.unwrap_or_default();
        out.extend(self.weights(trainer).await);
        out
    }

    async fn weights(&mut self, trainer: &Trainer) -> Option<Outgoing> {
        let block = self.target?.block.min(trainer.options().model.depth - 1);
        if trainer.diverged().is_some() {
            return None;
        }
        let now = trainer
            .model()
            .attention_weights(block)?
            .resolve()
            .await
            .ok()?;
        if self
            .initial_weights
            .as_ref()
            .is_none_or(|(b, _)| *b != block)
        {
            let first = trainer.initial_model().attention_weights(block)?;
            self.initial_weights = Some((block, first.resolve().await.ok()?));
        }
        let groups = trainer
            .model()
            .drift_from(trainer.initial_model())
            .resolve()
            .await
            .ok()?;
        let (_, first) = self.initial_weights.as_ref()?;
        let view = WeightsView {
            step: trainer.steps(),
            block,
            width: now.wq.shape[0],
            drift: [
                relative_drift(&now.wq.values, &first.wq.values),
                relative_drift(&now.wk.values, &first.wk.values),
                relative_drift(&now.wv.values, &first.wv.values),
            ],
            qk_similarity: cosine_similarity(&now.wq.values, &now.wk.values),
            wq: now.wq.values,
            wk: now.wk.values,
            wv: now.wv.values,
            bq: now.bq.values,
            bk: now.bk.values,
            groups,
        };
        let finite = view
            .wq
            .iter()
            .chain(&view.wk)
            .chain(&view.wv)
            .all(|v| v.is_finite());
        finite.then(|| Event::Weights(Box::new(view)).into())
    }

    /// The inspected image (the first until the views open) through every head of the
    /// last block, and the rollout; `None` when the weights are not sound.
    pub async fn snapshot(&self, trainer: &Trainer, set: &FaceSet) -> Option<LastBlockView> {
        let config = &trainer.options().model;
        let image = self
            .target
            .map_or(0, |t| t.image)
            .min(set.train.labels().len().checked_sub(1)?);
        let mut pixels = Vec::new();
        set.train.write_image(image, &mut pixels);
        let report = probed(trainer, &pixels).await?;
        let tokens = report.tokens;
        // CLS's row, without CLS's own column.
        let cls_row = |attention: &[f32]| attention[1..tokens].to_vec();
        let heads: Vec<Vec<f32>> = report
            .blocks
            .last()?
            .iter()
            .map(|head| cls_row(&head.attention))
            .collect();
        let rollout = cls_row(&rollout_from_cls(&report.blocks, tokens));
        if !heads
            .iter()
            .flatten()
            .chain(&rollout)
            .all(|v| v.is_finite())
        {
            return None;
        }
        let (predicted, probability) = most_probable(&report.probabilities)?;
        Some(LastBlockView {
            image,
            label: set.train.labels()[image],
            predicted,
            probability,
            grid: config.grid_size(),
            heads,
            rollout,
        })
    }

    /// A camera frame (`size × size` grey, as [`faces::frame_face`] makes it) through the
    /// model, inference only: who it is, and where CLS looks in the inspected head and
    /// through every block.
    pub async fn recognise(&self, trainer: &Trainer, seen: Vec<u8>) -> Option<Recognition> {
        let config = &trainer.options().model;
        let mut input = Vec::with_capacity(seen.len());
        faces::model_input(&seen, &mut input);
        let report = probed(trainer, &input).await?;
        let tokens = report.tokens;
        let target = HeadTarget {
            block: self.head_target().block.min(config.depth - 1),
            head: self.head_target().head.min(config.heads - 1),
        };
        let head = report.blocks.get(target.block)?.get(target.head)?.attention[1..tokens].to_vec();
        let rollout = rollout_from_cls(&report.blocks, tokens)[1..].to_vec();
        let mut top: Vec<(usize, f32)> = report.probabilities.iter().copied().enumerate().collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1));
        top.truncate(3);
        Some(Recognition {
            top,
            size: config.image_size,
            seen,
            grid: config.grid_size(),
            target,
            head,
            rollout,
        })
    }

    /// The inspected head now, preceded by its attention at update 0 the first time a
    /// target is probed in a run.
    async fn head(&mut self, trainer: &Trainer, set: &FaceSet, now: f64) -> Option<Vec<Outgoing>> {
        let requested = self.target?;
        if trainer.diverged().is_some() {
            return None;
        }
        let config = &trainer.options().model;
        let target = InspectTarget {
            image: requested
                .image
                .min(set.train.labels().len().checked_sub(1)?),
            block: requested.block.min(config.depth - 1),
            head: requested.head.min(config.heads - 1),
        };
        let mut image = Vec::new();
        set.train.write_image(target.image, &mut image);
        let report = probed(trainer, &image).await?;
        self.last_probe = Some(now);
        let head = report.blocks.get(target.block)?.get(target.head)?;
        if !head.scores.iter().all(|v| v.is_finite()) {
            return None;
        }
        let rollout = rollout_from_cls(&report.blocks, report.tokens);
        let mut out = Vec::new();
        if self.initial_sent != Some(target) {
            let first = trainer
                .initial_model()
                .probe(config, &image, trainer.device())
                .resolve()
                .await
                .ok()?;
            let attention = first
                .blocks
                .get(target.block)?
                .get(target.head)?
                .attention
                .clone();
            out.push(
                Event::Initial(Box::new(InitialView {
                    target,
                    attention,
                    rollout: rollout_from_cls(&first.blocks, first.tokens),
                }))
                .into(),
            );
            self.initial_sent = Some(target);
        }
        let input = report.block_inputs.get(target.block)?.clone();
        let (predicted, probability) = most_probable(&report.probabilities)?;
        out.push(
            Event::Probe(Box::new(HeadView {
                step: trainer.steps(),
                target,
                tokens: report.tokens,
                grid: config.grid_size(),
                head_dim: report.head_dim,
                width: config.width,
                input,
                q: head.q.clone(),
                k: head.k.clone(),
                v: head.v.clone(),
                scores: head.scores.clone(),
                attention: head.attention.clone(),
                rollout,
                label: set.train.labels()[target.image],
                predicted,
                probability,
            }))
            .into(),
        );
        Some(out)
    }
}
