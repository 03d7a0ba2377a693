//! A float that may be NaN or infinite, carried as its text ("NaN", "inf", "-0.5"): JSON
//! has no NaN, and a diverged loss is exactly what the page must be able to read.

use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f32, D::Error> {
    let text = String::deserialize(deserializer)?;
    text.parse().map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Holder(#[serde(with = "super")] f32);

    #[test]
    fn non_finite_values_survive_json() {
        for value in [f32::INFINITY, f32::NEG_INFINITY, 1.5, -0.25] {
            let text = serde_json::to_string(&Holder(value)).unwrap();
            assert_eq!(serde_json::from_str::<Holder>(&text).unwrap().0, value);
        }
        let text = serde_json::to_string(&Holder(f32::NAN)).unwrap();
        assert!(serde_json::from_str::<Holder>(&text).unwrap().0.is_nan());
    }
}
