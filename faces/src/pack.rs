//! The compact file `vitp faces import` writes and the page loads: a face set at its
//! training resolution, with a version and a checksum so a bad file is refused whole.
//!
//! Layout: `VITPFACE`, format version (u32 LE), header length (u32 LE), JSON header,
//! training pixels then validation pixels (one byte each), FNV-1a 64 of all before (u64 LE).

use serde::{Deserialize, Serialize};

use crate::set::{FaceSet, Source, Split};
use vocab::faces::PackError;

const MAGIC: &[u8; 8] = b"VITPFACE";
/// The pack format this build writes and reads.
pub const PACK_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Header {
    size: usize,
    people: Vec<String>,
    source: Source,
    train_labels: Vec<usize>,
    validation_labels: Vec<usize>,
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Serialises a face set into a pack file.
pub fn write_pack(set: &FaceSet) -> Vec<u8> {
    let header = Header {
        size: set.size,
        people: set.people.clone(),
        source: set.source.clone(),
        train_labels: set.train.labels().to_vec(),
        validation_labels: set.validation.labels().to_vec(),
    };
    let header = serde_json::to_vec(&header).expect("a face set header always serialises");
    let mut out = Vec::with_capacity(
        24 + header.len() + set.train.all_pixels().len() + set.validation.all_pixels().len(),
    );
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&PACK_VERSION.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(set.train.all_pixels());
    out.extend_from_slice(set.validation.all_pixels());
    let checksum = fnv1a(&out);
    out.extend_from_slice(&checksum.to_le_bytes());
    out
}

fn take<'a>(bytes: &mut &'a [u8], len: usize) -> Result<&'a [u8], PackError> {
    if bytes.len() < len {
        return Err(PackError::Truncated);
    }
    let (head, rest) = bytes.split_at(len);
    *bytes = rest;
    Ok(head)
}

fn u32_le(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes.try_into().expect("four bytes"))
}

/// Loads a pack file, refusing a truncated, corrupted or foreign one.
pub fn read_pack(bytes: &[u8]) -> Result<FaceSet, PackError> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(PackError::NotAPack);
    }
    let mut rest = &bytes[MAGIC.len()..];
    let version = u32_le(take(&mut rest, 4)?);
    if version != PACK_VERSION {
        return Err(PackError::UnsupportedVersion {
            found: version,
            supported: PACK_VERSION,
        });
    }
    let header_len = u32_le(take(&mut rest, 4)?) as usize;
    let header_bytes = take(&mut rest, header_len)?;
    if rest.len() < 8 {
        return Err(PackError::Truncated);
    }
    let body_end = bytes.len() - 8;
    let header: Header = serde_json::from_slice(header_bytes).map_err(|e| {
        if fnv1a(&bytes[..body_end]).to_le_bytes() != bytes[body_end..] {
            PackError::Corrupted
        } else {
            PackError::BadHeader(e.to_string())
        }
    })?;
    let image_len = header.size * header.size;
    let train_len = header.train_labels.len() * image_len;
    let validation_len = header.validation_labels.len() * image_len;
    let expected = train_len + validation_len + 8;
    if rest.len() < expected {
        return Err(PackError::Truncated);
    }
    if rest.len() > expected || fnv1a(&bytes[..body_end]).to_le_bytes() != bytes[body_end..] {
        return Err(PackError::Corrupted);
    }
    let classes = header.people.len();
    if header.size == 0
        || classes < 2
        || header
            .train_labels
            .iter()
            .chain(&header.validation_labels)
            .any(|&l| l >= classes)
    {
        return Err(PackError::BadHeader(
            "labels do not match the people".into(),
        ));
    }
    Ok(FaceSet {
        source: header.source,
        size: header.size,
        people: header.people,
        train: Split::new(header.size, rest[..train_len].to_vec(), header.train_labels),
        validation: Split::new(
            header.size,
            rest[train_len..train_len + validation_len].to_vec(),
            header.validation_labels,
        ),
    })
}
