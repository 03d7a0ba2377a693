//! The guided tour: the teaching text's twelve questions as eight lessons (grouped as
//! `shared/docs/teaching.md` groups them), each tied to the panel that shows it.
//!
//! A lesson's text is a function of the live numbers, so every number in it comes from the
//! run in the page; plain Rust, so the texts are tested natively.

use crate::i18n::{decimal, Lang};

/// What a lesson may quote from the run, as the page last heard it. `None` until the run
/// has computed it (before the first update, most of them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Numbers {
    pub step: u64,
    pub loss: Option<f64>,
    /// The first face of the last batch: the probability the model gave its true person.
    pub p_true: Option<f64>,
    pub training_images: Option<usize>,
    pub batch_size: usize,
    /// Gradient norms of the first block's Wq, Wk, Wv at the last update.
    pub gradients: Option<[f64; 3]>,
    /// How far Wq, Wk, Wv of the inspected block have moved from update 0, in [0, ∞).
    pub drift: Option<[f64; 3]>,
    pub width: Option<usize>,
    pub head_dim: Option<usize>,
    pub tokens: Option<usize>,
    /// The CLS token's largest share in the inspected head: now, and with the weights of
    /// update 0.
    pub cls_top_share: Option<f64>,
    pub cls_top_share_then: Option<f64>,
}

impl Numbers {
    /// `ceil(images / batch)`: the last batch of an epoch may be partial.
    pub fn updates_per_epoch(&self) -> Option<usize> {
        let images = self.training_images?;
        (self.batch_size > 0).then(|| images.div_ceil(self.batch_size))
    }
}

/// One lesson: the questions it answers and the panel it shows.
pub struct Lesson {
    /// The teaching text's question numbers.
    pub questions: &'static [u8],
    /// The `id` of the panel the lesson brings into view.
    pub panel: &'static str,
    pub title: fn(Lang) -> &'static str,
    pub body: fn(Lang, &Numbers) -> String,
    /// What to do now.
    pub task: fn(Lang) -> &'static str,
}

/// A number for a lesson, or a dash until the run has it.
fn n(lang: Lang, value: Option<f64>, digits: usize) -> String {
    value.map_or("—".into(), |v| decimal(lang, v, digits))
}

fn pct(lang: Lang, value: Option<f64>) -> String {
    value.map_or("—".into(), |v| {
        format!("{} %", decimal(lang, v * 100.0, 1))
    })
}

fn count(value: Option<usize>) -> String {
    value.map_or("—".into(), |v| v.to_string())
}

pub const LESSONS: [Lesson; 8] = [
    Lesson {
        questions: &[1],
        panel: "walkthrough-section",
        title: |lang| match lang {
            Lang::En => "One update, five phases",
            Lang::Fr => "Une mise à jour, cinq phases",
        },
        body: |lang, x| {
            let minus_log = x.p_true.map(|p| -p.ln());
            let (p, l, loss) = (
                n(lang, x.p_true, 3),
                n(lang, minus_log, 3),
                n(lang, x.loss, 3),
            );
            let (images, per_epoch) = (count(x.training_images), count(x.updates_per_epoch()));
            let batch = x.batch_size;
            match lang {
                Lang::En => format!("Learning is one loop: a forward pass computes the answer, the loss measures how wrong it is, backpropagation finds how each weight should move, the update moves it, and the loop repeats. At update {}, the first face of the batch got p = {p} for its true person, so its loss is −log p = {l}; the batch's mean loss is {loss}. With {images} training images and batches of {batch}, one epoch is {per_epoch} updates.", x.step),
                Lang::Fr => format!("Apprendre, c'est une boucle : le passage avant calcule la réponse, la perte mesure son erreur, la rétropropagation trouve comment chaque poids doit bouger, la mise à jour le déplace, et on recommence. À la mise à jour {}, le premier visage du lot a reçu p = {p} pour sa vraie personne : sa perte vaut −log p = {l} ; la perte moyenne du lot est {loss}. Avec {images} images d'entraînement et des lots de {batch}, une époque fait {per_epoch} mises à jour.", x.step),
            }
        },
        task: |lang| {
            match lang {
            Lang::En => "Press Step once and read the five phases with the numbers of that very update.",
            Lang::Fr => "Appuyez une fois sur « Un pas » et lisez les cinq phases avec les nombres de cette mise à jour.",
        }
        },
    },
    Lesson {
        questions: &[2, 7],
        panel: "gradients",
        title: |lang| match lang {
            Lang::En => "Wq, Wk and Wv start random and learn different things",
            Lang::Fr => "Wq, Wk et Wv partent au hasard et apprennent des choses différentes",
        },
        body: |lang, x| {
            let g = |i: usize| n(lang, x.gradients.map(|g| g[i]), 4);
            let d = |i: usize| pct(lang, x.drift.map(|d| d[i]));
            match lang {
                Lang::En => format!("The three matrices are drawn at random, each from its own seed, so they differ from the start. They also sit at different places in the computation, so the loss pulls on each differently: at the last update the gradient norms of block 1 were Wq {}, Wk {}, Wv {}. Since update 0, Wq has moved {}, Wk {}, Wv {}.", g(0), g(1), g(2), d(0), d(1), d(2)),
                Lang::Fr => format!("Les trois matrices sont tirées au hasard, chacune avec sa graine : elles diffèrent dès le départ. Elles n'occupent pas la même place dans le calcul, donc la perte tire sur chacune différemment : à la dernière mise à jour, les normes des gradients du bloc 1 valaient Wq {}, Wk {}, Wv {}. Depuis la mise à jour 0, Wq a bougé de {}, Wk de {}, Wv de {}.", g(0), g(1), g(2), d(0), d(1), d(2)),
            }
        },
        task: |lang| {
            match lang {
            Lang::En => "Press Step and watch the three gradient bars: they are not equal, from the first update on.",
            Lang::Fr => "Appuyez sur « Un pas » et regardez les trois barres de gradient : elles diffèrent dès la première mise à jour.",
        }
        },
    },
    Lesson {
        questions: &[3, 8],
        panel: "then-now",
        title: |lang| match lang {
            Lang::En => "The meaning comes from training",
            Lang::Fr => "Le sens vient de l'entraînement",
        },
        body: |lang, x| {
            let (then, now) = (pct(lang, x.cls_top_share_then), pct(lang, x.cls_top_share));
            match lang {
                Lang::En => format!("Nobody programs where the model looks. The same face, the same head: with the weights of update 0 the CLS token's largest share was {then}; after {} updates it is {now}. Only the updates changed the weights, and the maps followed.", x.step),
                Lang::Fr => format!("Personne ne programme où le modèle regarde. Même visage, même tête : avec les poids de la mise à jour 0, la plus grande part du jeton CLS valait {then} ; après {} mises à jour elle vaut {now}. Seules les mises à jour ont changé les poids, et les cartes ont suivi.", x.step),
            }
        },
        task: |lang| {
            match lang {
            Lang::En => "Press Play for a few seconds, then compare the two maps of the same face.",
            Lang::Fr => "Appuyez sur Lecture quelques secondes, puis comparez les deux cartes du même visage.",
        }
        },
    },
    Lesson {
        questions: &[4],
        panel: "weights",
        title: |lang| match lang {
            Lang::En => "Weights are learned, Q, K and V are recomputed",
            Lang::Fr => "Les poids s'apprennent, Q, K et V se recalculent",
        },
        body: |lang, x| {
            let learned = x.width.map(|w| 4 * w * w + 4 * w);
            let computed = x.width.zip(x.tokens).map(|(w, t)| 3 * t * w);
            match lang {
                Lang::En => format!("Wq, Wk, Wv and Wo of one block are {} learned numbers (with their biases), the same for every face, changed only by updates. Q, K and V are {} numbers recomputed for each face from those weights: V is a result, Wv is what learns.", count(learned), count(computed)),
                Lang::Fr => format!("Wq, Wk, Wv et Wo d'un bloc sont {} nombres appris (avec leurs biais), les mêmes pour tous les visages, modifiés seulement par les mises à jour. Q, K et V sont {} nombres recalculés pour chaque visage à partir de ces poids : V est un résultat, c'est Wv qui apprend.", count(learned), count(computed)),
            }
        },
        task: |lang| {
            match lang {
            Lang::En => "Pick another face in the attention panel: Q, K and V change, the weight maps here do not.",
            Lang::Fr => "Choisissez un autre visage dans le panneau d'attention : Q, K et V changent, pas les cartes des poids ici.",
        }
        },
    },
    Lesson {
        questions: &[5],
        panel: "qk-playground",
        title: |lang| match lang {
            Lang::En => "Q·K measures compatibility",
            Lang::Fr => "Q·K mesure la compatibilité",
        },
        body: |lang, _| {
            let shares: Vec<String> = crate::qk::Preset::TeachingText
                .plane()
                .readout()
                .keys
                .iter()
                .map(|k| pct(lang, Some(k.share)))
                .collect();
            let shares = shares.join(" / ");
            match lang {
                Lang::En => format!("The dot product is large when Q and K point the same way, zero when they are perpendicular, negative when they are opposite. Softmax turns the scores into shares: for the teaching text's example, {shares}."),
                Lang::Fr => format!("Le produit scalaire est grand quand Q et K pointent dans le même sens, nul quand ils sont perpendiculaires, négatif quand ils sont opposés. Softmax transforme les scores en parts : pour l'exemple du texte, {shares}."),
            }
        },
        task: |lang| match lang {
            Lang::En => "Drag Q towards K2, then raise the temperature, and watch the bars.",
            Lang::Fr => {
                "Faites glisser Q vers K2, puis montez la température, et regardez les barres."
            }
        },
    },
    Lesson {
        questions: &[6, 9],
        panel: "token-breakdown",
        title: |lang| match lang {
            Lang::En => "Same X, two projections",
            Lang::Fr => "Le même X, deux projections",
        },
        body: |lang, x| {
            let (w, d) = (count(x.width), count(x.head_dim));
            match lang {
                Lang::En => format!("Q and K are computed from the same token X ({w} numbers) by two different matrices. Each entry of Q is a weighted sum of X's {w} entries, with the weights in one column of Wq, plus a bias; the same for K with Wk. One head keeps {d} entries of each. The page writes it X · W (Burn's convention: W is stored inputs × outputs)."),
                Lang::Fr => format!("Q et K sont calculés à partir du même jeton X ({w} nombres) par deux matrices différentes. Chaque entrée de Q est une somme pondérée des {w} entrées de X, avec les poids d'une colonne de Wq, plus un biais ; de même pour K avec Wk. Une tête garde {d} entrées de chacun. La page écrit X · W (la convention de Burn : W est rangée entrées × sorties)."),
            }
        },
        task: |lang| {
            match lang {
            Lang::En => "Choose a token, then hover or focus an entry of Q or K to see its terms.",
            Lang::Fr => "Choisissez un jeton, puis survolez ou sélectionnez une entrée de Q ou de K pour voir ses termes.",
        }
        },
    },
    Lesson {
        questions: &[10, 11],
        panel: "attention",
        title: |lang| match lang {
            Lang::En => "Query, key, value: a metaphor",
            Lang::Fr => "Requête, clé, valeur : une métaphore",
        },
        body: |lang, x| {
            let share = pct(lang, x.cls_top_share);
            match lang {
                Lang::En => format!("We say a token \"asks a question\" (query) that other tokens \"answer\" (key) with their \"content\" (value). The model does none of that: it computes numbers. Objectively: Q = X·Wq, K = X·Wk, V = X·Wv, scores = Q·Kᵀ/√d, shares = softmax of each row, output = shares · V. Right now CLS gives its largest share, {share}, to one token: that is a weighted average, not a search."),
                Lang::Fr => format!("On dit qu'un jeton « pose une question » (requête) à laquelle les autres « répondent » (clé) avec leur « contenu » (valeur). Le modèle ne fait rien de tel : il calcule des nombres. Objectivement : Q = X·Wq, K = X·Wk, V = X·Wv, scores = Q·Kᵀ/√d, parts = softmax de chaque ligne, sortie = parts · V. En ce moment CLS donne sa plus grande part, {share}, à un jeton : c'est une moyenne pondérée, pas une recherche."),
            }
        },
        task: |lang| {
            match lang {
            Lang::En => "Hover the score and share maps: each cell is one dot product and its share.",
            Lang::Fr => "Survolez les cartes des scores et des parts : chaque case est un produit scalaire et sa part.",
        }
        },
    },
    Lesson {
        questions: &[12],
        panel: "flow",
        title: |lang| match lang {
            Lang::En => "Where V's information goes",
            Lang::Fr => "Où va l'information de V",
        },
        body: |lang, x| {
            let (t, d) = (count(x.tokens), count(x.head_dim));
            match lang {
                Lang::En => format!("Each of the {t} tokens takes the share-weighted sum of every token's V ({d} numbers per head), Wo mixes the heads, the residual adds it back to X, the MLP follows, and the next block starts again. At the end, the classifier reads only the CLS token: everything the patches pass on reaches it through these sums."),
                Lang::Fr => format!("Chacun des {t} jetons prend la somme, pondérée par les parts, des V de tous les jetons ({d} nombres par tête), Wo mélange les têtes, le résiduel l'ajoute à X, le MLP suit, et le bloc suivant recommence. À la fin, le classifieur ne lit que le jeton CLS : tout ce que les patchs transmettent lui arrive par ces sommes."),
            }
        },
        task: |lang| {
            match lang {
            Lang::En => "Click the arrows of the diagram, from V to A·V: each opens the tensor it carries now.",
            Lang::Fr => "Cliquez sur les flèches du schéma, de V à A·V : chacune ouvre le tenseur qu'elle transporte maintenant.",
        }
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn live() -> Numbers {
        Numbers {
            step: 12,
            loss: Some(3.25),
            p_true: Some(0.125),
            training_images: Some(320),
            batch_size: 32,
            gradients: Some([0.5, 0.25, 1.5]),
            drift: Some([0.1, 0.12, 0.2]),
            width: Some(32),
            head_dim: Some(16),
            tokens: Some(17),
            cls_top_share: Some(0.4),
            cls_top_share_then: Some(0.1),
        }
    }

    #[test]
    fn the_lessons_cover_the_twelve_questions_once() {
        let mut questions: Vec<u8> = LESSONS.iter().flat_map(|l| l.questions.to_vec()).collect();
        questions.sort();
        assert_eq!(questions, (1..=12).collect::<Vec<u8>>());
    }

    #[test]
    fn lesson_texts_quote_the_live_numbers() {
        let numbers = live();
        let first = (LESSONS[0].body)(Lang::En, &numbers);
        assert!(first.contains("p = 0.125"), "{first}");
        assert!(first.contains("−log p = 2.079"), "{first}");
        assert!(first.contains("10 updates"), "{first}");
        let french = (LESSONS[0].body)(Lang::Fr, &numbers);
        assert!(french.contains("p = 0,125"), "{french}");
        // Before the run has numbers, dashes, not made-up values.
        let empty = (LESSONS[1].body)(Lang::En, &Numbers::default());
        assert!(empty.contains("Wq —"), "{empty}");
    }

    #[test]
    fn updates_per_epoch_count_the_partial_batch() {
        let numbers = Numbers {
            training_images: Some(494_149),
            batch_size: 128,
            ..Numbers::default()
        };
        assert_eq!(numbers.updates_per_epoch(), Some(3_861));
    }

    #[test]
    fn every_lesson_has_both_languages() {
        for lesson in &LESSONS {
            for lang in [Lang::En, Lang::Fr] {
                assert!(!(lesson.title)(lang).is_empty());
                assert!(!(lesson.task)(lang).is_empty());
                assert!(!(lesson.body)(lang, &live()).is_empty());
            }
            assert_ne!((lesson.title)(Lang::En), (lesson.title)(Lang::Fr));
        }
    }
}
