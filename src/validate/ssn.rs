//! SSN: 9 digits and not a number the SSA never issues; `ssn_last_4` agrees with it.

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
        assert_eq!(codes(Some("123456789"), Some("6789"), None), none);
        assert_eq!(codes(Some("123456789"), None, Some("6789")), none);
        assert_eq!(codes(None, None, None), vec![("ssn_missing", None)]);
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
            codes(Some("123456789"), Some("1234"), None),
            vec![("ssn_last4_mismatch", None)]
        );
        assert_eq!(
            codes(Some("123456789"), Some("6789"), Some("6788")),
            vec![("ssn_last4_mismatch", None)]
        );
        assert_eq!(
            codes(Some("123456789"), Some("67a9"), None),
            vec![("ssn_last4_malformed", None)]
        );
        assert_eq!(
            codes(Some("123456789"), Some("06789"), None),
            vec![("ssn_last4_malformed", None)]
        );
        assert_eq!(
            codes(Some("１２３456789"), None, None),
            vec![("ssn_malformed", None)]
        );
    }
}
