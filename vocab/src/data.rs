//! What the trainer needs of a data set, and how it walks through it epoch after epoch.

use serde::{Deserialize, Serialize};

use crate::rng::SeededRng;

/// A labelled set of images, as the model consumes them. The data crate implements it for
/// the synthetic faces and for imported face sets; the model knows nothing else of them.
pub trait ImageSet {
    /// Number of images.
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Values per image, `channels × size × size`.
    fn image_len(&self) -> usize;

    /// Appends image `index`, as the model is fed it (`[C, H, W]` row-major, normalised).
    fn write_image(&self, index: usize, out: &mut Vec<f32>);

    /// The identity in image `index`, in `0..classes`.
    fn label(&self, index: usize) -> usize;
}

/// Images and labels gathered for one update, exactly as fed to the patch embedding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// `[B, C, H, W]` row-major.
    pub images: Vec<f32>,
    pub labels: Vec<usize>,
    /// Where each image sits in its data set.
    pub indices: Vec<usize>,
}

impl Batch {
    /// Gathers the images at `indices`.
    pub fn gather(data: &impl ImageSet, indices: &[usize]) -> Self {
        let mut images = Vec::with_capacity(indices.len() * data.image_len());
        for &index in indices {
            data.write_image(index, &mut images);
        }
        Self {
            images,
            labels: indices.iter().map(|&i| data.label(i)).collect(),
            indices: indices.to_vec(),
        }
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// Label-preserving changes to each training image, drawn afresh at every update so the
/// model cannot memorise exact pixels: a small shift (edges repeated) and a mirror image.
/// Off unless asked for; the page asks for [`Augmentation::PAGE`], and its batch view shows
/// each image as the model saw it (see [`ImageShift`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Augmentation {
    /// Mirror left–right with probability ½.
    pub horizontal_flip: bool,
    /// Shift by up to this many pixels in x and y.
    pub max_shift: usize,
}

/// What one training image went through at one update.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageShift {
    pub flip: bool,
    /// Pixels to the right and down (negative: left and up).
    pub dx: i8,
    pub dy: i8,
}

impl ImageShift {
    /// Moves (and mirrors) one `size × size` plane in place, repeating the edge pixels.
    pub fn apply<T: Copy>(&self, plane: &mut [T], size: usize) {
        let source = plane.to_vec();
        let clamp = |v: isize| v.clamp(0, size as isize - 1) as usize;
        for y in 0..size {
            let sy = clamp(y as isize - self.dy as isize);
            for x in 0..size {
                let sx = clamp(x as isize - self.dx as isize);
                let sx = if self.flip { size - 1 - sx } else { sx };
                plane[y * size + x] = source[sy * size + sx];
            }
        }
    }
}

impl Augmentation {
    /// The page's default: shifts of up to 2 pixels, no mirror. Measured (BENCHMARKS.md,
    /// "A default run that learns"): on the built-in faces `small` reaches 64 % (seed 0) and
    /// 50 % (seed 1) validation accuracy after 403 updates with it, 30 % and 34 % without
    /// (with 100 % training accuracy: memorised); adding the mirror image gave 51 % for seed
    /// 0, as some traits are on one side of the face.
    pub const PAGE: Augmentation = Augmentation {
        horizontal_flip: false,
        max_shift: 2,
    };

    pub fn is_off(&self) -> bool {
        !self.horizontal_flip && self.max_shift == 0
    }

    /// Applies a random draw to every `[C, size, size]` image of `batch`, and returns what
    /// each image went through (empty when off).
    pub fn apply(
        &self,
        batch: &mut Batch,
        channels: usize,
        size: usize,
        rng: &mut SeededRng,
    ) -> Vec<ImageShift> {
        if self.is_off() {
            return Vec::new();
        }
        let plane = size * size;
        let span = 2 * self.max_shift + 1;
        let mut shifts = Vec::with_capacity(batch.len());
        for image in batch.images.chunks_mut(channels * plane) {
            let flip = self.horizontal_flip && rng.next_f64() < 0.5;
            let dx = rng.below(span) as isize - self.max_shift as isize;
            let dy = rng.below(span) as isize - self.max_shift as isize;
            let shift = ImageShift {
                flip,
                dx: dx as i8,
                dy: dy as i8,
            };
            for channel in image.chunks_mut(plane) {
                shift.apply(channel, size);
            }
            shifts.push(shift);
        }
        shifts
    }
}

/// Where the next update sits in the run: the counters the page shows as
/// "images per epoch ÷ batch size = updates per epoch".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochPosition {
    /// Epoch of this update, from 1.
    pub epoch: u64,
    /// Update within its epoch, from 1 to `updates_per_epoch`.
    pub update_in_epoch: usize,
    /// `ceil(examples / batch_size)`: the last batch of an epoch may be partial.
    pub updates_per_epoch: usize,
    /// Training images per epoch.
    pub examples: usize,
}

/// Visits every training image once per epoch, in a fresh seeded order each epoch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochSampler {
    examples: usize,
    batch_size: usize,
    seed: u64,
    epoch: u64,
    cursor: usize,
    order: Vec<usize>,
}

impl EpochSampler {
    pub fn new(examples: usize, batch_size: usize, seed: u64) -> Self {
        let mut sampler = Self {
            examples,
            batch_size,
            seed,
            epoch: 1,
            cursor: 0,
            order: Vec::new(),
        };
        sampler.shuffle();
        sampler
    }

    fn shuffle(&mut self) {
        self.order = (0..self.examples).collect();
        SeededRng::for_stream(self.seed, &format!("epoch.{}", self.epoch)).shuffle(&mut self.order);
    }

    /// `ceil(examples / batch_size)`.
    pub fn updates_per_epoch(&self) -> usize {
        self.examples.div_ceil(self.batch_size.max(1))
    }

    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    pub fn examples(&self) -> usize {
        self.examples
    }

    /// Whether this sampler can have come from a run on `examples` training images: a run
    /// file's sampler must not index outside the data it is resumed on.
    pub fn fits(&self, examples: usize) -> bool {
        let mut seen = vec![false; examples];
        self.examples == examples
            && self.cursor <= examples
            && self.batch_size > 0
            && self.order.len() == examples
            && self
                .order
                .iter()
                .all(|&i| i < examples && !std::mem::replace(&mut seen[i], true))
    }

    /// Changes the batch size from the next update on, keeping the place in the epoch.
    pub fn set_batch_size(&mut self, batch_size: usize) {
        self.batch_size = batch_size.max(1);
    }

    /// Where the last batch drawn sat (what its update reported); `None` before the first.
    pub fn position(&self) -> Option<EpochPosition> {
        (self.cursor > 0).then(|| EpochPosition {
            epoch: self.epoch,
            update_in_epoch: self.cursor.div_ceil(self.batch_size),
            updates_per_epoch: self.updates_per_epoch(),
            examples: self.examples,
        })
    }

    /// The indices of the next batch and where it sits; starts a new epoch when one ends.
    pub fn next_batch(&mut self) -> (Vec<usize>, EpochPosition) {
        if self.cursor >= self.examples {
            self.epoch += 1;
            self.cursor = 0;
            self.shuffle();
        }
        let start = self.cursor;
        let end = (start + self.batch_size).min(self.examples);
        self.cursor = end;
        let position = EpochPosition {
            epoch: self.epoch,
            update_in_epoch: start.div_ceil(self.batch_size) + 1,
            updates_per_epoch: self.updates_per_epoch(),
            examples: self.examples,
        };
        (self.order[start..end].to_vec(), position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sampler_says_where_its_last_batch_sat() {
        let mut sampler = EpochSampler::new(10, 4, 0);
        assert_eq!(sampler.position(), None);
        for _ in 0..5 {
            let (_, position) = sampler.next_batch();
            assert_eq!(sampler.position(), Some(position));
        }
    }

    #[test]
    fn augmentation_moves_and_mirrors_pixels_and_keeps_labels() {
        let mut batch = Batch {
            images: (0..16).map(|v| v as f32).collect(),
            labels: vec![3],
            indices: vec![0],
        };
        let flip_only = Augmentation {
            horizontal_flip: true,
            max_shift: 0,
        };
        let mut rng = SeededRng::new(0);
        let mut flipped = false;
        for _ in 0..8 {
            let before = batch.images.clone();
            flip_only.apply(&mut batch, 1, 4, &mut rng);
            if batch.images != before {
                flipped = true;
                assert_eq!(
                    &batch.images[..4],
                    &[before[3], before[2], before[1], before[0]]
                );
            }
        }
        assert!(flipped);
        assert_eq!(batch.labels, [3]);
        let before = batch.images.clone();
        Augmentation::default().apply(&mut batch, 1, 4, &mut rng);
        assert_eq!(batch.images, before);
    }

    #[test]
    fn teaching_text_epoch_arithmetic_counts_the_partial_batch() {
        // 494,149 images at batch 128: 3,861 updates, not 3,860.
        assert_eq!(
            EpochSampler::new(494_149, 128, 0).updates_per_epoch(),
            3_861
        );
    }

    #[test]
    fn every_image_once_per_epoch_in_a_new_order() {
        let mut sampler = EpochSampler::new(10, 4, 3);
        let mut first = Vec::new();
        let mut positions = Vec::new();
        for _ in 0..3 {
            let (indices, position) = sampler.next_batch();
            first.extend(indices);
            positions.push((position.epoch, position.update_in_epoch));
        }
        assert_eq!(positions, [(1, 1), (1, 2), (1, 3)]);
        let mut sorted = first.clone();
        sorted.sort();
        assert_eq!(sorted, (0..10).collect::<Vec<_>>());
        let (next, position) = sampler.next_batch();
        assert_eq!((position.epoch, position.update_in_epoch), (2, 1));
        assert_eq!(next.len(), 4);
        assert_ne!(&first[..4], &next[..]);
    }
}

/// Images already normalised in memory: tests, the replay dump, small hand-made sets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InMemorySet {
    pub image_len: usize,
    /// `len × image_len` values, image after image.
    pub images: Vec<f32>,
    pub labels: Vec<usize>,
}

impl ImageSet for InMemorySet {
    fn len(&self) -> usize {
        self.labels.len()
    }

    fn image_len(&self) -> usize {
        self.image_len
    }

    fn write_image(&self, index: usize, out: &mut Vec<f32>) {
        out.extend_from_slice(&self.images[index * self.image_len..(index + 1) * self.image_len]);
    }

    fn label(&self, index: usize) -> usize {
        self.labels[index]
    }
}
