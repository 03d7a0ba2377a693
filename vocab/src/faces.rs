//! The learner's files on their way to a face set, and why a file or a whole import could
//! not be used. The `faces` crate does the importing; the page and `vitp` report these.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// How a face set's files say whose face each one is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Layout {
    /// One folder per person (`s1/1.pgm`): the folder that holds an image names its person.
    PersonFolders,
    /// Every file in one folder, the person in its name: `subject01.happy` (the Yale faces),
    /// `12_3.png` (person 12, image 3), `George_W_Bush_0001.jpg` (LFW).
    NamesInFiles,
}

/// One file handed to the importer, with its path relative to the chosen folder.
///
/// Between the page and the worker only the path is written into the message: the bytes
/// travel beside it (see `wire`), and the worker puts them back before the import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    pub path: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// Why one file was left out of an import. The import goes on without it.
#[derive(Clone, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
pub enum SkipReason {
    #[error("the file is empty")]
    Empty,
    #[error("not an image (PGM, PNG, JPEG, GIF, BMP, TIFF or WebP expected)")]
    NotAnImage,
    /// An image in a format this program does not read (AVIF, HDR, …), named.
    #[error("an image in a format this program does not read ({0})")]
    UnsupportedFormat(String),
    /// More pixels than an import accepts, whatever the file's size.
    #[error("the image is larger than {max}×{max} pixels")]
    TooManyPixels { max: u32 },
    /// A folder entry that could not be read (a directory link, a loop, no permission).
    #[error("this entry cannot be read: {0}")]
    Unreadable(String),
    #[error("the image is corrupt or truncated: {0}")]
    Corrupt(String),
    #[error("the image is only {width}×{height} pixels (at least {min}×{min} needed)")]
    TooSmall { width: u32, height: u32, min: u32 },
    #[error("the file is {bytes} bytes, over the {limit}-byte limit")]
    TooLarge { bytes: u64, limit: u64 },
    #[error("not inside a person's folder (expected one folder per person)")]
    NotInPersonFolder,
    /// In a folder of files named by person, a name that names no one.
    #[error("its name does not say whose face it is (expected names such as subject01.happy, 12_3.png or Name_0001.jpg)")]
    NoPersonInName,
    #[error("{person} has only {usable} usable image(s), {needed} needed")]
    TooFewImages {
        person: String,
        usable: usize,
        needed: usize,
    },
    #[error("a system or hidden file")]
    Hidden,
}

/// One file left out of an import, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}

/// An import that produced no usable face set. The set in use stays as it was.
#[derive(Clone, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportError {
    #[error("no files were found")]
    NoFiles,
    #[error(
        "the images are not organised one folder per person (like s1/1.pgm or Name/Name_0001.jpg)"
    )]
    NotOrganisedByPerson { skipped: Vec<Skipped> },
    #[error("nothing usable remains: {} file(s) skipped", skipped.len())]
    NothingUsable { skipped: Vec<Skipped> },
    #[error("at least 2 people with enough images are needed, found {people}")]
    TooFewPeople {
        people: usize,
        skipped: Vec<Skipped>,
    },
    #[error("the archive cannot be read: {0}")]
    Archive(String),
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    #[error("invalid import options: {0}")]
    Options(String),
    #[error(transparent)]
    Pack(#[from] PackError),
    /// A pack made at another resolution than the model takes.
    #[error(
        "this pack holds {found}×{found} images; the model takes {expected}×{expected} \
         (import the folder again with --size {expected})"
    )]
    WrongImageSize { found: usize, expected: usize },
}

impl ImportError {
    /// The files skipped on the way, for the report next to the error.
    pub fn skipped(&self) -> &[Skipped] {
        match self {
            ImportError::NotOrganisedByPerson { skipped }
            | ImportError::NothingUsable { skipped }
            | ImportError::TooFewPeople { skipped, .. } => skipped,
            _ => &[],
        }
    }
}

/// A pack file that cannot be loaded.
#[derive(Clone, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
pub enum PackError {
    #[error("not a ViT Playground face pack")]
    NotAPack,
    #[error("this face pack is version {found}; this page reads version {supported}")]
    UnsupportedVersion { found: u32, supported: u32 },
    #[error("the face pack is truncated")]
    Truncated,
    #[error("the face pack is corrupted (checksum mismatch)")]
    Corrupted,
    #[error("the face pack's header is invalid: {0}")]
    BadHeader(String),
}
