//! The words of the 2-D Q/K playground, in English and in French.

pub struct PlaygroundText {
    pub title: &'static str,
    pub help: &'static str,
    pub intro: &'static str,
    pub preset: &'static str,
    pub preset_text: &'static str,
    pub preset_aligned: &'static str,
    pub preset_perpendicular: &'static str,
    pub preset_opposite: &'static str,
    pub preset_many: &'static str,
    pub preset_temperature: &'static str,
    /// What each preset shows, one sentence.
    pub about_text: &'static str,
    pub about_aligned: &'static str,
    pub about_perpendicular: &'static str,
    /// (the opposite key's share, the perpendicular key's share), computed from the preset.
    pub about_opposite: fn(&str, &str) -> String,
    pub about_many: &'static str,
    pub about_temperature: &'static str,
    /// (the true shares, the shares with ÷√2)
    pub text_slip: fn(&str, &str) -> String,
    pub add_key: &'static str,
    pub remove_key: &'static str,
    pub snap: &'static str,
    pub temperature: &'static str,
    pub scale_dim: &'static str,
    pub scale_note: &'static str,
    pub keyboard_hint: &'static str,
    pub plane_label: &'static str,
    pub selected: &'static str,
    pub query: &'static str,
    pub key: &'static str,
    pub value: &'static str,
    pub output: &'static str,
    pub angle: &'static str,
    pub score: &'static str,
    pub share: &'static str,
    pub shares_sum: &'static str,
    pub score_line: &'static str,
    pub softmax_line: &'static str,
    pub output_line: &'static str,
    pub from_model: &'static str,
    pub from_model_button: &'static str,
    pub from_model_wait: &'static str,
    pub query_token: &'static str,
    pub token: &'static str,
    pub true_score: &'static str,
    pub true_share: &'static str,
    pub model_note: fn(&ModelPlaneNote) -> String,
    pub model_edited: &'static str,
}

/// How the model's vectors were put on the plane, for the note beside them.
#[derive(Clone, Copy)]
pub struct ModelPlaneNote<'a> {
    pub step: u64,
    /// Block and head, counted from 1.
    pub block: usize,
    pub head: usize,
    /// Dimensions of one head's Q and K.
    pub width: usize,
    pub tokens: usize,
    /// Keys shown on the plane.
    pub shown: usize,
    /// Percent of the shown keys' squared length the plane keeps, written for the page.
    pub kept: &'a str,
    /// Percent of V's squared length its two main directions keep.
    pub values_kept: &'a str,
}

pub static EN: PlaygroundText = PlaygroundText {
    title: "Q·K playground: drag the vectors",
    help: "A query Q gives every key K a score: their dot product Q·K = ‖Q‖·‖K‖·cos θ. It is \
        large when the two point the same way, zero when they are perpendicular, negative when \
        they are opposite. The scores are divided by √d (d: the number of dimensions of a head, d_head in the model) \
        and by a temperature T, then softmax turns them into shares that sum to 100 %. The output \
        is the values V mixed by those shares. Everything here is computed as you drag.",
    intro: "Drag Q (orange), the keys K (blue) and their values V (green). The table computes each \
        key's score and share; the purple arrow is the output Σ share·V.",
    preset: "Start from",
    preset_text: "The teaching text's example",
    preset_aligned: "Aligned",
    preset_perpendicular: "Perpendicular",
    preset_opposite: "Opposite",
    preset_many: "Many keys",
    preset_temperature: "Sharp vs flat (temperature)",
    about_text: "Q = [1, 0]; K1 = [1, 0] (same direction), K2 = [0, 1] (perpendicular), \
        K3 = [−1, 0] (opposite); softmax of the raw dot products 1, 0, −1 (d = 1, as in the text).",
    about_aligned: "K1 points where Q points: the largest dot product, the largest share.",
    about_perpendicular: "Both keys are perpendicular to Q: dot products of 0, so softmax shares evenly.",
    about_opposite: |opposite, perpendicular| {
        format!("K1 points against Q: a negative score, so a small share ({opposite}), never zero: softmax gives every key a positive share. K2, perpendicular, scores 0 and gets {perpendicular}. Some of K1's value still reaches the output (the teaching text's “opposite → 0 %” is a slip).")
    },
    about_many: "Eight keys around the circle: the shares fall off with the angle to Q. Turn Q and watch them follow.",
    about_temperature: "A low temperature makes softmax sharp: nearly all to one key. Raise T and the shares even out.",
    text_slip: |true_shares, scaled| {
        format!("The teaching text gives 73 % / 27 % / 0 % for this example; softmax of [1, 0, −1] is in fact {true_shares}. With the ÷√2 of a 2-D head it would be {scaled}.")
    },
    add_key: "Add a key",
    remove_key: "Remove this key",
    snap: "Snap to the grid",
    temperature: "Temperature T",
    scale_dim: "Divide by √d, d =",
    scale_note: "d = 1: no scaling; 2: a 2-D head; the model's head width when its vectors are on the plane.",
    keyboard_hint: "Keyboard: Tab to a vector (or click it), then the arrow keys move it by one grid step (Shift: four).",
    plane_label: "Plane with the query, the keys, their values and the output",
    selected: "Selected",
    query: "Query Q",
    key: "Key",
    value: "Value",
    output: "Output",
    angle: "θ",
    score: "score = Q·K / (√d·T)",
    share: "share",
    score_line: "score",
    shares_sum: "Sum of the shares",
    softmax_line: "softmax",
    output_line: "output",
    from_model: "From the model in training",
    from_model_button: "Put the model's vectors on the plane",
    from_model_wait: "Step the model once to get its vectors.",
    query_token: "Query token",
    token: "token",
    true_score: "model's score",
    true_share: "model's share",
    model_note: |n| {
        let ModelPlaneNote { step, block, head, width, tokens, shown, kept, values_kept } = *n;
        format!("Update {step}, block {block}, head {head} (chosen in the attention panel). Q and K have {width} dimensions. The plane's first axis is Q's own direction, so each Q·K on it is the model's exactly; its second axis is the direction across Q in which the keys differ most. It keeps {kept} % of the shown keys' squared length: lengths and angles are flattened, scores are not. The {shown} keys with the largest shares of the {tokens} tokens are shown, so the plane's shares are the model's spread over those {shown} only. V is shown on its own two main directions ({values_kept} % of its squared length).")
    },
    model_edited: "You have moved the vectors since: the model's columns stay as a reference.",
};

pub static FR: PlaygroundText = PlaygroundText {
    title: "Terrain de jeu Q·K\u{202f}: faites glisser les vecteurs",
    help: "Une requête Q donne un score à chaque clé K\u{202f}: leur produit scalaire \
        Q·K = ‖Q‖·‖K‖·cos θ. Il est grand quand les deux pointent dans la même direction, nul \
        quand ils sont perpendiculaires, négatif quand ils sont opposés. Les scores sont \
        divisés par √d (d\u{202f}: le nombre de dimensions d’une tête, d_head dans le modèle) et par une température T, puis \
        softmax en fait des parts dont la somme vaut 100\u{202f}%. La sortie est le mélange des valeurs V \
        selon ces parts. Tout est recalculé pendant que vous déplacez les vecteurs.",
    intro: "Faites glisser Q (orange), les clés K (bleu) et leurs valeurs V (vert). Le tableau \
        calcule le score et la part de chaque clé\u{202f}; la flèche violette est la sortie Σ part·V.",
    preset: "Partir de",
    preset_text: "L’exemple du texte",
    preset_aligned: "Alignés",
    preset_perpendicular: "Perpendiculaires",
    preset_opposite: "Opposés",
    preset_many: "Beaucoup de clés",
    preset_temperature: "Net ou flou (température)",
    about_text: "Q = [1, 0]\u{202f}; K1 = [1, 0] (même direction), K2 = [0, 1] (perpendiculaire), \
        K3 = [−1, 0] (opposée)\u{202f}; softmax des produits scalaires bruts 1, 0, −1 (d = 1, comme dans le texte).",
    about_aligned: "K1 pointe là où pointe Q\u{202f}: le plus grand produit scalaire, la plus grande part.",
    about_perpendicular: "Les deux clés sont perpendiculaires à Q\u{202f}: produits scalaires nuls, softmax partage à égalité.",
    about_opposite: |opposite, perpendicular| {
        format!("K1 pointe à l’opposé de Q\u{202f}: un score négatif, donc une petite part ({opposite}), jamais nulle\u{202f}: softmax donne à chaque clé une part positive. K2, perpendiculaire, a un score de 0 et reçoit {perpendicular}. Une partie de la valeur de K1 arrive donc quand même à la sortie (le «\u{202f}opposé → 0\u{202f}%\u{202f}» du texte est une erreur).")
    },
    about_many: "Huit clés autour du cercle\u{202f}: les parts baissent avec l’angle à Q. Tournez Q et regardez-les suivre.",
    about_temperature: "Une température basse rend softmax net\u{202f}: presque tout à une clé. Montez T et les parts s’égalisent.",
    text_slip: |true_shares, scaled| {
        format!("Le texte donne 73\u{202f}% / 27\u{202f}% / 0\u{202f}% pour cet exemple\u{202f}; softmax de [1, 0, −1] vaut en réalité {true_shares}. Avec le ÷√2 d’une tête à 2 dimensions, ce serait {scaled}.")
    },
    add_key: "Ajouter une clé",
    remove_key: "Retirer cette clé",
    snap: "Aimanter à la grille",
    temperature: "Température T",
    scale_dim: "Diviser par √d, d =",
    scale_note: "d = 1\u{202f}: pas de division\u{202f}; 2\u{202f}: une tête à 2 dimensions\u{202f}; la largeur d’une tête du modèle quand ses vecteurs sont sur le plan.",
    keyboard_hint: "Clavier\u{202f}: Tab pour atteindre un vecteur (ou cliquez dessus), puis les flèches le déplacent d’un pas de grille (Maj\u{202f}: quatre pas).",
    plane_label: "Plan avec la requête, les clés, leurs valeurs et la sortie",
    selected: "Sélection",
    query: "Requête Q",
    key: "Clé",
    value: "Valeur",
    output: "Sortie",
    angle: "θ",
    score: "score = Q·K / (√d·T)",
    share: "part",
    score_line: "score",
    shares_sum: "Somme des parts",
    softmax_line: "softmax",
    output_line: "sortie",
    from_model: "Depuis le modèle en entraînement",
    from_model_button: "Mettre les vecteurs du modèle sur le plan",
    from_model_wait: "Faites un pas d’entraînement pour obtenir ses vecteurs.",
    query_token: "Jeton requête",
    token: "jeton",
    true_score: "score du modèle",
    true_share: "part du modèle",
    model_note: |n| {
        let ModelPlaneNote { step, block, head, width, tokens, shown, kept, values_kept } = *n;
        format!("Mise à jour {step}, bloc {block}, tête {head} (choisis dans le panneau d’attention). Q et K ont {width} dimensions. Le premier axe du plan est la direction de Q lui-même\u{202f}: chaque Q·K y est exactement celui du modèle\u{202f}; le second axe est la direction, en travers de Q, où les clés diffèrent le plus. Le plan garde {kept}\u{202f}% de la longueur au carré des clés montrées\u{202f}: longueurs et angles sont aplatis, pas les scores. Les {shown} clés aux plus grandes parts parmi les {tokens} jetons sont montrées\u{202f}: les parts du plan sont celles du modèle réparties sur ces {shown} seulement. V est montré sur ses deux directions principales ({values_kept}\u{202f}% de sa longueur au carré).")
    },
    model_edited: "Vous avez déplacé les vecteurs depuis\u{202f}: les colonnes du modèle restent comme référence.",
};
