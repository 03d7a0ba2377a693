//! Importing the learner's own faces: one folder per person, or all in one folder with the
//! person in each file's name; PGM, PNG, JPEG, GIF, BMP, TIFF or WebP, told by their content;
//! from a folder, a .zip, or files the browser hands over. Everything stays on the machine.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

use image::{ImageError, ImageReader, Limits};

/// The widest and tallest image an import decodes: a face photo is far smaller, and a
/// header claiming 100 000 × 100 000 pixels must not take the browser's memory.
const MAX_SIDE: u32 = 8192;
use serde::{Deserialize, Serialize};
use vocab::SeededRng;

use crate::resample::square_area_resize;
use crate::set::{FaceSet, Source};
use vocab::faces::{ImportError, Layout, SkipReason, Skipped, SourceFile};

/// How to turn a folder of photos into a training set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportOptions {
    /// Side of the square images the model sees. Default: 32
    pub size: usize,
    /// People with fewer usable images are left out. Default: 2 (one to train, one to check)
    pub min_images: usize,
    /// Keep at most this many people, those with the most images first. Default: 100
    pub max_people: usize,
    /// Keep at most this many images per person, in file-name order. Default: 50
    pub max_images_per_person: usize,
    /// Share of each person's images held out for validation (at least one). Default: 0.2
    pub validation_fraction: f64,
    /// Seed of the train/validation split. Default: 1
    pub seed: u64,
    /// Larger files are skipped unread. Default: 16 MiB
    pub max_file_bytes: u64,
    /// Smaller images are skipped. Default: 16
    pub min_side: u32,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            size: 32,
            min_images: 2,
            max_people: 100,
            max_images_per_person: 50,
            validation_fraction: 0.2,
            seed: 1,
            max_file_bytes: 16 << 20,
            min_side: 16,
        }
    }
}

/// A successful import: the new set, and every file that was left out and why.
#[derive(Clone, Debug)]
pub struct Imported {
    pub set: FaceSet,
    pub skipped: Vec<Skipped>,
    /// People with enough images who were beyond `max_people`.
    pub people_left_out: usize,
    /// How the files said whose face each one is.
    pub layout: Layout,
}

/// Extensions an image file name may end with, dropped before reading the person's name.
const IMAGE_EXTENSIONS: [&str; 12] = [
    "pgm", "ppm", "pnm", "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "jfif",
];

/// The person a flat file name names: the part before a last `_` or `-` followed by digits
/// (`George_W_Bush_0001.jpg`, `12_3.png`), else the part before the first dot
/// (`subject01.happy`); `None` when the name says neither.
pub fn person_in_file_name(file_name: &str) -> Option<String> {
    let stem = stem(file_name);
    if let Some((person, number)) = stem.rsplit_once(['_', '-']) {
        if !person.is_empty() && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
            return Some(person.to_string());
        }
    }
    match stem.split_once('.') {
        Some((person, _)) if !person.is_empty() => Some(person.to_string()),
        _ => None,
    }
}

/// The file name without an image extension (`subject01.gif` → `subject01`).
fn stem(file_name: &str) -> &str {
    match file_name.rsplit_once('.') {
        Some((stem, extension))
            if IMAGE_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str()) =>
        {
            stem
        }
        _ => file_name,
    }
}

/// How `files` (folder, file name) say whose face each is: one folder per person when they
/// are in two folders or more; names in the files when they all share one folder and their
/// names name two people or more.
fn layout_of<'a>(files: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> Layout {
    let folders: BTreeSet<&str> = files.clone().map(|(folder, _)| folder).collect();
    let people: BTreeSet<String> = files
        .filter_map(|(_, name)| person_in_file_name(name))
        .collect();
    if folders.len() == 1 && people.len() >= 2 {
        Layout::NamesInFiles
    } else {
        Layout::PersonFolders
    }
}

/// Orders "s2" before "s10", as a person would.
fn natural_key(name: &str) -> Vec<(bool, u64, String)> {
    let mut key = Vec::new();
    let mut chars = name.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut digits = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(d);
                chars.next();
            }
            key.push((true, digits.parse().unwrap_or(u64::MAX), digits));
        } else {
            let mut text = String::new();
            while let Some(&t) = chars.peek().filter(|t| !t.is_ascii_digit()) {
                text.push(t.to_ascii_lowercase());
                chars.next();
            }
            key.push((false, 0, text));
        }
    }
    key
}

fn is_hidden(path: &str) -> bool {
    path.split('/')
        .any(|part| part.starts_with('.') || part == "__MACOSX" || part == "Thumbs.db")
}

/// Decodes one file to a square grayscale image at `options.size`.
fn decode(file: &SourceFile, options: &ImportOptions) -> Result<Vec<u8>, SkipReason> {
    if file.bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    if file.bytes.len() as u64 > options.max_file_bytes {
        return Err(SkipReason::TooLarge {
            bytes: file.bytes.len() as u64,
            limit: options.max_file_bytes,
        });
    }
    let mut reader = ImageReader::new(Cursor::new(&file.bytes))
        .with_guessed_format()
        .map_err(|e| SkipReason::Corrupt(e.to_string()))?;
    if reader.format().is_none() {
        return Err(SkipReason::NotAnImage);
    }
    let format = reader.format();
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(256 << 20);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| match e {
        ImageError::Unsupported(_) => {
            SkipReason::UnsupportedFormat(format.map_or_else(|| "?".into(), |f| format!("{f:?}")))
        }
        ImageError::Limits(_) => SkipReason::TooManyPixels { max: MAX_SIDE },
        other => SkipReason::Corrupt(other.to_string()),
    })?;
    let gray = image.to_luma8();
    let (width, height) = gray.dimensions();
    if width.min(height) < options.min_side {
        return Err(SkipReason::TooSmall {
            width,
            height,
            min: options.min_side,
        });
    }
    Ok(square_area_resize(
        gray.as_raw(),
        width as usize,
        height as usize,
        options.size,
    ))
}

/// A camera frame (`width × height` RGBA bytes, row by row) as the model sees a face: the
/// imported files' own way to grey, square crop and area-averaged `size × size`. `None`
/// for bytes that are not such a frame.
pub fn frame_face(rgba: &[u8], width: u32, height: u32, size: usize) -> Option<Vec<u8>> {
    let frame = image::RgbaImage::from_raw(width, height, rgba.to_vec())?;
    let gray = image::DynamicImage::ImageRgba8(frame).to_luma8();
    (width > 0 && height > 0)
        .then(|| square_area_resize(gray.as_raw(), width as usize, height as usize, size))
}

/// Imports faces from files laid out one folder per person (the folder that directly holds
/// an image names its person). Unusable files are skipped and reported; an import with
/// nothing usable is an error, and never a half-loaded set.
pub fn import_files(
    name: &str,
    files: impl IntoIterator<Item = SourceFile>,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    if options.size == 0 || options.min_images == 0 || options.max_people == 0 {
        return Err(ImportError::Options(
            "size, min_images and max_people must be at least 1".into(),
        ));
    }
    if !(0.0..1.0).contains(&options.validation_fraction) {
        return Err(ImportError::Options(
            "validation_fraction must be in [0, 1)".into(),
        ));
    }
    let mut skipped = Vec::new();
    let mut seen = 0usize;
    // (path, folder, file name, file) of every file that is not hidden.
    let mut entries = Vec::new();
    for file in files {
        seen += 1;
        let path = file
            .path
            .replace('\\', "/")
            .trim_start_matches('/')
            .to_string();
        if is_hidden(&path) {
            skipped.push(Skipped {
                path,
                reason: SkipReason::Hidden,
            });
            continue;
        }
        let (folder, file_name) = path.rsplit_once('/').unwrap_or(("", &path));
        let (folder, file_name) = (folder.to_string(), file_name.to_string());
        entries.push((path, folder, file_name, file));
    }
    let layout = layout_of(entries.iter().map(|(_, f, n, _)| (f.as_str(), n.as_str())));
    // A name such as `subject01.gif` names its person only beside `subject01.happy`.
    let named: BTreeSet<String> = entries
        .iter()
        .filter_map(|(_, _, name, _)| person_in_file_name(name))
        .collect();
    let mut in_folders = 0usize;
    // Person (folder, or folder/name) → (file name, pixels).
    let mut people: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    for (path, folder, file_name, file) in entries {
        let skip = |reason| Skipped {
            path: path.clone(),
            reason,
        };
        let person = match layout {
            Layout::PersonFolders if folder.is_empty() => None,
            Layout::PersonFolders => Some(folder.clone()),
            Layout::NamesInFiles => person_in_file_name(&file_name)
                .or_else(|| named.get(stem(&file_name)).cloned())
                .map(|person| match folder.is_empty() {
                    true => person,
                    false => format!("{folder}/{person}"),
                }),
        };
        let Some(person) = person else {
            skipped.push(skip(match layout {
                Layout::PersonFolders => SkipReason::NotInPersonFolder,
                Layout::NamesInFiles => SkipReason::NoPersonInName,
            }));
            continue;
        };
        in_folders += 1;
        match decode(&file, options) {
            Ok(pixels) => people.entry(person).or_default().push((file_name, pixels)),
            Err(reason) => skipped.push(skip(reason)),
        }
    }
    if seen == 0 {
        return Err(ImportError::NoFiles);
    }
    if in_folders == 0 {
        return Err(ImportError::NotOrganisedByPerson { skipped });
    }

    // People with too few usable images are left out, each file reported.
    let mut kept = Vec::new();
    for (folder, mut shots) in people {
        let person = folder.rsplit('/').next().unwrap_or(&folder).to_string();
        if shots.len() < options.min_images {
            for (file_name, _) in &shots {
                skipped.push(Skipped {
                    path: format!("{folder}/{file_name}"),
                    reason: SkipReason::TooFewImages {
                        person: person.clone(),
                        usable: shots.len(),
                        needed: options.min_images,
                    },
                });
            }
            continue;
        }
        shots.sort_by_cached_key(|(file_name, _)| natural_key(file_name));
        shots.truncate(options.max_images_per_person);
        kept.push((person, folder, shots));
    }
    if kept.is_empty() {
        return Err(ImportError::NothingUsable { skipped });
    }
    if kept.len() < 2 {
        return Err(ImportError::TooFewPeople {
            people: kept.len(),
            skipped,
        });
    }
    // The subset: the people with the most images, then in natural name order.
    kept.sort_by(|a, b| {
        b.2.len()
            .cmp(&a.2.len())
            .then_with(|| natural_key(&a.1).cmp(&natural_key(&b.1)))
    });
    let people_left_out = kept.len().saturating_sub(options.max_people);
    kept.truncate(options.max_people);
    kept.sort_by_cached_key(|(_, folder, _)| natural_key(folder));

    // A seeded, stratified split: each person keeps the same share for validation.
    let mut names = Vec::with_capacity(kept.len());
    let mut images = Vec::with_capacity(kept.len());
    for (person, _folder, shots) in kept {
        let mut order: Vec<Vec<u8>> = shots.into_iter().map(|(_, pixels)| pixels).collect();
        // Seeded by the person's name, so a folder and a .zip of it split alike.
        SeededRng::for_stream(options.seed, &format!("split.{person}")).shuffle(&mut order);
        names.push(person);
        images.push(order);
    }
    let fraction = options.validation_fraction;
    let set = FaceSet::from_people(
        Source::Imported {
            name: name.to_string(),
            skipped: skipped.len(),
        },
        options.size,
        names,
        images,
        |_, count| {
            let validation =
                ((count as f64 * fraction).round() as usize).max(usize::from(fraction > 0.0));
            count - validation.min(count - 1)
        },
    );
    Ok(Imported {
        set,
        skipped,
        people_left_out,
        layout,
    })
}

/// Imports faces from a .zip of a folder laid out one folder per person.
pub fn import_zip(
    name: &str,
    archive: &[u8],
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(archive))
        .map_err(|e| ImportError::Archive(e.to_string()))?;
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for i in 0..zip.len() {
        let mut entry = match zip.by_index(i) {
            Ok(entry) => entry,
            Err(e) => return Err(ImportError::Archive(e.to_string())),
        };
        if entry.is_dir() {
            continue;
        }
        let path = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("entry {i}"));
        if entry.size() > options.max_file_bytes {
            unreadable.push(Skipped {
                path,
                reason: SkipReason::TooLarge {
                    bytes: entry.size(),
                    limit: options.max_file_bytes,
                },
            });
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        match entry
            .by_ref()
            .take(options.max_file_bytes + 1)
            .read_to_end(&mut bytes)
        {
            Ok(_) => files.push(SourceFile { path, bytes }),
            Err(e) => unreadable.push(Skipped {
                path,
                reason: SkipReason::Corrupt(e.to_string()),
            }),
        }
    }
    let had_unreadable = !unreadable.is_empty();
    let result = import_files(name, files, options);
    match result {
        Ok(mut imported) => {
            imported.skipped.extend(unreadable);
            if let Source::Imported { skipped, .. } = &mut imported.set.source {
                *skipped = imported.skipped.len();
            }
            Ok(imported)
        }
        Err(ImportError::NoFiles) if had_unreadable => Err(ImportError::NothingUsable {
            skipped: unreadable,
        }),
        Err(mut error) => {
            if let ImportError::NotOrganisedByPerson { skipped }
            | ImportError::NothingUsable { skipped }
            | ImportError::TooFewPeople { skipped, .. } = &mut error
            {
                skipped.extend(unreadable);
            }
            Err(error)
        }
    }
}

/// Imports faces from a folder on disk (native only: the page hands over files instead).
#[cfg(not(target_family = "wasm"))]
pub fn import_dir(
    root: &std::path::Path,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let io = |path: &std::path::Path, e: std::io::Error| ImportError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut files = Vec::new();
    let mut left_out = Vec::new();
    // Only the root itself must be readable: any entry below it that cannot be read (a
    // link to a folder already seen, a loop, no permission) is skipped with its reason and
    // the rest imported.
    let mut seen_dirs = std::collections::HashSet::new();
    seen_dirs.insert(std::fs::canonicalize(root).map_err(|e| io(root, e))?);
    let mut pending = vec![(root.to_path_buf(), true)];
    while let Some((dir, is_root)) = pending.pop() {
        let relative_of = |path: &std::path::Path| {
            path.strip_prefix(root)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/")
        };
        let unreadable = |path: &std::path::Path, why: String| Skipped {
            path: relative_of(path),
            reason: SkipReason::Unreadable(why),
        };
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if is_root => return Err(io(&dir, e)),
            Err(e) => {
                left_out.push(unreadable(&dir, e.to_string()));
                continue;
            }
        };
        for entry in entries {
            let path = match entry {
                Ok(entry) => entry.path(),
                Err(e) => {
                    left_out.push(unreadable(&dir, e.to_string()));
                    continue;
                }
            };
            // Follows links: a link to an image is an image, a link to a folder a folder.
            let metadata = match std::fs::metadata(&path) {
                Ok(metadata) => metadata,
                Err(e) => {
                    left_out.push(unreadable(&path, e.to_string()));
                    continue;
                }
            };
            if metadata.is_dir() {
                match std::fs::canonicalize(&path) {
                    Ok(real) if seen_dirs.insert(real.clone()) => pending.push((path, false)),
                    Ok(_) => left_out.push(unreadable(
                        &path,
                        "a folder already read (a link loop)".into(),
                    )),
                    Err(e) => left_out.push(unreadable(&path, e.to_string())),
                }
            } else if metadata.len() > options.max_file_bytes {
                left_out.push(Skipped {
                    path: relative_of(&path),
                    reason: SkipReason::TooLarge {
                        bytes: metadata.len(),
                        limit: options.max_file_bytes,
                    },
                });
            } else {
                match std::fs::read(&path) {
                    Ok(bytes) => files.push(SourceFile {
                        path: relative_of(&path),
                        bytes,
                    }),
                    Err(e) => left_out.push(unreadable(&path, e.to_string())),
                }
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let name = root.file_name().map_or_else(
        || root.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut imported = import_files(&name, files, options)?;
    imported.skipped.extend(left_out);
    if let Source::Imported { skipped, .. } = &mut imported.set.source {
        *skipped = imported.skipped.len();
    }
    Ok(imported)
}
