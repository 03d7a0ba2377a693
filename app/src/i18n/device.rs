//! The words of the device choice: which adapter the browser gave, and WebGPU timed beside
//! the CPU.

/// One comparison, its figures written as the page writes durations.
pub struct Timing<'a> {
    pub batch_size: usize,
    pub cpu: &'a str,
    /// The workers that shared the CPU's updates, as the page writes them ("2 workers").
    pub cpu_workers: &'a str,
    /// WebGPU's later updates and its first, where it trained; else why not, where known.
    pub gpu: Result<(&'a str, &'a str), Option<&'a str>>,
}

pub struct DeviceText {
    pub compare: &'static str,
    pub compare_help: &'static str,
    pub comparing: &'static str,
    /// Where the page chooses and the browser gave no adapter.
    pub no_adapter: &'static str,
    /// Where the page chooses and the adapter computes on the processor (its name).
    pub software_adapter: fn(&str) -> String,
    pub timed: fn(&Timing) -> String,
    /// Where the page chose, and the run is on the faster device.
    pub chose_gpu: &'static str,
    pub chose_cpu: &'static str,
    /// Where the learner or the address chose (or the run could not go to the faster).
    pub gpu_is_faster: &'static str,
    pub cpu_is_faster: &'static str,
}

pub static EN: DeviceText = DeviceText {
    compare: "Time WebGPU and the CPU",
    compare_help: "Pauses, trains this model for a few updates on WebGPU, then on the CPU with \
        the workers chosen under “Cores”, from new weights (your run stays as it is), and says how \
        long an update takes on each. WebGPU's first update also compiles the shaders this \
        model needs, once per page load.",
    comparing: "Timing this model on WebGPU and on the CPU: a few updates on each, from new \
        weights; your run stays as it is…",
    no_adapter: "This browser offers no WebGPU adapter: the page trains the model on the CPU.",
    software_adapter: |name| {
        format!(
            "This browser's WebGPU adapter ({name}) is a software one: it computes on the \
             processor, imitating a graphics card, far more slowly than the page's CPU path. \
             The page trains the model on the CPU."
        )
    },
    timed: |t| {
        let gpu = match t.gpu {
            Ok((update, first)) => format!("WebGPU {update} per update (the first: {first})"),
            Err(Some(why)) => format!("WebGPU could not train it ({why})"),
            Err(None) => "WebGPU could not train it".to_string(),
        };
        format!(
            "This model, timed in this browser with batches of {}: {gpu}; CPU {} per update \
             ({}).",
            t.batch_size, t.cpu, t.cpu_workers
        )
    },
    chose_gpu: "The page trains the model on WebGPU, the faster here.",
    chose_cpu: "The page trains the model on the CPU, the faster here.",
    gpu_is_faster: "WebGPU is the faster here.",
    cpu_is_faster: "The CPU is the faster here.",
};

pub static FR: DeviceText = DeviceText {
    compare: "Chronométrer WebGPU et le processeur",
    compare_help: "Met en pause, entraîne ce modèle pendant quelques mises à jour sur WebGPU, \
        puis sur le processeur avec les fils de calcul choisis dans «\u{a0}Cœurs\u{a0}», en \
        partant de nouveaux poids (votre entraînement reste intact), et donne la durée d’une mise \
        à jour sur chacun. La première mise à jour sur WebGPU compile aussi les shaders (les \
        programmes de la carte graphique) dont ce modèle a besoin, une fois par chargement de \
        la page.",
    comparing:
        "Chronométrage de ce modèle sur WebGPU et sur le processeur\u{a0}: quelques mises à jour \
         sur chacun, en partant de nouveaux poids\u{202f}; votre entraînement reste intact…",
    no_adapter: "Ce navigateur ne propose pas d’adaptateur WebGPU\u{a0}: la page entraîne le \
        modèle sur le processeur.",
    software_adapter: |name| {
        format!(
            "L’adaptateur WebGPU de ce navigateur ({name}) est logiciel\u{a0}: il calcule sur le \
             processeur en imitant une carte graphique, bien plus lentement que le calcul de la \
             page sur le processeur. La page entraîne donc le modèle sur le processeur."
        )
    },
    timed: |t| {
        let gpu = match t.gpu {
            Ok((update, first)) => {
                format!("WebGPU {update} par mise à jour (la première\u{a0}: {first})")
            }
            Err(Some(why)) => format!("WebGPU n’a pas pu l’entraîner ({why})"),
            Err(None) => "WebGPU n’a pas pu l’entraîner".to_string(),
        };
        format!(
            "Ce modèle, chronométré dans ce navigateur avec des lots de {}\u{a0}: {gpu}\u{202f}; \
             processeur {} par mise à jour ({}).",
            t.batch_size, t.cpu, t.cpu_workers
        )
    },
    chose_gpu: "La page entraîne donc le modèle sur WebGPU, le plus rapide ici.",
    chose_cpu: "La page entraîne donc le modèle sur le processeur, le plus rapide ici.",
    gpu_is_faster: "WebGPU est le plus rapide ici.",
    cpu_is_faster: "Le processeur est le plus rapide ici.",
};
