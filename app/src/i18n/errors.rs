//! What went wrong, in the learner's language. The worker reports typed errors (`vocab`);
//! their English wording is their `Display`, the French is here, variant by variant, so a
//! new variant does not build until it has both.

use vocab::protocol::Refusal;
use vocab::run_file::{RunFileError, RunPart};
use vocab::{BackendError, ConfigError, ImportError, PackError, SkipReason, TrainError};

use super::{rate, Lang};
use crate::format::decimal;

/// Why a command changed nothing.
pub fn refusal(lang: Lang, reason: &Refusal) -> String {
    match lang {
        Lang::En => reason.to_string(),
        Lang::Fr => match reason {
            Refusal::Train(e) => train_fr(e),
            Refusal::Backend(e) => backend_fr(e),
            Refusal::Import(e) => import_fr(e),
            Refusal::RunFile(e) => run_file_fr(e),
            Refusal::NotReady => "le modèle n’est pas encore prêt".into(),
            // The details of these are a library's own English words: the French page says
            // what happened and leaves them to the English page and the console.
            Refusal::Garbled(_) => {
                "un message entre la page et le processus d’entraînement n’a pas pu être lu".into()
            }
        },
    }
}

/// Why one file was left out of an import.
pub fn skip_reason(lang: Lang, reason: &SkipReason) -> String {
    match lang {
        Lang::En => reason.to_string(),
        Lang::Fr => match reason {
            SkipReason::Empty => "le fichier est vide".into(),
            SkipReason::NotAnImage => {
                "ce n’est pas une image (PGM, PNG, JPEG, GIF, BMP, TIFF ou WebP attendu)".into()
            }
            SkipReason::Corrupt(_) => "l’image est corrompue ou tronquée".into(),
            SkipReason::TooSmall { width, height, min } => format!(
                "l’image ne fait que {width}\u{a0}×\u{a0}{height}\u{a0}pixels (au moins {min}\u{a0}×\u{a0}{min} nécessaires)"
            ),
            SkipReason::TooLarge { bytes, limit } => {
                format!("le fichier fait {bytes}\u{a0}octets, au-delà de la limite de {limit}\u{a0}octets")
            }
            SkipReason::NotInPersonFolder => {
                "hors du dossier d’une personne (un dossier par personne attendu)".into()
            }
            SkipReason::NoPersonInName => {
                "son nom ne dit pas de qui est le visage (noms attendus du type subject01.happy, 12_3.png ou Nom_0001.jpg)".into()
            }
            SkipReason::TooFewImages {
                person,
                usable,
                needed,
            } => format!(
                "{person} n’a que {usable}\u{a0}image(s) utilisable(s), il en faut {needed}"
            ),
            SkipReason::Hidden => "un fichier système ou caché".into(),
            SkipReason::UnsupportedFormat(format) => {
                format!("une image dans un format que ce programme ne lit pas ({format})")
            }
            SkipReason::TooManyPixels { max } => {
                format!("l’image dépasse {max}\u{a0}×\u{a0}{max}\u{a0}pixels")
            }
            SkipReason::Unreadable(_) => {
                "cette entrée ne peut pas être lue (lien vers un dossier, boucle ou droits insuffisants)".into()
            }
        },
    }
}

fn config_fr(error: &ConfigError) -> String {
    match error {
        ConfigError::ZeroSize { field } => format!("«\u{a0}{field}\u{a0}» doit valoir au moins 1"),
        ConfigError::PatchDoesNotDivideImage {
            image_size,
            patch_size,
        } => format!(
            "le côté de l’image ({image_size}) n’est pas un multiple du côté d’un patch ({patch_size})"
        ),
        ConfigError::HeadsDoNotDivideWidth { width, heads } => format!(
            "la largeur ({width}) n’est pas un multiple du nombre de têtes ({heads})"
        ),
        ConfigError::BadLayerNormEpsilon(value) => format!(
            "l’epsilon de LayerNorm doit être un nombre fini strictement positif, pas {}",
            rate(Lang::Fr, *value)
        ),
        ConfigError::ImageTooLarge {
            image_size,
            largest,
        } => format!(
            "la page entraîne sur des images d’au plus {largest}\u{a0}×\u{a0}{largest}\u{a0}pixels, pas {image_size}\u{a0}×\u{a0}{image_size}"
        ),
        ConfigError::TooLargeForPage {
            estimated_bytes,
            limit_bytes,
        } => format!(
            "une mise à jour demanderait environ {}\u{a0}Go de mémoire, plus que les {}\u{a0}Go que le WebAssembly de la page peut adresser",
            decimal(Lang::Fr, *estimated_bytes as f64 / 1e9, 1),
            decimal(Lang::Fr, *limit_bytes as f64 / 1e9, 1)
        ),
        ConfigError::UnknownPreset(name) => {
            format!("modèle «\u{a0}{name}\u{a0}» inconnu (tiny, small ou vit-s14 attendu)")
        }
    }
}

fn train_fr(error: &TrainError) -> String {
    match error {
        TrainError::Config(e) => config_fr(e),
        TrainError::EmptyDataset => "le jeu de données est vide".into(),
        TrainError::ImageShapeMismatch { expected, got } => format!(
            "le jeu de données donne {got}\u{a0}pixels par image, le modèle en attend {expected}"
        ),
        TrainError::LabelOutOfRange { label, classes } => format!(
            "l’étiquette {label} sort des {classes}\u{a0}classes du modèle"
        ),
        TrainError::ZeroBatch => "la taille du lot doit valoir au moins 1".into(),
        TrainError::BadLearningRate(value) => format!(
            "le taux d’apprentissage doit être un nombre fini strictement positif, pas {}",
            rate(Lang::Fr, *value)
        ),
        TrainError::TrackedEntryOutOfRange { block, row, col } => format!(
            "le coefficient suivi de Wq (bloc {block}, ligne {row}, colonne {col}) est hors du modèle"
        ),
        TrainError::Diverged { step, loss } => format!(
            "la mise à jour {step} a divergé (la perte vaut {loss})\u{a0}; revenez à la dernière mise à jour saine avant de continuer"
        ),
        TrainError::NothingToRollBack => "aucune mise à jour antérieure où revenir".into(),
        TrainError::Readback(_) => "la relecture des résultats du calcul a échoué".into(),
        TrainError::ShareDoesNotFit { got, expected } => format!(
            "une part de la mise à jour ne correspond pas au modèle\u{a0}: {got}\u{a0}nombres pour {expected}"
        ),
        TrainError::SharesMissing { got, expected } => format!(
            "parts de la mise à jour revenues\u{a0}: {got} sur {expected}"
        ),
    }
}

fn backend_fr(error: &BackendError) -> String {
    match error {
        BackendError::NotCompiled(backend) => {
            format!(
                "le moteur de calcul «\u{a0}{backend}\u{a0}» n’est pas inclus dans cette version"
            )
        }
        BackendError::Unknown(name) => {
            format!("moteur de calcul «\u{a0}{name}\u{a0}» inconnu (flex, ndarray ou wgpu attendu)")
        }
        BackendError::NoGpuAdapter => "aucun adaptateur graphique n’est disponible".into(),
        BackendError::GpuUnavailable(_) => "le GPU n’a pas pu démarrer".into(),
    }
}

fn pack_fr(error: &PackError) -> String {
    match error {
        PackError::NotAPack => "ce n’est pas un paquet de visages de ViT Playground".into(),
        PackError::UnsupportedVersion { found, supported } => format!(
            "ce paquet de visages est en version {found}\u{a0}; cette page lit la version {supported}"
        ),
        PackError::Truncated => "le paquet de visages est tronqué".into(),
        PackError::Corrupted => {
            "le paquet de visages est corrompu (somme de contrôle incorrecte)".into()
        }
        PackError::BadHeader(_) => "l’en-tête du paquet de visages est invalide".into(),
    }
}

fn import_fr(error: &ImportError) -> String {
    match error {
        ImportError::NoFiles => "aucun fichier n’a été trouvé".into(),
        ImportError::NotOrganisedByPerson { .. } => "les images ne sont pas rangées en un dossier \
            par personne (comme s1/1.pgm ou Nom/Nom_0001.jpg)"
            .into(),
        ImportError::NothingUsable { skipped } => format!(
            "rien d’utilisable\u{a0}: {}\u{a0}fichier(s) écarté(s)",
            skipped.len()
        ),
        ImportError::TooFewPeople { people, .. } => format!(
            "il faut au moins 2\u{a0}personnes ayant assez d’images, {people} trouvée(s)"
        ),
        ImportError::Archive(_) => {
            "l’archive ne peut pas être lue (fichier abîmé, ou pas au format .zip)".into()
        }
        ImportError::Io { path, message } => format!("impossible de lire {path}\u{a0}: {message}"),
        ImportError::Options(why) => format!("options d’import invalides\u{a0}: {why}"),
        ImportError::Pack(e) => pack_fr(e),
        ImportError::WrongImageSize { found, expected } => format!(
            "ce paquet contient des images de {found}\u{a0}×\u{a0}{found}\u{a0}; le modèle prend \
             du {expected}\u{a0}×\u{a0}{expected} (importez de nouveau le dossier avec --size {expected})"
        ),
    }
}

/// Why a run file could not be opened, in French.
fn run_file_fr(error: &RunFileError) -> String {
    match error {
        RunFileError::Foreign => "ce n’est pas un fichier d’entraînement de ViT Playground".into(),
        RunFileError::Truncated => {
            "le fichier est incomplet\u{a0}: il a été coupé pendant son écriture ou sa copie".into()
        }
        RunFileError::Corrupt => {
            "le fichier est abîmé\u{a0}: son contenu ne correspond pas à sa somme de contrôle"
                .into()
        }
        RunFileError::FutureVersion { found, supported } => format!(
            "le fichier vient d’une version plus récente de ViT Playground (format {found}\u{a0}; \
             celle-ci lit jusqu’au format {supported})"
        ),
        RunFileError::MissingTensor { name } => {
            format!("il manque «\u{a0}{name}\u{a0}» au fichier")
        }
        RunFileError::WrongShape {
            name,
            expected,
            found,
        } => format!(
            "«\u{a0}{name}\u{a0}» a la forme {} dans le fichier, le modèle attend {}",
            shape(found),
            shape(expected)
        ),
        RunFileError::Inconsistent { part } => format!(
            "les parties de l’entraînement ne vont pas ensemble\u{a0}: {}",
            match part {
                RunPart::Manifest => "sa description est illisible".to_string(),
                RunPart::TrainingOptions => "ses options d’entraînement sont invalides".into(),
                RunPart::EpochOrder =>
                    "sa position dans l’époque ne correspond pas à ses visages".into(),
                RunPart::Optimizer => "la mémoire de l’optimiseur est illisible".into(),
                RunPart::Faces => "ses visages sont illisibles".into(),
                RunPart::PageSettings =>
                    "il a été entraîné avec des réglages que la page ne propose pas".into(),
                RunPart::ModelShape =>
                    "son modèle n’a pas la forme que donnent ses réglages".into(),
                RunPart::Tensor(name) => format!("«\u{a0}{name}\u{a0}» n’est pas du type attendu"),
            }
        ),
    }
}

/// `[64, 64]` written `64\u{a0}×\u{a0}64`.
fn shape(dims: &[usize]) -> String {
    dims.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("\u{a0}×\u{a0}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_the_error_s_own_words_and_french_is_translated() {
        let reason: Refusal = TrainError::BadLearningRate(-1.0).into();
        assert_eq!(refusal(Lang::En, &reason), reason.to_string());
        assert_eq!(
            refusal(Lang::Fr, &reason),
            "le taux d’apprentissage doit être un nombre fini strictement positif, pas −1"
        );
        let pack: Refusal = ImportError::from(PackError::Truncated).into();
        assert_eq!(refusal(Lang::En, &pack), "the face pack is truncated");
        assert_eq!(refusal(Lang::Fr, &pack), "le paquet de visages est tronqué");
    }

    #[test]
    fn french_puts_a_no_break_space_before_high_punctuation() {
        let samples = [
            refusal(Lang::Fr, &Refusal::Garbled("x".into())),
            refusal(
                Lang::Fr,
                &TrainError::Diverged {
                    step: 3,
                    loss: f32::NAN,
                }
                .into(),
            ),
            skip_reason(Lang::Fr, &SkipReason::Corrupt("eof".into())),
        ];
        for text in samples {
            for mark in [':', ';', '?', '!'] {
                for (i, _) in text.match_indices(mark) {
                    let before = text[..i].chars().last();
                    assert_eq!(before, Some('\u{a0}'), "{text}");
                }
            }
        }
    }
}
