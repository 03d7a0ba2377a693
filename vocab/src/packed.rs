//! Long `f32` arrays (attention maps, Q, K, V, weight matrices) as one run of little-endian
//! bytes in MessagePack, and as plain numbers in JSON.
//!
//! Why: the worker's events are internally tagged, so serde buffers each message in a tree of
//! its own before reading it into its variant (the alternative, reading straight into the
//! variant, compiles every type's decoding twice: 0.13 MB more of the page's program once
//! compressed, BENCHMARKS.md). A `small` probe's sixteen thousand numbers were as many nodes
//! of that tree; as bytes they are one, borrowed from the message. Every bit is kept, NaN and
//! infinities included. A human-readable format (`vitp step --dump`'s JSON, read by the
//! PyTorch replay) gets numbers, and either form reads back (JSON: finite values only).
//!
//! Use with `#[serde(with = "crate::packed")]` on a `Vec<f32>`, or
//! `#[serde(with = "crate::packed::rows")]` on a `Vec<Vec<f32>>`.

use std::fmt;

use serde::de::{Error, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `f32`s as little-endian bytes: the packed form, and how weights and gradients travel
/// beside a message between the training worker and its helpers.
pub fn to_le_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The inverse of [`to_le_bytes`]; trailing bytes that make no whole `f32` are dropped.
pub fn from_le_bytes(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

pub fn serialize<S: Serializer>(values: &[f32], serializer: S) -> Result<S::Ok, S::Error> {
    if serializer.is_human_readable() {
        return values.serialize(serializer);
    }
    serializer.serialize_bytes(&to_le_bytes(values))
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f32>, D::Error> {
    // `any`: the buffered tree the internally tagged events go through does not know which
    // format it came from, so the data says which form it is in.
    deserializer.deserialize_any(FloatsVisitor)
}

struct FloatsVisitor;

impl<'de> Visitor<'de> for FloatsVisitor {
    type Value = Vec<f32>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("f32s as little-endian bytes, or a sequence of numbers")
    }

    fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<Vec<f32>, E> {
        if !bytes.len().is_multiple_of(4) {
            return Err(E::invalid_length(bytes.len(), &"a multiple of 4 bytes"));
        }
        Ok(from_le_bytes(bytes))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<f32>, A::Error> {
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
        while let Some(value) = seq.next_element()? {
            values.push(value);
        }
        Ok(values)
    }
}

/// Rows of `f32`s (one map per head), each row packed as above.
pub mod rows {
    use super::*;

    struct Row<'a>(&'a [f32]);

    impl Serialize for Row<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::serialize(self.0, serializer)
        }
    }

    struct OwnedRow(Vec<f32>);

    impl<'de> Deserialize<'de> for OwnedRow {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::deserialize(deserializer).map(OwnedRow)
        }
    }

    pub fn serialize<S: Serializer>(rows: &[Vec<f32>], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(rows.iter().map(|row| Row(row)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Vec<f32>>, D::Error> {
        let rows = Vec::<OwnedRow>::deserialize(deserializer)?;
        Ok(rows.into_iter().map(|row| row.0).collect())
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize)]
    struct Holder {
        #[serde(with = "super")]
        values: Vec<f32>,
        #[serde(with = "super::rows")]
        rows: Vec<Vec<f32>>,
    }

    /// An internally tagged enum: what the page's events are read through.
    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "event")]
    enum Tagged {
        Held(Holder),
    }

    fn holder() -> Holder {
        Holder {
            values: vec![
                f32::NAN,
                f32::INFINITY,
                f32::NEG_INFINITY,
                -0.0,
                1.5e-42,
                3.25,
            ],
            rows: vec![vec![], vec![0.5, f32::MIN_POSITIVE], vec![f32::MAX]],
        }
    }

    fn bits(values: &[f32]) -> Vec<u32> {
        values.iter().map(|v| v.to_bits()).collect()
    }

    fn assert_same(back: &Holder, sent: &Holder) {
        assert_eq!(bits(&back.values), bits(&sent.values));
        assert_eq!(back.rows.len(), sent.rows.len());
        for (back, sent) in back.rows.iter().zip(&sent.rows) {
            assert_eq!(bits(back), bits(sent));
        }
    }

    #[test]
    fn messagepack_keeps_every_bit_as_bytes() {
        let sent = holder();
        let bytes = rmp_serde::to_vec_named(&sent).unwrap();
        // 6 floats: a `bin 8` marker, its length and 24 bytes, not six 5-byte numbers.
        let packed = [0xc4, 24];
        assert!(bytes.windows(2).any(|w| w == packed), "{bytes:?}");
        assert_same(&rmp_serde::from_slice(&bytes).unwrap(), &sent);

        let tagged = rmp_serde::to_vec_named(&Tagged::Held(holder())).unwrap();
        let Tagged::Held(back) = rmp_serde::from_slice(&tagged).unwrap();
        assert_same(&back, &sent);
    }

    #[test]
    fn json_keeps_numbers() {
        let sent = Holder {
            values: vec![0.5, -2.0],
            rows: vec![vec![1.0]],
        };
        let text = serde_json::to_string(&sent).unwrap();
        assert_eq!(text, r#"{"values":[0.5,-2.0],"rows":[[1.0]]}"#);
        assert_same(&serde_json::from_str(&text).unwrap(), &sent);
    }

    #[test]
    fn a_torn_array_is_refused() {
        use serde::de::value::{BytesDeserializer, Error};
        // 5 bytes: no whole number of f32s.
        let torn = BytesDeserializer::<Error>::new(&[0, 0, 128, 63, 7]);
        assert!(super::deserialize(torn).is_err());
        let whole = BytesDeserializer::<Error>::new(&[0, 0, 128, 63]);
        assert_eq!(super::deserialize(whole).unwrap(), vec![1.0]);
    }
}
