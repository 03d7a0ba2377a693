//! The words of the device choice: which adapter the browser gave, and WebGPU timed beside
//! the CPU.

/// One comparison, its figures written as the page writes durations.
pub struct Timing<'a> {
    pub batch_size: usize,
    pub cpu: &'a str,
    /// WebGPU's later updates, and its first (the shaders compiled), where it trained.
    pub gpu: Option<(&'a str, &'a str)>,
    /// Why WebGPU has no figure, where it has none.
    pub gpu_failed: Option<&'a str>,
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
    /// Where the page chose, after a comparison.
    pub chose_gpu: &'static str,
    pub chose_cpu: &'static str,
    /// Where the learner or the address chose.
    pub gpu_is_faster: &'static str,
    pub cpu_is_faster: &'static str,
}

pub static EN: DeviceText = DeviceText {
    compare: "Time WebGPU and the CPU",
    compare_help: "Trains this model for a few updates on WebGPU, then on the CPU, from fresh \
        weights (your run is left as it is), and says how long each update takes.",
    comparing: "Timing this model on WebGPU and on the CPU: a few updates on each, from fresh \
        weights; your run is left as it is…",
    no_adapter: "This browser offers no WebGPU adapter: the page trains on the CPU.",
    software_adapter: |name| {
        format!(
            "This browser’s WebGPU adapter ({name}) is a software one: it computes on the \
             processor, imitating a graphics card, far more slowly than the page’s CPU path. \
             The page trains on the CPU."
        )
    },
    timed: |t| {
        let gpu = match (t.gpu, t.gpu_failed) {
            (Some((update, first)), _) => {
                format!(
                    "WebGPU {update} per update (the first one, compiling its shaders, {first})"
                )
            }
            (None, Some(why)) => format!("WebGPU could not train it ({why})"),
            (None, None) => "WebGPU could not train it".to_string(),
        };
        format!(
            "Timed in this browser, this model with batches of {}: {gpu}; CPU {} per update \
             (one worker).",
            t.batch_size, t.cpu
        )
    },
    chose_gpu: "The page trains on WebGPU, the faster here.",
    chose_cpu: "The page trains on the CPU, the faster here.",
    gpu_is_faster: "WebGPU is the faster here.",
    cpu_is_faster: "The CPU is the faster here.",
};

pub static FR: DeviceText = DeviceText {
    compare: "Chronométrer WebGPU et le processeur",
    compare_help: "Entraîne ce modèle quelques mises à jour sur WebGPU, puis sur le processeur, \
        avec des poids neufs (votre entraînement n’est pas touché), et donne la durée de chaque \
        mise à jour.",
    comparing:
        "Chronométrage de ce modèle sur WebGPU et sur le processeur\u{a0}: quelques mises à \
        jour sur chacun, avec des poids neufs\u{202f}; votre entraînement n’est pas touché…",
    no_adapter: "Ce navigateur ne propose pas d’adaptateur WebGPU\u{a0}: la page entraîne sur le \
        processeur.",
    software_adapter: |name| {
        format!(
            "L’adaptateur WebGPU de ce navigateur ({name}) est logiciel\u{a0}: il calcule sur le \
             processeur en imitant une carte graphique, bien plus lentement que le calcul de la \
             page sur le processeur. La page entraîne donc sur le processeur."
        )
    },
    timed: |t| {
        let gpu = match (t.gpu, t.gpu_failed) {
            (Some((update, first)), _) => format!(
                "WebGPU {update} par mise à jour (la première, qui compile ses shaders, {first})"
            ),
            (None, Some(why)) => format!("WebGPU n’a pas pu l’entraîner ({why})"),
            (None, None) => "WebGPU n’a pas pu l’entraîner".to_string(),
        };
        format!(
            "Chronométré dans ce navigateur, ce modèle avec des lots de {}\u{a0}: {gpu}\u{202f}; \
             processeur {} par mise à jour (un seul fil de calcul).",
            t.batch_size, t.cpu
        )
    },
    chose_gpu: "La page entraîne donc sur WebGPU, le plus rapide ici.",
    chose_cpu: "La page entraîne donc sur le processeur, le plus rapide ici.",
    gpu_is_faster: "WebGPU est le plus rapide ici.",
    cpu_is_faster: "Le processeur est le plus rapide ici.",
};
