//! The words of the model's shape: the editor, what a shape costs, and the experiments.

pub struct ShapeText {
    pub title: &'static str,
    pub help: &'static str,
    /// The presets' buttons.
    pub presets: &'static str,
    pub preset_s14: &'static str,
    pub image_size: &'static str,
    pub patch_size: &'static str,
    pub width: &'static str,
    pub heads: &'static str,
    pub depth: &'static str,
    pub mlp_width: &'static str,
    /// (grid side, patches, patch side, tokens).
    pub tokens: fn(usize, usize, usize, usize) -> String,
    /// (d_head, √d_head written out).
    pub per_head: fn(usize, &str) -> String,
    /// The parameter count, written out.
    pub parameters: fn(&str) -> String,
    /// (batch, optimizer, estimated size, limit).
    pub memory: fn(usize, &str, &str, &str) -> String,
    /// The last update of this shape, in ms written out.
    pub measured: fn(&str) -> String,
    pub not_measured: &'static str,
    /// Why the shape cannot be trained in the page.
    pub refused: fn(&str) -> String,
    /// The batch the run will use instead of the controls' one, to fit in memory.
    pub batch_lowered: fn(usize) -> String,
    /// (image side): how the faces are made at another size.
    pub faces_at: fn(usize) -> String,
    pub train: &'static str,
    pub train_help: &'static str,
    pub gigabytes: fn(&str) -> String,
    pub megabytes: fn(&str) -> String,

    pub experiments: &'static str,
    pub experiments_caption: &'static str,
    pub heads_experiment: &'static str,
    pub patch_experiment: &'static str,
    pub depth_experiment: &'static str,
    pub updates_per_run: &'static str,
    /// (arm from 1, arms, update, updates).
    pub running: fn(usize, usize, u64, u64) -> String,
    /// Stopped by the learner at (arm from 1).
    pub stopped: fn(usize) -> String,
    /// Above the results: (the face's person, update).
    pub results_caption: fn(&str, u64) -> String,
    /// A head's map: (head from 1).
    pub head: fn(usize) -> String,
    pub rollout: &'static str,
    /// (accuracy, loss) at the last update.
    pub arm_facts: fn(&str, &str) -> String,
    /// (predicted person, probability).
    pub arm_answer: fn(&str, &str) -> String,
    pub compared_below: &'static str,
}

pub static EN: ShapeText = ShapeText {
    title: "The model's shape",
    help: "A Vision Transformer's shape is a handful of numbers: the image side, the patch \
        side (the image is cut into (image ÷ patch)² patches, and CLS is added: that many \
        tokens, so that many rows and columns in every attention map), the width of every \
        token vector, the heads that share that width (each works in width ÷ heads \
        dimensions, d_head, and its scores are divided by √d_head), the number of blocks, and \
        the width of each block's MLP. Change one, train, and compare: every run is kept in \
        the recent runs.",
    presets: "Start from",
    preset_s14: "vit-s14, the teaching text's model",
    image_size: "Image side (pixels)",
    patch_size: "Patch side (pixels)",
    width: "Width (d_model)",
    heads: "Heads",
    depth: "Blocks",
    mlp_width: "MLP width",
    tokens: |grid, patches, patch, tokens| {
        format!(
            "{grid}×{grid} = {patches} patches of {patch}×{patch} pixels, plus CLS: {tokens} tokens, so attention maps of {tokens}×{tokens}."
        )
    },
    per_head: |d, root| {
        format!("Each head works in d_head = {d} dimensions; its scores are divided by √{d} = {root}.")
    },
    parameters: |n| format!("{n} learned parameters."),
    memory: |batch, optimizer, size, limit| {
        format!(
            "Training on batches of {batch} with {optimizer} needs about {size} of memory in the page's training program (an estimate: the weights, their gradients, the optimizer's memory, the weights of update 0 and the last good ones, the run kept on its way to storage, and what the backward pass keeps), of the {limit} the page's WebAssembly can address."
        )
    },
    measured: |ms| format!("Its last update took {ms}, measured in this page."),
    not_measured: "Its update time is measured once it has run.",
    refused: |why| format!("This shape cannot be trained here: {why}."),
    batch_lowered: |batch| {
        format!("Its runs use batches of {batch}, so that one update fits in memory.")
    },
    faces_at: |size| {
        format!(
            "The faces are made at {size}×{size}: the built-in ones drawn at that size, imported ones resampled (enlarging adds no detail)."
        )
    },
    train: "Train this shape",
    train_help: "A new run from the seed with this shape; the run in progress is kept in the recent runs.",
    gigabytes: |n| format!("{n} GB"),
    megabytes: |n| format!("{n} MB"),

    experiments: "Experiments",
    experiments_caption: "Each experiment trains two runs one after the other, from the same seed, on the same faces, with the same optimizer and batch, differing in one number of the “small” shape; each plays to the same update and is kept. Their curves are compared in the recent runs; their attention on the same face is set side by side here.",
    heads_experiment: "1 head vs 4 heads (width 64)",
    patch_experiment: "Patches of 8 vs 4 (16 vs 64 patches)",
    depth_experiment: "1 block vs 4 blocks",
    updates_per_run: "Updates per run",
    running: |arm, arms, step, updates| {
        format!("Run {arm} of {arms}: update {step} of {updates}.")
    },
    stopped: |arm| format!("Stopped during run {arm}: the runs so far are kept."),
    results_caption: |person, step| {
        format!(
            "The same training face, of {person}, at update {step}: where CLS looks in the last block, head by head (brighter: a larger share), and the rollout through every block."
        )
    },
    head: |h| format!("head {h}"),
    rollout: "rollout",
    arm_facts: |accuracy, loss| {
        format!("validation accuracy {accuracy}, last batch loss {loss}")
    },
    arm_answer: |person, probability| format!("the model answers {person} ({probability})"),
    compared_below: "Both runs are ticked in the recent runs' comparison below.",
};

pub static FR: ShapeText = ShapeText {
    title: "La forme du modèle",
    help: "La forme d’un Vision Transformer tient en quelques nombres\u{a0}: le côté de \
        l’image, le côté d’un patch (l’image est découpée en (image ÷ patch)² patchs, et CLS \
        s’y ajoute\u{a0}: autant de jetons, donc autant de lignes et de colonnes dans chaque \
        carte d’attention), la largeur de chaque vecteur de jeton, les têtes qui se partagent \
        cette largeur (chacune travaille en largeur ÷ têtes dimensions, d_head, et ses scores \
        sont divisés par √d_head), le nombre de blocs, et la largeur du MLP de chaque bloc. \
        Changez-en un, entraînez, comparez\u{a0}: chaque entraînement est gardé dans les \
        entraînements récents.",
    presets: "Partir de",
    preset_s14: "vit-s14, le modèle du texte",
    image_size: "Côté de l’image (pixels)",
    patch_size: "Côté d’un patch (pixels)",
    width: "Largeur (d_model)",
    heads: "Têtes",
    depth: "Blocs",
    mlp_width: "Largeur du MLP",
    tokens: |grid, patches, patch, tokens| {
        format!(
            "{grid}\u{a0}×\u{a0}{grid} = {patches}\u{a0}patchs de {patch}\u{a0}×\u{a0}{patch}\u{a0}pixels, plus CLS\u{a0}: {tokens}\u{a0}jetons, donc des cartes d’attention de {tokens}\u{a0}×\u{a0}{tokens}."
        )
    },
    per_head: |d, root| {
        format!(
            "Chaque tête travaille en d_head = {d}\u{a0}dimensions\u{a0}; ses scores sont divisés par √{d} = {root}."
        )
    },
    parameters: |n| format!("{n}\u{a0}paramètres appris."),
    memory: |batch, optimizer, size, limit| {
        format!(
            "Entraîner sur des lots de {batch} avec {optimizer} demande environ {size} de mémoire au programme d’entraînement de la page (une estimation\u{a0}: les poids, leurs gradients, la mémoire de l’optimiseur, les poids de la mise à jour 0 et les derniers bons, l’entraînement gardé en route vers le stockage, et ce que garde la rétropropagation), sur les {limit} que le WebAssembly de la page peut adresser."
        )
    },
    measured: |ms| format!("Sa dernière mise à jour a pris {ms}, mesurée dans cette page."),
    not_measured: "Sa durée de mise à jour sera mesurée quand il aura tourné.",
    refused: |why| format!("Cette forme ne peut pas être entraînée ici\u{a0}: {why}."),
    batch_lowered: |batch| {
        format!("Ses entraînements utilisent des lots de {batch}, pour qu’une mise à jour tienne en mémoire.")
    },
    faces_at: |size| {
        format!(
            "Les visages sont faits en {size}\u{a0}×\u{a0}{size}\u{a0}: ceux du programme dessinés à cette taille, les vôtres rééchantillonnés (agrandir n’ajoute aucun détail)."
        )
    },
    train: "Entraîner cette forme",
    train_help: "Un nouvel entraînement depuis la graine avec cette forme\u{a0}; l’entraînement en cours est gardé dans les entraînements récents.",
    gigabytes: |n| format!("{n}\u{a0}Go"),
    megabytes: |n| format!("{n}\u{a0}Mo"),

    experiments: "Expériences",
    experiments_caption: "Chaque expérience entraîne deux modèles l’un après l’autre, depuis la même graine, sur les mêmes visages, avec le même optimiseur et le même lot, qui ne diffèrent que par un nombre de la forme «\u{a0}small\u{a0}»\u{a0}; chacun va jusqu’à la même mise à jour et est gardé. Leurs courbes se comparent dans les entraînements récents\u{a0}; leur attention sur le même visage est mise côte à côte ici.",
    heads_experiment: "1\u{a0}tête contre 4\u{a0}têtes (largeur 64)",
    patch_experiment: "Patchs de 8 contre 4 (16 contre 64\u{a0}patchs)",
    depth_experiment: "1\u{a0}bloc contre 4\u{a0}blocs",
    updates_per_run: "Mises à jour par entraînement",
    running: |arm, arms, step, updates| {
        format!("Entraînement {arm} sur {arms}\u{a0}: mise à jour {step} sur {updates}.")
    },
    stopped: |arm| {
        format!("Arrêtée pendant l’entraînement {arm}\u{a0}: les entraînements déjà faits sont gardés.")
    },
    results_caption: |person, step| {
        format!(
            "Le même visage d’entraînement, celui de {person}, à la mise à jour {step}\u{a0}: où regarde CLS dans le dernier bloc, tête par tête (plus clair\u{a0}: une plus grande part), et l’attention cumulée à travers tous les blocs (rollout)."
        )
    },
    head: |h| format!("tête {h}"),
    rollout: "attention cumulée",
    arm_facts: |accuracy, loss| {
        format!("exactitude en validation {accuracy}, perte du dernier lot {loss}")
    },
    arm_answer: |person, probability| format!("le modèle répond {person} ({probability})"),
    compared_below: "Les deux entraînements sont cochés dans la comparaison des entraînements récents, plus bas.",
};
