//! Phone comparison: E.164 normalisation of both sides (via `crate::validate::phone::to_e164`),
//! extensions, missing country code, then a digit comparison.

use super::IdentityFields;
use crate::validate::phone::to_e164;

/// Longest input looked at (longer text is compared on its first bytes only).
const MAX_LEN: usize = 64;

/// The main number and the extension digits (empty when none).
struct Split<'a> {
    main: &'a str,
    ext: &'a str,
}

/// Splits an extension off (`x123`, `ext. 123`, `extension 123`, `#123`, `;ext=123`), once at
/// least 7 digits of the main number have been seen.
fn split_extension(raw: &str) -> Split<'_> {
    let mut digits = 0;
    for (i, c) in raw.char_indices() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if digits >= 7 && (c.is_alphabetic() || c == '#' || c == ';') {
            let main = raw.get(..i).unwrap_or(raw);
            let rest = raw.get(i..).unwrap_or("");
            let start = rest
                .find(|ch: char| ch.is_ascii_digit())
                .unwrap_or(rest.len());
            let ext = rest.get(start..).unwrap_or("");
            let end = ext
                .find(|ch: char| !ch.is_ascii_digit())
                .unwrap_or(ext.len());
            return Split {
                main,
                ext: ext.get(..end).unwrap_or(""),
            };
        }
    }
    Split { main: raw, ext: "" }
}

/// ASCII digits of `s` into `out` (at most [`MAX_LEN`]).
fn digits_into(s: &str, out: &mut String) {
    out.clear();
    out.extend(s.chars().filter(char::is_ascii_digit).take(MAX_LEN));
}

/// Score from digit-level similarity, always below the partial band.
fn digit_similarity_score(a: &str, b: &str) -> u8 {
    let sim = strsim::normalized_levenshtein(a, b);
    ((sim * 69.0).round() as u8).min(69)
}

/// `short` is the end of `long`, long enough to be a national number, with at most a
/// 3-digit country code (or trunk prefix) in front.
fn is_suffix_number(long: &str, short: &str) -> bool {
    short.len() >= 7
        && long.len() > short.len()
        && long.len() - short.len() <= 3
        && long.ends_with(short)
}

/// At most `MAX_LEN` bytes, cut at a character boundary.
fn clip(s: &str) -> &str {
    let mut end = s.len().min(MAX_LEN);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Compares the phone numbers of two sides; `None` when either side has no digit.
pub(crate) fn compare_phones(x: &IdentityFields<'_>, y: &IdentityFields<'_>) -> Option<u8> {
    let ra = x.phone_number?.trim();
    let rb = y.phone_number?.trim();
    let ra = clip(ra);
    let rb = clip(rb);
    if !ra.bytes().any(|b| b.is_ascii_digit()) || !rb.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    if ra == rb {
        return Some(100);
    }
    let (sa, sb) = (split_extension(ra), split_extension(rb));
    let ext_score = |same_number: u8| -> u8 {
        match (sa.ext.is_empty(), sb.ext.is_empty()) {
            (true, true) => same_number,
            (false, false) if sa.ext == sb.ext => same_number,
            (false, false) => 75,
            _ => 90,
        }
    };
    let ea = to_e164(sa.main, x.country);
    let eb = to_e164(sb.main, y.country);
    let (mut da, mut db) = (String::new(), String::new());
    match (&ea, &eb) {
        (Some(a), Some(b)) => {
            if a == b {
                return Some(ext_score(100));
            }
            digits_into(a, &mut da);
            digits_into(b, &mut db);
        }
        _ => {
            digits_into(sa.main, &mut da);
            digits_into(sb.main, &mut db);
            // An international prefix written as 00 / 011 is not part of the number.
            for d in [&mut da, &mut db] {
                if let Some(rest) = d.strip_prefix("011").or_else(|| d.strip_prefix("00")) {
                    *d = rest.to_owned();
                }
            }
            if da == db && !da.is_empty() {
                // Same digits, but at least one side is not a valid number for its country.
                return Some(ext_score(95));
            }
        }
    }
    // A national trunk prefix ("0" in 07911 ...) is not part of the national number.
    let ta = da.strip_prefix('0').unwrap_or(&da);
    let tb = db.strip_prefix('0').unwrap_or(&db);
    if is_suffix_number(ta, tb) || is_suffix_number(tb, ta) {
        // Same national number; a country code (or trunk prefix) is missing or different.
        return Some(ext_score(85).min(85));
    }
    Some(digit_similarity_score(&da, &db))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(n: &str) -> IdentityFields<'_> {
        IdentityFields {
            phone_number: Some(n),
            ..Default::default()
        }
    }

    fn score(a: &str, b: &str) -> Option<u8> {
        compare_phones(&p(a), &p(b))
    }

    #[test]
    fn national_format_equals_e164() {
        assert_eq!(score("+14157452130", "(415) 745-2130"), Some(100));
        assert_eq!(score("+14157452130", "1-415-745-2130"), Some(100));
    }

    #[test]
    fn extension_is_partial() {
        assert_eq!(score("+14157452130", "415-745-2130 ext. 12"), Some(90));
        assert_eq!(score("+14157452130 x12", "415-745-2130 ext. 12"), Some(100));
        assert_eq!(score("+14157452130 x12", "415-745-2130 ext. 13"), Some(75));
    }

    #[test]
    fn split_extension_forms() {
        let s = split_extension("415 745 2130;ext=99");
        assert_eq!((s.main, s.ext), ("415 745 2130", "99"));
        let s = split_extension("+1 415 745 2130 #7");
        assert_eq!(s.ext, "7");
        let s = split_extension("+1 415 745 2130");
        assert_eq!(s.ext, "");
    }

    #[test]
    fn different_numbers_mismatch() {
        let s = score("+14157452130", "+14157452131").unwrap_or(100);
        assert!(s < 70, "{s}");
        assert!(score("+14157452130", "+12125550000").unwrap_or(100) < 50);
    }

    #[test]
    fn no_digits_is_none() {
        assert_eq!(score("+14157452130", "n/a"), None);
        assert_eq!(
            compare_phones(&p("+14157452130"), &IdentityFields::default()),
            None
        );
    }
}
