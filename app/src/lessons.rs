//! The guided tour: the teaching text's twelve questions as eight lessons (grouped as
//! `shared/docs/teaching.md` groups them), each tied to the panel that shows it.
//!
//! A lesson's text is a function of the live numbers, so every number in it comes from the
//! run in the page; its task names the page's buttons by their own labels. One
//! [`LessonText`] per language, so a lesson without its French (or English) does not build;
//! plain Rust, so the texts are tested natively.

use crate::i18n::{decimal, Lang, Text};

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
    /// The block the attention panel inspects, counted from 1.
    pub block: usize,
    /// Gradient norms of that block's Wq, Wk, Wv at the last update.
    pub gradients: Option<[f64; 3]>,
    /// How far Wq, Wk, Wv of the inspected block have moved from update 0, in [0, ∞).
    pub drift: Option<[f64; 3]>,
    pub width: Option<usize>,
    pub head_dim: Option<usize>,
    pub tokens: Option<usize>,
    /// The CLS token's largest share given to a patch in the inspected head: now, and with
    /// the weights of update 0.
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

/// One lesson: the questions it answers, the panel it shows, and its words in each language.
pub struct Lesson {
    /// The teaching text's question numbers.
    pub questions: &'static [u8],
    /// The `id` of the panel the lesson brings into view.
    pub panel: &'static str,
    pub en: LessonText,
    pub fr: LessonText,
}

/// A lesson in one language.
pub struct LessonText {
    pub title: &'static str,
    /// What the panel shows, quoting the run in progress.
    pub body: fn(&Numbers) -> String,
    /// What to do now, naming the page's controls with the page's own words.
    pub task: fn(&Text) -> String,
}

impl Lesson {
    pub fn text(&self, lang: Lang) -> &LessonText {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }
}

/// A number for a lesson, or a dash until the run has it.
fn n(lang: Lang, value: Option<f64>, digits: usize) -> String {
    value.map_or("—".into(), |v| decimal(lang, v, digits))
}

/// A share as a percentage; French puts a no-break space before the sign.
fn pct(lang: Lang, value: Option<f64>) -> String {
    value.map_or("—".into(), |v| {
        let sep = match lang {
            Lang::En => " ",
            Lang::Fr => "\u{a0}",
        };
        format!("{}{sep}%", decimal(lang, v * 100.0, 1))
    })
}

fn count(value: Option<usize>) -> String {
    value.map_or("—".into(), |v| v.to_string())
}

/// The first lesson's numbers: p, −log p, the batch's loss, images and updates per epoch.
fn loop_numbers(lang: Lang, x: &Numbers) -> [String; 5] {
    [
        n(lang, x.p_true, 3),
        n(lang, x.p_true.map(|p| -p.ln()), 3),
        n(lang, x.loss, 3),
        count(x.training_images),
        count(x.updates_per_epoch()),
    ]
}

/// The teaching text's own example in the Q·K playground: its three keys' shares.
fn teaching_example_shares(lang: Lang) -> String {
    let shares: Vec<String> = crate::qk::Preset::TeachingText
        .plane()
        .readout()
        .keys
        .iter()
        .map(|k| pct(lang, Some(k.share)))
        .collect();
    shares.join(" / ")
}

pub const LESSONS: [Lesson; 8] = [
    Lesson {
        questions: &[1],
        panel: "walkthrough-section",
        en: LessonText {
            title: "One update, five phases",
            body: |x| {
                let [p, l, loss, images, per_epoch] = loop_numbers(Lang::En, x);
                format!("Learning is one loop: a forward pass computes the answer, the loss measures how wrong it is, backpropagation finds how each weight should move, the update moves it, and the loop repeats. At update {}, the first face of the batch got p = {p} for its true person, so its loss is −log p = {l}; the batch's mean loss is {loss}. With {images} training images and batches of {}, one epoch is {per_epoch} updates.", x.step, x.batch_size)
            },
            task: |t| {
                format!(
                    "Press {} once and read the five phases with the numbers of that very update.",
                    t.step
                )
            },
        },
        fr: LessonText {
            title: "Une mise à jour, cinq phases",
            body: |x| {
                let [p, l, loss, images, per_epoch] = loop_numbers(Lang::Fr, x);
                format!("Apprendre, c’est une boucle\u{a0}: la propagation avant calcule la réponse, la perte mesure son erreur, la rétropropagation trouve comment chaque poids doit bouger, la mise à jour le déplace, et on recommence. À la mise à jour {}, le premier visage du lot a reçu p = {p} pour sa vraie personne\u{a0}: sa perte vaut −log p = {l}\u{a0}; la perte moyenne du lot est {loss}. Avec {images}\u{a0}images d’entraînement et des lots de {}, une époque fait {per_epoch}\u{a0}mises à jour.", x.step, x.batch_size)
            },
            task: |t| {
                format!("Appuyez une fois sur «\u{a0}{}\u{a0}» et lisez les cinq phases avec les nombres de cette mise à jour.", t.step)
            },
        },
    },
    Lesson {
        questions: &[2, 7],
        panel: "gradients",
        en: LessonText {
            title: "Wq, Wk and Wv start random and learn different things",
            body: |x| {
                let g = |i: usize| n(Lang::En, x.gradients.map(|g| g[i]), 4);
                let d = |i: usize| pct(Lang::En, x.drift.map(|d| d[i]));
                format!("The three matrices are drawn at random from one seed, each from its own named stream of random numbers, so they differ from the start. They also sit at different places in the computation, so the loss pulls on each differently: at the last update the gradient norms of block {} were Wq {}, Wk {}, Wv {}. Since update 0, in the same block, Wq has moved {}, Wk {}, Wv {}.", x.block, g(0), g(1), g(2), d(0), d(1), d(2))
            },
            task: |t| {
                format!("Press {} and watch the three gradient bars: they are not equal, from the first update on.", t.step)
            },
        },
        fr: LessonText {
            title: "Wq, Wk et Wv partent au hasard et apprennent des choses différentes",
            body: |x| {
                let g = |i: usize| n(Lang::Fr, x.gradients.map(|g| g[i]), 4);
                let d = |i: usize| pct(Lang::Fr, x.drift.map(|d| d[i]));
                format!("Les trois matrices sont tirées au hasard à partir d’une seule graine, chacune dans sa propre suite de nombres aléatoires, nommée d’après elle\u{a0}: elles diffèrent dès le départ. Elles n’occupent pas la même place dans le calcul, donc la perte tire sur chacune différemment\u{a0}: à la dernière mise à jour, les normes des gradients du bloc {} valaient Wq {}, Wk {}, Wv {}. Depuis la mise à jour 0, dans le même bloc, Wq a bougé de {}, Wk de {}, Wv de {}.", x.block, g(0), g(1), g(2), d(0), d(1), d(2))
            },
            task: |t| {
                format!("Appuyez sur «\u{a0}{}\u{a0}» et regardez les trois barres de gradient\u{a0}: elles diffèrent dès la première mise à jour.", t.step)
            },
        },
    },
    Lesson {
        questions: &[3, 8],
        panel: "then-now",
        en: LessonText {
            title: "The meaning comes from training",
            body: |x| {
                let (then, now) = (
                    pct(Lang::En, x.cls_top_share_then),
                    pct(Lang::En, x.cls_top_share),
                );
                format!("Nobody programs where the model looks. The same face, the same head: with the weights of update 0 the largest share the CLS token gave a patch was {then}; after {} updates it is {now}. Only the updates changed the weights, and the maps followed.", x.step)
            },
            task: |t| {
                format!(
                    "Press {} for a few seconds, then compare the two maps of the same face.",
                    t.play
                )
            },
        },
        fr: LessonText {
            title: "Le sens vient de l’entraînement",
            body: |x| {
                let (then, now) = (
                    pct(Lang::Fr, x.cls_top_share_then),
                    pct(Lang::Fr, x.cls_top_share),
                );
                format!("Personne ne programme où le modèle regarde. Même visage, même tête\u{a0}: avec les poids de la mise à jour 0, la plus grande part que le jeton CLS donnait à un patch valait {then}\u{a0}; après {}\u{a0}mises à jour, elle vaut {now}. Seules les mises à jour ont changé les poids, et les cartes ont suivi.", x.step)
            },
            task: |t| {
                format!("Appuyez sur «\u{a0}{}\u{a0}» quelques secondes, puis comparez les deux cartes du même visage.", t.play)
            },
        },
    },
    Lesson {
        questions: &[4],
        panel: "weights",
        en: LessonText {
            title: "Weights are learned, Q, K and V are recomputed",
            body: |x| {
                let learned = count(x.width.map(|w| 4 * w * w + 4 * w));
                let computed = count(x.width.zip(x.tokens).map(|(w, t)| 3 * t * w));
                format!("Wq, Wk, Wv and Wo of one block are {learned} learned numbers (with their biases), the same for every face, changed only by updates. Q, K and V are {computed} numbers recomputed for each face from those weights: V is a result, Wv is what learns.")
            },
            task: |_| {
                "Pick another face in the attention panel: Q, K and V change (open them with the arrows of the flow diagram), the weight maps here do not.".into()
            },
        },
        fr: LessonText {
            title: "Les poids s’apprennent, Q, K et V se recalculent",
            body: |x| {
                let learned = count(x.width.map(|w| 4 * w * w + 4 * w));
                let computed = count(x.width.zip(x.tokens).map(|(w, t)| 3 * t * w));
                format!("Wq, Wk, Wv et Wo d’un bloc sont {learned}\u{a0}nombres appris (avec leurs biais), les mêmes pour tous les visages, modifiés seulement par les mises à jour. Q, K et V sont {computed}\u{a0}nombres recalculés pour chaque visage à partir de ces poids\u{a0}: V est un résultat, c’est Wv qui apprend.")
            },
            task: |_| {
                "Choisissez un autre visage dans le panneau d’attention\u{a0}: Q, K et V changent (ouvrez-les avec les flèches du schéma du trajet de V), pas les cartes des poids ici.".into()
            },
        },
    },
    Lesson {
        questions: &[5],
        panel: "qk-playground",
        en: LessonText {
            title: "Q·K measures compatibility",
            body: |_| {
                format!("The dot product is large when Q and K point the same way, zero when they are perpendicular, negative when they are opposite. Softmax turns the scores into shares: for the teaching text's example, {}.", teaching_example_shares(Lang::En))
            },
            task: |_| "Drag Q towards K2, then raise the temperature, and watch the bars.".into(),
        },
        fr: LessonText {
            title: "Q·K mesure la compatibilité",
            body: |_| {
                format!("Le produit scalaire est grand quand Q et K pointent dans le même sens, nul quand ils sont perpendiculaires, négatif quand ils sont opposés. Softmax transforme les scores en parts\u{a0}: pour l’exemple du texte, {}.", teaching_example_shares(Lang::Fr))
            },
            task: |_| {
                "Faites glisser Q vers K2, puis montez la température, et regardez les barres."
                    .into()
            },
        },
    },
    Lesson {
        questions: &[6, 9],
        panel: "token-breakdown",
        en: LessonText {
            title: "Same X, two projections",
            body: |x| {
                let (w, d) = (count(x.width), count(x.head_dim));
                format!("Q and K are computed from the same token X ({w} numbers) by two different matrices. Each entry of Q is a weighted sum of X's {w} entries, with the weights in one column of Wq, plus a bias; the same for K with Wk. One head keeps {d} entries of each. The page writes it X · W (Burn's convention: W is stored inputs × outputs).")
            },
            task: |_| {
                "Choose a token, then hover or focus an entry of Q or K to see its terms.".into()
            },
        },
        fr: LessonText {
            title: "Le même X, deux projections",
            body: |x| {
                let (w, d) = (count(x.width), count(x.head_dim));
                format!("Q et K sont calculés à partir du même jeton X ({w}\u{a0}nombres) par deux matrices différentes. Chaque entrée de Q est une somme pondérée des {w}\u{a0}entrées de X, avec les poids d’une colonne de Wq, plus un biais\u{a0}; de même pour K avec Wk. Une tête garde {d}\u{a0}entrées de chacun. La page écrit X · W (la convention de Burn\u{a0}: W est rangée entrées × sorties).")
            },
            task: |_| {
                "Choisissez un jeton, puis survolez ou sélectionnez une entrée de Q ou de K pour voir ses termes.".into()
            },
        },
    },
    Lesson {
        questions: &[10, 11],
        panel: "attention",
        en: LessonText {
            title: "Query, key, value: a metaphor",
            body: |x| {
                let share = pct(Lang::En, x.cls_top_share);
                let (d, w) = (count(x.head_dim), count(x.width));
                format!("The names come from information retrieval (Vaswani et al., 2017): a token's query is compared with every token's key, and their values are mixed by the result. The metaphor is true of what the computation does, but no search takes place: Q = X·Wq, K = X·Wk, V = X·Wv, scores = Q·Kᵀ/√{d} (√d_head, d_head = {d}: one head's width, not the model's {w}), shares = softmax of each row, output = shares · V. Right now CLS gives its largest share to a patch, {share}: a weighted average of values, not a lookup.")
            },
            task: |_| {
                "Hover the score and share maps: each cell is one dot product and its share.".into()
            },
        },
        fr: LessonText {
            title: "Requête, clé, valeur\u{a0}: une métaphore",
            body: |x| {
                let share = pct(Lang::Fr, x.cls_top_share);
                let (d, w) = (count(x.head_dim), count(x.width));
                format!("Les noms viennent de la recherche d’information (Vaswani et al., 2017)\u{a0}: la requête d’un jeton est comparée à la clé de chaque jeton, et leurs valeurs sont mélangées selon le résultat. La métaphore est vraie de ce que fait le calcul, mais aucune recherche n’a lieu\u{a0}: Q = X·Wq, K = X·Wk, V = X·Wv, scores = Q·Kᵀ/√{d} (√d_head, d_head = {d}\u{a0}: la largeur d’une tête, pas celle du modèle, {w}), parts = softmax de chaque ligne, sortie = parts · V. En ce moment, CLS donne sa plus grande part à un patch, {share}\u{a0}: une moyenne pondérée de valeurs, pas une consultation.")
            },
            task: |_| {
                "Survolez les cartes des scores et des parts\u{a0}: chaque case est un produit scalaire et sa part.".into()
            },
        },
    },
    Lesson {
        questions: &[12],
        panel: "flow",
        en: LessonText {
            title: "Where V's information goes",
            body: |x| {
                let (t, d) = (count(x.tokens), count(x.head_dim));
                format!("Each of the {t} tokens takes the share-weighted sum of every token's V, its own included ({d} numbers per head), Wo mixes the heads, the residual adds it back to X, the MLP follows, and the next block starts again. At the end, the classifier reads only the CLS token: everything the patches pass on reaches it through these sums.")
            },
            task: |_| {
                "Click the arrows of the diagram, from V to A·V: each opens the tensor it carries now.".into()
            },
        },
        fr: LessonText {
            title: "Où va l’information de V",
            body: |x| {
                let (t, d) = (count(x.tokens), count(x.head_dim));
                format!("Chacun des {t}\u{a0}jetons prend la somme, pondérée par les parts, des V de tous les jetons, le sien compris ({d}\u{a0}nombres par tête), Wo mélange les têtes, la connexion résiduelle l’ajoute à X, le MLP suit, et le bloc suivant recommence. À la fin, le classifieur ne lit que le jeton CLS\u{a0}: tout ce que les patchs transmettent lui arrive par ces sommes.")
            },
            task: |_| {
                "Cliquez sur les flèches du schéma, de V à A·V\u{a0}: chacune ouvre le tenseur qu’elle transporte maintenant.".into()
            },
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
            block: 2,
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
        let first = (LESSONS[0].en.body)(&numbers);
        assert!(first.contains("p = 0.125"), "{first}");
        assert!(first.contains("−log p = 2.079"), "{first}");
        assert!(first.contains("10 updates"), "{first}");
        let french = (LESSONS[0].fr.body)(&numbers);
        assert!(french.contains("p = 0,125"), "{french}");
        // Before the run has numbers, dashes, not made-up values.
        let empty = (LESSONS[1].en.body)(&Numbers::default());
        assert!(empty.contains("Wq —"), "{empty}");
    }

    #[test]
    fn the_teaching_text_s_own_model_is_quoted_with_its_real_dimensions() {
        let s14 = Numbers {
            tokens: Some(257),
            head_dim: Some(64),
            width: Some(384),
            ..live()
        };
        let lesson = |question: u8| {
            LESSONS
                .iter()
                .find(|l| l.questions.contains(&question))
                .unwrap()
        };
        let metaphor = (lesson(10).en.body)(&s14);
        assert!(
            metaphor
                .contains("Q·Kᵀ/√64 (√d_head, d_head = 64: one head's width, not the model's 384)"),
            "{metaphor}"
        );
        let french = (lesson(10).fr.body)(&s14);
        assert!(french.contains("Q·Kᵀ/√64"), "{french}");
        let flow = (lesson(12).en.body)(&s14);
        assert!(flow.contains("Each of the 257 tokens"), "{flow}");
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
                let text = lesson.text(lang);
                assert!(!text.title.is_empty());
                assert!(!(text.task)(lang.text()).is_empty());
                assert!(!(text.body)(&live()).is_empty());
            }
            assert_ne!(lesson.en.title, lesson.fr.title);
        }
    }

    #[test]
    fn tasks_name_the_buttons_as_the_page_labels_them() {
        for lang in [Lang::En, Lang::Fr] {
            let t = lang.text();
            assert!((LESSONS[0].text(lang).task)(t).contains(t.step));
            assert!((LESSONS[2].text(lang).task)(t).contains(t.play));
        }
    }

    #[test]
    fn french_lessons_follow_french_typography() {
        for lesson in &LESSONS {
            let t = Lang::Fr.text();
            let texts = [
                lesson.fr.title.to_string(),
                (lesson.fr.body)(&live()),
                (lesson.fr.task)(t),
            ];
            for text in texts {
                let faults = crate::i18n::typography::faults(&text);
                assert!(faults.is_empty(), "{faults:?} in: {text}");
            }
        }
    }
}
