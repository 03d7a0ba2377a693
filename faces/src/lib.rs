//! Face-identity data for ViT Playground, used by the page and by `vitp`.
//!
//! Two sources, one type: the built-in [synthetic](synthetic::generate) faces, always there,
//! and the learner's own faces, [imported](import::import_files) from one folder per person.
//! Either way the result is a complete [`FaceSet`] whose two halves are [`vocab::ImageSet`]s.

pub mod import;
pub mod pack;
pub mod resample;
pub mod set;
pub mod synthetic;

#[cfg(not(target_family = "wasm"))]
pub use import::import_dir;
pub use import::{
    frame_face, import_files, import_zip, person_in_file_name, ImportOptions, Imported,
};
pub use pack::{read_pack, write_pack, PACK_VERSION};
pub use set::{model_input, FaceSet, Source, Split};
pub use synthetic::{generate, SyntheticConfig};
pub use vocab::faces::{ImportError, Layout, PackError, SkipReason, Skipped, SourceFile};

/// The face set in use. It changes only to another complete set: a failed import or a bad
/// pack leaves it exactly as it was.
#[derive(Clone, Debug)]
pub struct CurrentFaces {
    set: FaceSet,
}

impl CurrentFaces {
    pub fn new(set: FaceSet) -> Self {
        Self { set }
    }

    pub fn get(&self) -> &FaceSet {
        &self.set
    }

    /// Switches to the imported set if the import succeeded; returns what was skipped.
    pub fn replace_with_import(
        &mut self,
        import: Result<Imported, ImportError>,
    ) -> Result<Vec<Skipped>, ImportError> {
        let imported = import?;
        self.set = imported.set;
        Ok(imported.skipped)
    }

    /// Switches to the set in a pack file if it loads whole.
    pub fn replace_with_pack(&mut self, bytes: &[u8]) -> Result<(), PackError> {
        self.set = read_pack(bytes)?;
        Ok(())
    }

    pub fn replace(&mut self, set: FaceSet) {
        self.set = set;
    }
}
