//! The faces a run trains on: the built-in synthetic set until the learner brings theirs,
//! and where the set in use came from.

use faces::{
    generate, import_files, import_zip, read_pack, CurrentFaces, FaceSet, ImportOptions,
    SyntheticConfig,
};
use vocab::faces::{ImportError, Layout, Skipped, SourceFile};
use vocab::protocol::{DatasetSummary, Event, ImportKind, ImportPreview, Outgoing};

/// The built-in faces at `size × size`: always there, no download.
pub fn synthetic_faces(size: usize) -> FaceSet {
    generate(&SyntheticConfig {
        size,
        ..SyntheticConfig::default()
    })
}

/// Where the data in use came from, beyond the set itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportNotes {
    /// The folder or file name; `None` for the synthetic faces.
    pub name: Option<String>,
    pub skipped: Vec<Skipped>,
    pub people_left_out: usize,
}

/// A face set made from the learner's files, not yet in use.
#[derive(Debug)]
pub struct Candidate {
    pub set: FaceSet,
    pub notes: ImportNotes,
    /// How the files said whose face each is; `None` for a pack or the built-in faces.
    pub layout: Option<Layout>,
}

impl Candidate {
    /// Who was found, for the learner to check before training on it.
    pub fn preview(&self) -> ImportPreview {
        let mut counts = vec![0; self.set.classes()];
        for &label in self
            .set
            .train
            .labels()
            .iter()
            .chain(self.set.validation.labels())
        {
            counts[label] += 1;
        }
        ImportPreview {
            name: self.notes.name.clone().unwrap_or_default(),
            layout: self.layout,
            people: self.set.people.iter().cloned().zip(counts).collect(),
            skipped: self.notes.skipped.clone(),
            people_left_out: self.notes.people_left_out,
        }
    }
}

/// Why the learner's files gave no set, and what was skipped on the way.
#[derive(Debug, PartialEq)]
pub struct Rejected {
    pub error: ImportError,
    pub skipped: Vec<Skipped>,
}

/// Turns the learner's files into a face set of `size × size` images, or says why not.
pub fn import(
    kind: ImportKind,
    name: String,
    files: Vec<SourceFile>,
    size: usize,
) -> Result<Candidate, Rejected> {
    let options = ImportOptions {
        size,
        ..ImportOptions::default()
    };
    let imported = match kind {
        ImportKind::Folder => import_files(&name, files, &options),
        ImportKind::Zip => match files.first() {
            Some(file) => import_zip(&name, &file.bytes, &options),
            None => Err(ImportError::NoFiles),
        },
        ImportKind::Pack => {
            let set = files
                .first()
                .ok_or(ImportError::NoFiles)
                .and_then(|file| Ok(read_pack(&file.bytes)?))
                .and_then(|set| match set.size == size {
                    true => Ok(set),
                    false => Err(ImportError::WrongImageSize {
                        found: set.size,
                        expected: size,
                    }),
                });
            return set
                .map(|set| Candidate {
                    set,
                    notes: ImportNotes {
                        name: Some(name),
                        ..ImportNotes::default()
                    },
                    layout: None,
                })
                .map_err(|error| Rejected {
                    error,
                    skipped: Vec::new(),
                });
        }
    };
    match imported {
        Ok(imported) => Ok(Candidate {
            set: imported.set,
            notes: ImportNotes {
                name: Some(name),
                skipped: imported.skipped,
                people_left_out: imported.people_left_out,
            },
            layout: Some(imported.layout),
        }),
        Err(error) => Err(Rejected {
            skipped: error.skipped().to_vec(),
            error,
        }),
    }
}

/// The face set in use and where it came from. It changes only to another complete set.
pub struct DataSource {
    faces: CurrentFaces,
    notes: ImportNotes,
    /// The faces at the open run's input size, when that differs from their own.
    resized: Option<FaceSet>,
}

impl Default for DataSource {
    fn default() -> Self {
        Self {
            faces: CurrentFaces::new(synthetic_faces(SyntheticConfig::default().size)),
            notes: ImportNotes::default(),
            resized: None,
        }
    }
}

impl DataSource {
    /// The faces the open run trains on.
    pub fn set(&self) -> &FaceSet {
        self.resized.as_ref().unwrap_or(self.faces.get())
    }

    /// The faces at `size × size` when the set in use has another size: made at it
    /// ([`FaceSet::at_size`]) from the faces as they came. `None` when no change is needed.
    pub fn at_size(&self, size: usize) -> Option<FaceSet> {
        (self.set().size != size).then(|| self.faces.get().at_size(size))
    }

    /// Trains on `set`, the same faces at another size (from [`DataSource::at_size`]),
    /// from now on.
    pub fn resize(&mut self, set: FaceSet) {
        self.resized = (set.size != self.faces.get().size).then_some(set);
    }

    pub fn replace(&mut self, candidate: Candidate) {
        self.faces.replace(candidate.set);
        self.notes = candidate.notes;
        self.resized = None;
    }

    /// The set described for the dataset view, its pixels beside: the training images,
    /// then the validation images, `size × size` bytes each.
    pub fn described(&self) -> Outgoing {
        let set = self.set();
        let mut bytes = set.train.all_pixels().to_vec();
        bytes.extend_from_slice(set.validation.all_pixels());
        Outgoing {
            event: Event::Dataset(DatasetSummary {
                imported_from: self.notes.name.clone(),
                size: set.size,
                people: set.people.clone(),
                train_labels: set.train.labels().to_vec(),
                validation_labels: set.validation.labels().to_vec(),
                skipped: self.notes.skipped.clone(),
                people_left_out: self.notes.people_left_out,
            }),
            bytes: Some(bytes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pack_at_another_size_is_refused_with_both_sizes() {
        let set = generate(&SyntheticConfig {
            identities: 2,
            images_per_identity: 3,
            validation_per_identity: 1,
            ..SyntheticConfig::default()
        });
        let files = vec![SourceFile {
            path: "two.pack".into(),
            bytes: faces::write_pack(&set),
        }];
        let rejected = import(ImportKind::Pack, "two.pack".into(), files, 64).unwrap_err();
        assert_eq!(
            rejected.error,
            ImportError::WrongImageSize {
                found: set.size,
                expected: 64
            }
        );
    }

    #[test]
    fn no_file_is_no_files() {
        for kind in [ImportKind::Zip, ImportKind::Pack] {
            let rejected = import(kind, "none".into(), Vec::new(), 32).unwrap_err();
            assert_eq!(rejected.error, ImportError::NoFiles);
        }
    }
}
