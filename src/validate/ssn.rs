//! SSN: 9 digits and not a number the SSA never issues, was published, or looks like a
//! placeholder; `ssn_last_4` agrees with it; some identification number is there at all.
//!
//! # The placeholder family (`ssn_sequential`)
//! Exactly these 30 numbers (nine digits `d0 d1 ... d8`):
//! * **ascending**: `d(i+1) = d(i) + 1 (mod 10)`: `012345678`, `123456789`, `234567890`, ...,
//!   `901234567`;
//! * **descending**: `d(i+1) = d(i) - 1 (mod 10)`: `987654321`, `876543210`, ...,
//!   `098765432`, `109876543`;
//! * **repeated**: one digit nine times, `000000000` to `999999999`.
//!
//! Those in a range the SSA never issues (area 000, 666, 9xx: `000000000`, `666666666`,
//! `901234567`, `987654321`, `999999999`, ...) are `ssn_impossible`, which wins, as it wins
//! over `ssn_published`; a published number wins over a placeholder. Real SSNs have been
//! randomised since 2011, and a run like these is what a person types to get past a form.

use crate::finding::{Code, Finding};

/// Why an SSN-shaped string can never be an issued SSN, if it cannot.
///
/// The SSA never issues area 000, 666 or 900-999 (the 9xx range is used by ITINs), group 00
/// or serial 0000.
pub(crate) fn impossible_part(ssn: &[u8; 9]) -> Option<&'static str> {
    let area = &ssn[0..3];
    if area == b"000" || area == b"666" || area[0] == b'9' {
        Some("area")
    } else if &ssn[3..5] == b"00" {
        Some("group")
    } else if &ssn[5..9] == b"0000" {
        Some("serial")
    } else {
        None
    }
}

/// `"sequential"` or `"repeated"` when `ssn` is one of the placeholder family (module docs).
pub(crate) fn placeholder(ssn: &[u8; 9]) -> Option<&'static str> {
    // ASCII digits: the difference of two of them is the difference of their values.
    let diff = |w: &[u8]| (10 + w[1] - w[0]) % 10;
    let first = diff(&ssn[0..2]);
    if !ssn.windows(2).all(|w| diff(w) == first) {
        return None;
    }
    match first {
        0 => Some("repeated"),
        1 | 9 => Some("sequential"),
        _ => None,
    }
}

fn digits<const N: usize>(raw: &str) -> Option<&[u8; N]> {
    let b: &[u8; N] = raw.as_bytes().try_into().ok()?;
    b.iter().all(u8::is_ascii_digit).then_some(b)
}

pub(crate) fn check(
    ssn: Option<&str>,
    last_4: Option<&str>,
    last4: Option<&str>,
    out: &mut Vec<Finding>,
) {
    let full = match ssn {
        None => {
            out.push(Finding::new(Code::SsnMissing));
            if last_4.is_none() && last4.is_none() {
                out.push(Finding::new(Code::TinMissing));
            }
            None
        }
        Some(raw) => match digits::<9>(raw) {
            None => {
                out.push(Finding::new(Code::SsnMalformed));
                None
            }
            Some(d) => {
                if let Some(part) = impossible_part(d) {
                    out.push(Finding::new(Code::SsnImpossible).observed(part));
                } else if super::known_ssn::is_known_invalid(raw) {
                    out.push(Finding::new(Code::SsnPublished));
                } else if let Some(kind) = placeholder(d) {
                    out.push(Finding::new(Code::SsnSequential).observed(kind));
                }
                Some(d)
            }
        },
    };
    let mut malformed = false;
    let mut mismatch = false;
    let mut seen: Option<&[u8; 4]> = None;
    for raw in [last_4, last4].into_iter().flatten() {
        match digits::<4>(raw) {
            None => malformed = true,
            Some(l4) => {
                if full.is_some_and(|f| &f[5..9] != l4) || seen.is_some_and(|s| s != l4) {
                    mismatch = true;
                }
                seen = Some(l4);
            }
        }
    }
    if malformed {
        out.push(Finding::new(Code::SsnLast4Malformed));
    }
    if mismatch {
        out.push(Finding::new(Code::SsnLast4Mismatch));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(
        ssn: Option<&str>,
        l4: Option<&str>,
        l4b: Option<&str>,
    ) -> Vec<(&'static str, Option<String>)> {
        let mut out = Vec::new();
        check(ssn, l4, l4b, &mut out);
        out.iter()
            .map(|f| (f.code.as_str(), f.observed.as_ref().map(|o| o.to_string())))
            .collect()
    }

    #[test]
    fn ssn_table() {
        let none: Vec<(&str, Option<String>)> = vec![];
        assert_eq!(codes(Some("524781963"), Some("1963"), None), none);
        assert_eq!(codes(Some("524781963"), None, Some("1963")), none);
        assert_eq!(
            codes(None, None, None),
            vec![("ssn_missing", None), ("tin_missing", None)]
        );
        assert_eq!(codes(None, Some("6789"), None), vec![("ssn_missing", None)]);
        assert_eq!(
            codes(Some("123-45-6789"), None, None),
            vec![("ssn_malformed", None)]
        );
        assert_eq!(
            codes(Some("12345678"), None, None),
            vec![("ssn_malformed", None)]
        );
        assert_eq!(
            codes(Some("1234567890"), None, None),
            vec![("ssn_malformed", None)]
        );
        assert_eq!(
            codes(Some("000456789"), None, None),
            vec![("ssn_impossible", Some("area".into()))]
        );
        assert_eq!(
            codes(Some("666456789"), None, None),
            vec![("ssn_impossible", Some("area".into()))]
        );
        assert_eq!(
            codes(Some("987654321"), Some("4321"), None),
            vec![("ssn_impossible", Some("area".into()))]
        );
        assert_eq!(
            codes(Some("123006789"), None, None),
            vec![("ssn_impossible", Some("group".into()))]
        );
        assert_eq!(
            codes(Some("123450000"), None, None),
            vec![("ssn_impossible", Some("serial".into()))]
        );
        assert_eq!(
            codes(Some("524781963"), Some("1234"), None),
            vec![("ssn_last4_mismatch", None)]
        );
        assert_eq!(
            codes(Some("524781963"), Some("1963"), Some("1962")),
            vec![("ssn_last4_mismatch", None)]
        );
        assert_eq!(
            codes(Some("524781963"), Some("19a3"), None),
            vec![("ssn_last4_malformed", None)]
        );
        assert_eq!(
            codes(Some("524781963"), Some("01963"), None),
            vec![("ssn_last4_malformed", None)]
        );
        assert_eq!(
            codes(Some("１２３456789"), None, None),
            vec![("ssn_malformed", None)]
        );
        assert_eq!(
            codes(Some("123456789"), Some("6789"), None),
            vec![("ssn_sequential", Some("sequential".into()))]
        );
        assert_eq!(
            codes(Some("555555555"), None, None),
            vec![("ssn_sequential", Some("repeated".into()))]
        );
        // Impossible and published win over a placeholder.
        assert_eq!(
            codes(Some("999999999"), None, None),
            vec![("ssn_impossible", Some("area".into()))]
        );
    }

    /// The family of the module docs, listed: 10 ascending, 10 descending, 10 repeated.
    fn family() -> Vec<String> {
        let mut out = Vec::new();
        for start in 0..10u8 {
            let run = |step: u8| -> String {
                (0..9u8)
                    .map(|i| char::from(b'0' + (start + step * i) % 10))
                    .collect()
            };
            out.push(run(1));
            out.push(run(9));
            out.push(run(0));
        }
        out
    }

    #[test]
    fn the_family_is_thirty_numbers_and_each_is_caught() {
        let family = family();
        let mut sorted = family.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 30);
        for ssn in &family {
            let mut out = Vec::new();
            check(Some(ssn), None, None, &mut out);
            let code = out[0].code;
            assert!(
                matches!(code, Code::SsnSequential | Code::SsnImpossible),
                "{ssn}: {code}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// Generated from the grammar: a start digit, a step of +1, -1 or 0 (mod 10).
        #[test]
        fn prop_placeholders_are_caught(start in 0u8..10, step in proptest::sample::select(vec![0u8, 1, 9])) {
            let ssn: String = (0..9u8).map(|i| char::from(b'0' + (start + step * i) % 10)).collect();
            let mut out = Vec::new();
            check(Some(&ssn), None, None, &mut out);
            proptest::prop_assert!(
                out.iter().any(|f| matches!(f.code, Code::SsnSequential | Code::SsnImpossible)),
                "{}", ssn
            );
        }

        /// Any other nine digits the SSA can issue is no placeholder.
        #[test]
        fn prop_other_numbers_are_not_placeholders(n in 0u32..1_000_000_000) {
            let ssn = format!("{n:09}");
            let d: &[u8; 9] = ssn.as_bytes().try_into().unwrap_or(&[b'0'; 9]);
            proptest::prop_assert_eq!(placeholder(d).is_some(), family().contains(&ssn));
        }
    }
}
