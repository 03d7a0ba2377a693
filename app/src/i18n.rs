//! Every word the page shows, in English and in French.
//!
//! One struct per language, checked by the compiler: a string added for one language and
//! forgotten in the other does not build. Strings with numbers in them are functions, so
//! the numbers are always the live ones.

mod backward;
pub mod camera;
pub mod device;
pub mod errors;
mod playground;
pub mod runs;
pub mod shape;
mod tour;
pub mod typography;

use serde::{Deserialize, Serialize};

pub use backward::{BackwardSummary, BackwardText};
pub use camera::CameraText;
pub use device::{DeviceText, Timing};
pub use playground::{ModelPlaneNote, PlaygroundText};
pub use runs::RunsText;
pub use shape::ShapeText;
pub use tour::TourText;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    /// French for a browser that prefers French, English otherwise.
    pub fn from_browser(language: &str) -> Lang {
        if language.to_ascii_lowercase().starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Fr,
            Lang::Fr => Lang::En,
        }
    }

    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }
}

pub use crate::format::{decimal, percent, rate, significant};

pub struct Text {
    pub title: &'static str,
    pub tagline: &'static str,
    /// The button that switches to this language, written in it.
    pub language_name: &'static str,
    pub help: &'static str,

    pub device: &'static str,
    pub device_gpu: &'static str,
    pub device_cpu: &'static str,
    pub device_running: fn(&str) -> String,
    pub device_starting: &'static str,
    pub device_switch_note: &'static str,
    /// The cores control: how many workers share each update.
    pub workers: &'static str,
    /// How sharing works, with the number of cores the browser reports.
    pub workers_note: fn(usize) -> String,
    pub workers_on_gpu: &'static str,
    pub workers_in_use: fn(usize) -> String,
    pub workers_lost: fn(&str) -> String,
    pub gpu_fallback: fn(&str) -> String,
    pub no_gpu_adapter: &'static str,
    pub worker_lost: fn(&str) -> String,
    pub refused: fn(&str) -> String,
    pub dismiss: &'static str,

    pub diverged_title: &'static str,
    pub diverged_body: fn(u64, &str, &str) -> String,
    pub rollback: fn(u64) -> String,
    pub rolled_back: fn(u64) -> String,

    pub controls: &'static str,
    pub step: &'static str,
    pub play: &'static str,
    pub pause: &'static str,
    pub reset: &'static str,
    pub speed: &'static str,
    pub speed_fastest: &'static str,
    pub speed_per_second: fn(u32) -> String,
    pub learning_rate: &'static str,
    pub optimizer: &'static str,
    /// SGD with this momentum.
    pub sgd: fn(&str) -> String,
    pub sgd_plain: &'static str,
    pub batch_size: &'static str,
    /// The augmentation switch, with the largest shift in pixels.
    pub augmentation: fn(usize) -> String,
    pub augmentation_help: &'static str,
    /// Under the batch: the faces are shown as the model saw them.
    pub batch_augmented: &'static str,
    pub preset: &'static str,
    pub preset_tiny: &'static str,
    pub preset_small: &'static str,
    pub preset_s14: &'static str,
    /// A shape of the learner's own, made in the model's shape panel.
    pub preset_shaped: &'static str,
    pub seed: &'static str,
    pub keyboard: &'static str,
    pub restart_note: &'static str,
    pub help_controls: &'static str,

    pub progress: &'static str,
    pub update: &'static str,
    pub epoch: &'static str,
    pub in_epoch: fn(usize, usize) -> String,
    pub ms_per_update: &'static str,
    /// A long update under way: (its number, time so far, the last one's time if any).
    pub update_running: fn(u64, &str, Option<&str>) -> String,
    /// While playing, after that: Pause waits for the update under way.
    pub pause_after: &'static str,
    pub parameters: &'static str,
    pub help_progress: &'static str,

    pub loss_chart: &'static str,
    pub log_scale: &'static str,
    pub loss_axis: &'static str,
    pub update_axis: &'static str,
    pub accuracy_chart: &'static str,
    pub accuracy_axis: &'static str,
    pub chance: &'static str,
    pub latest_loss: fn(&str) -> String,
    pub latest_accuracy: fn(&str, u64) -> String,
    pub no_points_yet: &'static str,
    pub help_loss: &'static str,
    pub loss_batch_legend: &'static str,
    /// The validation series' name in the loss and the accuracy charts' legends.
    pub validation_legend: &'static str,
    pub help_accuracy: &'static str,

    pub batch: &'static str,
    pub batch_summary: fn(usize, usize) -> String,
    pub true_identity: &'static str,
    pub predicted: &'static str,
    pub batch_empty: &'static str,
    pub help_batch: &'static str,

    pub dataset: &'static str,
    pub synthetic_statement: &'static str,
    pub imported_statement: fn(&str) -> String,
    pub counts: fn(usize, usize, usize, usize) -> String,
    pub in_use: &'static str,
    pub builtin_name: &'static str,
    pub choose_folder: &'static str,
    pub choose_file: &'static str,
    pub use_synthetic: &'static str,
    pub privacy: &'static str,
    pub importing: &'static str,
    /// Who an import found: (people, folder or file name).
    pub preview_found: fn(usize, &str) -> String,
    pub preview_by_folder: &'static str,
    pub preview_by_name: &'static str,
    /// A person found, with their usable images.
    pub preview_person: fn(&str, usize) -> String,
    pub accept_import: &'static str,
    pub discard_import: &'static str,
    pub skipped: fn(usize) -> String,
    pub people_left_out: fn(usize) -> String,
    pub import_failed: fn(&str) -> String,
    /// Between a file and why it was skipped: French puts a no-break space before the colon.
    pub colon: &'static str,
    pub samples_per_person: &'static str,
    pub help_dataset: &'static str,
    pub attention: &'static str,
    /// (one head's width d_head, the model's width)
    pub help_attention: fn(usize, usize) -> String,
    pub image: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub block: &'static str,
    pub head: &'static str,
    pub probe_caption: fn(u64, &str, &str, &str) -> String,
    /// (d_head)
    pub scores_title: fn(usize) -> String,
    pub shares_title: &'static str,
    pub face_title: fn(&str) -> String,
    pub face_title_plain: &'static str,
    pub query_token: &'static str,
    pub key_token: &'static str,
    pub score: &'static str,
    pub share: &'static str,
    pub attention_hint: &'static str,

    pub gradients: &'static str,
    pub help_gradients: &'static str,
    pub gradient_axis: &'static str,
    pub gradient_now: fn(u64) -> String,
    pub gradient_block: fn(usize) -> String,
    pub export_png: &'static str,
    pub this_head: &'static str,
    pub rollout: &'static str,
    pub rollout_title: &'static str,

    pub weights: &'static str,
    pub help_weights: &'static str,
    pub learned_badge: &'static str,
    pub learned_list: &'static str,
    pub computed_badge: &'static str,
    pub computed_list: &'static str,
    pub qk_similarity: &'static str,
    pub weights_history: &'static str,
    pub drift_title: &'static str,
    pub drift_patch_embed: &'static str,
    pub drift_positions: &'static str,
    pub drift_final_norm: &'static str,
    pub drift_classifier: &'static str,
    pub weights_summary: fn(u64, usize, &str, &str, &str, &str) -> String,

    pub flow_title: &'static str,
    pub help_flow: &'static str,
    pub flow_hint: &'static str,
    pub rows_are_tokens: &'static str,
    pub flow_next_blocks: &'static str,
    pub flow_classifier: &'static str,
    pub flow_probabilities: &'static str,

    pub playground: &'static PlaygroundText,
    pub backward: &'static BackwardText,
    pub runs: &'static RunsText,
    pub devices: &'static DeviceText,
    pub shape: &'static ShapeText,
    pub camera: &'static CameraText,
    pub tour: &'static TourText,

    pub walkthrough: &'static str,
    pub help_walkthrough: &'static str,
    pub walk_empty: &'static str,
    pub phase_forward: &'static str,
    pub phase_loss: &'static str,
    pub phase_backward: &'static str,
    pub phase_update: &'static str,
    pub phase_repeat: &'static str,
    pub walk_forward: fn(&ForwardNumbers) -> String,
    pub walk_loss: fn(&str, &str, usize, &str) -> String,
    pub walk_backward: fn(&str, &str, &str) -> String,
    pub walk_update: fn(&TrackedUpdate) -> String,
    pub walk_repeat: fn(usize, usize, usize, usize, u64) -> String,
}

/// The forward pass of the last update, with the model's own sizes.
pub struct ForwardNumbers<'a> {
    pub faces: usize,
    pub truth: &'a str,
    pub guess: &'a str,
    pub p_guess: &'a str,
    pub p_true: &'a str,
    pub patches: usize,
    pub patch_size: usize,
    pub width: usize,
    /// Patches + CLS.
    pub tokens: usize,
    pub depth: usize,
    pub people: usize,
}

/// The tracked Wq entry across the last update, its numbers written for the page. A
/// number that is negative or written with a power of ten comes in parentheses where it
/// is a factor (`× (−0.0125)`), so the formulas read as a teacher writes them.
pub struct TrackedUpdate<'a> {
    /// The optimizer that made the update, by its name in the controls.
    pub optimizer: &'a str,
    /// Counted from 1, as the page counts blocks, rows and columns.
    pub block: usize,
    pub row: usize,
    pub col: usize,
    pub before: &'a str,
    pub gradient: &'a str,
    pub after: &'a str,
    pub change: &'a str,
    pub learning_rate: &'a str,
    pub rule: RuleNumbers<'a>,
}

/// What the optimizer remembered for the tracked entry, written for the page.
pub enum RuleNumbers<'a> {
    Sgd,
    Momentum {
        momentum: &'a str,
        velocity_before: &'a str,
        velocity: &'a str,
    },
    Adam {
        t: u32,
        /// `t` as an exponent: ², ³, …
        power: &'a str,
        beta1: &'a str,
        one_minus_beta1: &'a str,
        beta2: &'a str,
        one_minus_beta2: &'a str,
        epsilon: &'a str,
        m_before: &'a str,
        m: &'a str,
        v_before: &'a str,
        v: &'a str,
        m_hat: &'a str,
        v_hat: &'a str,
    },
}

pub static EN: Text = Text {
    title: "ViT Playground",
    tagline: "A Vision Transformer learns to tell faces apart, live, in your browser.",
    language_name: "English",
    help: "What am I looking at?",

    device: "Device",
    device_gpu: "WebGPU (graphics card)",
    device_cpu: "CPU",
    device_running: |name| format!("Training on {name}"),
    device_starting: "Starting the model…",
    device_switch_note: "Switching the device carries the run on where it is, with the same \
        weights. When leaving WebGPU, the optimizer's memory (the velocity of SGD with \
        momentum, Adam's moments and update count) starts afresh, as before the first update: \
        the browser cannot read it back from the graphics card.",
    workers: "Cores",
    workers_note: |cores| {
        format!(
            "Each update's batch is split between this many workers, one per core: each \
             computes the gradients of its share, the first adds them up and makes the update, \
             the same update one worker makes (to rounding in the last digits). On the CPU \
             only. This browser reports {cores} {}.",
            if cores == 1 { "core" } else { "cores" }
        )
    },
    workers_on_gpu: "WebGPU works in parallel on the graphics card: one worker.",
    workers_in_use: |n| {
        if n == 1 {
            "1 worker".into()
        } else {
            format!("{n} workers")
        }
    },
    workers_lost: |why| {
        format!("A helper worker stopped ({why}): training goes on with one worker, nothing lost.")
    },
    gpu_fallback: |why| {
        format!("WebGPU could not start ({why}). Training runs on the CPU instead; nothing else changes.")
    },
    no_gpu_adapter: "this browser offers no WebGPU adapter",
    worker_lost: |why| {
        format!("The training stopped unexpectedly ({why}). It has been restarted on the CPU.")
    },
    refused: |why| format!("Not done: {why}"),
    dismiss: "Dismiss",

    diverged_title: "The run diverged: training is paused",
    diverged_body: |step, loss, lr| {
        format!(
            "At update {step} the loss became {loss}. With a learning rate of {lr}, each update \
             moves the weights so far that the scores overflow and the numbers stop meaning \
             anything. Lower the learning rate, then go back to the last good weights."
        )
    },
    rollback: |step| format!("Go back to update {step}"),
    rolled_back: |step| format!("Back at update {step}, with the weights as they were then."),

    controls: "Training",
    step: "Step",
    play: "Play",
    pause: "Pause",
    reset: "Reset",
    speed: "Speed",
    speed_fastest: "full speed",
    speed_per_second: |n| format!("{n} per second"),
    learning_rate: "Learning rate",
    optimizer: "Optimizer",
    sgd: |momentum| format!("SGD with momentum {momentum}"),
    sgd_plain: "SGD without momentum",
    batch_size: "Batch size",
    augmentation: |shift| format!("Shift the training faces by up to {shift} pixels at random"),
    augmentation_help: "Each update moves every training face by a few pixels, drawn afresh, \
        so the model cannot learn the exact pixels of each image by heart and has to find what \
        tells people apart. Without it the model can learn the training faces by heart (the \
        batch loss falls near 0) while it recognises few of the validation faces.",
    batch_augmented: "Each face as the model saw it at this update, shifted.",
    preset: "Model",
    preset_tiny: "tiny: 16 patches of 8×8, width 32, 2 blocks",
    preset_small: "small: 64 patches of 4×4, width 64, 4 blocks",
    preset_s14: "vit-s14: 256 patches of 14×14, width 384, 12 blocks (the teaching text's)",
    preset_shaped: "your own shape (see “The model's shape”)",
    seed: "Seed",
    keyboard: "Keyboard: Space = one step, P = play / pause",
    restart_note: "Changing the model or the seed starts a new run.",
    help_controls:
        "Step runs exactly one update: the model looks at one batch of faces (forward), \
        measures how wrong it was (loss), works out how each weight should change (backward) and \
        changes them a little (update). Play repeats that. The learning rate lr sets how big the \
        changes are: SGD moves a weight by lr × its gradient (with momentum, lr × its velocity), \
        Adam by about lr or less; the walkthrough below shows the rule with the last update's \
        numbers. Reset draws the initial weights again from the seed, so the same seed always \
        starts from the same model.",
    progress: "Progress",
    update: "Update",
    epoch: "Epoch",
    in_epoch: |i, n| format!("update {i} of {n} in this epoch"),
    ms_per_update: "ms per update",
    update_running: |n, so_far, last| match last {
        Some(last) => format!("Update {n} under way: {so_far} so far; the last one took {last}."),
        None => format!("Update {n} under way: {so_far} so far."),
    },
    pause_after: "Pause stops once it is done.",
    parameters: "learned numbers",
    help_progress: "An epoch is one pass over every training image: with this batch size it takes \
        the number of updates shown. The bar shows how far the current pass has gone.",

    loss_chart: "Loss: each batch and the validation faces",
    log_scale: "Log scale",
    loss_axis: "loss",
    update_axis: "update",
    accuracy_chart: "Validation accuracy",
    accuracy_axis: "accuracy (%)",
    chance: "chance",
    latest_loss: |loss| format!("latest loss: {loss}"),
    latest_accuracy: |acc, step| {
        format!("{acc}% of the held-out faces recognised after update {step}")
    },
    no_points_yet: "Press Step or Play to train.",
    help_loss: "The loss is −log p, where p is the probability the model gave the right person, \
        averaged over the batch. It starts near log(number of people) and falls as the model \
        learns. Each point is one update, on a different batch, so the curve is noisy. The \
        orange dots are the same loss on the validation faces, which the model never trains on, \
        measured at the start and after every epoch: when the batch loss keeps falling and the \
        validation loss stops falling or rises, the model is memorising its training faces.",
    loss_batch_legend: "batch",
    validation_legend: "validation",
    help_accuracy: "Faces the model never trains on, checked at the start and at the end of every \
        epoch: the share it names correctly. This is what tells learning from memorising.",

    batch: "This update's batch",
    batch_summary: |right, all| format!("{right} of {all} recognised"),
    true_identity: "true",
    predicted: "predicted",
    batch_empty: "The faces of the next update's batch appear here.",
    help_batch:
        "The faces the model has just trained on, at the resolution it sees them. Under each: \
        the person it is, the person the model named, and the probability it gave that answer. \
        Green: right; red: wrong.",

    dataset: "The faces",
    synthetic_statement:
        "These faces are synthetic: the program draws them from a seed, and none of \
        these people exist. Each identity has its own traits in fixed places (eye shape and \
        spacing, brows, nose, mouth, face outline, hair line; some have glasses, a beard or a \
        mole), while each picture moves, turns, changes light and expression a little. As the \
        model learns, its attention should end up on the parts of the face that tell the \
        identities apart.",
    imported_statement: |name| format!("Your own faces, from “{name}”."),
    counts: |people, train, val, size| {
        format!("{people} people · {train} training images · {val} validation images · {size}×{size} pixels")
    },
    in_use: "In use",
    builtin_name: "built-in synthetic faces",
    choose_folder: "Use a folder of faces…",
    choose_file: "Use a .zip or .pack…",
    use_synthetic: "Back to the built-in faces",
    privacy: "One folder per person (like s1/1.pgm, or Name/Name_0001.jpg), or one folder of files named by person (like subject01.happy or Name_0001.jpg); PGM, PNG, JPEG, GIF, BMP, TIFF or WebP, whatever the file names. \
        Your images stay in this browser: nothing is sent anywhere.",
    importing: "Reading your faces…",
    preview_found: |people, name| format!("{people} people found in “{name}”."),
    preview_by_folder: "Each image's person was read from its folder.",
    preview_by_name: "Each image's person was read from its file name (subject01.happy is subject01's).",
    preview_person: |name, images| match images {
        1 => format!("{name}: 1 image"),
        n => format!("{name}: {n} images"),
    },
    accept_import: "Train on these faces",
    discard_import: "Cancel",
    skipped: |n| format!("{n} file(s) left out:"),
    people_left_out: |n| {
        format!("{n} more people had enough images but are beyond the cap of this subset.")
    },
    import_failed: |why| {
        format!("These faces could not be used: {why}. The faces in use are unchanged.")
    },
    colon: ": ",
    samples_per_person: "A few training images of each person, at the model's resolution:",
    help_dataset: "The model learns to name the person in each image. It trains on the training \
        images only and is checked on the validation images, which it never trains on.",
    attention: "Attention of one head",
    help_attention: |d_head, width| {
        format!(
            "For one face, one block and one head, with the weights as they are now. Left: the \
             raw scores Q·Kᵀ/√d_head for every pair of tokens (row: the token that looks, the \
             query; column: the token looked at, the key); blue is negative, orange positive. \
             d_head = {d_head} is the width of one head's Q and K, not the model's width \
             ({width}): √d_head = √{d_head}. Middle: the same after softmax, row by row: each \
             row becomes shares that add up to 100\u{202f}%. Right: where the chosen token looks on \
             the face (CLS at first; click a patch or a row to choose another). Q, K, the scores \
             and the shares are not learned: they are recomputed for each image from learned \
             weights. The names query, key and value come from information retrieval (Vaswani \
             et al., 2017): they describe what the computation does, with no search taking \
             place. Hover over a cell to read its numbers."
        )
    },
    image: "Image",
    previous: "previous image",
    next: "next image",
    block: "Block",
    head: "Head",
    probe_caption: |step, truth, guess, p| {
        format!("After update {step}: this is {truth}; the model says {guess} (p = {p}).")
    },
    scores_title: |d_head| format!("Scores Q·Kᵀ/√d_head, d_head = {d_head} (before softmax)"),
    shares_title: "Attention: softmax of each row",
    face_title: |token| format!("Where {token} looks"),
    face_title_plain: "Attention drawn over the face",
    query_token: "query",
    key_token: "key",
    score: "score",
    share: "share",
    attention_hint: "Hover over a cell, or focus a map and move with the arrow keys (Enter shows that row on the face): its query and key patches are outlined on the face (orange: query, blue dashes: key).",

    gradients: "Gradients reaching Wq, Wk and Wv",
    help_gradients: "How strongly the loss pulls on each weight matrix at the last update: the \
        L2 norm of its gradient. It is not how far the matrix moved: with momentum or Adam, what \
        the optimizer remembers of earlier gradients decides that too (the walkthrough shows one \
        entry). Wq, Wk and Wv start from different random values and play different roles, so \
        their gradients differ from the very first update. The chart follows the block chosen \
        above (log scale); the bars are the latest update, every block.",
    gradient_axis: "gradient norm",
    gradient_now: |step| format!("Update {step}, every block"),
    gradient_block: |block| format!("block {block}"),
    export_png: "Save as PNG",
    this_head: "this head",
    rollout: "all blocks (rollout)",
    rollout_title: "What CLS is made of, over all blocks",
    walkthrough: "One update, step by step",
    help_walkthrough: "What the last Step did, in the order the computer did it, with its own \
        numbers. The first face of the batch stands for all of them.",
    walk_empty: "Press Step: the five phases of that update appear here, with its numbers.",
    phase_forward: "Forward",
    phase_loss: "Loss",
    phase_backward: "Backward",
    phase_update: "Update",
    phase_repeat: "Repeat",
    walk_forward: |f| {
        format!(
            "The {} faces of the batch go through the model. Each image is cut into {} patches \
             of {}×{} pixels; each patch becomes a token of {} numbers (the patch embedding), a \
             learned CLS token is put in front and a learned position added to each: {} tokens. \
             Then {} blocks, each an attention then a GELU MLP, each added back to its input \
             (the residual). CLS's final vector goes to the classifier, and softmax turns its {} \
             scores into probabilities. For the first face, {}, the model's most likely answer \
             is {} (p = {}); the probability it gives the right person is p = {}.",
            f.faces, f.patches, f.patch_size, f.patch_size, f.width, f.tokens, f.depth,
            f.people, f.truth, f.guess, f.p_guess, f.p_true
        )
    },
    walk_loss: |p, minus_log, n, loss| {
        format!("For that face the loss is −log p = −log {p} = {minus_log}. Averaged over the {n} faces: loss = {loss}.")
    },
    walk_backward: |wq, wk, wv| {
        format!(
            "Backpropagation works out how the loss changes with every weight. In block 1, the \
             gradients' sizes (L2 norms) are: Wq {wq}, Wk {wk}, Wv {wv}: three different numbers \
             for three different matrices."
        )
    },
    walk_update: |u| {
        let rule = match u.rule {
            RuleNumbers::Sgd => format!(
                "SGD without momentum moves each weight against its own gradient: \
                 W_new = W_old − lr × grad = {} − {} × {} = {}.",
                u.before, u.learning_rate, u.gradient, u.after
            ),
            RuleNumbers::Momentum { momentum, velocity_before, velocity } => format!(
                "SGD with momentum keeps a velocity v for each weight, a running sum of its \
                 past gradients (0 before the first update): v ← {momentum} × v + grad = \
                 {momentum} × {velocity_before} + {} = {velocity}; then W_new = W_old − lr × v \
                 = {} − {} × {velocity} = {}. The weight moves against v, which after the first \
                 update need not point the way of this update's gradient.",
                u.gradient, u.before, u.learning_rate, u.after
            ),
            RuleNumbers::Adam {
                t, power, beta1, one_minus_beta1, beta2, one_minus_beta2, epsilon, m_before, m,
                v_before, v, m_hat, v_hat,
            } => format!(
                "Adam keeps two running means for each weight, both starting at 0; this was \
                 its update t = {t}. The mean of the gradients: m ← {beta1} × m + \
                 {one_minus_beta1} × grad = {beta1} × {m_before} + {one_minus_beta1} × {} = \
                 {m}; the mean of their squares: v ← {beta2} × v + {one_minus_beta2} × grad² \
                 = {beta2} × {v_before} + {one_minus_beta2} × {}² = {v}. Corrected for their \
                 start at 0: m̂ = m / (1 − {beta1}{power}) = {m_hat} and v̂ = v / (1 − \
                 {beta2}{power}) = {v_hat}. Then W_new = W_old − lr × m̂ / (√v̂ + ε) = {} − {} × \
                 {m_hat} / (√{v_hat} + {epsilon}) = {}: dividing by √v̂ makes the step about \
                 lr in size (usually less), however large or small the gradient.",
                u.gradient, u.gradient, u.before, u.learning_rate, u.after
            ),
        };
        format!(
            "The optimizer that made this update: {}. Followed here: the entry of Wq in row {}, column {} of \
             block {} (counted from 1) was {}, and the loss's gradient for it is {}. {rule} \
             Change: {}.",
            u.optimizer, u.row, u.col, u.block, u.before, u.gradient, u.change
        )
    },
    walk_repeat: |examples, batch, per_epoch, i, epoch| {
        format!(
            "{examples} training images in batches of {batch}: {per_epoch} updates make one \
             epoch (the last batch may be smaller). This was update {i} of {per_epoch} in epoch \
             {epoch}. Then the next batch, and again."
        )
    },
    weights: "Weights, not activations",
    help_weights: "Wq, Wk and Wv of the block chosen above, as they are now: learned numbers, \
        the same for every face, which training changes (as it changes every other weight of \
        the model). Each cell is one learned number (blue negative, orange positive). Below: how \
        far each matrix has moved from its initial value, and how alike Wq and Wk are (cosine \
        of the two matrices taken as vectors), update after update. Last, the same drift for \
        every group of learned numbers in the model: all of them train.",
    learned_badge: "learned",
    learned_list: "the same for every face, changed only by training: Wq, Wk, Wv and Wo here, \
        and every other weight of the model too: LayerNorm's γ and β, the MLPs, the patch \
        embedding, CLS, the position embeddings and the classifier.",
    computed_badge: "recomputed",
    computed_list: "for each face, from the learned weights: Q, K, V, the scores and the attention.",
    qk_similarity: "cos(Wq, Wk)",
    weights_history: "Drift of Wq, Wk, Wv and their similarity over training",
    drift_title: "How far every group of learned numbers has moved since update 0 (‖W − W₀‖ / ‖W₀‖, each weight with its bias, each LayerNorm's γ with its β)",
    drift_patch_embed: "patch embedding",
    drift_positions: "positions",
    drift_final_norm: "final LayerNorm",
    drift_classifier: "classifier",
    weights_summary: |step, block, q, k, v, sim| {
        format!("After update {step}, block {block}: Wq has moved {q} %, Wk {k} %, Wv {v} % from its initial value; cos(Wq, Wk) = {sim}.")
    },
    flow_title: "The flow of V through one block",
    help_flow: "The path of one block, for the face and head chosen above, then what follows \
        it. Grey boxes only compute; blue ones hold learned weights (LayerNorm too: it \
        normalises each token, then scales and shifts it by its learned γ and β). Click an arrow \
        to see the tensor it carries now: Q, K and V come from the same normalised X through \
        three different matrices; the scores and their softmax decide the mix; A·V is what each \
        token takes from every token's value, its own included, before Wo and the residual add \
        it back to X. Then a GELU MLP, with its own residual, the same path in the next blocks, \
        and CLS's final vector, after a last LayerNorm, goes to the classifier.",
    flow_hint: "Click an arrow (or focus it and press Enter) to open the tensor it carries.",
    rows_are_tokens: "one row per token,",
    flow_next_blocks: "next blocks",
    flow_classifier: "CLS → classifier",
    flow_probabilities: "softmax → probabilities",
    playground: &playground::EN,
    backward: &backward::EN,
    runs: &runs::EN,
    devices: &device::EN,
    shape: &shape::EN,
    camera: &camera::EN,
    tour: &tour::EN,
};

pub static FR: Text = Text {
    title: "ViT Playground",
    tagline:
        "Un Vision Transformer apprend à reconnaître des visages, en direct, dans votre navigateur.",
    language_name: "Français",
    help: "Qu’est-ce que je vois\u{202f}?",

    device: "Calcul",
    device_gpu: "WebGPU (carte graphique)",
    device_cpu: "Processeur (CPU)",
    device_running: |name| format!("Entraînement sur {name}"),
    device_starting: "Démarrage du modèle…",
    device_switch_note: "Changer de calcul poursuit l’entraînement là où il en est, avec les \
        mêmes poids. En quittant WebGPU, la mémoire de l’optimiseur (la vitesse du SGD avec \
        momentum, les moments d’Adam et leur compteur de mises à jour) repart comme avant la \
        première mise à jour\u{202f}: le navigateur ne peut pas la relire depuis la carte \
        graphique.",
    workers: "Cœurs",
    workers_note: |cores| {
        format!(
            "Le lot de chaque mise à jour est partagé entre autant de fils de calcul (des Web \
             Workers), un par cœur\u{202f}: chacun calcule les gradients de sa part, le premier \
             les additionne et fait la mise à jour, la même qu’un seul fil ferait (aux arrondis \
             des derniers chiffres près). Sur le processeur seulement. Ce navigateur annonce \
             {cores}\u{a0}{}.",
            if cores == 1 { "cœur" } else { "cœurs" }
        )
    },
    workers_on_gpu: "WebGPU calcule en parallèle sur la carte graphique\u{202f}: un seul fil de calcul.",
    workers_in_use: |n| {
        if n == 1 {
            "1\u{a0}fil de calcul".into()
        } else {
            format!("{n}\u{a0}fils de calcul")
        }
    },
    workers_lost: |why| {
        format!(
            "Un fil de calcul auxiliaire s’est arrêté ({why})\u{202f}: l’entraînement continue \
             avec un seul, sans rien perdre."
        )
    },
    gpu_fallback: |why| {
        format!("WebGPU n’a pas pu démarrer ({why}). L’entraînement tourne sur le processeur\u{202f}; rien d’autre ne change.")
    },
    no_gpu_adapter: "ce navigateur ne propose pas d’adaptateur WebGPU",
    worker_lost: |why| {
        format!("L’entraînement s’est arrêté de façon inattendue ({why}). Il a repris sur le processeur.")
    },
    refused: |why| format!("Non effectué\u{202f}: {why}"),
    dismiss: "Fermer",

    diverged_title: "L’entraînement a divergé\u{202f}: il est en pause",
    diverged_body: |step, loss, lr| {
        format!(
            "À la mise à jour {step}, la perte est devenue {loss}. Avec un taux d’apprentissage \
             de {lr}, chaque mise à jour déplace tant les poids que les scores débordent et que \
             les nombres ne veulent plus rien dire. Baissez le taux d’apprentissage, puis revenez \
             aux derniers bons poids."
        )
    },
    rollback: |step| format!("Revenir à la mise à jour {step}"),
    rolled_back: |step| format!("Retour à la mise à jour {step}, avec les poids d’alors."),

    controls: "Entraînement",
    step: "Un pas",
    play: "Lecture",
    pause: "Pause",
    reset: "Réinitialiser",
    speed: "Vitesse",
    speed_fastest: "maximale",
    speed_per_second: |n| format!("{n} par seconde"),
    learning_rate: "Taux d’apprentissage",
    optimizer: "Optimiseur",
    sgd: |momentum| format!("SGD avec momentum {momentum}"),
    sgd_plain: "SGD sans momentum",
    batch_size: "Taille du lot",
    augmentation: |shift| format!("Décaler les visages d’entraînement au hasard, jusqu’à {shift}\u{a0}pixels"),
    augmentation_help: "À chaque mise à jour, chaque visage d’entraînement est décalé de \
        quelques pixels, tirés à nouveau\u{a0}: le modèle ne peut pas apprendre par cœur les \
        pixels exacts de chaque image et doit trouver ce qui distingue les personnes. Sans \
        cela, le modèle peut apprendre par cœur les visages d’entraînement (la perte sur les \
        lots tombe près de 0) tout en reconnaissant peu de visages de validation.",
    batch_augmented: "Chaque visage tel que le modèle l’a vu à cette mise à jour, décalé.",
    preset: "Modèle",
    preset_tiny: "tiny\u{202f}: 16 patchs de 8×8, largeur 32, 2 blocs",
    preset_small: "small\u{202f}: 64 patchs de 4×4, largeur 64, 4 blocs",
    preset_s14: "vit-s14\u{202f}: 256 patchs de 14×14, largeur 384, 12 blocs (celui du texte)",
    preset_shaped: "votre propre forme (voir «\u{a0}La forme du modèle\u{a0}»)",
    seed: "Graine",
    keyboard: "Clavier\u{202f}: Espace = un pas, P = lecture / pause",
    restart_note: "Changer de modèle ou de graine lance un nouvel entraînement.",
    help_controls:
        "«\u{202f}Un pas\u{202f}» fait exactement une mise à jour\u{202f}: le modèle regarde un lot de \
        visages (propagation avant), mesure son erreur (perte), calcule comment chaque poids doit \
        changer (rétropropagation) et les modifie un peu (mise à jour). «\u{202f}Lecture\u{202f}» répète \
        cela. Le taux d’apprentissage fixe l’ampleur des modifications\u{202f}: le SGD déplace un poids \
        de taux × son gradient (avec momentum, taux × sa vitesse), Adam d’environ le taux ou moins\u{202f}; \
        le déroulé ci-dessous montre la règle avec les nombres de la dernière mise à jour. \
        «\u{202f}Réinitialiser\u{202f}» tire à nouveau les poids initiaux depuis la graine\u{202f}: la même \
        graine redonne toujours le même modèle de départ.",
    progress: "Avancement",
    update: "Mise à jour",
    epoch: "Époque",
    in_epoch: |i, n| format!("mise à jour {i} sur {n} dans cette époque"),
    ms_per_update: "ms par mise à jour",
    update_running: |n, so_far, last| match last {
        Some(last) => format!(
            "Mise à jour {n} en cours\u{a0}: {so_far} jusqu’ici\u{a0}; la précédente a pris {last}."
        ),
        None => format!("Mise à jour {n} en cours\u{a0}: {so_far} jusqu’ici."),
    },
    pause_after: "Pause arrête le jeu une fois celle-ci finie.",
    parameters: "nombres appris",
    help_progress: "Une époque est un passage sur toutes les images d’entraînement\u{202f}: avec cette \
        taille de lot, il faut le nombre de mises à jour indiqué. La barre montre où en est le \
        passage en cours.",

    loss_chart: "Perte\u{202f}: chaque lot et les visages de validation",
    log_scale: "Échelle logarithmique",
    loss_axis: "perte",
    update_axis: "mise à jour",
    accuracy_chart: "Exactitude en validation",
    accuracy_axis: "exactitude (%)",
    chance: "hasard",
    latest_loss: |loss| format!("dernière perte\u{202f}: {loss}"),
    latest_accuracy: |acc, step| {
        format!("{acc}\u{202f}% des visages mis de côté reconnus après la mise à jour {step}")
    },
    no_points_yet: "Appuyez sur «\u{202f}Un pas\u{202f}» ou «\u{202f}Lecture\u{202f}» pour entraîner.",
    help_loss: "La perte vaut −log p, où p est la probabilité que le modèle donne à la bonne \
        personne, en moyenne sur le lot. Elle part d’environ log(nombre de personnes) et baisse \
        à mesure que le modèle apprend. Chaque point est une mise à jour, sur un lot différent\u{202f}: \
        la courbe est donc bruitée. Les points orange sont la même perte sur les visages de \
        validation, sur lesquels le modèle ne s’entraîne jamais, mesurée au départ et après \
        chaque époque\u{202f}: quand la perte sur les lots continue de baisser alors que celle de \
        validation ne baisse plus ou remonte, le modèle apprend ses visages d’entraînement par cœur.",
    loss_batch_legend: "lots",
    validation_legend: "validation",
    help_accuracy:
        "Des visages sur lesquels le modèle ne s’entraîne jamais, vérifiés au départ et à \
        la fin de chaque époque\u{202f}: la part qu’il nomme correctement. C’est ce qui distingue \
        apprendre et mémoriser.",

    batch: "Le lot de cette mise à jour",
    batch_summary: |right, all| format!("{right} sur {all} reconnus"),
    true_identity: "vrai",
    predicted: "prédit",
    batch_empty: "Les visages du lot de la prochaine mise à jour apparaîtront ici.",
    help_batch:
        "Les visages sur lesquels le modèle vient de s’entraîner, à la résolution où il les \
        voit. Sous chacun\u{202f}: la personne, celle que le modèle a nommée, et la probabilité qu’il a \
        donnée à cette réponse. Vert\u{202f}: juste\u{202f}; rouge\u{202f}: faux.",

    dataset: "Les visages",
    synthetic_statement: "Ces visages sont synthétiques\u{202f}: le programme les dessine à partir d’une \
        graine, et aucune de ces personnes n’existe. Chaque identité a ses traits à des endroits \
        fixes (forme et écart des yeux, sourcils, nez, bouche, contour du visage, ligne des \
        cheveux\u{202f}; certaines ont des lunettes, une barbe ou un grain de beauté), tandis que chaque \
        image bouge, tourne, change un peu de lumière et d’expression. En apprenant, l’attention \
        du modèle devrait se poser sur les parties du visage qui distinguent les identités.",
    imported_statement: |name| format!("Vos propres visages, depuis «\u{202f}{name}\u{202f}»."),
    counts: |people, train, val, size| {
        format!("{people} personnes · {train} images d’entraînement · {val} images de validation · {size}×{size} pixels")
    },
    in_use: "Utilisé",
    builtin_name: "visages synthétiques intégrés",
    choose_folder: "Utiliser un dossier de visages…",
    choose_file: "Utiliser un .zip ou un .pack…",
    use_synthetic: "Revenir aux visages intégrés",
    privacy: "Un dossier par personne (comme s1/1.pgm ou Nom/Nom_0001.jpg), ou un seul dossier de fichiers nommés par personne (comme subject01.happy ou Nom_0001.jpg)\u{202f}; PGM, PNG, JPEG, GIF, BMP, TIFF ou WebP, quel que soit le nom des fichiers. \
        Vos images restent dans ce navigateur\u{202f}: rien n’est envoyé nulle part.",
    importing: "Lecture de vos visages…",
    preview_found: |people, name| {
        format!("{people}\u{a0}personnes trouvées dans «\u{202f}{name}\u{202f}».")
    },
    preview_by_folder: "La personne de chaque image a été lue dans son dossier.",
    preview_by_name: "La personne de chaque image a été lue dans le nom de son fichier (subject01.happy est à subject01).",
    preview_person: |name, images| match images {
        0 | 1 => format!("{name}\u{a0}: {images}\u{a0}image"),
        n => format!("{name}\u{a0}: {n}\u{a0}images"),
    },
    accept_import: "Entraîner sur ces visages",
    discard_import: "Annuler",
    skipped: |n| format!("{n} fichier(s) écarté(s)\u{202f}:"),
    people_left_out: |n| {
        format!("{n} autres personnes avaient assez d’images mais dépassent la limite de ce sous-ensemble.")
    },
    import_failed: |why| {
        format!("Ces visages n’ont pas pu être utilisés\u{a0}: {why}. Les visages en cours restent inchangés.")
    },
    colon: "\u{a0}: ",
    samples_per_person:
        "Quelques images d’entraînement de chaque personne, à la résolution du modèle\u{202f}:",
    help_dataset: "Le modèle apprend à nommer la personne de chaque image. Il s’entraîne sur les \
        images d’entraînement seulement, et il est vérifié sur les images de validation, qu’il ne \
        voit jamais à l’entraînement.",
    attention: "L’attention d’une tête",
    help_attention: |d_head, width| {
        format!(
            "Pour un visage, un bloc et une tête, avec les poids tels qu’ils sont maintenant. \
             À gauche\u{202f}: les scores bruts Q·Kᵀ/√d_head pour chaque paire de jetons (ligne\u{202f}: \
             le jeton qui regarde, la requête\u{202f}; colonne\u{202f}: le jeton regardé, la clé)\u{202f}; \
             bleu négatif, orange positif. d_head = {d_head} est la largeur de Q et K dans une \
             tête, pas la largeur du modèle ({width})\u{202f}: √d_head = √{d_head}. Au milieu\u{202f}: la \
             même chose après softmax, ligne par ligne\u{202f}: chaque ligne devient des parts qui \
             font 100\u{202f}%. À droite\u{202f}: où regarde le jeton choisi sur le visage (CLS \
             d’abord\u{202f}; cliquez sur un patch ou une ligne pour en choisir un autre). Q, K, les \
             scores et les parts ne sont pas appris\u{202f}: ils sont recalculés pour chaque image à \
             partir des poids appris. Les noms requête, clé et valeur viennent de la recherche \
             d’information (Vaswani et al., 2017)\u{202f}: ils décrivent ce que fait le calcul, sans \
             qu’aucune recherche n’ait lieu. Survolez une case pour lire ses nombres."
        )
    },
    image: "Image",
    previous: "image précédente",
    next: "image suivante",
    block: "Bloc",
    head: "Tête",
    probe_caption: |step, truth, guess, p| {
        format!("Après la mise à jour {step}\u{202f}: c’est {truth}\u{202f}; le modèle dit {guess} (p = {p}).")
    },
    scores_title: |d_head| format!("Scores Q·Kᵀ/√d_head, d_head = {d_head} (avant softmax)"),
    shares_title: "Attention\u{202f}: softmax de chaque ligne",
    face_title: |token| format!("Où regarde {token}"),
    face_title_plain: "L’attention dessinée sur le visage",
    query_token: "requête",
    key_token: "clé",
    score: "score",
    share: "part",
    attention_hint: "Survolez une case, ou sélectionnez une carte et déplacez-vous avec les flèches (Entrée montre cette ligne sur le visage)\u{202f}: ses patchs requête et clé sont entourés sur le visage (orange\u{202f}: requête, tirets bleus\u{202f}: clé).",

    gradients: "Les gradients qui atteignent Wq, Wk et Wv",
    help_gradients: "La force avec laquelle la perte tire sur chaque matrice de poids à la \
        dernière mise à jour\u{202f}: la norme L2 de son gradient. Ce n’est pas de combien la \
        matrice a bougé\u{202f}: avec momentum ou Adam, ce que l’optimiseur garde des gradients \
        précédents en décide aussi (le déroulé en montre un coefficient). Wq, Wk et Wv partent de \
        valeurs aléatoires différentes et jouent des rôles différents\u{202f}: leurs gradients \
        diffèrent dès la première mise à jour. La courbe suit le bloc choisi plus haut (échelle \
        logarithmique)\u{202f}; les barres montrent la dernière mise à jour, pour chaque bloc.",
    gradient_axis: "norme du gradient",
    gradient_now: |step| format!("Mise à jour {step}, chaque bloc"),
    gradient_block: |block| format!("bloc {block}"),
    export_png: "Enregistrer en PNG",
    this_head: "cette tête",
    rollout: "tous les blocs (attention cumulée)",
    rollout_title: "De quoi CLS est fait, sur tous les blocs",
    walkthrough: "Une mise à jour, pas à pas",
    help_walkthrough: "Ce qu’a fait le dernier «\u{202f}Un pas\u{202f}», dans l’ordre où l’ordinateur l’a \
        fait, avec ses propres nombres. Le premier visage du lot représente tous les autres.",
    walk_empty: "Appuyez sur «\u{202f}Un pas\u{202f}»\u{202f}: les cinq phases de cette mise à jour apparaîtront ici, avec leurs nombres.",
    phase_forward: "Propagation avant",
    phase_loss: "Perte",
    phase_backward: "Rétropropagation",
    phase_update: "Mise à jour",
    phase_repeat: "Et on recommence",
    walk_forward: |f| {
        format!(
            "Les {} visages du lot traversent le modèle. Chaque image est découpée en {} patchs \
             de {}\u{202f}×\u{202f}{} pixels\u{202f}; chaque patch devient un jeton de {} nombres (le \
             plongement des patchs), un jeton CLS appris est placé devant et une position apprise \
             ajoutée à chacun\u{202f}: {} jetons. Puis {} blocs, chacun une attention puis un MLP avec \
             GELU, chacun ajouté à son entrée (la connexion résiduelle). Le vecteur final de CLS va \
             au classifieur, et softmax transforme ses {} scores en probabilités. Pour le premier \
             visage, {}, la réponse la plus probable du modèle est {} (p = {})\u{202f}; la \
             probabilité qu’il donne à la bonne personne est p = {}.",
            f.faces, f.patches, f.patch_size, f.patch_size, f.width, f.tokens, f.depth,
            f.people, f.truth, f.guess, f.p_guess, f.p_true
        )
    },
    walk_loss: |p, minus_log, n, loss| {
        format!("Pour ce visage, la perte vaut −log p = −log {p} = {minus_log}. En moyenne sur les {n} visages\u{202f}: perte = {loss}.")
    },
    walk_backward: |wq, wk, wv| {
        format!(
            "La rétropropagation calcule comment la perte varie avec chaque poids. Dans le bloc 1, \
             la taille des gradients (norme L2) vaut\u{202f}: Wq {wq}, Wk {wk}, Wv {wv}\u{202f}: trois nombres \
             différents pour trois matrices différentes."
        )
    },
    walk_update: |u| {
        let rule = match u.rule {
            RuleNumbers::Sgd => format!(
                "Le SGD sans momentum déplace chaque poids à l’opposé de son propre \
                 gradient\u{202f}: W_nouveau = W_ancien − taux × gradient = {} − {} × {} = {}.",
                u.before, u.learning_rate, u.gradient, u.after
            ),
            RuleNumbers::Momentum { momentum, velocity_before, velocity } => format!(
                "Le SGD avec momentum garde pour chaque poids une vitesse v, une somme \
                 glissante de ses gradients passés (0 avant la première mise à jour)\u{202f}: \
                 v ← {momentum} × v + gradient = {momentum} × {velocity_before} + {} = \
                 {velocity}\u{202f}; puis W_nouveau = W_ancien − taux × v = {} − {} × \
                 {velocity} = {}. Le poids se déplace à l’opposé de v qui, après la première \
                 mise à jour, n’a pas forcément le sens du gradient de celle-ci.",
                u.gradient, u.before, u.learning_rate, u.after
            ),
            RuleNumbers::Adam {
                t, power, beta1, one_minus_beta1, beta2, one_minus_beta2, epsilon, m_before, m,
                v_before, v, m_hat, v_hat,
            } => format!(
                "Adam garde pour chaque poids deux moyennes glissantes, qui partent de 0\u{202f}; \
                 c’était sa mise à jour t = {t}. La moyenne des gradients\u{202f}: \
                 m ← {beta1} × m + {one_minus_beta1} × gradient = {beta1} × {m_before} + \
                 {one_minus_beta1} × {} = {m}\u{202f}; la moyenne de leurs carrés\u{202f}: \
                 v ← {beta2} × v + {one_minus_beta2} × gradient² = {beta2} × {v_before} + \
                 {one_minus_beta2} × {}² = {v}. Corrigées de leur départ à 0\u{202f}: \
                 m̂ = m / (1 − {beta1}{power}) = {m_hat} et v̂ = v / (1 − {beta2}{power}) = {v_hat}. \
                 Puis W_nouveau = W_ancien − taux × m̂ / (√v̂ + ε) = {} − {} × {m_hat} / \
                 (√{v_hat} + {epsilon}) = {}\u{202f}: diviser par √v̂ donne un pas de l’ordre \
                 du taux (en général moins), que le gradient soit grand ou petit.",
                u.gradient, u.gradient, u.before, u.learning_rate, u.after
            ),
        };
        format!(
            "L’optimiseur qui a fait cette mise à jour\u{202f}: {}. Suivi ici\u{202f}: le coefficient de Wq \
             ligne {}, colonne {} du bloc {} (numérotés à partir de 1) valait {}, et le \
             gradient de la perte pour lui vaut {}. {rule} Variation\u{202f}: {}.",
            u.optimizer, u.row, u.col, u.block, u.before, u.gradient, u.change
        )
    },
    walk_repeat: |examples, batch, per_epoch, i, epoch| {
        format!(
            "{examples} images d’entraînement par lots de {batch}\u{202f}: {per_epoch} mises à jour font \
             une époque (le dernier lot peut être plus petit). C’était la mise à jour {i} sur \
             {per_epoch} de l’époque {epoch}. Puis le lot suivant, et ainsi de suite."
        )
    },
    weights: "Des poids, pas des activations",
    help_weights: "Wq, Wk et Wv du bloc choisi plus haut, tels qu’ils sont maintenant\u{202f}: des \
        nombres appris, les mêmes pour tous les visages, que l’entraînement modifie (comme tous \
        les autres poids du modèle). Chaque case est un nombre appris (bleu négatif, orange \
        positif). En dessous\u{202f}: de combien chaque matrice s’est éloignée de sa valeur \
        initiale, et à quel point Wq et Wk se ressemblent (cosinus des deux matrices vues comme \
        des vecteurs), mise à jour après mise à jour. Enfin, la même dérive pour chaque groupe \
        de nombres appris du modèle\u{202f}: tous s’entraînent.",
    learned_badge: "appris",
    learned_list: "les mêmes pour tous les visages, modifiés seulement par l’entraînement\u{202f}: \
        Wq, Wk, Wv et Wo ici, et tous les autres poids du modèle aussi\u{202f}: γ et β des \
        LayerNorm, les MLP, le plongement des patchs, CLS, les plongements de position et le \
        classifieur.",
    computed_badge: "recalculé",
    computed_list: "pour chaque visage, à partir des poids appris\u{202f}: Q, K, V, les scores et l’attention.",
    qk_similarity: "cos(Wq, Wk)",
    weights_history: "Dérive de Wq, Wk, Wv et leur ressemblance au fil de l’entraînement",
    drift_title: "De combien chaque groupe de nombres appris s’est éloigné depuis la mise à jour 0 (‖W − W₀‖ / ‖W₀‖, chaque poids avec son biais, chaque LayerNorm avec son γ et son β)",
    drift_patch_embed: "plongement des patchs",
    drift_positions: "positions",
    drift_final_norm: "LayerNorm finale",
    drift_classifier: "classifieur",
    weights_summary: |step, block, q, k, v, sim| {
        format!("Après la mise à jour {step}, bloc {block}\u{202f}: Wq s’est éloigné de {q}\u{202f}%, Wk de {k}\u{202f}%, Wv de {v}\u{202f}% de sa valeur initiale\u{202f}; cos(Wq, Wk) = {sim}.")
    },
    flow_title: "Le trajet de V dans un bloc",
    help_flow: "Le chemin d’un bloc, pour le visage et la tête choisis plus haut, puis ce qui \
        le suit. Les boîtes grises ne font que calculer\u{202f}; les bleues contiennent des poids \
        appris (LayerNorm aussi\u{202f}: elle normalise chaque jeton, puis le met à l’échelle et le \
        décale par ses γ et β appris). Cliquez sur une flèche pour voir le tenseur qu’elle \
        transporte maintenant\u{202f}: Q, K et V viennent du même X normalisé par trois matrices \
        différentes\u{202f}; les scores et leur softmax décident du mélange\u{202f}; A·V est ce que \
        chaque jeton prend aux valeurs de tous les jetons, la sienne comprise, avant que Wo et \
        la connexion résiduelle ne l’ajoutent à X. Viennent ensuite un MLP avec GELU, avec sa \
        propre connexion résiduelle, le même chemin dans les blocs suivants, et le vecteur final \
        de CLS, après une dernière LayerNorm, va au classifieur.",
    flow_hint: "Cliquez sur une flèche (ou sélectionnez-la au clavier et appuyez sur Entrée) pour ouvrir le tenseur qu’elle transporte.",
    rows_are_tokens: "une ligne par jeton,",
    flow_next_blocks: "blocs suivants",
    flow_classifier: "CLS → classifieur",
    flow_probabilities: "softmax → probabilités",
    playground: &playground::FR,
    backward: &backward::FR,
    runs: &runs::FR,
    devices: &device::FR,
    shape: &shape::FR,
    camera: &camera::FR,
    tour: &tour::FR,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_language_picks_french_or_english() {
        assert_eq!(Lang::from_browser("fr-FR"), Lang::Fr);
        assert_eq!(Lang::from_browser("FR"), Lang::Fr);
        assert_eq!(Lang::from_browser("en-GB"), Lang::En);
        assert_eq!(Lang::from_browser("de"), Lang::En);
    }

    #[test]
    fn live_numbers_appear_in_both_languages() {
        for lang in [Lang::En, Lang::Fr] {
            let text = lang.text();
            assert!((text.diverged_body)(7, "NaN", "1e6").contains('7'));
            assert!((text.in_epoch)(3, 13).contains("13"));
            assert!((text.counts)(40, 400, 80, 32).contains("400"));
        }
    }
}
