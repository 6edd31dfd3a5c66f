//! SSNs that were published or voided and so never identify a real applicant.
//!
//! These are structurally valid numbers (the structural rules, area 000/666/900-999, group 00,
//! serial 0000, live in `ssn::impossible_part`) that became public: printed on a sample card,
//! or in an advertisement. Anyone giving one is either
//! testing, copying an example or lying. Sources per entry below and in `data/README.md`.

/// Published or voided SSNs as 9 ASCII digits, sorted ascending (binary-searched).
static KNOWN_INVALID: &[&str] = &[
    // SSA History, "Social Security Numbers: The Woolworth Wallet / Misused SSNs"
    // (ssa.gov/history/ssn/misused.html): the sample card sold in E. H. Ferree wallets at
    // Woolworth from 1938; over 40,000 people reported it as their own. Voided by SSA.
    "078051120",
    // SSA History, same page: printed on a sample card in an SSA pamphlet and then
    // reported by people as their own number.
    "219099999",
    // LifeLock advertising campaign (2006-2010): the CEO published his own SSN in
    // advertisements; it was then used in many identity-theft attempts (widely reported,
    // e.g. Wikipedia "LifeLock"; FTC v. LifeLock, 2010).
    "457555462",
    // Reserved by SSA for use in advertisements: 987-65-4320 .. 987-65-4329 (Wikipedia
    // "Social Security number", section "Valid SSNs"). Area 987 is already impossible
    // (900-999), listed here so the table stands on its own.
    "987654320",
    "987654321",
    "987654322",
    "987654323",
    "987654324",
    "987654325",
    "987654326",
    "987654327",
    "987654328",
    "987654329",
];

/// Whether `ssn9` (exactly 9 ASCII digits, no dashes: the caller normalises) is an SSN that was
/// published or voided, such as 078-05-1120 (Woolworth wallet insert) or 219-09-9999 (SSA
/// pamphlet). Any other input, including a dashed form, is `false`.
pub(crate) fn is_known_invalid(ssn9: &str) -> bool {
    ssn9.len() == 9
        && ssn9.bytes().all(|b| b.is_ascii_digit())
        && KNOWN_INVALID.binary_search(&ssn9).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table_is_sorted_unique_and_nine_digits() {
        assert!(KNOWN_INVALID.windows(2).all(|w| w[0] < w[1]));
        assert!(KNOWN_INVALID
            .iter()
            .all(|s| s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit())));
        assert_eq!(KNOWN_INVALID.len(), 13);
    }

    #[test]
    fn known_numbers() {
        for ssn in [
            "078051120",
            "219099999",
            "457555462",
            "987654320",
            "987654329",
        ] {
            assert!(is_known_invalid(ssn), "{ssn}");
        }
    }

    #[test]
    fn other_numbers_and_forms() {
        for s in [
            "078051121",
            "987654330",
            "987654319",
            "123456788",
            "078-05-1120",
            "07805112",
            "0780511200",
            " 078051120",
            "",
            "ABCDEFGHI",
        ] {
            assert!(!is_known_invalid(s), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,12}") {
            let _ = is_known_invalid(&s);
        }

        #[test]
        fn agrees_with_a_linear_scan(n in 0u32..1_000_000_000) {
            let s = format!("{n:09}");
            prop_assert_eq!(is_known_invalid(&s), KNOWN_INVALID.contains(&s.as_str()));
        }
    }
}
