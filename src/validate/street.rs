//! Street line: is it a post-office box or a private mailbox rather than a street address?
//!
//! CIP (31 CFR 1020.220) wants a residential or business street address for an individual,
//! not a PO Box; APO/FPO/DPO military addresses are an allowed exception. Patterns follow
//! USPS Publication 28 (Postal Addressing Standards, sections on Post Office Box, Private
//! Mailbox and military addresses); see `data/README.md`.
//!
//! Matching is case-insensitive on the street line as given. Deliberately NOT flagged:
//! a bare `#` (a CMRA suite looks like any apartment number), `Post Office Rd` and other
//! streets that merely contain the words (`Boxwood Rd`, `Box Elder Dr`, `123 Box Canyon Rd`,
//! `Pobox St`, `Poplar Ave`), rural-route and highway-contract boxes (`RR 2 Box 45`,
//! `HC 1 Box 3`: USPS delivery addresses without a street, not PO Boxes) and General Delivery.

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};

/// What kind of non-street mailbox a street line names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PoBoxKind {
    /// A USPS Post Office Box in any spelling: `PO Box 12`, `P.O. Box`, `P O Box`, `POB 12`,
    /// `Post Office Box`, `Box 12` at the start, `PO Drawer`, `Caller Service 12`, `Lockbox 7`,
    /// `Apartado 123` (Puerto Rico).
    PoBox,
    /// A Private Mailbox at a commercial mail receiving agency: `PMB 123`, `P.M.B. 5`,
    /// `Private Mailbox`.
    PrivateMailbox,
}

/// Optional box-number introducer (`#`, `No.`, `Number`) then the number itself (a digit,
/// possibly after one letter and a dash: `A-12`).
const NUMBER: &str = r"\s*(?:no\.?|num(?:ber)?\.?|\#)?\s*(?:[a-z]-?)?\d";

/// `P.O.`, `PO`, `P O`, `P. O.` (the start of a word).
const PO: &str = r"\bp\s*\.?\s*o\s*\.?\s*";

fn build(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .ok()
}

/// Post Office Box spellings. `None` only if the pattern failed to compile (a test rules it out).
static PO_BOX: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let alternatives = [
        // PO Box 12, P.O. Box, P O Box, POBox 12, PO Bx 12, PO Drawer 5: a number or nothing after.
        format!(r"{PO}(?:box|bx|drawer|drwr)\b(?:{NUMBER}|\s*$)"),
        // POB 12, P.O.B. 12: only with a number.
        format!(r"{PO}b\b\.?{NUMBER}"),
        // Post Office Box 12, Post Box 12, Postal Box, Postbox 12, Post Office Drawer 3.
        format!(r"\bpost(?:al)?\s*(?:office\s*)?(?:box|drawer)\b(?:{NUMBER}|\s*$)"),
        // Box 12 / Drawer 12 at the start of the line.
        format!(r"^\s*(?:box|drawer){NUMBER}"),
        // Caller Service 12, Firm Caller.
        format!(r"\bcaller\s*(?:service|svc)\b{NUMBER}"),
        r"\bfirm\s+caller\b".to_owned(),
        // Lockbox 7, Lock Box 7.
        format!(r"\block\s*box\b{NUMBER}"),
        // Apartado 123, Apartado Postal 123 (Puerto Rico's PO Box), at the start.
        format!(r"^\s*apartado\s*(?:postal\s*)?{NUMBER}"),
    ];
    build(&alternatives.join("|"))
});

/// Private Mailbox spellings.
static PMB: LazyLock<Option<Regex>> = LazyLock::new(|| {
    build(&format!(
        r"\bp\s*\.?\s*m\s*\.?\s*b\b\.?{NUMBER}|\bprivate\s*mail\s*box\b(?:{NUMBER}|\s*$)"
    ))
});

/// APO/FPO/DPO street lines: `PSC 1234 Box 5678`, `Unit 2050 Box 4190`, `CMR 450 Box 12`.
static MILITARY: LazyLock<Option<Regex>> =
    LazyLock::new(|| build(r"^\s*(?:psc|unit|cmr)\s*\#?\s*\d+[\s,]*box\s*\#?\s*\d+"));

fn matches(re: &LazyLock<Option<Regex>>, s: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(s))
}

/// Whether the lower-cased `s` starts with the letters of `word`, with only bytes that are no
/// ASCII letter or digit between them (`p.o. b`, `p m b`).
fn spelled(s: &[u8], word: &[u8]) -> bool {
    let mut j = 0;
    for (k, want) in word.iter().enumerate() {
        if k > 0 {
            while j < s.len() && !s[j].is_ascii_alphanumeric() {
                j += 1;
            }
        }
        match s.get(j) {
            Some(c) if c == want => j += 1,
            _ => return false,
        }
    }
    true
}

/// Whether a street line is an APO/FPO/DPO military address (`PSC 1234 Box 5678`,
/// `Unit 2050 Box 4190`, `CMR 450 Box 12` at the start of the line). CIP allows these for
/// individuals, so [`po_box_kind`] returns `None` for them.
pub(crate) fn military_box(street: &str) -> bool {
    matches(&MILITARY, street)
}

/// The kind of mailbox a street line names instead of a street address, or `None` for a
/// street address (and for military addresses, see [`military_box`]).
///
/// A line naming both a PO Box and a PMB is [`PoBoxKind::PoBox`]. A bare `#` is never flagged.
pub(crate) fn po_box_kind(street: &str) -> Option<PoBoxKind> {
    // Every pattern needs one of these words, or the letters p-o-b or p-m-b with nothing but
    // punctuation or spaces between them: most street lines have none and skip the regexes.
    // Checked on a lower-cased copy on the stack (a longer line goes to the regexes).
    let mut buf = [0u8; 128];
    let candidate = match buf.get_mut(..street.len()) {
        None => true,
        Some(lower) => {
            lower.copy_from_slice(street.as_bytes());
            lower.make_ascii_lowercase();
            let lower = &*lower;
            memchr::memchr3_iter(b'b', b'd', b'p', lower).any(|i| {
                let rest = &lower[i..];
                match rest[0] {
                    b'b' => rest.starts_with(b"box") || rest.starts_with(b"bx"),
                    b'd' => rest.starts_with(b"drawer") || rest.starts_with(b"drwr"),
                    _ => {
                        rest.starts_with(b"private")
                            || spelled(rest, b"pob")
                            || spelled(rest, b"pmb")
                    }
                }
            }) || memchr::memmem::find(lower, b"caller").is_some()
                || memchr::memmem::find(lower, b"apartado").is_some()
        }
    };
    if !candidate {
        return None;
    }
    let kind = if matches(&PO_BOX, street) {
        PoBoxKind::PoBox
    } else if matches(&PMB, street) {
        PoBoxKind::PrivateMailbox
    } else {
        return None;
    };
    (!military_box(street)).then_some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn patterns_compile() {
        assert!(PO_BOX.is_some());
        assert!(PMB.is_some());
        assert!(MILITARY.is_some());
    }

    #[test]
    fn po_boxes() {
        for s in [
            "PO Box 12",
            "po box 12",
            "P.O. Box 12",
            "P. O. Box 12",
            "P O Box 12",
            "P.O.Box 12",
            "POBox 12",
            "POBOX 12",
            "PO Box #12",
            "PO Box No. 12",
            "PO Box A-12",
            "P.O. Box",
            "PO Box",
            "PO Bx 7",
            "POB 12",
            "P.O.B. 12",
            "Post Office Box 12",
            "post office box",
            "Post Box 12",
            "Postal Box 9",
            "Postbox 12",
            "Box 12",
            "  box #12",
            "Box No 4",
            "PO Drawer 5",
            "P.O. Drawer 5",
            "Drawer 5",
            "Post Office Drawer 3",
            "Caller Service 12",
            "Caller Svc 9",
            "Firm Caller",
            "Lockbox 77",
            "Lock Box 77",
            "Apartado 123",
            "Apartado Postal 9",
            "123 Main St, PO Box 4",
            "123 Main St PO Box 4 PMB 5",
        ] {
            assert_eq!(po_box_kind(s), Some(PoBoxKind::PoBox), "{s:?}");
        }
    }

    #[test]
    fn private_mailboxes() {
        // A street named after a mailbox is a street.
        assert_eq!(po_box_kind("12 Private Mail Box Rd"), None);
        for s in [
            "PMB 123",
            "123 Main St PMB 456",
            "123 Main St Ste 100 PMB 5",
            "P.M.B. 5",
            "pmb #9",
            "123 Main St Private Mailbox 5",
            "Private Mail Box",
        ] {
            assert_eq!(po_box_kind(s), Some(PoBoxKind::PrivateMailbox), "{s:?}");
        }
    }

    #[test]
    fn streets_are_not_boxes() {
        for s in [
            "Boxwood Rd",
            "123 Boxwood Rd",
            "Pobox St",
            "12 Pobox St",
            "Box Elder Dr",
            "123 Box Canyon Rd",
            "123 Box St",
            "Poplar Ave",
            "123 Post Office Rd",
            "Post Office Sq",
            "1 Post Office Square",
            "123 Main St #4",
            "123 Main St # 123",
            "500 Pobre Ln",
            "Drawbridge Rd",
            "12 Postal Way",
            "Lockwood Dr",
            "RR 2 Box 45",
            "HC 1 Box 3",
            "123 Caller Rd",
            "Pmbroke Ave",
            "Apartment 4",
            "Apt 12",
            "",
            "1600 Pennsylvania Ave NW",
        ] {
            assert_eq!(po_box_kind(s), None, "{s:?}");
        }
    }

    #[test]
    fn military_is_allowed() {
        for s in [
            "PSC 1234 Box 5678",
            "Unit 2050 Box 4190",
            "CMR 450 Box 12",
            "psc 3, box 1234",
        ] {
            assert!(military_box(s), "{s:?}");
            assert_eq!(po_box_kind(s), None, "{s:?}");
        }
        assert!(!military_box("PO Box 12"));
        assert!(!military_box("123 Main St Unit 5"));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = po_box_kind(&s);
            let _ = military_box(&s);
        }

        #[test]
        fn numbered_po_box_always_found(prefix in "([0-9]{1,5} [A-Za-z]{1,10} (St|Ave),)?", n in 1u32..100_000) {
            let s = format!("{prefix} PO Box {n}");
            prop_assert_eq!(po_box_kind(&s), Some(PoBoxKind::PoBox));
        }
    }
}
