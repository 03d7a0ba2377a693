//! A face-identity set at the model's resolution, split into training and validation images.

use serde::{Deserialize, Serialize};
use vocab::ImageSet;

use crate::synthetic::SyntheticConfig;

/// Where a face set came from: the page says it plainly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Source {
    /// Drawn procedurally from a seed: these people do not exist.
    Synthetic(SyntheticConfig),
    /// The learner's own images, imported from a folder, a .zip or a pack file.
    Imported {
        /// The folder or archive name.
        name: String,
        /// Files that could not be used.
        skipped: usize,
    },
}

/// One half of a face set: grayscale images, one byte per pixel, and their identities.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    size: usize,
    pixels: Vec<u8>,
    labels: Vec<usize>,
}

impl Split {
    pub(crate) fn new(size: usize, pixels: Vec<u8>, labels: Vec<usize>) -> Self {
        debug_assert_eq!(pixels.len(), labels.len() * size * size);
        Self {
            size,
            pixels,
            labels,
        }
    }

    /// The raw 8-bit pixels of image `index` (row-major, `size × size`): for drawing.
    pub fn pixels(&self, index: usize) -> &[u8] {
        let len = self.size * self.size;
        &self.pixels[index * len..(index + 1) * len]
    }

    pub fn all_pixels(&self) -> &[u8] {
        &self.pixels
    }

    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// Indices of the images of one person.
    pub fn images_of(&self, person: usize) -> impl Iterator<Item = usize> + '_ {
        self.labels
            .iter()
            .enumerate()
            .filter(move |(_, &l)| l == person)
            .map(|(i, _)| i)
    }
}

/// Pixels scaled from [0, 255] to [-1, 1], the range the model is initialised for: every
/// image the model sees goes through here, a camera frame as a training face.
pub fn model_input(pixels: &[u8], out: &mut Vec<f32>) {
    out.extend(pixels.iter().map(|&p| p as f32 / 127.5 - 1.0));
}

impl ImageSet for Split {
    fn len(&self) -> usize {
        self.labels.len()
    }

    fn image_len(&self) -> usize {
        self.size * self.size
    }

    fn write_image(&self, index: usize, out: &mut Vec<f32>) {
        model_input(self.pixels(index), out);
    }

    fn label(&self, index: usize) -> usize {
        self.labels[index]
    }
}

/// A complete face set: either entirely loaded, or not there at all.
#[derive(Clone, Debug, PartialEq)]
pub struct FaceSet {
    pub source: Source,
    /// Side of the square images, in pixels.
    pub size: usize,
    /// One name per identity; the label of a face is its index here.
    pub people: Vec<String>,
    pub train: Split,
    pub validation: Split,
}

impl FaceSet {
    /// Builds a set from each person's images, the first `train_count(person, count)` of
    /// each going to training and the rest to validation.
    pub(crate) fn from_people(
        source: Source,
        size: usize,
        people: Vec<String>,
        images: Vec<Vec<Vec<u8>>>,
        train_count: impl Fn(usize, usize) -> usize,
    ) -> Self {
        let (mut train_pixels, mut train_labels) = (Vec::new(), Vec::new());
        let (mut val_pixels, mut val_labels) = (Vec::new(), Vec::new());
        for (person, shots) in images.into_iter().enumerate() {
            let keep = train_count(person, shots.len());
            for (i, shot) in shots.into_iter().enumerate() {
                if i < keep {
                    train_pixels.extend(shot);
                    train_labels.push(person);
                } else {
                    val_pixels.extend(shot);
                    val_labels.push(person);
                }
            }
        }
        Self {
            source,
            size,
            people,
            train: Split::new(size, train_pixels, train_labels),
            validation: Split::new(size, val_pixels, val_labels),
        }
    }

    /// Number of identities: the classifier's output size.
    pub fn classes(&self) -> usize {
        self.people.len()
    }

    /// The same faces at `size × size`, for a model with another input size: the synthetic
    /// people drawn anew at that size (as sharp as any), the learner's images resampled
    /// from this set's (area-averaged down, or each pixel spread over a block up: enlarging
    /// adds no detail the import did not keep).
    pub fn at_size(&self, size: usize) -> FaceSet {
        if size == self.size {
            return self.clone();
        }
        if let Source::Synthetic(config) = &self.source {
            return crate::synthetic::generate(&crate::SyntheticConfig {
                size,
                ..config.clone()
            });
        }
        let resample = |split: &Split| {
            let pixels = (0..split.labels().len())
                .flat_map(|i| {
                    crate::resample::square_area_resize(split.pixels(i), self.size, self.size, size)
                })
                .collect();
            Split::new(size, pixels, split.labels().to_vec())
        };
        FaceSet {
            source: self.source.clone(),
            size,
            people: self.people.clone(),
            train: resample(&self.train),
            validation: resample(&self.validation),
        }
    }

    /// Whether these faces were drawn by the program rather than photographed.
    pub fn is_synthetic(&self) -> bool {
        matches!(self.source, Source::Synthetic(_))
    }
}
