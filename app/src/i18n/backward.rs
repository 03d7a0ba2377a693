//! The words of the backward-path panel (question 2: why the three gradients differ).

pub struct BackwardText {
    pub title: &'static str,
    pub help: &'static str,
    pub wait: &'static str,
    /// (update, block, head, the face's person), block and head counted from 1.
    pub caption: fn(u64, usize, usize, &str) -> String,
    pub note_d_output: &'static str,
    pub note_d_values: &'static str,
    pub note_d_attention: &'static str,
    pub note_d_scores: &'static str,
    pub note_d_queries: &'static str,
    pub note_d_keys: &'static str,
    pub note_weights: &'static str,
    pub summary: fn(&BackwardSummary) -> String,
}

/// The norms the summary quotes, written for the page.
pub struct BackwardSummary<'a> {
    pub d_head: usize,
    pub faces: usize,
    pub d_output: &'a str,
    pub d_values: &'a str,
    pub d_scores: &'a str,
    pub d_queries: &'a str,
    pub d_keys: &'a str,
    pub wq: &'a str,
    pub wk: &'a str,
    pub wv: &'a str,
}

pub static EN: BackwardText = BackwardText {
    title: "Why Wq, Wk and Wv get different gradients",
    help: "The backward pass of the last single Step through one head (the block and head \
        chosen in the attention panel), for the first face of its batch, with that update's \
        numbers. It starts from dO, how the loss pulls on the head's output O = A·V, and \
        splits three ways by the chain rule. Each map is one matrix (row: a token, CLS first; \
        blue negative, orange positive, each map on its own scale). Play leaves this \
        computation out to keep updates fast: press Step to refresh it.",
    wait: "Press Step: the backward pass of that update through the inspected head appears here, with its numbers.",
    caption: |step, block, head, person| {
        format!("Update {step}, block {block}, head {head}, first face of the batch ({person}).")
    },
    note_d_output: "how the loss pulls on the head's output",
    note_d_values: "to Wv, without passing through softmax",
    note_d_attention: "how the loss pulls on each share",
    note_d_scores: "back through softmax: each row sums to 0",
    note_d_queries: "to Wq: made with the keys K",
    note_d_keys: "to Wk: made with the queries Q",
    note_weights: "this face's share of the head's columns of dWq, dWk and dWv: the same X, three different factors",
    summary: |s| {
        format!(
            "The same dO (norm {}) goes three ways. To Wv: dV = Aᵀ·dO (norm {}), without \
             passing through softmax. To Wq and Wk: back through softmax, dS (norm {}), then \
             dQ = dS·K/√{} (norm {}) uses the keys and dK = dSᵀ·Q/√{} (norm {}) the queries. \
             Multiplied by the same X, they give three different shares of the weights' \
             gradients: norms {} for Wq, {} for Wk, {} for Wv, for this face and head. Summed \
             over the {} faces of the batch, with the other heads' columns beside them, they \
             are the gradients whose norms the chart above shows.",
            s.d_output, s.d_values, s.d_scores, s.d_head, s.d_queries, s.d_head, s.d_keys,
            s.wq, s.wk, s.wv, s.faces
        )
    },
};

pub static FR: BackwardText = BackwardText {
    title: "Pourquoi Wq, Wk et Wv reçoivent des gradients différents",
    help: "La rétropropagation du dernier «\u{202f}Un pas\u{202f}» à travers une tête (le bloc \
        et la tête choisis dans le panneau d’attention), pour le premier visage de son lot, \
        avec les nombres de cette mise à jour. Elle part de dO, la façon dont la perte tire sur \
        la sortie de la tête O = A·V, et se sépare en trois chemins par la règle de dérivation \
        en chaîne. Chaque carte est une matrice (ligne\u{202f}: un jeton, CLS d’abord\u{202f}; bleu \
        négatif, orange positif, chaque carte à sa propre échelle). «\u{202f}Lecture\u{202f}» \
        saute ce calcul pour garder des mises à jour rapides\u{202f}: appuyez sur «\u{202f}Un \
        pas\u{202f}» pour le mettre à jour.",
    wait: "Appuyez sur «\u{202f}Un pas\u{202f}»\u{202f}: la rétropropagation de cette mise à jour à travers la tête inspectée apparaîtra ici, avec ses nombres.",
    caption: |step, block, head, person| {
        format!("Mise à jour {step}, bloc {block}, tête {head}, premier visage du lot ({person}).")
    },
    note_d_output: "comment la perte tire sur la sortie de la tête",
    note_d_values: "vers Wv, sans passer par softmax",
    note_d_attention: "comment la perte tire sur chaque part",
    note_d_scores: "retour à travers softmax\u{202f}: chaque ligne a une somme nulle",
    note_d_queries: "vers Wq\u{202f}: fait avec les clés K",
    note_d_keys: "vers Wk\u{202f}: fait avec les requêtes Q",
    note_weights: "la part de ce visage dans les colonnes de la tête de dWq, dWk et dWv\u{202f}: le même X, trois facteurs différents",
    summary: |s| {
        format!(
            "Le même dO (norme {}) prend trois chemins. Vers Wv\u{202f}: dV = Aᵀ·dO (norme {}), \
             sans passer par softmax. Vers Wq et Wk\u{202f}: retour à travers softmax, dS (norme \
             {}), puis dQ = dS·K/√{} (norme {}) utilise les clés et dK = dSᵀ·Q/√{} (norme {}) \
             les requêtes. Multipliés par le même X, ils donnent trois parts différentes des \
             gradients des poids\u{202f}: normes {} pour Wq, {} pour Wk, {} pour Wv, pour ce \
             visage et cette tête. Additionnées sur les {} visages du lot, à côté des colonnes \
             des autres têtes, elles forment les gradients dont le graphique ci-dessus montre \
             les normes.",
            s.d_output, s.d_values, s.d_scores, s.d_head, s.d_queries, s.d_head, s.d_keys,
            s.wq, s.wk, s.wv, s.faces
        )
    },
};
