//! French typography, checked over every French string of the page: the literals of each
//! French text (read from the sources, so a string no test calls is still checked) and the
//! sentences the page builds with live numbers. The English texts are checked for one thing:
//! the apostrophe written one way (the tests below; the English error messages come from
//! `vocab`'s and the session's `#[error]` texts, which they do not read).

/// What a French typographer would correct in `text`: an ordinary space (or none) before
/// `; : ! ? %` and `»` or after `«`, a typewriter apostrophe, a decimal point.
pub fn faults(text: &str) -> Vec<String> {
    let no_break = |c: Option<char>| matches!(c, Some('\u{a0}') | Some('\u{202f}'));
    let chars: Vec<char> = text.chars().collect();
    let mut faults = Vec::new();
    let mut in_placeholder = false;
    for (i, &c) in chars.iter().enumerate() {
        // `{x:?}` and `{value:.2}` are format placeholders, not French.
        match c {
            '{' => in_placeholder = true,
            '}' => in_placeholder = false,
            _ if in_placeholder => continue,
            _ => {}
        }
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let context = || {
            chars[i.saturating_sub(20)..(i + 10).min(chars.len())]
                .iter()
                .collect::<String>()
        };
        match c {
            // `{x:?}`-style placeholders and "1:1" ratios have no space; a colon inside a
            // word-less formula (`a:b`) is not punctuation.
            // "(%)" on an axis: nothing to space from.
            '%' if before == Some('(') => {}
            ';' | ':' | '!' | '?' | '%' | '»' if !no_break(before) => {
                let glued = before.is_some_and(|b| b.is_alphanumeric() || b == '{' || b == '}')
                    && after.is_some_and(|a| a.is_alphanumeric() || a == '.' || a == '?');
                if !glued || c == '%' || c == '»' {
                    faults.push(format!("no no-break space before {c:?}: …{}…", context()));
                }
            }
            '«' if !no_break(after) => {
                faults.push(format!("no no-break space after «: …{}…", context()));
            }
            '\'' => faults.push(format!("a typewriter apostrophe: …{}…", context())),
            '.' if before.is_some_and(|b| b.is_ascii_digit())
                && after.is_some_and(|a| a.is_ascii_digit()) =>
            {
                faults.push(format!("a decimal point: …{}…", context()));
            }
            _ => {}
        }
    }
    faults
}

/// The string literals of `source` between `from` and `to` (or the end), as Rust reads
/// them: escapes decoded, `\` line continuations joined.
#[cfg(test)]
pub fn literals(source: &str, from: &str, to: Option<&str>) -> Vec<String> {
    let start = source.find(from).expect("the text's start marker");
    let end = to
        .and_then(|to| source[start..].find(to).map(|e| start + e))
        .unwrap_or(source.len());
    let region: Vec<char> = source[start..end].chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < region.len() {
        // Char literals ('"', '\'') are skipped whole.
        if region[i] == '\'' && i + 2 < region.len() {
            if region[i + 1] == '\\' && region.get(i + 3) == Some(&'\'') {
                i += 4;
                continue;
            }
            if region[i + 2] == '\'' {
                i += 3;
                continue;
            }
        }
        if region[i] != '"' {
            i += 1;
            continue;
        }
        i += 1;
        let mut text = String::new();
        while i < region.len() && region[i] != '"' {
            if region[i] == '\\' {
                i += 1;
                match region[i] {
                    '\n' => {
                        while i + 1 < region.len() && region[i + 1].is_whitespace() {
                            i += 1;
                        }
                    }
                    'n' => text.push('\n'),
                    'u' => {
                        let close = (i..region.len()).find(|&j| region[j] == '}').unwrap();
                        let hex: String = region[i + 2..close].iter().collect();
                        text.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                        i = close;
                    }
                    other => text.push(other),
                }
            } else {
                text.push(region[i]);
            }
            i += 1;
        }
        out.push(text);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every French literal of the page's texts, file by file.
    fn french_literals() -> Vec<String> {
        let mut all = Vec::new();
        all.extend(literals(
            include_str!("../i18n.rs"),
            "pub static FR: Text",
            Some("#[cfg(test)]"),
        ));
        all.extend(literals(
            include_str!("playground.rs"),
            "pub static FR",
            None,
        ));
        all.extend(literals(include_str!("tour.rs"), "pub static FR", None));
        all.extend(literals(include_str!("backward.rs"), "pub static FR", None));
        all.extend(literals(include_str!("runs.rs"), "pub static FR", None));
        all.extend(literals(include_str!("shape.rs"), "pub static FR", None));
        all.extend(literals(include_str!("camera.rs"), "pub static FR", None));
        all.extend(literals(include_str!("device.rs"), "pub static FR", None));
        all.extend(literals(
            include_str!("errors.rs"),
            "Lang::Fr =>",
            Some("#[cfg(test)]"),
        ));
        let lessons = include_str!("../lessons.rs");
        for part in lessons.split("fr: LessonText {").skip(1) {
            let end = part
                .find("    Lesson {")
                .or_else(|| part.find("];"))
                .unwrap();
            all.extend(literals(&part[..end], "", None));
        }
        all
    }

    /// Every English text's literals, from each `pub static EN` to the French one, and the
    /// lessons' English parts.
    fn english_literals() -> Vec<String> {
        let mut all = Vec::new();
        for source in [
            include_str!("../i18n.rs"),
            include_str!("playground.rs"),
            include_str!("tour.rs"),
            include_str!("backward.rs"),
            include_str!("runs.rs"),
            include_str!("shape.rs"),
            include_str!("camera.rs"),
            include_str!("device.rs"),
        ] {
            all.extend(literals(source, "pub static EN", Some("pub static FR")));
        }
        let lessons = include_str!("../lessons.rs");
        for part in lessons.split("en: LessonText {").skip(1) {
            let end = part.find("fr: LessonText {").unwrap();
            all.extend(literals(&part[..end], "", None));
        }
        all
    }

    /// An English contraction or possessive written with the typographer's apostrophe
    /// (`model’s`): the English texts write the typewriter one (`model's`), all of them the
    /// same way. French quoted in English (`l’attention`) keeps its own.
    fn curly_english_apostrophes(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut found = Vec::new();
        for (i, &c) in chars.iter().enumerate() {
            let before = i.checked_sub(1).map(|j| chars[j]);
            if c != '’' || !before.is_some_and(|b| b.is_alphanumeric() || b == '}') {
                continue;
            }
            // A plural's possessive (`workers’ share`) has nothing after it but a space.
            let plural = before == Some('s') && chars.get(i + 1).is_none_or(|a| a.is_whitespace());
            let rest: String = chars[i + 1..]
                .iter()
                .take(3)
                .collect::<String>()
                .to_lowercase();
            let suffix = ["s", "t", "re", "ll", "ve", "d", "m"].iter().any(|s| {
                rest.starts_with(s)
                    && !rest[s.len()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphabetic)
            });
            if suffix || plural {
                found.push(
                    chars[i.saturating_sub(15)..(i + 5).min(chars.len())]
                        .iter()
                        .collect(),
                );
            }
        }
        found
    }

    #[test]
    fn the_english_texts_write_the_apostrophe_one_way() {
        assert_eq!(curly_english_apostrophes("the model’s share").len(), 1);
        assert_eq!(curly_english_apostrophes("subject01’s, it’s").len(), 2);
        assert_eq!(
            curly_english_apostrophes("{name}’s DON’T the workers’ share").len(),
            3
        );
        assert!(curly_english_apostrophes("the model's share, « l’attention »").is_empty());
        let literals = english_literals();
        assert!(
            literals.len() > 250,
            "only {} English strings found",
            literals.len()
        );
        let found: Vec<String> = literals
            .iter()
            .flat_map(|l| curly_english_apostrophes(l))
            .collect();
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn the_checker_catches_what_a_french_typographer_would() {
        assert_eq!(faults("Clavier : Espace").len(), 1);
        assert_eq!(faults("12 %").len(), 1);
        assert_eq!(faults("« Lecture »").len(), 2);
        assert_eq!(faults("l'image").len(), 1);
        assert_eq!(faults("p = 0.665").len(), 1);
        assert!(
            faults("Clavier\u{202f}: «\u{a0}Lecture\u{a0}», 16,9\u{202f}% et {x:?}").is_empty()
        );
        let decoded = literals(
            "pub static FR: T = \"a\\u{202f}: b \\\n   c\";",
            "pub static FR",
            None,
        );
        assert_eq!(decoded, ["a\u{202f}: b c"]);
    }

    #[test]
    fn every_french_string_of_the_page_follows_french_typography() {
        let literals = french_literals();
        assert!(
            literals.len() > 250,
            "only {} French strings found",
            literals.len()
        );
        let faults: Vec<String> = literals.iter().flat_map(|l| faults(l)).collect();
        assert!(
            faults.is_empty(),
            "{} faults:\n{}",
            faults.len(),
            faults.join("\n")
        );
    }
}
