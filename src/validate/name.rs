//! Name: first and last name present and plausible.

use crate::finding::{Code, Finding};
use crate::session::Name;

/// Why a name part is implausible, if it is: digits, symbols other than the ones names use
/// (space, hyphen, apostrophe, period, comma), control characters, no letter at all, a run of
/// four or more of the same letter, or over 100 characters.
pub(crate) fn implausible(part: &str) -> bool {
    if part.chars().count() > 100 || !part.chars().any(char::is_alphabetic) {
        return true;
    }
    let mut run = 0;
    let mut prev = None;
    for c in part.chars() {
        let ok = c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’' | '.' | ',') || is_mark(c);
        if !ok {
            return true;
        }
        let lower = c.to_lowercase().next();
        if c.is_alphabetic() && lower == prev {
            run += 1;
            if run >= 4 {
                return true;
            }
        } else {
            run = 1;
            prev = lower;
        }
    }
    false
}

/// Combining marks (a decomposed accent) are part of a name.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

pub(crate) fn check(name: Option<&Name<'_>>, out: &mut Vec<Finding>) {
    let first = name
        .and_then(|n| n.first_name.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let last = name
        .and_then(|n| n.last_name.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match (first, last) {
        (None, None) => {
            out.push(Finding::new(Code::NameMissing));
            return;
        }
        (None, Some(_)) => out.push(Finding::new(Code::NameIncomplete).observed("first_name")),
        (Some(_), None) => out.push(Finding::new(Code::NameIncomplete).observed("last_name")),
        _ => {}
    }
    if first.is_some_and(implausible) {
        out.push(Finding::new(Code::NameImplausible).observed("first_name"));
    }
    if last.is_some_and(implausible) {
        out.push(Finding::new(Code::NameImplausible).observed("last_name"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_names() {
        for ok in [
            "Leslie",
            "Knope",
            "O'Brien",
            "García-López",
            "Mary Ann",
            "St. John",
            "Zoë",
            "李",
            "Jr.,",
            "Aaron",
        ] {
            assert!(!implausible(ok), "{ok}");
        }
        for bad in [
            "L3slie",
            "<script>",
            "",
            "---",
            "Aaaaaron",
            "x\u{0007}",
            "@@",
            &"a".repeat(101),
        ] {
            assert!(implausible(bad), "{bad:?}");
        }
    }
}
