//! Loading a face set named on the command line.

use std::path::Path;

use faces::{FaceSet, ImportOptions, Imported, SyntheticConfig};

/// `synthetic`, a `.pack`, a `.zip`, or a folder with one folder per person.
pub fn load(spec: &str, size: usize) -> Result<FaceSet, String> {
    if spec == "synthetic" {
        return Ok(faces::generate(&SyntheticConfig {
            size,
            ..Default::default()
        }));
    }
    let path = Path::new(spec);
    let read = || std::fs::read(path).map_err(|e| format!("cannot read {spec}: {e}"));
    let options = ImportOptions {
        size,
        ..Default::default()
    };
    match path.extension().and_then(|e| e.to_str()) {
        Some("pack") => faces::read_pack(&read()?).map_err(|e| format!("{spec}: {e}")),
        Some("zip") => report(faces::import_zip(spec, &read()?, &options)),
        _ => report(faces::import_dir(path, &options)),
    }
}

/// Prints what an import skipped, and returns the set.
fn report(result: Result<Imported, faces::ImportError>) -> Result<FaceSet, String> {
    match result {
        Ok(imported) => {
            for skipped in &imported.skipped {
                eprintln!("skipped {}: {}", skipped.path, skipped.reason);
            }
            let whose = match imported.layout {
                faces::Layout::PersonFolders => "one folder per person",
                faces::Layout::NamesInFiles => "the person in each file's name",
            };
            eprintln!(
                "{} people, {} images, read as {whose}",
                imported.set.people.len(),
                imported.set.train.labels().len() + imported.set.validation.labels().len()
            );
            if imported.people_left_out > 0 {
                eprintln!(
                    "{} more people left out (over --max-people)",
                    imported.people_left_out
                );
            }
            Ok(imported.set)
        }
        Err(error) => {
            for skipped in error.skipped() {
                eprintln!("skipped {}: {}", skipped.path, skipped.reason);
            }
            Err(error.to_string())
        }
    }
}

pub fn import_to_pack(source: &Path, options: &ImportOptions, out: &Path) -> Result<(), String> {
    let spec = source.to_string_lossy();
    let set = if source.extension().is_some_and(|e| e == "zip") {
        let bytes = std::fs::read(source).map_err(|e| format!("cannot read {spec}: {e}"))?;
        report(faces::import_zip(&spec, &bytes, options))?
    } else {
        report(faces::import_dir(source, options))?
    };
    let pack = faces::write_pack(&set);
    std::fs::write(out, &pack).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!(
        "{} people, {} training and {} validation images at {}×{} → {} ({} bytes)",
        set.classes(),
        model::ImageSet::len(&set.train),
        model::ImageSet::len(&set.validation),
        set.size,
        set.size,
        out.display(),
        pack.len()
    );
    Ok(())
}
