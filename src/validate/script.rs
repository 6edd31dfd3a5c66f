//! Unicode checks for name parts: which characters a name may hold, and look-alike letters
//! (Unicode Technical Standard #39, "Unicode Security Mechanisms").
//!
//! Character classes come from the Unicode Character Database through the `regex` crate's
//! `\p{..}` classes (General_Category, Script, Default_Ignorable_Code_Point) and
//! `unicode-normalization`'s `is_combining_mark` (General_Category = Mark); the look-alike data
//! (TR39 `confusables.txt` prototypes, Script_Extensions, augmented script sets) from the
//! `unicode-security` and `unicode-script` crates, never a hand list. See `data/README.md` for
//! the sources and the punctuation decisions.
//!
//! # What a name part may hold
//! * Accepted besides letters of any script and all combining marks: space U+0020, hyphens
//!   `-` U+002D, U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN, U+2012 FIGURE DASH, U+2013 EN DASH;
//!   apostrophes `'` U+0027, U+2018, U+2019, U+02BC and U+02B9 (both modifier letters); period,
//!   comma, middle dot U+00B7 (Catalan `Gal·la`) and its canonical equivalent U+0387, and
//!   U+02D1 (modifier letter, so already a letter).
//! * Rejected as symbols: U+2212 MINUS SIGN and U+2014 EM DASH (not hyphens in names), the
//!   backtick and U+00B4 ACUTE ACCENT (spacing accents, not apostrophes), private-use
//!   characters, and every other punctuation or symbol.
//! * Control: C0/C1 controls, format characters (Cf: U+200B, U+00AD, the bidirectional
//!   embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069, U+200E/U+200F marks,
//!   ...), every Default_Ignorable_Code_Point (incl. variation selectors, U+034F and the
//!   Hangul fillers), unassigned code points, line and paragraph separators, and every space
//!   but U+0020 (NBSP included: invisible). One exception, after UTS #31 (identifiers)
//!   section 2.3, simplified: U+200C ZERO WIDTH NON-JOINER and U+200D ZERO WIDTH JOINER are
//!   name characters between two letters of the Arabic script (Persian `علی‌رضا`), or right
//!   after a virama (canonical combining class 9, Devanagari and the other Indic scripts)
//!   and before a letter; anywhere else they are invisible edits (`Jo\u{200D}hn`).
//! * A run of more than 4 combining marks on one base (Zalgo text stacks marks to hide or
//!   disguise letters) is invalid, reason `"too_many_marks"`: Vietnamese needs at most 2.
//!
//! # Look-alikes: the grammar of what is caught
//! A letter **reads as Latin** when its TR39 prototype (the `skeleton` of the letter alone),
//! or that of its upper- or lower-case form, is ASCII letters with at most combining marks:
//! Cyrillic `е` (prototype `e`), Greek `Κ` (`K`), Armenian `օ` (`o`), Cherokee `Ꭺ` (`A`),
//! Arabic `ا` (`l`), Cyrillic `т` (its capital `Т` has prototype `T`). Cyrillic `и` does not
//! (its prototype is `ᴎ`, a reversed small capital N, and `И` has none), nor `П` (`Π`).
//! Over the letters of a part (Common and Inherited characters, spaces and punctuation
//! left out):
//! * **mixed-script confusable** ([`NamePart::MixedScript`], code `name_mixed_script`): the
//!   part is not single-script (its TR39 resolved augmented script set is empty: Han with
//!   Kana or Hangul counts as one writing system) and at least one of its letters that is not
//!   Latin reads as Latin. Caught: Latin with Cyrillic, Greek, Armenian, Cherokee, Coptic or
//!   any other script's look-alikes (`Lеslie`, `Jօhn`, `ᎪARON`), and two non-Latin scripts
//!   one of which lends a look-alike (`Пeтрοв` with a Greek omicron). Not caught: Latin
//!   next to Han, Kana, Hangul, Hebrew, Devanagari, ... letters that read as nothing Latin
//!   (`Jean Yamada 山田`).
//! * **whole-script confusable** ([`NamePart::Confusable`] `"whole_script"`, code
//!   `name_confusable`): the part is single-script, not Latin, and **every** letter reads as
//!   Latin: Cyrillic `Ѕмітн` (read `SMITH`), `ЅМІТН`, Greek `ΚΑΤΕ`. A part with one letter
//!   that reads as nothing Latin is a name in its script: `Иван`, `Петров`, `Алексей`,
//!   `Σοφία`. By this definition a genuine name made only of such letters is a whole-script
//!   confusable too (Russian `Вера` reads `BEPA`, `Анна` `AHHA`) when it stands alone: so
//!   the name as a whole decides (`name.rs`): a part is reported only when no other part
//!   of the name is [`genuinely_foreign`] (`Анна Иванова` is a Russian name; `Ѕмітн` with
//!   `Јоhn`, or beside a Latin first name, is not). A name whose every part is made of
//!   look-alikes (`Вера Веер`) cannot be told from an attack, which is why the code's class
//!   is `risk`, priced for Identity Match to compare the name with the bank's account
//!   owner, not `invalid`.
//! * **compatibility forms** ([`NamePart::Confusable`] `"compatibility"`, code
//!   `name_confusable`): a non-ASCII character whose NFKC form is ASCII letters: mathematical
//!   alphanumerics (`𝐒𝐦𝐢𝐭𝐡`, `𝓢𝓶𝓲𝓽𝓱`), fullwidth forms (`Ｓｍｉｔｈ`), superscript and
//!   small letters, Latin ligatures (`ﬁ`, `Ĳ`). Compatibility characters that fold to
//!   anything else stay names: halfwidth Katakana, Catalan `Ŀ` (NFKC `L·`).
//!
//! Checked in this order, the first that applies wins: invalid, compatibility, mixed script,
//! whole script.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::char::{canonical_combining_class, is_combining_mark};
use unicode_normalization::UnicodeNormalization;
use unicode_script::{Script, UnicodeScript};
use unicode_security::mixed_script::AugmentedScriptSet;

/// The verdict on one name part (first, middle or last name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum NamePart {
    /// Characters a real name can hold.
    Plausible,
    /// Not a name; the static reason label is one of `"too_long"`, `"control"`, `"symbols"`,
    /// `"digits"`, `"no_letters"`, `"too_many_marks"`, `"repeated_letter"` (checked in this
    /// order, the first that applies wins). It is safe to report: it never contains the name.
    Invalid(&'static str),
    /// Otherwise plausible, but a TR39 mixed-script confusable (see the module docs).
    MixedScript,
    /// Otherwise plausible, but it reads as Latin letters it is not made of: `"compatibility"`
    /// (NFKC folds it to ASCII letters) or `"whole_script"` (every letter of another script
    /// reads as Latin). See the module docs.
    Confusable(&'static str),
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
    })
});

/// ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER.
const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';

#[cfg(test)]
/// Whether a name part is a TR39 mixed-script confusable (see the module docs).
pub(crate) fn mixed_script(part: &str) -> bool {
    look_alike(part) == Some(NamePart::MixedScript)
}

/// Whether a name part is plausible, invalid (with a static reason label), a mixed-script
/// confusable or reads as Latin letters it is not made of (see the module docs).
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
    let without_joiners: String;
    let part = if c.control.is_match(part) {
        if !joiners_only_where_scripts_need_them(part, &c.control) {
            return NamePart::Invalid("control");
        }
        without_joiners = part.chars().filter(|&ch| ch != ZWNJ && ch != ZWJ).collect();
        without_joiners.as_str()
    } else {
        part
    };
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
    look_alike(part).unwrap_or(NamePart::Plausible)
}

/// Whether every control-class character of `part` is a ZWNJ or ZWJ in a place a script
/// needs one (see the module docs: UTS #31 section 2.3, simplified).
fn joiners_only_where_scripts_need_them(part: &str, control: &Regex) -> bool {
    let chars: Vec<char> = part.chars().collect();
    let mut buf = [0u8; 4];
    chars.iter().enumerate().all(|(i, &ch)| {
        if !control.is_match(ch.encode_utf8(&mut buf)) {
            return true;
        }
        if ch != ZWNJ && ch != ZWJ {
            return false;
        }
        let (Some(&prev), Some(&next)) = (
            i.checked_sub(1).and_then(|p| chars.get(p)),
            chars.get(i + 1),
        ) else {
            return false;
        };
        if !next.is_alphabetic() {
            return false;
        }
        let after_virama = canonical_combining_class(prev) == 9;
        let arabic = prev.is_alphabetic()
            && prev.script() == Script::Arabic
            && next.script() == Script::Arabic;
        after_virama || arabic
    })
}

/// The look-alike verdict on a part that holds only name characters, if any: compatibility
/// forms, then mixed script, then whole script (see the module docs).
fn look_alike(part: &str) -> Option<NamePart> {
    if part.chars().any(compatibility_letter) {
        return Some(NamePart::Confusable("compatibility"));
    }
    let mut scripts = AugmentedScriptSet::default();
    let mut any_latin = false;
    let mut foreign_look_alike = false;
    let mut all_read_latin = true;
    let mut letters = 0usize;
    for ch in part
        .chars()
        .filter(|ch| ch.is_alphabetic() && !is_combining_mark(*ch))
    {
        let set = AugmentedScriptSet::for_char(ch);
        if set.is_all() {
            continue;
        }
        letters += 1;
        scripts.intersect_with(set);
        if set.base.contains_script(Script::Latin) {
            any_latin = true;
            continue;
        }
        if reads_as_latin(ch) {
            foreign_look_alike = true;
        } else {
            all_read_latin = false;
        }
    }
    if letters == 0 {
        return None;
    }
    if scripts.is_empty() {
        return foreign_look_alike.then_some(NamePart::MixedScript);
    }
    (!any_latin && all_read_latin).then_some(NamePart::Confusable("whole_script"))
}

/// Is `part` written in one script other than Latin with at least one letter that reads as
/// nothing Latin (`Иванова`, `Σοφία`, `山田`)? Such a part shows the name is genuinely
/// written in that script, so another part of the same name made only of look-alikes
/// (`Анна` beside `Иванова`) is a real name, not a whole-script confusable.
pub(crate) fn genuinely_foreign(part: &str) -> bool {
    let mut scripts = AugmentedScriptSet::default();
    let mut reads_as_nothing_latin = false;
    for ch in part
        .chars()
        .filter(|ch| ch.is_alphabetic() && !is_combining_mark(*ch))
    {
        let set = AugmentedScriptSet::for_char(ch);
        if set.is_all() {
            continue;
        }
        if set.base.contains_script(Script::Latin) {
            return false;
        }
        scripts.intersect_with(set);
        reads_as_nothing_latin |= !reads_as_latin(ch);
    }
    !scripts.is_empty() && reads_as_nothing_latin
}

/// A non-ASCII character whose NFKC form is ASCII letters (mathematical, fullwidth,
/// superscript letters, Latin ligatures).
fn compatibility_letter(ch: char) -> bool {
    if ch.is_ascii() {
        return false;
    }
    let mut folded = std::iter::once(ch).nfkc().peekable();
    if folded.peek() == Some(&ch) {
        return false;
    }
    let mut any = false;
    for f in folded {
        if !f.is_ascii_alphabetic() {
            return false;
        }
        any = true;
    }
    any
}

/// Whether a letter, or its upper- or lower-case form, has a TR39 prototype made of ASCII
/// letters (and combining marks): it reads as Latin.
fn reads_as_latin(ch: char) -> bool {
    let single = |mut it: std::char::ToUppercase| match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    };
    let lower = {
        let mut it = ch.to_lowercase();
        match (it.next(), it.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    };
    [Some(ch), single(ch.to_uppercase()), lower]
        .into_iter()
        .flatten()
        .any(prototype_is_ascii_letters)
}

fn prototype_is_ascii_letters(ch: char) -> bool {
    let mut buf = [0u8; 4];
    let mut any = false;
    for p in unicode_security::skeleton(ch.encode_utf8(&mut buf)) {
        if p.is_ascii_alphabetic() {
            any = true;
        } else if !is_combining_mark(p) {
            return false;
        }
    }
    any
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
        // The benign corpus across scripts: names written in one script are names.
        "Иван Петров",
        "Пётр",
        "Ирина",
        "Екатерина",
        "Αλέξανδρος",
        "Παπαδόπουλος",
        "Nguyễn Văn",
        "Trần",
        "Đặng",
        "Phạm Thị Hương",
        "Şükrü",
        "Yılmaz",
        "Çelik",
        "Ağaoğlu",
        "Ó Briain",
        "O\u{2019}Sullivan",
        "Mac Giolla Phádraig",
        "García Márquez",
        "de la Cruz",
        "Fernández-López",
        "محمد",
        "عبد الله",
        "فاطمة الزهراء",
        "\u{0639}\u{0644}\u{06CC}\u{200C}\u{0631}\u{0636}\u{0627}",
        "דוד",
        "כהן",
        "יוסף",
        "प्रिया",
        "अर्जुन",
        "\u{0915}\u{094D}\u{200D}\u{0937}",
        "Աննա",
        "Հովհաննես",
        "Գրիգորյան",
        "გიორგი",
        "ნინო",
        "ბერიძე",
        "김민준",
        "이서연",
        "さくら",
        "たなか",
        "サトウ",
        "ヤマダ タロウ",
        "田中",
        "王小明",
        "สมชาย",
        "ศรีสุข",
        "Björk",
        "Søren",
        "Łukasz",
        "Żaneta",
        "Dvořák",
        "Müller",
        "Ólafsdóttir",
        "Þór",
        "Ærø",
    ];

    #[test]
    fn plausible() {
        for p in PLAUSIBLE {
            assert_eq!(name_part_verdict(p), NamePart::Plausible, "{p:?}");
            if !p.contains([ZWNJ, ZWJ]) {
                assert_eq!(fallback_verdict(p), NamePart::Plausible, "fallback {p:?}");
            }
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
            // Any script's look-alikes: Armenian օ, Cherokee Ꭺ, Coptic, Greek ο in Cyrillic.
            "J\u{0585}hn",
            "\u{13AA}aron",
            "\u{2C9E}scar",
            "\u{041F}e\u{0442}\u{0440}\u{03BF}\u{0432}",
            // Latin look-alikes in a Cyrillic name.
            "\u{0418}\u{0432}a\u{043D}",
            "Алексей Σοφία",
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
        assert!(!mixed_script(""));
    }

    #[test]
    fn whole_script_and_compatibility() {
        for p in [
            "\u{0405}\u{043C}\u{0456}\u{0442}\u{043D}", // Ѕмітн, the issue's example
            "\u{0405}\u{041C}\u{0406}\u{0422}\u{041D}", // ЅМІТН
            "\u{039A}\u{0391}\u{03A4}\u{0395}",         // Greek ΚΑΤΕ
            "\u{0408}\u{043E}\u{0435}",                 // Јое
            "\u{0421}\u{0430}\u{0440}\u{0435}\u{0440}", // Сарер
        ] {
            assert_eq!(
                name_part_verdict(p),
                NamePart::Confusable("whole_script"),
                "{p:?}"
            );
        }
        for p in [
            "\u{1D412}\u{1D426}\u{1D422}\u{1D42D}\u{1D421}", // 𝐒𝐦𝐢𝐭𝐡
            "\u{1D4E2}mith",
            "\u{FF33}\u{FF4D}\u{FF49}\u{FF54}\u{FF48}", // Ｓｍｉｔｈ
            "Gri\u{FB03}n",                             // Griﬃn
            "Smit\u{02B0}",                             // superscript h
        ] {
            assert_eq!(
                name_part_verdict(p),
                NamePart::Confusable("compatibility"),
                "{p:?}"
            );
        }
        // Genuine names written in their own script.
        for p in [
            "Иван",
            "Петров",
            "Иван Петров",
            "Алексей",
            "Σοφία",
            "Ŀuís",
            "ｽｽﾞｷ",
        ] {
            assert_eq!(name_part_verdict(p), NamePart::Plausible, "{p:?}");
        }
    }

    #[test]
    fn joiners_only_where_a_script_needs_them() {
        // Persian: ZWNJ between Arabic-script letters; Devanagari: ZWJ after a virama.
        for p in [
            "\u{0639}\u{0644}\u{06CC}\u{200C}\u{0631}\u{0636}\u{0627}",
            "\u{0915}\u{094D}\u{200D}\u{0937}",
        ] {
            assert_eq!(name_part_verdict(p), NamePart::Plausible, "{p:?}");
        }
        for p in [
            "Jo\u{200D}hn",
            "Jo\u{200C}hn",
            "\u{200C}\u{0639}\u{0644}\u{06CC}",
            "\u{0639}\u{0644}\u{06CC}\u{200C}",
            "\u{0639}\u{200B}\u{0644}",
        ] {
            assert_eq!(name_part_verdict(p), NamePart::Invalid("control"), "{p:?}");
        }
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

    /// Every letter of every script but Latin whose TR39 prototype (or its case partner's) is
    /// one ASCII letter, from the Unicode data: the look-alikes of Latin letters.
    fn look_alikes() -> &'static Vec<char> {
        static ALL: LazyLock<Vec<char>> = LazyLock::new(|| {
            (0x80u32..0x2_0000)
                .filter_map(char::from_u32)
                .filter(|&ch| {
                    let set = AugmentedScriptSet::for_char(ch);
                    ch.is_alphabetic()
                        && !ch.is_numeric()
                        && !is_combining_mark(ch)
                        && CLASSES
                            .as_ref()
                            .is_some_and(|c| c.letter.is_match(ch.encode_utf8(&mut [0; 4])))
                        && !set.is_all()
                        && !set.base.contains_script(Script::Latin)
                        && !compatibility_letter(ch)
                        && reads_as_latin(ch)
                })
                .collect()
        });
        &ALL
    }

    fn look_alike_letter() -> impl Strategy<Value = char> {
        prop::sample::select(look_alikes().clone())
    }

    /// A word of 2 to 8 letters, all look-alikes of Latin letters from one script.
    fn whole_script_word() -> impl Strategy<Value = String> {
        let mut by_script: std::collections::BTreeMap<String, Vec<char>> = Default::default();
        for ch in look_alikes() {
            by_script
                .entry(format!("{:?}", AugmentedScriptSet::for_char(*ch)))
                .or_default()
                .push(*ch);
        }
        let alphabets: Vec<Vec<char>> = by_script.into_values().filter(|v| v.len() >= 3).collect();
        prop::sample::select(alphabets).prop_flat_map(|letters| {
            prop::collection::vec(prop::sample::select(letters), 2..9)
                .prop_map(|v| v.into_iter().collect::<String>())
        })
    }

    /// Capital A of the mathematical alphanumeric alphabets and of the fullwidth forms.
    const COMPAT_STYLES: [u32; 9] = [
        0x1D400, 0x1D434, 0x1D4D0, 0x1D56C, 0x1D5A0, 0x1D5D4, 0x1D608, 0x1D670, 0xFF21,
    ];

    /// `c` in compatibility style `style` (a mathematical alphabet has 26 capitals then 26
    /// small letters; fullwidth 26 capitals, 6 others, 26 small letters).
    fn style_char(c: char, style: usize) -> char {
        let base = COMPAT_STYLES[style];
        let offset = if c.is_ascii_uppercase() {
            u32::from(c) - u32::from('A')
        } else if base == 0xFF21 {
            u32::from(c) - u32::from('a') + 32
        } else {
            u32::from(c) - u32::from('a') + 26
        };
        // A few letters of some mathematical alphabets are holes (the letter lives in the
        // Letterlike Symbols block): fall back to mathematical bold, which has none.
        char::from_u32(base + offset)
            .filter(|ch| compatibility_letter(*ch))
            .or_else(|| char::from_u32(0x1D400 + offset))
            .unwrap_or(c)
    }

    /// Invisible and bidirectional format characters.
    const INVISIBLE: [char; 16] = [
        '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}', '\u{200E}',
        '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}',
        '\u{2067}', '\u{2069}',
    ];

    proptest! {
            #![proptest_config(ProptestConfig::with_cases(2048))]

            #[test]
            fn never_panics(s in prop_oneof![
    any::<String>(), "\\PC{0,40}", "[ a-zA-Z.,'-]{0,120}"]) {
                let v = name_part_verdict(&s);
                let _ = fallback_verdict(&s);
                let _ = mixed_script(&s);
                if s.chars().count() > MAX_CHARS {
                    prop_assert_eq!(v, NamePart::Invalid("too_long"));
                }
            }

            /// Mixed-script confusables of every script: a Latin name with one letter replaced
            /// by a look-alike from another script (every look-alike of a Latin letter in the
            /// Unicode data).
            #[test]
            fn prop_look_alike_in_a_latin_name_is_mixed(
                a in "[A-Za-z]{0,6}",
                b in "[a-z]{0,6}",
                look in look_alike_letter(),
            ) {
                prop_assume!(!(a.is_empty() && b.is_empty()));
                let s = format!("{a}{look}{b}");
                prop_assume!(runs(&s).is_none());
                prop_assert_eq!(name_part_verdict(&s), NamePart::MixedScript, "{:?}", s);
            }

            /// Whole-script confusables: a word written wholly in one script's look-alikes of
            /// Latin letters.
            #[test]
            fn prop_whole_script_look_alike_is_confusable(word in whole_script_word()) {
                prop_assume!(runs(&word).is_none());
                prop_assert_eq!(name_part_verdict(&word), NamePart::Confusable("whole_script"), "{:?}", word);
            }

            /// Compatibility forms: a Latin name with a letter in an NFKC-foldable alphabet
            /// (mathematical bold, italic, script, fraktur, double-struck, sans-serif, monospace;
            /// fullwidth).
            #[test]
            fn prop_compatibility_forms_are_confusable(
                word in "[A-Za-z]{1,12}",
                style in 0usize..COMPAT_STYLES.len(),
                at in 0usize..12,
                all in any::<bool>(),
            ) {
                let n = word.len();
                let styled: String = word
                    .chars()
                    .enumerate()
                    .map(|(i, c)| if all || i == at % n { style_char(c, style) } else { c })
                    .collect();
                prop_assume!(runs(&styled).is_none());
                prop_assert_eq!(name_part_verdict(&styled), NamePart::Confusable("compatibility"), "{:?}", styled);
            }

            /// Invisible and bidirectional format characters anywhere inside a name.
            #[test]
            fn prop_invisible_characters_are_control(
                a in "[A-Za-z]{1,6}",
                b in "[a-z]{1,6}",
                c in prop::sample::select(INVISIBLE.to_vec()),
            ) {
                let s = format!("{a}{c}{b}");
                prop_assert_eq!(name_part_verdict(&s), NamePart::Invalid("control"), "{:?}", s);
            }

            /// The benign corpus, two of its names joined by a space, stays free of look-alike
            /// verdicts.
            #[test]
            fn prop_benign_names_stay_plausible(i in 0usize..1000, j in 0usize..1000) {
                let (x, y) = (PLAUSIBLE[i % PLAUSIBLE.len()], PLAUSIBLE[j % PLAUSIBLE.len()]);
                prop_assert_eq!(name_part_verdict(x), NamePart::Plausible, "{:?}", x);
                prop_assert_eq!(name_part_verdict(y), NamePart::Plausible, "{:?}", y);
            }

            #[test]
            fn ascii_letters_with_one_cyrillic_are_mixed
    (a in "[a-z]{1,3}", b in "[a-z]{1,3}") {
                let s = format!("{a}\u{0430}{b}");
                prop_assert!(mixed_script(&s));
            }
        }
}
