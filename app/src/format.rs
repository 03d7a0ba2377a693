//! Numbers and names as the page writes them into text and data attributes. Pure, tested
//! natively.

/// A token's name as the learner reads it: CLS, or the patch's row and column.
pub fn token_name(token: usize, grid: usize) -> String {
    if token == 0 {
        "CLS".into()
    } else {
        let patch = token - 1;
        format!("({}, {})", patch / grid + 1, patch % grid + 1)
    }
}

/// A matrix as a JSON array, for the data attributes the browser tests read.
pub fn matrix_json(values: &[f32]) -> String {
    let parts: Vec<String> = values.iter().map(|v| format!("{v}")).collect();
    format!("[{}]", parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_cls_then_patches_by_row_and_column_from_one() {
        assert_eq!(token_name(0, 4), "CLS");
        assert_eq!(token_name(1, 4), "(1, 1)");
        assert_eq!(token_name(4, 4), "(1, 4)");
        assert_eq!(token_name(5, 4), "(2, 1)");
        assert_eq!(token_name(16, 4), "(4, 4)");
    }

    #[test]
    fn matrices_are_json_arrays() {
        assert_eq!(matrix_json(&[0.5, -1.0, 2.0]), "[0.5,-1,2]");
        let back: Vec<f32> = serde_json::from_str(&matrix_json(&[0.125, 3.0])).unwrap();
        assert_eq!(back, [0.125, 3.0]);
    }
}
