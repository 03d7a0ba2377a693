//! Numbers and names as the page writes them into text and data attributes. Pure, tested
//! natively. Every number a sentence, a label or a chart shows is written here, so French
//! gets its decimal comma and its narrow no-break spaces everywhere at once.

use crate::i18n::Lang;

/// The narrow no-break space French puts before `%`, `:`, `;`, `!`, `?` and inside « ».
pub const NARROW_NBSP: char = '\u{202f}';

/// A number with `digits` decimals, a decimal comma in French and a true minus sign;
/// a value that rounds to zero is written 0, not −0.
pub fn decimal(lang: Lang, value: f64, digits: usize) -> String {
    if value.is_infinite() {
        return if value > 0.0 { "∞" } else { "−∞" }.into();
    }
    let value = if value.abs() < 0.5 * 10f64.powi(-(digits as i32)) {
        0.0
    } else {
        value
    };
    localise(lang, format!("{value:.digits$}"))
}

/// A share in 0..=1 as a percentage: `12.5 %` / `12,5 %` (narrow no-break space).
pub fn percent(lang: Lang, share: f64, digits: usize) -> String {
    format!("{}{NARROW_NBSP}%", decimal(lang, share * 100.0, digits))
}

/// A learning rate as a person writes it: 0.001 or 1e30, not thirty zeros.
pub fn rate(lang: Lang, value: f64) -> String {
    let text = if value != 0.0 && !(1e-4..1e4).contains(&value.abs()) {
        format!("{value:e}")
    } else {
        format!("{value}")
    };
    localise(lang, text)
}

/// Four significant digits, however small: `0.1234`, or `−3.142 × 10⁻⁵` below 10⁻³,
/// as a teacher writes it on the board (not `-3.142e-5`).
pub fn significant(lang: Lang, value: f64) -> String {
    if value == 0.0 || !value.is_finite() || value.abs() >= 1e-3 {
        return decimal(lang, value, 4);
    }
    let text = format!("{value:.3e}");
    let (mantissa, exponent) = text
        .split_once('e')
        .expect("`e` formatting has an exponent");
    format!(
        "{} × 10{}",
        localise(lang, mantissa.to_string()),
        superscript(exponent)
    )
}

/// An exponent as a teacher writes it: `⁻⁵`, `¹²`.
pub fn superscript(exponent: &str) -> String {
    exponent
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            digit @ '0'..='9' => {
                ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'][digit as usize - '0' as usize]
            }
            other => other,
        })
        .collect()
}

/// A whole number with its thousands grouped: `12,000` / `12 000` (narrow no-break space).
pub fn integer(lang: Lang, value: u64) -> String {
    let digits = value.to_string();
    let separator = match lang {
        Lang::En => ",".to_string(),
        Lang::Fr => NARROW_NBSP.to_string(),
    };
    let mut groups = Vec::new();
    let mut end = digits.len();
    while end > 3 {
        groups.push(&digits[end - 3..end]);
        end -= 3;
    }
    groups.push(&digits[..end]);
    groups.reverse();
    groups.join(&separator)
}

/// A chart's axis label: as many decimals as the value's size needs.
pub fn axis_label(lang: Lang, value: f64) -> String {
    let size = value.abs();
    if value.fract().abs() < 1e-9 && size < 1e15 {
        // Whole numbers (updates, percentages) read as whole numbers: 2, not 2.0.
        let whole = integer(lang, size.round() as u64);
        return if value < 0.0 {
            format!("−{whole}")
        } else {
            whole
        };
    }
    if size >= 100.0 {
        decimal(lang, value, 0)
    } else if size >= 1.0 {
        decimal(lang, value, 1)
    } else if size >= 0.01 {
        decimal(lang, value, 2)
    } else {
        localise(lang, format!("{value:.0e}"))
    }
}

/// A decimal comma in French, and a true minus sign in both languages.
fn localise(lang: Lang, text: String) -> String {
    let text = text.replace('-', "−");
    match lang {
        Lang::En => text,
        Lang::Fr => text.replace('.', ","),
    }
}

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
    fn french_numbers_have_a_decimal_comma_and_a_narrow_space_before_percent() {
        assert_eq!(decimal(Lang::Fr, 0.665, 3), "0,665");
        assert_eq!(decimal(Lang::En, 0.665, 3), "0.665");
        assert_eq!(decimal(Lang::En, -0.0001, 2), "0.00");
        assert_eq!(decimal(Lang::En, -1.5, 1), "−1.5");
        assert_eq!(decimal(Lang::Fr, f64::INFINITY, 1), "∞");
        assert_eq!(percent(Lang::Fr, 0.169, 1), "16,9\u{202f}%");
        assert_eq!(percent(Lang::En, 0.169, 1), "16.9\u{202f}%");
    }

    #[test]
    fn thousands_are_grouped_as_each_language_groups_them() {
        assert_eq!(integer(Lang::En, 12_345_678), "12,345,678");
        assert_eq!(integer(Lang::Fr, 20_000), "20\u{202f}000");
        assert_eq!(integer(Lang::Fr, 999), "999");
        assert_eq!(axis_label(Lang::Fr, 2000.0), "2\u{202f}000");
        assert_eq!(axis_label(Lang::Fr, 0.25), "0,25");
        assert_eq!(axis_label(Lang::Fr, 2.5), "2,5");
        assert_eq!(axis_label(Lang::En, 2.0), "2");
        assert_eq!(axis_label(Lang::En, -3.0), "−3");
        assert_eq!(axis_label(Lang::En, 0.001), "1e−3");
    }

    #[test]
    fn small_numbers_are_written_with_a_power_of_ten() {
        assert_eq!(significant(Lang::En, 0.12345), "0.1235");
        assert_eq!(significant(Lang::En, -3.14159e-5), "−3.142 × 10⁻⁵");
        assert_eq!(significant(Lang::Fr, 2.5e-4), "2,500 × 10⁻⁴");
        assert_eq!(significant(Lang::En, 0.0), "0.0000");
    }

    #[test]
    fn learning_rates_read_as_people_write_them() {
        assert_eq!(rate(Lang::En, 1e30), "1e30");
        assert_eq!(rate(Lang::En, 0.001), "0.001");
        assert_eq!(rate(Lang::Fr, 0.05), "0,05");
        assert_eq!(rate(Lang::En, 1e-6), "1e−6");
    }

    #[test]
    fn matrices_are_json_arrays() {
        assert_eq!(matrix_json(&[0.5, -1.0, 2.0]), "[0.5,-1,2]");
        let back: Vec<f32> = serde_json::from_str(&matrix_json(&[0.125, 3.0])).unwrap();
        assert_eq!(back, [0.125, 3.0]);
    }
}
