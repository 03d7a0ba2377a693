//! The words of the guided tour, the classroom switch, and the two panels the lessons add.

pub struct TourText {
    pub lessons: &'static str,
    /// (lesson, of)
    pub lesson_of: fn(usize, usize) -> String,
    /// The teaching text's questions a lesson answers.
    pub questions: fn(&[u8]) -> String,
    pub previous: &'static str,
    pub next: &'static str,
    pub go_to: &'static str,
    pub show_me: &'static str,
    pub try_it: &'static str,
    pub classroom: &'static str,
    pub classroom_hint: &'static str,

    pub then_now_title: &'static str,
    pub then_now_help: &'static str,
    pub then_caption: &'static str,
    /// (update)
    pub now_caption: fn(u64) -> String,
    pub then_now_wait: &'static str,

    pub breakdown_title: &'static str,
    pub breakdown_help: &'static str,
    pub token: &'static str,
    pub breakdown_wait: &'static str,
    /// (token, block, head)
    pub breakdown_caption: fn(&str, usize, usize) -> String,
    pub x_row: &'static str,
    pub q_column: &'static str,
    pub k_column: &'static str,
    pub model_column: &'static str,
    /// (entry name, number of terms)
    pub terms_of: fn(&str, usize) -> String,
    pub largest_terms: &'static str,
    /// "terms", as in "Σ (32 terms)".
    pub terms: &'static str,
    /// Between the items of a list on one line.
    pub list_separator: &'static str,
    pub bias: &'static str,
    pub same_x: &'static str,
}

pub static EN: TourText = TourText {
    lessons: "Lessons",
    lesson_of: |i, n| format!("Lesson {i} of {n}"),
    questions: |q| {
        let list: Vec<String> = q.iter().map(u8::to_string).collect();
        if q.len() == 1 {
            format!("question {}", list[0])
        } else {
            format!("questions {}", list.join(" and "))
        }
    },
    previous: "← Previous",
    next: "Next →",
    go_to: "Go to lesson",
    show_me: "Show me",
    try_it: "Try it:",
    classroom: "Classroom mode",
    classroom_hint: "Larger views for a projector; advanced settings hidden.",

    then_now_title: "The same face at update 0 and now",
    then_now_help: "Where the CLS token looks on the face, for the head chosen in the attention panel: on the left with the weights the run started from, on the right with the weights of the latest update. The face, the head and the computation are the same; only training changed the weights.",
    then_caption: "Update 0 (initial weights)",
    now_caption: |step| format!("Update {step} (now)"),
    then_now_wait: "Waiting for the model's first probe…",

    breakdown_title: "One token, two projections: X · Wq and X · Wk",
    breakdown_help: "The block's input X for one token (after its LayerNorm), and how the head's Q and K are made from it: each entry is the sum over X's entries of x_i × W[i, j], plus a bias. Same X, two matrices, two different vectors. The page recomputes every sum from the model's X and weights; the model's own Q and K are beside them.",
    token: "Token",
    breakdown_wait: "Step the model once to see its numbers.",
    breakdown_caption: |token, block, head| format!("Token {token}, block {block}, head {head}"),
    x_row: "X (the token after LayerNorm)",
    q_column: "Q = X · Wq + bq",
    k_column: "K = X · Wk + bk",
    model_column: "model",
    terms_of: |name, n| format!("{name}: the sum of {n} terms x_i × W[i, j], plus the bias"),
    largest_terms: "largest terms",
    terms: "terms",
    list_separator: "; ",
    bias: "bias",
    same_x: "The same X gives two different vectors, because Wq and Wk differ.",
};

pub static FR: TourText = TourText {
    lessons: "Leçons",
    lesson_of: |i, n| format!("Leçon {i} sur {n}"),
    questions: |q| {
        let list: Vec<String> = q.iter().map(u8::to_string).collect();
        if q.len() == 1 {
            format!("question {}", list[0])
        } else {
            format!("questions {}", list.join(" et "))
        }
    },
    previous: "← Précédente",
    next: "Suivante →",
    go_to: "Aller à la leçon",
    show_me: "Montrer",
    try_it: "À vous\u{202f}:",
    classroom: "Mode classe",
    classroom_hint: "Vues agrandies pour un projecteur\u{202f}; réglages avancés masqués.",

    then_now_title: "Le même visage à la mise à jour 0 et maintenant",
    then_now_help: "Où le jeton CLS regarde sur le visage, pour la tête choisie dans le panneau d’attention\u{202f}: à gauche avec les poids de départ de l’entraînement, à droite avec ceux de la dernière mise à jour. Le visage, la tête et le calcul sont les mêmes\u{202f}; seul l’entraînement a changé les poids.",
    then_caption: "Mise à jour 0 (poids initiaux)",
    now_caption: |step| format!("Mise à jour {step} (maintenant)"),
    then_now_wait: "En attente de la première sonde du modèle…",

    breakdown_title: "Un jeton, deux projections\u{202f}: X · Wq et X · Wk",
    breakdown_help: "L’entrée X du bloc pour un jeton (après sa LayerNorm), et comment la tête en tire Q et K\u{202f}: chaque entrée est la somme sur les entrées de X de x_i × W[i, j], plus un biais. Le même X, deux matrices, deux vecteurs différents. La page refait chaque somme à partir du X et des poids du modèle\u{202f}; le Q et le K du modèle sont à côté.",
    token: "Jeton",
    breakdown_wait: "Faites un pas d’entraînement pour voir ses nombres.",
    breakdown_caption: |token, block, head| format!("Jeton {token}, bloc {block}, tête {head}"),
    x_row: "X (le jeton après LayerNorm)",
    q_column: "Q = X · Wq + bq",
    k_column: "K = X · Wk + bk",
    model_column: "modèle",
    terms_of: |name, n| format!("{name}\u{202f}: la somme de {n} termes x_i × W[i, j], plus le biais"),
    largest_terms: "plus grands termes",
    terms: "termes",
    list_separator: "\u{202f}; ",
    bias: "biais",
    same_x: "Le même X donne deux vecteurs différents, parce que Wq et Wk diffèrent.",
};
