//! The data side's promises: a deterministic learnable synthetic set, ORL imported as it
//! should be, every kind of bad input reported without losing the set in use, packs that
//! round-trip and refuse corruption.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use faces::{
    generate, import_dir, import_files, import_zip, read_pack, write_pack, CurrentFaces,
    ImportError, ImportOptions, PackError, SkipReason, SourceFile, SyntheticConfig,
};
use image::{GrayImage, ImageFormat, Luma};
use model::{Backend, BackendDevice, ImageSet, Preset, Trainer, TrainingOptions};

fn encoded(width: u32, height: u32, seed: u8, format: ImageFormat) -> Vec<u8> {
    let image = GrayImage::from_fn(width, height, |x, y| Luma([(x * 7 + y * 3) as u8 ^ seed]));
    let mut bytes = Cursor::new(Vec::new());
    match format {
        // Their encoders take colour only.
        ImageFormat::Gif | ImageFormat::WebP => image::DynamicImage::ImageLuma8(image)
            .to_rgba8()
            .write_to(&mut bytes, format)
            .unwrap(),
        _ => image.write_to(&mut bytes, format).unwrap(),
    }
    bytes.into_inner()
}

fn png(seed: u8) -> Vec<u8> {
    encoded(40, 48, seed, ImageFormat::Png)
}

#[test]
fn synthetic_set_is_deterministic_with_the_stated_counts() {
    let config = SyntheticConfig::default();
    let a = generate(&config);
    assert_eq!(a, generate(&config));
    assert!(a.is_synthetic());
    assert_eq!((a.classes(), a.size), (40, 32));
    assert_eq!((a.train.len(), a.validation.len()), (400, 80));
    assert_eq!(a.train.all_pixels().len(), 400 * 32 * 32);
    for person in 0..40 {
        assert_eq!(a.train.images_of(person).count(), 10);
        assert_eq!(a.validation.images_of(person).count(), 2);
    }
    let other = generate(&SyntheticConfig {
        seed: 2,
        ..config.clone()
    });
    assert_ne!(a.train.all_pixels(), other.train.all_pixels());
    let bigger = generate(&SyntheticConfig {
        identities: 5,
        images_per_identity: 4,
        size: 48,
        ..config
    });
    assert_eq!(
        (bigger.classes(), bigger.size, bigger.train.len()),
        (5, 48, 10)
    );
}

/// Nearest class mean on raw pixels: what a model gets without learning where to look.
fn nearest_mean_accuracy(set: &faces::FaceSet) -> f32 {
    let len = set.train.image_len();
    let mut means = vec![vec![0f32; len]; set.classes()];
    let mut image = Vec::new();
    for i in 0..set.train.len() {
        image.clear();
        set.train.write_image(i, &mut image);
        let count = set.train.images_of(set.train.label(i)).count() as f32;
        for (m, v) in means[set.train.label(i)].iter_mut().zip(&image) {
            *m += v / count;
        }
    }
    let mut hits = 0;
    for i in 0..set.validation.len() {
        image.clear();
        set.validation.write_image(i, &mut image);
        let distance = |m: &Vec<f32>| {
            m.iter()
                .zip(&image)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f32>()
        };
        let best = (0..set.classes())
            .min_by(|&a, &b| distance(&means[a]).total_cmp(&distance(&means[b])))
            .unwrap();
        hits += usize::from(best == set.validation.label(i));
    }
    hits as f32 / set.validation.len() as f32
}

#[test]
fn synthetic_set_is_learnable_by_tiny_and_not_trivial() {
    let set = generate(&SyntheticConfig::default());
    let chance = 1.0 / set.classes() as f32;
    // Not trivial: comparing raw pixels to each person's average face falls well short.
    let baseline = nearest_mean_accuracy(&set);
    assert!(baseline < 0.8, "nearest mean already gets {baseline}");

    let mut options = TrainingOptions::new(Preset::Tiny.config(set.classes()).with_seed(1));
    options.batch_size = 32;
    let mut trainer =
        Trainer::new(options, set.train.len(), Backend::Flex.device().unwrap()).unwrap();
    for _ in 0..trainer.updates_per_epoch() * 20 {
        trainer.step(&set.train).unwrap();
    }
    let accuracy = trainer.evaluate(&set.validation).unwrap().accuracy;
    assert!(
        accuracy > 8.0 * chance,
        "tiny reached only {accuracy} (chance {chance})"
    );
}

fn orl() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/orl_faces");
    if path.join("s1").is_dir() {
        Some(path)
    } else {
        eprintln!(
            "NOTICE: {} is absent; the ORL import test is skipped",
            path.display()
        );
        None
    }
}

#[test]
fn orl_imports_as_forty_people_of_ten_images() {
    let Some(path) = orl() else { return };
    let imported = import_dir(&path, &ImportOptions::default()).unwrap();
    let set = imported.set;
    assert_eq!((set.classes(), set.size), (40, 32));
    assert_eq!((set.train.len(), set.validation.len()), (320, 80));
    for person in 0..40 {
        assert_eq!(set.train.images_of(person).count(), 8);
        assert_eq!(set.validation.images_of(person).count(), 2);
    }
    assert_eq!(set.people[..3], ["s1", "s2", "s3"]);
    // Only the README is left out.
    assert_eq!(imported.skipped.len(), 1);
    assert_eq!(imported.skipped[0].reason, SkipReason::NotInPersonFolder);
    // The split is seeded: the same seed, the same split; another, another.
    let again = import_dir(&path, &ImportOptions::default()).unwrap().set;
    assert_eq!(again, set);
    let other = import_dir(
        &path,
        &ImportOptions {
            seed: 9,
            ..Default::default()
        },
    )
    .unwrap()
    .set;
    assert_ne!(other.validation.all_pixels(), set.validation.all_pixels());
}

/// Two usable people, and one file of every kind of bad input.
fn messy_folder() -> Vec<SourceFile> {
    let file = |path: &str, bytes: Vec<u8>| SourceFile {
        path: path.into(),
        bytes,
    };
    let mut truncated = png(9);
    truncated.truncate(truncated.len() / 2);
    vec![
        file("alice/1.png", png(1)),
        file("alice/2.pgm", encoded(40, 40, 2, ImageFormat::Pnm)),
        file("alice/3.jpg", encoded(64, 48, 3, ImageFormat::Jpeg)),
        file("bob/1.png", png(4)),
        file("bob/2.png", png(5)),
        file("bob/notes.txt", b"not a face".to_vec()),
        file("bob/broken.png", truncated),
        file("bob/empty.pgm", Vec::new()),
        file("bob/tiny.png", encoded(8, 8, 6, ImageFormat::Png)),
        file("bob/huge.png", encoded(600, 600, 7, ImageFormat::Png)),
        file("carol/only.png", png(8)),
        file("stray.png", png(10)),
        file("__MACOSX/alice/._1.png", vec![0; 10]),
    ]
}

fn options() -> ImportOptions {
    ImportOptions {
        max_file_bytes: 20_000,
        ..Default::default()
    }
}

fn reason_of<'a>(skipped: &'a [faces::Skipped], path: &str) -> &'a SkipReason {
    &skipped
        .iter()
        .find(|s| s.path == path)
        .unwrap_or_else(|| panic!("{path} not reported: {skipped:?}"))
        .reason
}

#[test]
fn every_bad_file_is_skipped_with_its_reason() {
    let imported = import_files("messy", messy_folder(), &options()).unwrap();
    let set = &imported.set;
    assert_eq!(set.people, ["alice", "bob"]);
    assert_eq!(set.train.len() + set.validation.len(), 5);
    let skipped = &imported.skipped;
    assert_eq!(reason_of(skipped, "bob/notes.txt"), &SkipReason::NotAnImage);
    assert!(matches!(
        reason_of(skipped, "bob/broken.png"),
        SkipReason::Corrupt(_)
    ));
    assert_eq!(reason_of(skipped, "bob/empty.pgm"), &SkipReason::Empty);
    assert!(matches!(
        reason_of(skipped, "bob/tiny.png"),
        SkipReason::TooSmall {
            width: 8,
            height: 8,
            ..
        }
    ));
    assert!(matches!(
        reason_of(skipped, "bob/huge.png"),
        SkipReason::TooLarge { .. }
    ));
    assert!(matches!(
        reason_of(skipped, "carol/only.png"),
        SkipReason::TooFewImages {
            usable: 1,
            needed: 2,
            ..
        }
    ));
    assert_eq!(
        reason_of(skipped, "stray.png"),
        &SkipReason::NotInPersonFolder
    );
    assert_eq!(
        reason_of(skipped, "__MACOSX/alice/._1.png"),
        &SkipReason::Hidden
    );
    assert_eq!(skipped.len(), 8);
    // Every message says something a learner can act on.
    assert!(skipped.iter().all(|s| !s.reason.to_string().is_empty()));
}

#[test]
fn a_failed_import_leaves_the_current_set_as_it_was() {
    let synthetic = generate(&SyntheticConfig::default());
    let mut current = CurrentFaces::new(synthetic.clone());
    let file = |path: &str, bytes: Vec<u8>| SourceFile {
        path: path.into(),
        bytes,
    };

    let only_bad = vec![
        file("a/x.txt", b"hello".to_vec()),
        file("b/y.png", Vec::new()),
    ];
    let error = current
        .replace_with_import(import_files("bad", only_bad, &options()))
        .unwrap_err();
    assert!(
        matches!(error, ImportError::NothingUsable { .. }),
        "{error}"
    );
    assert_eq!(error.skipped().len(), 2);

    let flat = vec![file("1.png", png(1)), file("2.png", png(2))];
    let error = current
        .replace_with_import(import_files("flat", flat, &options()))
        .unwrap_err();
    assert!(
        matches!(error, ImportError::NotOrganisedByPerson { .. }),
        "{error}"
    );

    let one_person = vec![file("a/1.png", png(1)), file("a/2.png", png(2))];
    let error = current
        .replace_with_import(import_files("one", one_person, &options()))
        .unwrap_err();
    assert!(
        matches!(error, ImportError::TooFewPeople { people: 1, .. }),
        "{error}"
    );

    let error = current
        .replace_with_import(import_files("none", vec![], &options()))
        .unwrap_err();
    assert!(matches!(error, ImportError::NoFiles));

    let error = current
        .replace_with_import(import_zip("z", b"PK\x03\x04 broken", &options()))
        .unwrap_err();
    assert!(matches!(error, ImportError::Archive(_)), "{error}");

    assert!(current.replace_with_pack(b"garbage").is_err());
    assert_eq!(current.get(), &synthetic);

    // And a good import does replace it.
    current
        .replace_with_import(import_files("messy", messy_folder(), &options()))
        .unwrap();
    assert_eq!(current.get().people, ["alice", "bob"]);
}

#[test]
fn zip_and_folder_imports_agree() {
    let files = messy_folder();
    let mut archive = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for file in &files {
        archive
            .start_file(format!("faces/{}", file.path), stored)
            .unwrap();
        archive.write_all(&file.bytes).unwrap();
    }
    let archive = archive.finish().unwrap().into_inner();
    let from_zip = import_zip("faces.zip", &archive, &options()).unwrap();
    let from_files = import_files("faces.zip", files, &options()).unwrap();
    assert!(
        from_zip.set.train == from_files.set.train,
        "zip and files split differently"
    );
    assert_eq!(from_zip.set.people, from_files.set.people);

    // A folder on disk too.
    let dir = tempfile::tempdir().unwrap();
    for file in messy_folder() {
        let path = dir.path().join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.bytes).unwrap();
    }
    let from_dir = import_dir(dir.path(), &options()).unwrap();
    assert!(
        from_dir.set.train == from_files.set.train,
        "folder and files split differently"
    );
    assert_eq!(from_dir.skipped.len(), from_files.skipped.len());
}

#[test]
fn packs_round_trip_and_refuse_damage() {
    let set = generate(&SyntheticConfig {
        identities: 6,
        images_per_identity: 5,
        ..Default::default()
    });
    let pack = write_pack(&set);
    assert_eq!(read_pack(&pack).unwrap(), set);

    let imported = import_files("messy", messy_folder(), &options())
        .unwrap()
        .set;
    assert_eq!(read_pack(&write_pack(&imported)).unwrap(), imported);

    let mut flipped = pack.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    assert_eq!(read_pack(&flipped), Err(PackError::Corrupted));

    assert_eq!(
        read_pack(&pack[..pack.len() - 100]),
        Err(PackError::Truncated)
    );
    assert_eq!(read_pack(&pack[..12]), Err(PackError::Truncated));

    let mut future = pack.clone();
    future[8] = 2;
    assert_eq!(
        read_pack(&future),
        Err(PackError::UnsupportedVersion {
            found: 2,
            supported: 1
        })
    );
    assert_eq!(read_pack(b"GIF89a..."), Err(PackError::NotAPack));
    // Every refusal reads as a sentence.
    assert_eq!(
        PackError::Truncated.to_string(),
        "the face pack is truncated"
    );
}

/// A PNG whose header claims `width × height` pixels, with nothing behind it.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut chunk = b"IHDR".to_vec();
    chunk.extend(width.to_be_bytes());
    chunk.extend(height.to_be_bytes());
    chunk.extend([8, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(13u32.to_be_bytes());
    png.extend(&chunk);
    png.extend(crc32(&chunk).to_be_bytes());
    png
}

/// A folder as people keep them: GIF, BMP, TIFF, an image without an extension, and junk
/// beside it (a text file named .png, an empty file, a header claiming 100 000 × 100 000
/// pixels, a link back to the top that would loop). Every real image is imported, every
/// junk entry reported with its own reason, and nothing aborts the rest.
#[cfg(unix)]
#[test]
fn every_format_imports_and_every_junk_entry_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("faces");
    for person in ["alice", "bob"] {
        std::fs::create_dir_all(root.join(person)).unwrap();
    }
    let write = |path: &str, bytes: Vec<u8>| std::fs::write(root.join(path), bytes).unwrap();
    write("alice/1.gif", encoded(40, 40, 1, ImageFormat::Gif));
    write("alice/2.bmp", encoded(40, 40, 2, ImageFormat::Bmp));
    write("alice/3.tif", encoded(40, 40, 3, ImageFormat::Tiff));
    write("alice/subject01.happy", png(4));
    write("bob/1.webp", encoded(40, 40, 5, ImageFormat::WebP));
    write("bob/2.png", png(6));
    write("bob/notes.png", b"not a face".to_vec());
    write("bob/empty", Vec::new());
    write("bob/huge.png", png_header(100_000, 100_000));
    std::os::unix::fs::symlink(&root, root.join("bob/loop")).unwrap();

    let imported = import_dir(&root, &ImportOptions::default()).unwrap();
    assert_eq!(imported.set.people, ["alice", "bob"]);
    assert_eq!(imported.set.train.len() + imported.set.validation.len(), 6);
    let skipped = &imported.skipped;
    assert_eq!(reason_of(skipped, "bob/notes.png"), &SkipReason::NotAnImage);
    assert_eq!(reason_of(skipped, "bob/empty"), &SkipReason::Empty);
    assert_eq!(
        reason_of(skipped, "bob/huge.png"),
        &SkipReason::TooManyPixels { max: 8192 }
    );
    assert!(matches!(
        reason_of(skipped, "bob/loop"),
        SkipReason::Unreadable(_)
    ));
    assert_eq!(skipped.len(), 4, "{skipped:?}");
}

/// A classic public face set as it comes: GIF files in one folder, the person in each
/// name (`subject01.happy`, `subject01.gif`, one without any extension), with junk beside
/// them. The layout is read from the names, every real image imported, every junk entry
/// reported with its reason.
#[cfg(unix)]
#[test]
fn a_flat_folder_named_by_person_imports_with_its_junk_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("yalefaces");
    std::fs::create_dir_all(&root).unwrap();
    let write = |path: &str, bytes: Vec<u8>| std::fs::write(root.join(path), bytes).unwrap();
    let mut seed = 0;
    for person in ["subject01", "subject02", "subject03"] {
        for condition in ["happy", "sad", "glasses"] {
            seed += 1;
            write(
                &format!("{person}.{condition}"),
                encoded(40, 40, seed, ImageFormat::Gif),
            );
        }
    }
    write("subject01.gif", encoded(40, 40, 90, ImageFormat::Gif));
    write("subject02", png(91));
    write("notes.png", b"not a face".to_vec());
    write("subject03.empty", Vec::new());
    write("subject02.huge", png_header(100_000, 100_000));
    std::os::unix::fs::symlink(&root, root.join("loop")).unwrap();

    let imported = import_dir(&root, &ImportOptions::default()).unwrap();
    assert_eq!(imported.layout, faces::Layout::NamesInFiles);
    assert_eq!(imported.set.people, ["subject01", "subject02", "subject03"]);
    assert_eq!(imported.set.train.len() + imported.set.validation.len(), 11);
    let skipped = &imported.skipped;
    assert_eq!(reason_of(skipped, "notes.png"), &SkipReason::NoPersonInName);
    assert_eq!(reason_of(skipped, "subject03.empty"), &SkipReason::Empty);
    assert_eq!(
        reason_of(skipped, "subject02.huge"),
        &SkipReason::TooManyPixels { max: 8192 }
    );
    assert!(matches!(
        reason_of(skipped, "loop"),
        SkipReason::Unreadable(_)
    ));
    assert_eq!(skipped.len(), 4, "{skipped:?}");
}

#[test]
fn flat_file_names_name_their_people() {
    use faces::person_in_file_name as person;
    assert_eq!(person("subject01.happy").as_deref(), Some("subject01"));
    assert_eq!(
        person("subject01.gif"),
        None,
        "an extension names no one by itself"
    );
    assert_eq!(person("12_3.png").as_deref(), Some("12"));
    assert_eq!(
        person("George_W_Bush_0001.jpg").as_deref(),
        Some("George_W_Bush")
    );
    assert_eq!(person("s4-07.PGM").as_deref(), Some("s4"));
    assert_eq!(person("1.pgm"), None);
    assert_eq!(person("portrait.JPG"), None);
}

#[test]
fn a_set_at_another_size_keeps_its_people_and_splits() {
    let synthetic = generate(&SyntheticConfig {
        identities: 3,
        images_per_identity: 3,
        validation_per_identity: 1,
        ..SyntheticConfig::default()
    });
    // Drawn anew: the same as generating at that size.
    let drawn = synthetic.at_size(48);
    let expected = generate(&SyntheticConfig {
        identities: 3,
        images_per_identity: 3,
        validation_per_identity: 1,
        size: 48,
        ..SyntheticConfig::default()
    });
    assert_eq!(drawn, expected);

    // The learner's faces are resampled: a pack's set doubled keeps labels and names, and
    // each pixel becomes a 2×2 block of the same grey.
    let imported = read_pack(&write_pack(&synthetic)).unwrap();
    let imported = faces::FaceSet {
        source: faces::Source::Imported {
            name: "mine".into(),
            skipped: 0,
        },
        ..imported
    };
    let doubled = imported.at_size(64);
    assert_eq!((doubled.size, &doubled.people), (64, &imported.people));
    assert_eq!(doubled.train.labels(), imported.train.labels());
    assert_eq!(doubled.validation.labels(), imported.validation.labels());
    let (small, big) = (imported.train.pixels(1), doubled.train.pixels(1));
    for (y, x) in [(0, 0), (5, 17), (31, 31)] {
        let grey = small[y * 32 + x];
        for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            assert_eq!(big[(2 * y + dy) * 64 + 2 * x + dx], grey);
        }
    }
    assert_eq!(imported.at_size(32), imported);
}
