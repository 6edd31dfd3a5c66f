//! Name: first and last name present and plausible.

use super::script::{name_part_verdict, NamePart};
use crate::finding::{Code, Finding};
use crate::session::Name;

/// Is a name part implausible (see `script::name_part_verdict`): digits, markup or other
/// symbols, control or invisible characters, no letter, a run of one letter, over 100
/// characters. Typographic hyphens and apostrophes and the middle dot are name characters.
#[cfg(test)]
fn implausible(part: &str) -> bool {
    matches!(name_part_verdict(part), NamePart::Invalid(_))
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
    for (part, label) in [(first, "first_name"), (last, "last_name")] {
        match part.map(name_part_verdict) {
            Some(NamePart::Invalid(_)) => {
                out.push(Finding::new(Code::NameImplausible).observed(label))
            }
            Some(NamePart::MixedScript) => {
                out.push(Finding::new(Code::NameMixedScript).observed(label))
            }
            Some(NamePart::Confusable(_)) => {
                out.push(Finding::new(Code::NameConfusable).observed(label))
            }
            _ => {}
        }
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
