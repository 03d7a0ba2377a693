//! A trainer written into a run file, and brought back from one exactly where it stopped.
//!
//! What makes resuming exact: the weights under their names (with their ids), the
//! optimizer's state per parameter (momentum's velocity, Adam's moments and update count),
//! the report's copy of Wq's optimizer memory, the update counter and the epoch's order. The augmentation's randomness needs nothing: each
//! update's draw comes from the seed and the update's number.
//!
//! The file format itself (safetensors, manifest, checksum) is [`vocab::run_file`].

use std::collections::BTreeMap;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::tensor::{Device, Tensor, TensorData};

use crate::optimizer::{FlatState, ModelOptimizer};
use crate::optimizer_memory::WqMemory;
use crate::params::NamedTensor;
use crate::readback::Pending;
use crate::trainer::Trainer;
use crate::vit::{Vit, VitInit};
use vocab::protocol::{RunHistory, RunSettings};
pub use vocab::run_file::{RunFile, RunFileError, RunManifest, RunPart, StoredTensor};

/// The prefix of the optimizer state's tensors in a run file.
const OPTIMIZER_PREFIX: &str = "optimizer.";

/// A trainer's part of a run file, read from the device.
pub struct SavedTrainer {
    manifest: RunManifest,
    tensors: Vec<StoredTensor>,
}

impl SavedTrainer {
    /// The run file, with what the caller keeps beside the trainer: who saves it, the
    /// page's controls, the charts' histories, and more tensors (the faces).
    pub fn into_run_file(
        mut self,
        saved_by: &str,
        settings: Option<RunSettings>,
        history: RunHistory,
        extra: impl IntoIterator<Item = StoredTensor>,
    ) -> RunFile {
        self.manifest.saved_by = saved_by.to_string();
        self.manifest.settings = settings;
        self.manifest.history = history;
        RunFile::new(self.manifest, self.tensors.into_iter().chain(extra))
    }
}

/// Every parameter's path in the module tree (`blocks.0.attn.wq.weight`), id and rank.
struct IdCollector {
    path: Vec<String>,
    ids: Vec<(String, u64, usize)>,
}

impl ModuleVisitor for IdCollector {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }
    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.ids.push((self.path.join("."), param.id.val(), D));
    }
}

/// Gives the parameters the ids 0, 1, 2… in the module's order, instead of Burn's random
/// ones: the ids are written in run files, and the same training must make the same file
/// (`cargo xtask assets` reproduces the trained model bit for bit). The ids only key the
/// gradients of one model, so two models sharing them never meet.
struct Numbering {
    next: u64,
}

impl ModuleMapper for Numbering {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (_, tensor, mapper) = param.consume();
        let id = ParamId::from(self.next);
        self.next += 1;
        Param::from_mapped_value(id, tensor, mapper)
    }
}

pub(crate) fn numbered(vit: Vit) -> Vit {
    vit.map(&mut Numbering { next: 0 })
}

/// Puts a run file's values and ids into a freshly built model, parameter by parameter.
struct Loader<'a> {
    path: Vec<String>,
    file: &'a RunFile,
    ids: BTreeMap<&'a str, u64>,
    error: Option<RunFileError>,
}

impl ModuleMapper for Loader<'_> {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }
    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let name = self.path.join(".");
        let shape: [usize; D] = param.val().dims();
        let loaded = self.file.floats(&name, &shape).and_then(|values| {
            let id = self
                .ids
                .get(name.as_str())
                .ok_or_else(|| RunFileError::MissingTensor { name: name.clone() })?;
            Ok((values.to_vec(), *id))
        });
        match loaded {
            Ok((values, id)) => {
                let device = param.val().device();
                let tensor = Tensor::<D>::from_data(TensorData::new(values, shape), &device);
                param.transform_for_load(tensor, ParamId::from(id))
            }
            Err(error) => {
                self.error.get_or_insert(error);
                param
            }
        }
    }
}

impl Vit {
    fn collect_ids(&self) -> Vec<(String, u64, usize)> {
        let mut collector = IdCollector {
            path: Vec::new(),
            ids: Vec::new(),
        };
        self.visit(&mut collector);
        collector.ids
    }

    /// Every parameter's name and Burn id, in the module's order.
    pub fn parameter_ids(&self) -> Vec<(String, u64)> {
        let ids = self.collect_ids();
        ids.into_iter().map(|(name, id, _)| (name, id)).collect()
    }

    /// Every parameter's name and rank (number of dimensions), in the module's order.
    pub fn parameter_ranks(&self) -> Vec<(String, usize)> {
        let ids = self.collect_ids();
        ids.into_iter()
            .map(|(name, _, rank)| (name, rank))
            .collect()
    }

    /// This model with every parameter's values and id taken from `file`.
    fn loaded_from(self, file: &RunFile) -> Result<Vit, RunFileError> {
        let mut loader = Loader {
            path: Vec::new(),
            file,
            ids: file
                .manifest
                .parameter_ids
                .iter()
                .map(|(name, id)| (name.as_str(), *id))
                .collect(),
            error: None,
        };
        let model = self.map(&mut loader);
        match loader.error {
            Some(error) => Err(error),
            None => Ok(model),
        }
    }
}

fn inconsistent(part: RunPart) -> RunFileError {
    RunFileError::Inconsistent { part }
}

impl Trainer {
    /// The trainer's state, read from the device. `with_optimizer`: whether to include the
    /// optimizer's state, which Burn flattens synchronously; WebGPU in the browser cannot
    /// read synchronously, so there it is left out and a resumed run starts its optimizer
    /// afresh.
    pub fn save(&self, with_optimizer: bool) -> Pending<SavedTrainer> {
        // The report's copy of the optimizer's memory goes with the optimizer's state.
        let memory = match with_optimizer {
            true => self.memory().tensors(),
            false => Vec::new(),
        };
        let parameters = self.model().named_parameters_and(memory);
        let flat = with_optimizer.then(|| self.optimizer().flatten());
        let mut manifest = RunManifest {
            saved_by: String::new(),
            training: self.options().clone(),
            settings: None,
            steps: self.steps(),
            sampler: self.sampler().clone(),
            parameter_ids: self.model().parameter_ids(),
            optimizer_state: with_optimizer,
            optimizer_scalars: BTreeMap::new(),
            memory_time: self.memory().time(),
            history: RunHistory::default(),
        };
        parameters.map(move |named| {
            let mut tensors: Vec<StoredTensor> = named
                .into_iter()
                .map(|(name, NamedTensor { shape, values })| StoredTensor::f32(name, shape, values))
                .collect();
            if let Some(flat) = flat {
                tensors.extend(flat.tensors.into_iter().map(|(name, shape, values)| {
                    StoredTensor::f32(format!("{OPTIMIZER_PREFIX}{name}"), shape, values)
                }));
                manifest.optimizer_scalars = flat.scalars;
            }
            Ok(SavedTrainer { manifest, tensors })
        })
    }

    /// The run kept in `file`, on `device`, ready for its next update on a data set of
    /// `examples` training images. Without an optimizer record in the file the optimizer
    /// starts afresh (see [`Trainer::save`]); everything else must be there and fit.
    pub fn resume(file: &RunFile, examples: usize, device: Device) -> Result<Self, RunFileError> {
        let manifest = &file.manifest;
        let options = manifest.training.clone();
        options
            .validate()
            .map_err(|_| inconsistent(RunPart::TrainingOptions))?;
        if !manifest.sampler.fits(examples) {
            return Err(inconsistent(RunPart::EpochOrder));
        }
        let fresh = Trainer::new(options.clone(), examples, device.clone())
            .map_err(|_| inconsistent(RunPart::TrainingOptions))?;
        let model = fresh.model().clone().loaded_from(file)?;
        // The weights of update 0 are the seed's, whatever happened since.
        let initial = options
            .model
            .init(&device)
            .map_err(|_| inconsistent(RunPart::TrainingOptions))?;
        let optimizer = match manifest.optimizer_state {
            true => optimizer_from(file, &model, options.optimizer, &device)?,
            false => ModelOptimizer::new(options.optimizer),
        };
        let memory = WqMemory::from_run_file(file, &options, &device.clone().inner())?;
        Ok(fresh.resumed(
            model,
            initial,
            optimizer,
            memory,
            manifest.sampler.clone(),
            manifest.steps,
        ))
    }
}

/// The optimizer's state kept in `file`, for the parameters of `model`, on `device`.
fn optimizer_from(
    file: &RunFile,
    model: &Vit,
    kind: vocab::OptimizerKind,
    device: &Device,
) -> Result<ModelOptimizer, RunFileError> {
    let mut tensors = Vec::new();
    for (name, stored) in &file.tensors {
        if let Some(leaf) = name.strip_prefix(OPTIMIZER_PREFIX) {
            let values = file.floats(name, &stored.shape)?.to_vec();
            tensors.push((leaf.to_string(), stored.shape.clone(), values));
        }
    }
    let flat = FlatState {
        tensors,
        scalars: file.manifest.optimizer_scalars.clone(),
    };
    Ok(ModelOptimizer::unflatten(
        kind,
        flat,
        &model.parameter_ranks(),
        device,
    ))
}
