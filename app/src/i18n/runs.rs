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
