//! The words of the camera: capturing the learner's faces, and the model watching live.

pub struct CameraText {
    pub title: &'static str,
    pub help: &'static str,
    pub start: &'static str,
    pub stop: &'static str,
    /// Under the video: the square inside the guide is what is kept.
    pub guide: &'static str,
    pub refused: &'static str,
    pub missing: &'static str,
    /// The browser gives no camera to this page (not a secure address, no API).
    pub unavailable: &'static str,
    /// Another failure, with the browser's name for it.
    pub failed: fn(&str) -> String,
    pub person: &'static str,
    /// A new person's name: person n.
    pub default_name: fn(usize) -> String,
    pub add_person: &'static str,
    pub remove_person: &'static str,
    /// The burst button: capture n images.
    pub capture: fn(usize) -> String,
    pub burst_size: &'static str,
    /// The countdown before a burst: n.
    pub countdown: fn(usize) -> String,
    /// (images of this person).
    pub shots: fn(usize) -> String,
    pub delete_shot: &'static str,
    pub train: &'static str,
    /// Why Train is not possible yet: at least 2 people with 2 images each.
    pub train_needs: &'static str,
    pub sent: &'static str,
    pub live: &'static str,
    pub live_stop: &'static str,
    pub live_help: &'static str,
    /// (rank, person, probability).
    pub guess: fn(usize, &str, &str) -> String,
    /// (frames per second).
    pub rate: fn(&str) -> String,
    /// The overlay's source: (block, head), counted from 1.
    pub overlay_head: fn(usize, usize) -> String,
    pub overlay_rollout: &'static str,
    pub seen: &'static str,
    pub nothing_leaves: &'static str,
}

pub static EN: CameraText = CameraText {
    title: "Your own faces, with the camera",
    help: "Capture a few people with the camera (you with and without glasses counts as two), \
        train the model on them, then turn Live on: every camera frame goes through the model, \
        which says who it sees and where CLS looks on the face. The frames are made grey, \
        cropped to the centre square and averaged down to the model's image size, exactly as \
        imported photos are. Nothing leaves this computer.",
    start: "Use the camera",
    stop: "Turn the camera off",
    guide: "Only the square inside the frame is kept.",
    refused: "The camera was refused. Allow it for this page in the browser (the icon in the address bar) to capture faces; everything else works without it.",
    missing: "No camera was found on this computer. Everything else works without it.",
    unavailable: "This browser gives no camera to this page (a camera needs a secure address, https or localhost). Everything else works without it.",
    failed: |why| format!("The camera could not start ({why}). Everything else works without it."),
    person: "Name",
    default_name: |n| format!("Person {n}"),
    add_person: "Add a person",
    remove_person: "Remove",
    capture: |n| format!("Capture {n} images"),
    burst_size: "Images per burst",
    countdown: |n| format!("Capturing in {n}…"),
    shots: |n| match n {
        1 => "1 image".to_string(),
        n => format!("{n} images"),
    },
    delete_shot: "Delete this image",
    train: "Train on these faces",
    train_needs: "At least 2 people with 2 images each.",
    sent: "Who was found is shown in the faces panel: check it and train on them there.",
    live: "Live",
    live_stop: "Stop live",
    live_help: "Every frame goes through the model, without changing it; training pauses meanwhile. Live pauses while this panel is far out of view, and resumes when it comes back.",
    guess: |rank, person, p| format!("{rank}. {person}: {p}"),
    rate: |fps| format!("{fps} frames per second"),
    overlay_head: |block, head| format!("Where CLS looks: block {block}, head {head}"),
    overlay_rollout: "Where CLS looks: all blocks (rollout)",
    seen: "What the model sees",
    nothing_leaves: "The images stay in this page: nothing is sent anywhere.",
};

pub static FR: CameraText = CameraText {
    title: "Vos propres visages, à la caméra",
    help: "Capturez quelques personnes à la caméra (vous avec et sans lunettes compte pour \
        deux), entraînez le modèle sur elles, puis lancez le direct\u{a0}: chaque image de la \
        caméra passe dans le modèle, qui dit qui il voit et où CLS regarde sur le visage. Les \
        images sont passées en gris, recadrées sur le carré central et moyennées jusqu’à la \
        taille d’image du modèle, exactement comme les photos importées. Rien ne quitte cet \
        ordinateur.",
    start: "Utiliser la caméra",
    stop: "Éteindre la caméra",
    guide: "Seul le carré dans le cadre est gardé.",
    refused: "La caméra a été refusée. Autorisez-la pour cette page dans le navigateur (l’icône de la barre d’adresse) pour capturer des visages\u{a0}; tout le reste fonctionne sans elle.",
    missing: "Aucune caméra n’a été trouvée sur cet ordinateur. Tout le reste fonctionne sans elle.",
    unavailable: "Ce navigateur ne donne pas de caméra à cette page (il faut une adresse sûre, https ou localhost). Tout le reste fonctionne sans elle.",
    failed: |why| format!("La caméra n’a pas pu démarrer ({why}). Tout le reste fonctionne sans elle."),
    person: "Nom",
    default_name: |n| format!("Personne {n}"),
    add_person: "Ajouter une personne",
    remove_person: "Retirer",
    capture: |n| format!("Capturer {n}\u{a0}images"),
    burst_size: "Images par rafale",
    countdown: |n| format!("Capture dans {n}…"),
    shots: |n| match n {
        0 | 1 => format!("{n}\u{a0}image"),
        n => format!("{n}\u{a0}images"),
    },
    delete_shot: "Supprimer cette image",
    train: "Entraîner sur ces visages",
    train_needs: "Au moins 2\u{a0}personnes avec 2\u{a0}images chacune.",
    sent: "Les personnes trouvées sont montrées dans le panneau des visages\u{a0}: vérifiez-les et entraînez le modèle là.",
    live: "Direct",
    live_stop: "Arrêter le direct",
    live_help: "Chaque image passe dans le modèle, sans le changer\u{a0}; l’entraînement attend pendant ce temps. Le direct se met en pause tant que ce panneau est loin de la partie visible de la page, et reprend quand il y revient.",
    guess: |rank, person, p| format!("{rank}. {person}\u{a0}: {p}"),
    rate: |fps| format!("{fps}\u{a0}images par seconde"),
    overlay_head: |block, head| format!("Où regarde CLS\u{a0}: bloc {block}, tête {head}"),
    overlay_rollout: "Où regarde CLS\u{a0}: tous les blocs (attention cumulée)",
    seen: "Ce que voit le modèle",
    nothing_leaves: "Les images restent dans cette page\u{a0}: rien n’est envoyé nulle part.",
};
