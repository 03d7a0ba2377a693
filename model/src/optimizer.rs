//! The optimizer over the whole model: Burn's own update rules (`Sgd`, with or without
//! momentum, and `Adam`), applied parameter by parameter, with each parameter's state held
//! here.
//!
//! Why not Burn's `ModuleOptimizer`: it keeps the states private and rebuilds a saved state
//! on `Device::default()`, which in the worker is WebGPU even for a CPU run (it is compiled
//! in) and panics there until WebGPU has been started: no run could be resumed in the
//! browser. Here the states are written into run files under the parameters' names and
//! rebuilt on the run's own device. The arithmetic stays Burn's: each update calls
//! `Optimizer::step` of Burn's `Sgd` or `Adam`, as `ModuleOptimizer` does.

use std::collections::BTreeMap;

use burn::module::{Module, ModuleMapper, Param};
use burn::optim::momentum::MomentumConfig;
use burn::optim::{
    Adam, AdamConfig, DynOptimizer, DynState, GradientsParams, Optimizer, Sgd, SgdConfig,
    StateSink, StateSource,
};
use burn::tensor::{Device, Tensor, TensorData};
use burn_pack::Scalar;

use vocab::run_file::StateScalar;
use vocab::{OptimizerKind, ADAM_BETAS, ADAM_EPSILON};

/// Burn's update rule for one of the kinds the page offers.
#[derive(Clone)]
enum Rule {
    Sgd(Sgd),
    Adam(Adam),
}

impl Rule {
    fn new(kind: OptimizerKind) -> Self {
        match kind {
            OptimizerKind::Sgd { momentum } if momentum > 0.0 => Rule::Sgd(
                SgdConfig::new()
                    .with_momentum(Some(
                        MomentumConfig::new()
                            .with_momentum(momentum)
                            .with_dampening(0.0),
                    ))
                    .build(),
            ),
            OptimizerKind::Sgd { .. } => Rule::Sgd(SgdConfig::new().build()),
            OptimizerKind::Adam => Rule::Adam(
                AdamConfig::new()
                    .with_beta_1(ADAM_BETAS.0)
                    .with_beta_2(ADAM_BETAS.1)
                    .with_epsilon(ADAM_EPSILON)
                    .build(),
            ),
        }
    }

    fn as_dyn(&self) -> &dyn DynOptimizer {
        match self {
            Rule::Sgd(sgd) => sgd,
            Rule::Adam(adam) => adam,
        }
    }
}

/// One optimizer for the whole model, with every parameter's state, by parameter name
/// (`blocks.0.attn.wq.weight`, …).
#[derive(Clone)]
pub struct ModelOptimizer {
    rule: Rule,
    states: BTreeMap<String, DynState>,
}

/// Burn's `step` on one parameter, with its state taken from and put back into `states`.
struct Updater<'a> {
    rule: &'a Rule,
    states: &'a mut BTreeMap<String, DynState>,
    grads: GradientsParams,
    lr: f64,
    path: Vec<String>,
}

fn step<O: Optimizer, const D: usize>(
    rule: &O,
    lr: f64,
    tensor: Tensor<D>,
    grad: Tensor<D>,
    state: Option<DynState>,
) -> (Tensor<D>, Option<DynState>) {
    let device = grad.device();
    let state = state.map(|s| O::to_device(s.downcast::<O::State<D>>(), &device));
    let (tensor, state) = rule.step(lr, tensor, grad, state);
    (tensor, state.map(|s| DynState::create(s, D)))
}

impl ModuleMapper for Updater<'_> {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }
    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        let Some(grad) = self.grads.remove::<D>(id) else {
            return Param::from_mapped_value(id, tensor, mapper);
        };
        // The autodiff settings the update must keep (as Burn's `ModuleOptimizer` does).
        let require_grad = tensor.is_require_grad();
        let checkpointing = tensor.gradient_checkpointing_strategy();
        let name = self.path.join(".");
        let state = self.states.remove(&name);
        let inner = tensor.inner();
        let (updated, state) = match self.rule {
            Rule::Sgd(rule) => step(rule, self.lr, inner, grad, state),
            Rule::Adam(rule) => step(rule, self.lr, inner, grad, state),
        };
        if let Some(state) = state {
            self.states.insert(name, state);
        }
        let mut tensor = Tensor::from_inner(updated);
        if let Some(strategy) = checkpointing {
            tensor = tensor.with_gradient_checkpointing_strategy(strategy);
        }
        if require_grad {
            tensor = tensor.require_grad();
        }
        Param::from_mapped_value(id, tensor, mapper)
    }
}

/// An optimizer state's leaves, as a run file keeps them: tensors by name, and scalars.
pub struct FlatState {
    pub tensors: Vec<(String, Vec<usize>, Vec<f32>)>,
    pub scalars: BTreeMap<String, StateScalar>,
}

fn to_scalar(value: Scalar) -> StateScalar {
    match value {
        Scalar::Int(v) => StateScalar::Int(v),
        Scalar::UInt(v) => StateScalar::UInt(v),
        Scalar::Float(v) => StateScalar::Float(v),
        Scalar::Bool(v) => StateScalar::Bool(v),
    }
}

fn from_scalar(value: StateScalar) -> Scalar {
    match value {
        StateScalar::Int(v) => Scalar::Int(v),
        StateScalar::UInt(v) => Scalar::UInt(v),
        StateScalar::Float(v) => Scalar::Float(v),
        StateScalar::Bool(v) => Scalar::Bool(v),
    }
}

impl ModelOptimizer {
    /// No state yet, as before the first update.
    pub fn new(kind: OptimizerKind) -> Self {
        Self {
            rule: Rule::new(kind),
            states: BTreeMap::new(),
        }
    }

    /// One update of every parameter that has a gradient.
    pub fn step<M: Module>(&mut self, lr: f64, module: M, grads: GradientsParams) -> M {
        let mut updater = Updater {
            rule: &self.rule,
            states: &mut self.states,
            grads,
            lr,
            path: Vec::new(),
        };
        module.map(&mut updater)
    }

    /// Every state's leaves (`{parameter}.{field}`), read back synchronously: CPU devices,
    /// and WebGPU natively (not in the browser, which cannot read synchronously).
    pub fn flatten(&self) -> FlatState {
        let mut sink = StateSink::default();
        for (name, state) in &self.states {
            self.rule.as_dyn().state_flatten(name, state, &mut sink);
        }
        FlatState {
            tensors: sink
                .tensors
                .into_iter()
                .map(|(name, data)| {
                    let shape = data.shape().to_vec();
                    (name, shape, data.iter::<f32>().collect())
                })
                .collect(),
            scalars: sink
                .scalars
                .into_iter()
                .map(|(name, value)| (name, to_scalar(value)))
                .collect(),
        }
    }

    /// The optimizer of `kind` with the states `flat` holds, on `device`, for parameters
    /// named and ranked as in `parameters`. A parameter with no state left in `flat`
    /// starts without one.
    pub fn unflatten(
        kind: OptimizerKind,
        flat: FlatState,
        parameters: &[(String, usize)],
        device: &Device,
    ) -> Self {
        let mut source = StateSource::new(
            flat.scalars
                .into_iter()
                .map(|(name, value)| (name, from_scalar(value)))
                .collect(),
        );
        for (name, shape, values) in flat.tensors {
            source.insert_tensor(name, TensorData::new(values, shape));
        }
        let mut optimizer = Self::new(kind);
        for (name, rank) in parameters {
            if !source.has_under(name) {
                continue;
            }
            let inner = device.clone().inner();
            if let Some(state) =
                optimizer
                    .rule
                    .as_dyn()
                    .state_unflatten(*rank, name, &mut source, &inner)
            {
                optimizer.states.insert(name.clone(), state);
            }
        }
        optimizer
    }
}
