//! The words of kept runs: saving, opening, the autosave, and a run reopened.

use vocab::protocol::StorageError;

use super::Lang;

pub struct RunsText {
    pub save: &'static str,
    pub save_help: &'static str,
    pub open: &'static str,
    pub open_help: &'static str,
    /// The run is kept in this browser, as of update n.
    pub kept: fn(u64) -> String,
    /// A run file opened: (file name, update).
    pub reopened_file: fn(&str, u64) -> String,
    /// The page opened on the run kept in the browser, at update n.
    pub reopened_autosave: fn(u64) -> String,
    /// After a worker died: (update reopened, updates lost since the last autosave).
    pub recovered: fn(u64, u64) -> String,
    pub start_fresh: &'static str,
    /// The worker died before the run was ever kept.
    pub started_again: &'static str,
    pub not_kept: fn(&str) -> String,
    /// The workers kept dying at start-up, with the last reason.
    pub worker_down: fn(&str) -> String,
    pub fresh_on_cpu: &'static str,
    /// A recent run reopened, at update n.
    pub reopened_kept: fn(u64) -> String,
    /// The trained model opened: (update, validation accuracy as written).
    pub reopened_trained: fn(u64, &str) -> String,
    pub trained: &'static str,
    pub trained_help: &'static str,
    /// The trained model could not be fetched (the browser's words).
    pub trained_missing: fn(&str) -> String,
    pub recent_title: &'static str,
    pub recent_help: &'static str,
    /// (space used, budget), both written with their unit.
    pub recent_budget: fn(&str, &str) -> String,
    pub recent_empty: &'static str,
    pub reopen: &'static str,
    pub open_now: &'static str,
    pub forget: &'static str,
    pub compare: &'static str,
    pub compare_hint: &'static str,
    pub compare_title: &'static str,
    pub compare_caption: &'static str,
    /// Updates done, in a run's line.
    pub updates: fn(u64) -> String,
    /// The last batch loss, as written.
    pub last_loss: fn(&str) -> String,
    /// Validation accuracy, as written.
    pub accuracy: fn(&str) -> String,
    pub synthetic_faces: &'static str,
    /// An imported face set: (name, people).
    pub imported_faces: fn(&str, usize) -> String,
    /// What tells compared runs apart.
    pub learning_rate: fn(&str) -> String,
    pub batch: fn(usize) -> String,
    pub seed: fn(u64) -> String,
    /// A shaped model's numbers, when runs differ in them.
    pub image_size: fn(usize) -> String,
    pub patch: fn(usize) -> String,
    pub width: fn(usize) -> String,
    pub heads: fn(usize) -> String,
    pub depth: fn(usize) -> String,
    pub mlp: fn(usize) -> String,
    pub shifts: &'static str,
    pub no_shifts: &'static str,
    /// Runs that differ in nothing the page sets: told apart by their number.
    pub run_number: fn(u64) -> String,
    pub megabytes: fn(&str) -> String,
}

pub static EN: RunsText = RunsText {
    save: "Save run…",
    save_help: "Downloads this run as one file (.vitp): the weights (in safetensors, readable by \
        PyTorch), the optimizer's memory, the place in the epoch, the faces and the charts. \
        Open it later, here or with vitp, and it carries on exactly where it stopped (a run \
        saved on WebGPU keeps everything but the optimizer's memory, which starts afresh).",
    open: "Open run…",
    open_help: "Continues a run saved from this page or with vitp train --save. You can also \
        drop a .vitp file on the page.",
    kept: |step| format!("Kept in this browser at update {step}."),
    reopened_file: |name, step| format!("Opened {name}: the run carries on from update {step}."),
    reopened_autosave: |step| {
        format!("Welcome back: your run carries on from update {step}, where you left it.")
    },
    recovered: |step, lost| match lost {
        0 => {
            format!("The run was reopened from its last save, at update {step}: nothing was lost.")
        }
        1 => {
            format!("The run was reopened from its last save, at update {step}: 1 update was lost.")
        }
        n => format!(
            "The run was reopened from its last save, at update {step}: {n} updates were lost."
        ),
    },
    start_fresh: "Start a fresh run instead",
    started_again: "No copy of the run had been kept yet: it starts again from the seed.",
    worker_down: |why| {
        format!("The training stopped three times in a row before it could start ({why}), so it is not restarted again. A fresh run on the CPU sets the kept run aside.")
    },
    fresh_on_cpu: "Start a fresh run on the CPU",
    reopened_kept: |step| format!("A recent run reopened: it carries on from update {step}."),
    reopened_trained: |step, accuracy| {
        format!("You start from a trained model: {step} updates on the built-in faces, {accuracy} of the validation images recognised. Its attention maps are those of a model that tells people apart; “Reset” gives update 0 to compare.")
    },
    trained: "Start from a trained model",
    trained_help: "Opens a copy of the small model trained on the built-in faces (made by cargo xtask assets), so you see trained attention at once. A run you had trained stays in the recent runs.",
    trained_missing: |why| format!("The trained model could not be loaded ({why}). Your run is untouched."),
    recent_title: "Recent runs",
    recent_help: "Every run is kept in this browser from its first update on, and stays here when a reset, another model, other faces or an opened file replaces it. Reopen one to carry it on where it stopped; tick two or more to lay their loss and validation curves on one chart, each named by what differs between them (the optimizer, the learning rate…). Nothing leaves this computer.",
    recent_budget: |used, budget| {
        format!("Kept on this computer only: {used} of {budget}. Past that, the oldest runs go first; the open one never does.")
    },
    recent_empty: "No run kept yet: a run is kept from its first update on.",
    reopen: "Reopen",
    open_now: "open",
    forget: "Forget",
    compare: "Compare",
    compare_hint: "Tick two runs or more to compare their curves.",
    compare_title: "Compared runs",
    compare_caption: "One colour per run. Thin lines: the loss on each update's batch; thick lines (with dots while there are few): the loss and the accuracy on the validation images, measured at the start and after every epoch.",
    updates: |n| match n {
        1 => "1 update".into(),
        n => format!("{n} updates"),
    },
    last_loss: |loss| format!("loss {loss}"),
    accuracy: |accuracy| format!("validation accuracy {accuracy}"),
    synthetic_faces: "built-in faces",
    imported_faces: |name, people| format!("{name} ({people} people)"),
    learning_rate: |rate| format!("learning rate {rate}"),
    batch: |n| format!("batch {n}"),
    seed: |n| format!("seed {n}"),
    image_size: |n| format!("{n}×{n} images"),
    patch: |n| format!("patch {n}"),
    width: |n| format!("width {n}"),
    heads: |n| match n {
        1 => "1 head".to_string(),
        n => format!("{n} heads"),
    },
    depth: |n| format!("depth {n}"),
    mlp: |n| format!("MLP {n}"),
    shifts: "shifted images",
    no_shifts: "images as they are",
    run_number: |n| format!("run {n}"),
    megabytes: |n| format!("{n} MB"),
    not_kept: |why| {
        format!("This run is not being kept in the browser ({why}). Training goes on; use “Save run…” to keep it as a file.")
    },
};

pub static FR: RunsText = RunsText {
    save: "Enregistrer l’entraînement…",
    save_help: "Télécharge cet entraînement en un seul fichier (.vitp)\u{a0}: les poids (au \
        format safetensors, lisible par PyTorch), la mémoire de l’optimiseur, la position dans \
        l’époque, les visages et les courbes. Rouvert plus tard, ici ou avec vitp, il reprend \
        exactement où il s’était arrêté (enregistré sur WebGPU, il garde tout sauf la mémoire \
        de l’optimiseur, qui repart comme avant la première mise à jour).",
    open: "Ouvrir un entraînement…",
    open_help: "Reprend un entraînement enregistré depuis cette page ou avec vitp train --save. \
        Vous pouvez aussi déposer un fichier .vitp sur la page.",
    kept: |step| format!("Conservé dans ce navigateur à la mise à jour {step}."),
    reopened_file: |name, step| {
        format!("{name} est ouvert\u{a0}: l’entraînement reprend à la mise à jour {step}.")
    },
    reopened_autosave: |step| {
        format!("Bon retour\u{a0}! L’entraînement reprend à la mise à jour {step}, là où vous l’aviez laissé.")
    },
    recovered: |step, lost| {
        match lost {
        0 => format!("L’entraînement a été rouvert depuis sa dernière sauvegarde, à la mise à jour {step}\u{a0}: rien n’a été perdu."),
        1 => format!("L’entraînement a été rouvert depuis sa dernière sauvegarde, à la mise à jour {step}\u{a0}: une mise à jour a été perdue."),
        n => format!("L’entraînement a été rouvert depuis sa dernière sauvegarde, à la mise à jour {step}\u{a0}: {n}\u{a0}mises à jour ont été perdues."),
    }
    },
    start_fresh: "Repartir de zéro",
    started_again:
        "Aucune copie de l’entraînement n’avait encore été conservée\u{a0}: il repart de la graine.",
    worker_down: |why| {
        format!("L’entraînement s’est arrêté trois fois de suite avant de pouvoir démarrer ({why})\u{a0}: il n’est plus relancé. Un nouvel entraînement sur le processeur laisse de côté celui qui était conservé.")
    },
    fresh_on_cpu: "Nouvel entraînement sur le processeur",
    reopened_kept: |step| {
        format!("Un entraînement récent est rouvert\u{a0}: il reprend à la mise à jour {step}.")
    },
    reopened_trained: |step, accuracy| {
        format!("Vous partez d’un modèle entraîné\u{a0}: {step}\u{a0}mises à jour sur les visages intégrés, {accuracy} des images de validation reconnues. Ses cartes d’attention sont celles d’un modèle qui distingue les personnes\u{a0}; «\u{a0}Réinitialiser\u{a0}» redonne la mise à jour 0 pour comparer.")
    },
    trained: "Partir d’un modèle entraîné",
    trained_help: "Ouvre une copie du petit modèle entraîné sur les visages intégrés (produit par cargo xtask assets), pour voir tout de suite une attention entraînée. Un entraînement déjà commencé reste dans les entraînements récents.",
    trained_missing: |why| {
        format!("Le modèle entraîné n’a pas pu être chargé ({why}). Votre entraînement n’a pas changé.")
    },
    recent_title: "Entraînements récents",
    recent_help: "Chaque entraînement est conservé dans ce navigateur dès sa première mise à jour, et le reste quand une réinitialisation, un autre modèle, d’autres visages ou un fichier ouvert le remplace. Rouvrez-en un pour le reprendre là où il s’était arrêté\u{a0}; cochez-en au moins deux pour superposer leurs courbes de perte et de validation sur un même graphique, chacune nommée par ce qui les distingue (l’optimiseur, le taux d’apprentissage…). Rien ne quitte cet ordinateur.",
    recent_budget: |used, budget| {
        format!("Conservés sur cet ordinateur seulement\u{a0}: {used} sur {budget}. Au-delà, les plus anciens sont effacés en premier, jamais celui qui est ouvert.")
    },
    recent_empty: "Aucun entraînement conservé pour l’instant\u{a0}: un entraînement est conservé dès sa première mise à jour.",
    reopen: "Rouvrir",
    open_now: "ouvert",
    forget: "Effacer",
    compare: "Comparer",
    compare_hint: "Cochez au moins deux entraînements pour comparer leurs courbes.",
    compare_title: "Entraînements comparés",
    compare_caption: "Une couleur par entraînement. Traits fins\u{a0}: la perte sur le lot de chaque mise à jour\u{a0}; traits épais (avec des points tant qu’ils sont peu nombreux)\u{a0}: la perte et l’exactitude sur les images de validation, mesurées au départ et après chaque époque.",
    updates: |n| match n {
        0 | 1 => format!("{n}\u{a0}mise à jour"),
        n => format!("{n}\u{a0}mises à jour"),
    },
    last_loss: |loss| format!("perte {loss}"),
    accuracy: |accuracy| format!("exactitude en validation {accuracy}"),
    synthetic_faces: "visages intégrés",
    imported_faces: |name, people| format!("{name} ({people}\u{a0}personnes)"),
    learning_rate: |rate| format!("taux d’apprentissage {rate}"),
    batch: |n| format!("lot de {n}"),
    seed: |n| format!("graine {n}"),
    image_size: |n| format!("images {n}\u{a0}×\u{a0}{n}"),
    patch: |n| format!("patch {n}"),
    width: |n| format!("largeur {n}"),
    heads: |n| match n {
        1 => "1\u{a0}tête".to_string(),
        n => format!("{n}\u{a0}têtes"),
    },
    depth: |n| format!("profondeur {n}"),
    mlp: |n| format!("MLP {n}"),
    shifts: "images décalées",
    no_shifts: "images telles quelles",
    run_number: |n| format!("entraînement {n}"),
    megabytes: |n| format!("{n}\u{a0}Mo"),
    not_kept: |why| {
        format!("Cet entraînement n’est pas conservé dans le navigateur ({why}). L’entraînement continue\u{a0}; utilisez «\u{a0}Enregistrer l’entraînement…\u{a0}» pour le garder dans un fichier.")
    },
};

/// Why the browser's storage did not keep the run.
pub fn storage_error(lang: Lang, error: &StorageError) -> String {
    match (lang, error) {
        (Lang::En, error) => error.to_string(),
        (Lang::Fr, StorageError::Unavailable) => {
            "ce navigateur ne donne pas de stockage à la page (navigation privée\u{a0}?)".into()
        }
        (Lang::Fr, StorageError::Full) => {
            "le stockage du navigateur pour cette page est plein".into()
        }
        (Lang::Fr, StorageError::Failed(name)) => {
            format!("le stockage du navigateur a échoué\u{a0}: {name}")
        }
    }
}
