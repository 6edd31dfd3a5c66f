//! Unicode checks for name parts: which characters a name may hold, and Latin mixed with
//! Cyrillic or Greek look-alikes (Unicode TR39 mixed-script confusables, `Lеslie` with a
//! Cyrillic `е`).
//!
//! Character classes come from the Unicode Character Database through the `regex` crate's
//! `\p{..}` classes (General_Category, Script, Default_Ignorable_Code_Point) and
//! `unicode-normalization`'s `is_combining_mark` (General_Category = Mark); no new crate.
//! See `data/README.md` for the sources and the punctuation decisions.
//!
//! Decisions:
//! * Accepted besides letters of any script and all combining marks: space U+0020, hyphens
//!   `-` U+002D, U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN, U+2012 FIGURE DASH, U+2013 EN DASH;
//!   apostrophes `'` U+0027, U+2018, U+2019, U+02BC and U+02B9 (both modifier letters); period,
//!   comma, middle dot U+00B7 (Catalan `Gal·la`) and its canonical equivalent U+0387, and
//!   U+02D1 (modifier letter, so already a letter).
//! * Rejected as symbols: U+2212 MINUS SIGN and U+2014 EM DASH (not hyphens in names), the
//!   backtick and U+00B4 ACUTE ACCENT (spacing accents, not apostrophes), private-use
//!   characters, and every other punctuation or symbol.
//! * Control: C0/C1 controls, format characters (Cf: U+200B, U+200D, U+00AD, bidi controls,
//!   ...), every Default_Ignorable_Code_Point (incl. variation selectors, U+034F and the Hangul
//!   fillers), unassigned code points, line and paragraph separators, and every space but U+0020
//!   (NBSP included: invisible).
//! * A run of more than 4 combining marks on one base (Zalgo text stacks marks to hide or
//!   disguise letters) is invalid, reason `"too_many_marks"`: Vietnamese needs at most 2.
//! * Mixed script is only Latin letters together with Cyrillic or Greek letters in the same
//!   part. Latin with Han, Kana, Hangul, Arabic, ... is not a look-alike attack and is accepted;
//!   Cyrillic with Greek (without Latin) is not flagged either.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::char::is_combining_mark;

/// The verdict on one name part (first, middle or last name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum NamePart {
    /// Characters a real name can hold.
    Plausible,
    /// Not a name; the static reason label is one of `"too_long"`, `"control"`, `"symbols"`,
    /// `"digits"`, `"no_letters"`, `"too_many_marks"`, `"repeated_letter"` (checked in this
    /// order, the first that applies wins). It is safe to report: it never contains the name.
    Invalid(&'static str),
    /// Otherwise plausible, but Latin letters mixed with Cyrillic or Greek letters.
    MixedScript,
}

/// Longest plausible name part, in characters.
const MAX_CHARS: usize = 100;
/// Longest plausible run of combining marks on one base character.
const MAX_MARKS: usize = 4;
/// Run length of one letter (case-insensitive) that makes a part implausible.
const MAX_REPEAT: usize = 4;

/// Compiled character classes.
struct Classes {
    /// Control, format, invisible, unassigned: never in a name.
    control: Regex,
    /// Anything that is not a letter, mark, accepted punctuation or number.
    symbol: Regex,
    /// Numbers of any script (`\p{N}`: digits, Roman numerals, fractions).
    digit: Regex,
    /// A letter that is not a modifier letter (`ʼ` alone is not a name).
    letter: Regex,
    /// A Latin-script letter.
    latin: Regex,
    /// A Cyrillic- or Greek-script letter.
    cyrillic_greek: Regex,
}

/// Punctuation accepted inside a regex character class (see the module documentation).
const PUNCT: &str =
    r" \-\x{2010}-\x{2013}'\x{2018}\x{2019}\x{02BC}\x{02B9}.,\x{00B7}\x{0387}\x{02D1}";

static CLASSES: LazyLock<Option<Classes>> = LazyLock::new(|| {
    let re = |p: &str| Regex::new(p).ok();
    Some(Classes {
        control: re(
            r"[\p{Cc}\p{Cf}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}[\p{Zs}--\x20]]",
        )?,
        symbol: re(&format!(r"[^\p{{L}}\p{{M}}\p{{N}}{PUNCT}]"))?,
        digit: re(r"\p{N}")?,
        letter: re(r"[\p{L}--\p{Lm}]")?,
        latin: re(r"[\p{sc=Latin}&&\p{L}]")?,
        cyrillic_greek: re(r"[[\p{sc=Cyrillic}\p{sc=Greek}]&&\p{L}]")?,
    })
});

#[cfg(test)]
/// Whether a name part mixes Latin letters with Cyrillic or Greek letters (`Lеslie` with a
/// Cyrillic `е` U+0435, `Κnope` with a Greek capital kappa). A part wholly in Cyrillic
/// (`Алексей`) or Greek (`Σοφία`), Latin with accents, and Latin next to any other script
/// (Han, Arabic, ...) are not mixed.
pub(crate) fn mixed_script(part: &str) -> bool {
    CLASSES
        .as_ref()
        .is_some_and(|c| c.latin.is_match(part) && c.cyrillic_greek.is_match(part))
}

/// Whether a name part is plausible, invalid (with a static reason label) or mixes Latin with
/// Cyrillic or Greek look-alikes. Intended to replace `name::implausible`, with reasons.
///
/// The caller trims the part; leading or trailing spaces are accepted like inner ones.
/// An empty part is `Invalid("no_letters")`.
pub(crate) fn name_part_verdict(part: &str) -> NamePart {
    // At most MAX_CHARS bytes is at most MAX_CHARS characters: count only longer parts.
    if part.len() > MAX_CHARS && part.chars().nth(MAX_CHARS).is_some() {
        return NamePart::Invalid("too_long");
    }
    if part.is_ascii() {
        return ascii_verdict(part);
    }
    let Some(c) = CLASSES.as_ref() else {
        return fallback_verdict(part);
    };
    if c.control.is_match(part) {
        return NamePart::Invalid("control");
    }
    if c.symbol.is_match(part) {
        return NamePart::Invalid("symbols");
    }
    if c.digit.is_match(part) {
        return NamePart::Invalid("digits");
    }
    if !c.letter.is_match(part) {
        return NamePart::Invalid("no_letters");
    }
    if let Some(reason) = runs(part) {
        return NamePart::Invalid(reason);
    }
    if c.latin.is_match(part) && c.cyrillic_greek.is_match(part) {
        return NamePart::MixedScript;
    }
    NamePart::Plausible
}

/// [`name_part_verdict`] on ASCII, without the Unicode classes: the same verdicts in the same
/// order (ASCII has no marks, no modifier letters and only Latin letters), at a fraction of
/// the cost, for the names most responses carry.
fn ascii_verdict(part: &str) -> NamePart {
    let b = part.as_bytes();
    if b.iter().any(|c| c.is_ascii_control()) {
        return NamePart::Invalid("control");
    }
    if b.iter()
        .any(|c| !(c.is_ascii_alphanumeric() || matches!(c, b' ' | b'-' | b'\'' | b'.' | b',')))
    {
        return NamePart::Invalid("symbols");
    }
    if b.iter().any(u8::is_ascii_digit) {
        return NamePart::Invalid("digits");
    }
    if !b.iter().any(u8::is_ascii_alphabetic) {
        return NamePart::Invalid("no_letters");
    }
    // `runs` on ASCII: no marks; a letter repeated MAX_REPEAT times in a row.
    let mut repeat = 0;
    let mut prev = 0u8;
    for c in b {
        let lower = c.to_ascii_lowercase();
        if c.is_ascii_alphabetic() && lower == prev {
            repeat += 1;
            if repeat >= MAX_REPEAT {
                return NamePart::Invalid("repeated_letter");
            }
        } else {
            repeat = 1;
            prev = if c.is_ascii_alphabetic() { lower } else { 0 };
        }
    }
    NamePart::Plausible
}

/// Too many stacked combining marks, or one letter repeated too often in a row.
fn runs(part: &str) -> Option<&'static str> {
    let (mut marks, mut repeat, mut prev) = (0, 0, None);
    for ch in part.chars() {
        if is_combining_mark(ch) {
            marks += 1;
            if marks > MAX_MARKS {
                return Some("too_many_marks");
            }
            continue;
        }
        marks = 0;
        let lower = ch.to_lowercase().next();
        if ch.is_alphabetic() && lower == prev {
            repeat += 1;
            if repeat >= MAX_REPEAT {
                return Some("repeated_letter");
            }
        } else {
            repeat = 1;
            prev = lower.filter(|_| ch.is_alphabetic());
        }
    }
    None
}

/// Std-only approximation, used only if the classes failed to compile (a test rules it out).
fn fallback_verdict(part: &str) -> NamePart {
    let punct = |ch: char| PUNCT_CHARS.contains(&ch);
    if part
        .chars()
        .any(|ch| ch.is_control() || (ch.is_whitespace() && ch != ' '))
    {
        NamePart::Invalid("control")
    } else if part
        .chars()
        .any(|ch| !(ch.is_alphanumeric() || is_combining_mark(ch) || punct(ch)))
    {
        NamePart::Invalid("symbols")
    } else if part.chars().any(char::is_numeric) {
        NamePart::Invalid("digits")
    } else if !part.chars().any(char::is_alphabetic) {
        NamePart::Invalid("no_letters")
    } else {
        runs(part).map_or(NamePart::Plausible, NamePart::Invalid)
    }
}

/// [`PUNCT`] as characters, for [`fallback_verdict`].
const PUNCT_CHARS: &[char] = &[
    ' ', '-', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\'', '\u{2018}', '\u{2019}',
    '\u{02BC}', '\u{02B9}', '.', ',', '\u{00B7}', '\u{0387}', '\u{02D1}',
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn classes_compile() {
        assert!(CLASSES.is_some());
    }

    const PLAUSIBLE: &[&str] = &[
        "Leslie",
        "Jean\u{2010}Luc",
        "Jean\u{2011}Luc",
        "Jean\u{2012}Luc",
        "Jean\u{2013}Luc",
        "Jean-Luc",
        "Gal·la",
        "Gal\u{0387}la",
        "O’Brien",
        "O‘Brien",
        "Oʼ Brien",
        "D'Angelo",
        "Darʹya",
        "García-López",
        "Zo\u{00EB}",
        "Zoe\u{0308}",
        "Nguyễn",
        "Nguye\u{0302}\u{0303}n",
        "Mary Ann",
        "St. John",
        "Jr.",
        "Jr.,",
        "李",
        "山田 太郎",
        "김민준",
        "Алексей",
        "Σοφία",
        "محمد",
        "Иван-Петров",
        "Aaron",
        "Jean Yamada 山田",
        "Ñúñez",
        "Ŀuís",
        "x",
    ];

    #[test]
    fn plausible() {
        for p in PLAUSIBLE {
            assert_eq!(name_part_verdict(p), NamePart::Plausible, "{p:?}");
            assert_eq!(fallback_verdict(p), NamePart::Plausible, "fallback {p:?}");
        }
        assert_eq!(
            name_part_verdict(&"a".repeat(100)),
            NamePart::Invalid("repeated_letter")
        );
        assert_eq!(name_part_verdict(&"ab".repeat(50)), NamePart::Plausible);
    }

    #[test]
    fn invalid() {
        for (p, reason) in [
            ("<script>", "symbols"),
            ("@@", "symbols"),
            ("Le{}slie", "symbols"),
            ("Le$lie", "symbols"),
            ("Jean\u{2212}Luc", "symbols"),
            ("Jean\u{2014}Luc", "symbols"),
            ("O`Brien", "symbols"),
            ("O\u{00B4}Brien", "symbols"),
            ("Le\u{E000}slie", "symbols"),
            ("Le😀slie", "symbols"),
            ("L3slie", "digits"),
            ("Leslie٣", "digits"),
            ("Henry Ⅷ", "digits"),
            ("Le\u{200B}slie", "control"),
            ("Le\u{200D}slie", "control"),
            ("Le\u{00AD}slie", "control"),
            ("Le\u{202E}slie", "control"),
            ("Le\u{FEFF}slie", "control"),
            ("Le\u{034F}slie", "control"),
            ("Le\u{FE0F}slie", "control"),
            ("\u{3164}", "control"),
            ("Mary\u{00A0}Ann", "control"),
            ("Mary\tAnn", "control"),
            ("x\u{0007}", "control"),
            ("Le\u{0378}slie", "control"),
            ("L3\u{200B}<", "control"),
            ("L3<", "symbols"),
            ("---", "no_letters"),
            ("", "no_letters"),
            ("   ", "no_letters"),
            ("ʼʼ", "no_letters"),
            ("\u{0301}", "no_letters"),
            ("Aaaaaron", "repeated_letter"),
            ("AAAA", "repeated_letter"),
            (
                "Le\u{0301}\u{0302}\u{0303}\u{0304}\u{0305}slie",
                "too_many_marks",
            ),
        ] {
            assert_eq!(name_part_verdict(p), NamePart::Invalid(reason), "{p:?}");
        }
        assert_eq!(
            name_part_verdict(&"ab".repeat(51)),
            NamePart::Invalid("too_long")
        );
        assert_eq!(
            name_part_verdict(&"李".repeat(101)),
            NamePart::Invalid("too_long")
        );
        // Four marks on one base (stacked Vietnamese-style accents and more) are still fine.
        assert_eq!(
            name_part_verdict("Le\u{0301}\u{0302}\u{0303}\u{0304}slie"),
            NamePart::Plausible
        );
        // A mark between repeated letters does not hide the run from the letter count.
        assert_eq!(
            name_part_verdict("Aa\u{0301}aaron"),
            NamePart::Invalid("repeated_letter")
        );
    }

    #[test]
    fn mixed() {
        for p in [
            "L\u{0435}slie",
            "\u{039A}nope",
            "Jоhn",
            "Pаypal Smith",
            "Mary Анна",
        ] {
            assert!(mixed_script(p), "{p:?}");
            assert_eq!(name_part_verdict(p), NamePart::MixedScript, "{p:?}");
        }
        for p in PLAUSIBLE {
            assert!(!mixed_script(p), "{p:?}");
        }
        // Invalid wins over mixed script.
        assert_eq!(
            name_part_verdict("L\u{0435}sl1e"),
            NamePart::Invalid("digits")
        );
        // Cyrillic with Greek, no Latin: not this check's business.
        assert!(!mixed_script("Алексей Σοφία"));
        assert!(!mixed_script(""));
    }

    /// The ASCII fast path gives what the Unicode classes give, on every ASCII string shape.
    #[test]
    fn ascii_fast_path_agrees_with_the_classes() {
        let slow = |part: &str| {
            let Some(c) = CLASSES.as_ref() else {
                panic!("the classes compile")
            };
            if c.control.is_match(part) {
                NamePart::Invalid("control")
            } else if c.symbol.is_match(part) {
                NamePart::Invalid("symbols")
            } else if c.digit.is_match(part) {
                NamePart::Invalid("digits")
            } else if !c.letter.is_match(part) {
                NamePart::Invalid("no_letters")
            } else {
                runs(part).map_or(NamePart::Plausible, NamePart::Invalid)
            }
        };
        let mut parts: Vec<String> = (0u8..128).map(|b| format!("Ab{}c", b as char)).collect();
        parts.extend(
            [
                "", " ", "---", "O'Brien", "St. John", "Aaaaron", "L3slie", "<b>", "a\tb",
            ]
            .map(String::from),
        );
        for p in parts {
            assert_eq!(ascii_verdict(&p), slow(&p), "{p:?}");
        }
    }

    #[test]
    fn fallback_agrees_on_the_easy_cases() {
        for (p, v) in [
            ("L3slie", NamePart::Invalid("digits")),
            ("<script>", NamePart::Invalid("symbols")),
            ("x\u{0007}", NamePart::Invalid("control")),
            ("---", NamePart::Invalid("no_letters")),
            ("Aaaaaron", NamePart::Invalid("repeated_letter")),
        ] {
            assert_eq!(fallback_verdict(p), v, "{p:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in prop_oneof![any::<String>(), "\\PC{0,40}", "[ a-zA-Z.,'-]{0,120}"]) {
            let v = name_part_verdict(&s);
            let _ = fallback_verdict(&s);
            let _ = mixed_script(&s);
            if s.chars().count() > MAX_CHARS {
                prop_assert_eq!(v, NamePart::Invalid("too_long"));
            }
        }

        #[test]
        fn ascii_letters_with_one_cyrillic_are_mixed(a in "[a-z]{1,3}", b in "[a-z]{1,3}") {
            let s = format!("{a}\u{0430}{b}");
            prop_assert!(mixed_script(&s));
        }
    }
}
