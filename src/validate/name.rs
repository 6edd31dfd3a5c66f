//! Name: first and last name present and plausible.

use super::script::{genuinely_foreign, name_part_verdict, NamePart};
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
    // A part made only of another script's look-alikes of Latin letters is a whole-script
    // confusable unless the name shows it is genuinely written in that script.
    let foreign = first.is_some_and(genuinely_foreign) || last.is_some_and(genuinely_foreign);
    for (part, label) in [(first, "first_name"), (last, "last_name")] {
        match part.map(name_part_verdict) {
            Some(NamePart::Confusable("whole_script")) if foreign => {}
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

    /// A part made only of look-alikes is a whole-script confusable unless another part of
    /// the same name is genuinely in that script.
    #[test]
    fn whole_script_is_judged_on_the_whole_name() {
        let codes = |first: &str, last: &str| {
            let name = Name {
                first_name: Some(first.into()),
                last_name: Some(last.into()),
            };
            let mut out = Vec::new();
            check(Some(&name), &mut out);
            out.iter()
                .map(|f| (f.code, f.observed.as_ref().map(|o| o.to_string())))
                .collect::<Vec<_>>()
        };
        // Russian names whose first part happens to read as Latin: trusted.
        for (first, last) in [("Анна", "Иванова"), ("Вера", "Смирнова"), ("Анна", "Ким")]
        {
            assert!(codes(first, last).is_empty(), "{first} {last}");
        }
        // The attack: every part in look-alikes, or one beside a Latin part.
        let confusable = |label: &str| (Code::NameConfusable, Some(label.to_owned()));
        assert_eq!(codes("Ѕмітн", "Јоhnѕоn").len(), 2);
        assert_eq!(codes("John", "Ѕмітн"), [confusable("last_name")]);
        assert_eq!(
            codes("Вера", "Веер"),
            [confusable("first_name"), confusable("last_name")]
        );
    }
}
