//! One run in one file: what "Save run…" downloads, `vitp train --save` writes and the
//! page's autosave keeps.
//!
//! The file is a [safetensors](https://github.com/huggingface/safetensors) file, so the rest
//! of the ecosystem reads its weights as they are (`safetensors.torch.load_file`): every
//! parameter under the name `vitp step --dump` gives it (`blocks.0.attn.wq.weight`, …),
//! as Burn holds it (a `Linear` weight is `[d_in, d_out]`, the transpose of PyTorch's).
//! Beside the weights, under names no parameter has:
//! - `optimizer.…`: the optimizer's state, per parameter (`optimizer.head.weight.momentum.moment_1`);
//! - `memory.…`: the report's copy of every Wq's optimizer state (see `model`);
//! - `faces`: the face set the run trains on, as a face pack.
//!
//! The safetensors metadata holds the format's name and version, the [`RunManifest`] as
//! JSON (settings, counters, the epoch's order, the charts' histories), and a CRC-32 of the
//! manifest and every tensor, so a damaged file is refused whole instead of half-loaded.

use std::collections::BTreeMap;

use safetensors::tensor::{Dtype, SafeTensorError, SafeTensors, TensorView};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::data::EpochSampler;
use crate::protocol::{RunHistory, RunSettings};
use crate::training::TrainingOptions;

/// The run-file format this build writes, and the newest it reads.
pub const RUN_FILE_VERSION: u32 = 1;
/// The file name ending the page and `vitp` give run files.
pub const RUN_FILE_EXTENSION: &str = "vitp";

/// The tensor that keeps the run's face set, as a face pack.
pub const FACES_TENSOR: &str = "faces";

const FORMAT_KEY: &str = "vitp.format";
const FORMAT_NAME: &str = "vitp-run";
const VERSION_KEY: &str = "vitp.version";
const MANIFEST_KEY: &str = "vitp.manifest";
const CHECKSUM_KEY: &str = "vitp.crc32";

/// Everything in a run that is not a tensor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunManifest {
    /// What wrote the file: `vitp 0.1.0`, or the page.
    pub saved_by: String,
    /// How the trainer trains (the model's shape and seed, optimizer, learning rate, batch).
    pub training: TrainingOptions,
    /// The page's controls for this run; `None` for a run `vitp` made from options the
    /// page's controls cannot show (its own preset name is then in `preset`).
    pub settings: Option<RunSettings>,
    /// Updates done.
    pub steps: u64,
    /// Where the run is in its epoch, and the epoch's order.
    pub sampler: EpochSampler,
    /// Each parameter's name, in the model's order, and its id (0, 1, 2… in that order;
    /// Burn's random ids in files written before 2026-12-02).
    pub parameter_ids: Vec<(String, u64)>,
    /// Whether the optimizer's state is in the file (`optimizer.…` tensors and
    /// `optimizer_scalars`); without it a resumed run starts its optimizer afresh.
    pub optimizer_state: bool,
    /// The optimizer state's scalar leaves (Adam's update count), by name.
    pub optimizer_scalars: BTreeMap<String, StateScalar>,
    /// Adam's update count in the report's copy of the optimizer's memory.
    pub memory_time: u32,
    /// What the charts showed.
    pub history: RunHistory,
}

/// A scalar leaf of an optimizer's state, as Burn names its kinds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum StateScalar {
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
}

/// The numbers of one stored tensor.
#[derive(Clone, Debug, PartialEq)]
pub enum TensorValues {
    F32(Vec<f32>),
    /// Bytes kept whole (Burn's optimizer record, the face pack).
    U8(Vec<u8>),
}

/// One tensor of a run file.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredTensor {
    pub name: String,
    pub shape: Vec<usize>,
    pub values: TensorValues,
}

impl StoredTensor {
    pub fn f32(name: impl Into<String>, shape: Vec<usize>, values: Vec<f32>) -> Self {
        Self {
            name: name.into(),
            shape,
            values: TensorValues::F32(values),
        }
    }

    pub fn bytes(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Self {
            name: name.into(),
            shape: vec![bytes.len()],
            values: TensorValues::U8(bytes),
        }
    }

    /// Little-endian bytes, as safetensors stores them.
    /// Its bytes as the file stores them: floats written out, bytes borrowed.
    fn raw(&self) -> std::borrow::Cow<'_, [u8]> {
        match &self.values {
            TensorValues::F32(values) => values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            TensorValues::U8(bytes) => std::borrow::Cow::Borrowed(bytes),
        }
    }

    fn dtype(&self) -> Dtype {
        match self.values {
            TensorValues::F32(_) => Dtype::F32,
            TensorValues::U8(_) => Dtype::U8,
        }
    }
}

/// A run file, read or about to be written.
#[derive(Clone, Debug, PartialEq)]
pub struct RunFile {
    pub manifest: RunManifest,
    /// By name.
    pub tensors: BTreeMap<String, StoredTensor>,
}

/// Why a file could not be opened as a run. The run in use is left as it was.
#[derive(Clone, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunFileError {
    #[error("this is not a ViT Playground run file")]
    Foreign,
    #[error("the file is incomplete: it was cut off while being written or copied")]
    Truncated,
    #[error("the file is damaged: its contents do not match its checksum")]
    Corrupt,
    #[error("the file was written by a newer ViT Playground (run format {found}; this one reads up to {supported})")]
    FutureVersion { found: u32, supported: u32 },
    #[error("the run file lacks `{name}`")]
    MissingTensor { name: String },
    #[error("`{name}` has shape {found:?} in the run file, the model needs {expected:?}")]
    WrongShape {
        name: String,
        expected: Vec<usize>,
        found: Vec<usize>,
    },
    /// The pieces are all there but do not fit together (a sampler for another data set, an
    /// optimizer record Burn cannot read, a face pack that does not decode).
    #[error("the run's parts do not fit together: {part}")]
    Inconsistent { part: RunPart },
}

/// The part of a run file that does not fit with the rest.
#[derive(Clone, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunPart {
    #[error("its description cannot be read")]
    Manifest,
    #[error("its training options are invalid")]
    TrainingOptions,
    #[error("its place in the epoch does not match its faces")]
    EpochOrder,
    #[error("the optimizer's memory cannot be read")]
    Optimizer,
    #[error("its faces cannot be read")]
    Faces,
    #[error("it was trained with settings the page does not offer")]
    PageSettings,
    #[error("its model does not have the shape its settings give")]
    ModelShape,
    #[error("`{0}` is not of the expected type")]
    Tensor(String),
}

/// The same file with its header's keys in order: the safetensors crate writes the metadata
/// from a `HashMap`, whose order changes from one map to the next, and the same run must
/// make the same bytes (the trained model is reproduced bit for bit).
///
/// Only the keys move, so the header keeps its length and is rewritten in place: no second
/// copy of the run's bytes (a large part of the worker's peak memory when it keeps a run).
fn header_in_key_order(mut bytes: Vec<u8>) -> Vec<u8> {
    let length = header_length(&bytes);
    let header = ordered_header(&bytes);
    if header.len() == length {
        bytes[8..8 + length].copy_from_slice(&header);
        return bytes;
    }
    with_header(&bytes, &header)
}

fn header_length(bytes: &[u8]) -> usize {
    u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) as usize
}

/// `bytes` with `header` (padded) in place of its own.
fn with_header(bytes: &[u8], header: &[u8]) -> Vec<u8> {
    let data = &bytes[8 + header_length(bytes)..];
    let mut out = Vec::with_capacity(8 + header.len() + data.len());
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(header);
    out.extend_from_slice(data);
    out
}

/// The file's header with its keys (and its metadata's) in order, padded as safetensors pads.
fn ordered_header(bytes: &[u8]) -> Vec<u8> {
    let length = header_length(bytes);
    let header: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(&bytes[8..8 + length]).expect("safetensors wrote JSON");
    let ordered: BTreeMap<String, serde_json::Value> = header
        .into_iter()
        .map(|(key, value)| {
            let value = match key.as_str() {
                "__metadata__" => {
                    let metadata: BTreeMap<String, String> =
                        serde_json::from_value(value).expect("metadata is text");
                    serde_json::to_value(metadata).expect("text is JSON")
                }
                _ => value,
            };
            (key, value)
        })
        .collect();
    let mut header = serde_json::to_vec(&ordered).expect("JSON is JSON");
    // As safetensors does: spaces up to a multiple of 8 bytes, so the data stays aligned.
    header.resize(header.len().next_multiple_of(8), b' ');
    header
}

/// CRC-32 of the manifest and of every tensor, by name, its shape and its bytes.
/// `tensors` in name order, as (name, shape, bytes), borrowed: no copy of a run's bytes.
fn checksum<'a>(
    manifest: &str,
    tensors: impl IntoIterator<Item = (&'a str, &'a [usize], &'a [u8])>,
) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(manifest.as_bytes());
    for (name, shape, bytes) in tensors {
        hasher.update(name.as_bytes());
        for side in shape {
            hasher.update(&(*side as u64).to_le_bytes());
        }
        hasher.update(bytes);
    }
    hasher.finalize()
}

/// A tensor as `safetensors::serialize` takes it.
struct Raw<'a> {
    dtype: Dtype,
    shape: Vec<usize>,
    bytes: std::borrow::Cow<'a, [u8]>,
}

impl safetensors::View for &Raw<'_> {
    fn dtype(&self) -> Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> std::borrow::Cow<'_, [u8]> {
        std::borrow::Cow::Borrowed(&self.bytes[..])
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}

impl RunFile {
    pub fn new(manifest: RunManifest, tensors: impl IntoIterator<Item = StoredTensor>) -> Self {
        Self {
            manifest,
            tensors: tensors.into_iter().map(|t| (t.name.clone(), t)).collect(),
        }
    }

    /// The file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let manifest =
            serde_json::to_string(&self.manifest).expect("a run manifest always serialises");
        let raw: BTreeMap<String, Raw> = self
            .tensors
            .values()
            .map(|t| {
                let raw = Raw {
                    dtype: t.dtype(),
                    shape: t.shape.clone(),
                    bytes: t.raw(),
                };
                (t.name.clone(), raw)
            })
            .collect();
        let sum = checksum(
            &manifest,
            raw.iter()
                .map(|(name, r)| (name.as_str(), r.shape.as_slice(), &r.bytes[..])),
        );
        let metadata = [
            (FORMAT_KEY.to_string(), FORMAT_NAME.to_string()),
            (VERSION_KEY.to_string(), RUN_FILE_VERSION.to_string()),
            (MANIFEST_KEY.to_string(), manifest),
            (CHECKSUM_KEY.to_string(), format!("{sum:08x}")),
        ];
        let bytes = safetensors::serialize(
            raw.iter().map(|(name, r)| (name.as_str(), r)),
            Some(metadata.into_iter().collect()),
        )
        .expect("shapes and lengths agree by construction");
        header_in_key_order(bytes)
    }

    /// Reads a run file; anything else, damaged or from a newer format is refused whole.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, RunFileError> {
        let file = SafeTensors::deserialize(bytes).map_err(|e| read_error(bytes, e))?;
        let (_, header) = SafeTensors::read_metadata(bytes).map_err(|e| read_error(bytes, e))?;
        let metadata = header.metadata().as_ref().ok_or(RunFileError::Foreign)?;
        let field = |key: &str| metadata.get(key).ok_or(RunFileError::Foreign);
        if field(FORMAT_KEY)? != FORMAT_NAME {
            return Err(RunFileError::Foreign);
        }
        let version: u32 = field(VERSION_KEY)?
            .parse()
            .map_err(|_| RunFileError::Foreign)?;
        if version > RUN_FILE_VERSION {
            return Err(RunFileError::FutureVersion {
                found: version,
                supported: RUN_FILE_VERSION,
            });
        }
        let manifest_text = field(MANIFEST_KEY)?;
        let expected =
            u32::from_str_radix(field(CHECKSUM_KEY)?, 16).map_err(|_| RunFileError::Corrupt)?;
        let mut stored = BTreeMap::new();
        for (name, view) in file.tensors() {
            stored.insert(name, view);
        }
        let sum = checksum(
            manifest_text,
            stored
                .iter()
                .map(|(name, view)| (name.as_str(), view.shape(), view.data())),
        );
        if sum != expected {
            return Err(RunFileError::Corrupt);
        }
        let manifest: RunManifest =
            serde_json::from_str(manifest_text).map_err(|_| RunFileError::Inconsistent {
                part: RunPart::Manifest,
            })?;
        let tensors = stored
            .into_iter()
            .map(|(name, view)| Ok((name.clone(), stored_tensor(name, &view)?)))
            .collect::<Result<_, RunFileError>>()?;
        Ok(Self { manifest, tensors })
    }

    /// The model's weights alone, as a plain safetensors file (the names of
    /// [`RunManifest::parameter_ids`], Burn's layout), with the model's shape as JSON under
    /// the metadata key `vitp.config`: what `vitp export` writes for other frameworks.
    pub fn weights_safetensors(&self) -> Result<Vec<u8>, RunFileError> {
        let raw = self
            .manifest
            .parameter_ids
            .iter()
            .map(|(name, _)| {
                let tensor = self.tensor(name)?;
                Ok((
                    name.clone(),
                    Raw {
                        dtype: tensor.dtype(),
                        shape: tensor.shape.clone(),
                        bytes: tensor.raw(),
                    },
                ))
            })
            .collect::<Result<BTreeMap<String, Raw>, RunFileError>>()?;
        let config = serde_json::to_string(&self.manifest.training.model)
            .expect("a model config always serialises");
        let metadata = [("vitp.config".to_string(), config)];
        Ok(safetensors::serialize(
            raw.iter().map(|(name, r)| (name.as_str(), r)),
            Some(metadata.into_iter().collect()),
        )
        .expect("shapes and lengths agree by construction"))
    }

    /// The tensor called `name`, with exactly `shape`, as floats.
    pub fn floats(&self, name: &str, shape: &[usize]) -> Result<&[f32], RunFileError> {
        let tensor = self.tensor(name)?;
        match &tensor.values {
            TensorValues::F32(values) if tensor.shape == shape => Ok(values),
            _ => Err(RunFileError::WrongShape {
                name: name.into(),
                expected: shape.to_vec(),
                found: tensor.shape.clone(),
            }),
        }
    }

    /// The bytes kept whole under `name`.
    pub fn bytes(&self, name: &str) -> Result<&[u8], RunFileError> {
        match &self.tensor(name)?.values {
            TensorValues::U8(bytes) => Ok(bytes),
            TensorValues::F32(_) => Err(RunFileError::Inconsistent {
                part: RunPart::Tensor(name.into()),
            }),
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.tensors.contains_key(name)
    }

    fn tensor(&self, name: &str) -> Result<&StoredTensor, RunFileError> {
        self.tensors
            .get(name)
            .ok_or_else(|| RunFileError::MissingTensor { name: name.into() })
    }
}

fn stored_tensor(name: String, view: &TensorView<'_>) -> Result<StoredTensor, RunFileError> {
    let shape = view.shape().to_vec();
    let values = match view.dtype() {
        Dtype::F32 => TensorValues::F32(
            view.data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
        ),
        Dtype::U8 => TensorValues::U8(view.data().to_vec()),
        _ => {
            return Err(RunFileError::Inconsistent {
                part: RunPart::Tensor(name),
            })
        }
    };
    Ok(StoredTensor {
        name,
        shape,
        values,
    })
}

/// A file that starts like a safetensors file but ends early is truncated; anything else
/// that does not parse is not a run file.
fn read_error(bytes: &[u8], error: SafeTensorError) -> RunFileError {
    let header_len = bytes
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("eight bytes")));
    let starts_like_one =
        header_len.is_some_and(|n| n > 1 && n < 100_000_000) && bytes.get(8) == Some(&b'{');
    match error {
        SafeTensorError::MetadataIncompleteBuffer | SafeTensorError::InvalidHeaderLength
            if starts_like_one =>
        {
            RunFileError::Truncated
        }
        _ => RunFileError::Foreign,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;

    fn sample() -> RunFile {
        let training = TrainingOptions::new(Preset::Tiny.config(3));
        let manifest = RunManifest {
            saved_by: "test".into(),
            training,
            settings: Some(RunSettings::default()),
            steps: 7,
            sampler: EpochSampler::new(10, 4, 0),
            parameter_ids: vec![("head.weight".into(), 42)],
            optimizer_state: true,
            optimizer_scalars: [(
                "head.weight.momentum.time".to_string(),
                StateScalar::UInt(7),
            )]
            .into(),
            memory_time: 7,
            history: RunHistory::default(),
        };
        RunFile::new(
            manifest,
            [
                StoredTensor::f32(
                    "head.weight",
                    vec![2, 3],
                    vec![1.0, -2.0, f32::NAN, 0.5, 0.0, 3.0],
                ),
                StoredTensor::bytes("optimizer", vec![1, 2, 3, 255]),
            ],
        )
    }

    fn same(a: &RunFile, b: &RunFile) -> bool {
        // NaN ≠ NaN: compare the bytes of each tensor.
        a.manifest == b.manifest
            && a.tensors.len() == b.tensors.len()
            && a.tensors
                .values()
                .zip(b.tensors.values())
                .all(|(x, y)| x.name == y.name && x.shape == y.shape && x.raw() == y.raw())
    }

    #[test]
    fn a_run_file_round_trips_and_is_a_safetensors_file() {
        let file = sample();
        let bytes = file.to_bytes();
        let back = RunFile::from_bytes(&bytes).unwrap();
        assert!(same(&file, &back));
        assert_eq!(back.manifest, file.manifest);
        assert_eq!(back.floats("head.weight", &[2, 3]).unwrap()[3], 0.5);
        assert_eq!(back.bytes("optimizer").unwrap(), &[1, 2, 3, 255]);
        // Any safetensors reader sees the weights.
        let plain = SafeTensors::deserialize(&bytes).unwrap();
        assert_eq!(plain.tensor("head.weight").unwrap().dtype(), Dtype::F32);
        // The same run, the same bytes (the metadata's map has no order of its own).
        for _ in 0..8 {
            assert_eq!(sample().to_bytes(), bytes);
        }
        // Its header was put in order where it stood, as a rebuilt file would have it.
        assert_eq!(ordered_header(&bytes).len(), header_length(&bytes));
        assert_eq!(with_header(&bytes, &ordered_header(&bytes)), bytes);
    }

    #[test]
    fn damaged_truncated_foreign_and_newer_files_are_refused_with_their_reason() {
        let bytes = sample().to_bytes();
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(RunFile::from_bytes(&flipped), Err(RunFileError::Corrupt));
        assert_eq!(
            RunFile::from_bytes(&bytes[..bytes.len() - 3]),
            Err(RunFileError::Truncated)
        );
        assert_eq!(
            RunFile::from_bytes(&bytes[..20]),
            Err(RunFileError::Truncated)
        );
        assert_eq!(
            RunFile::from_bytes(b"PK\x03\x04 a zip"),
            Err(RunFileError::Foreign)
        );
        assert_eq!(RunFile::from_bytes(&[]), Err(RunFileError::Foreign));
        // A safetensors file that is not a run.
        let other = safetensors::serialize(
            [(
                "w",
                &Raw {
                    dtype: Dtype::U8,
                    shape: vec![1],
                    bytes: vec![0].into(),
                },
            )],
            None,
        )
        .unwrap();
        assert_eq!(RunFile::from_bytes(&other), Err(RunFileError::Foreign));
        // A newer format.
        let from = format!("\"{VERSION_KEY}\":\"{RUN_FILE_VERSION}\"").into_bytes();
        let at = bytes.windows(from.len()).position(|w| w == from).unwrap();
        let mut newer = bytes.clone();
        newer[at + from.len() - 2] = b'9';
        assert_eq!(
            RunFile::from_bytes(&newer),
            Err(RunFileError::FutureVersion {
                found: 9,
                supported: RUN_FILE_VERSION
            })
        );
    }

    #[test]
    fn a_missing_or_misshapen_tensor_is_named() {
        let file = sample();
        assert_eq!(
            file.floats("head.bias", &[3]),
            Err(RunFileError::MissingTensor {
                name: "head.bias".into()
            })
        );
        assert_eq!(
            file.floats("head.weight", &[3, 2]),
            Err(RunFileError::WrongShape {
                name: "head.weight".into(),
                expected: vec![3, 2],
                found: vec![2, 3]
            })
        );
    }
}
