//! One fixture per finding code (`tests/fixtures/findings/<code>.json`): each triggers exactly
//! its code (and the codes it implies, [`IMPLIES`]); the clean base triggers none. The codes
//! of a decision made with an applicant have an envelope `{"session", "applicant"}` as their
//! fixture.

use layer_risk::{parse_session, validate, Code, Decision, Observed, Outcome, RuleSet};

use super::util::{self, as_of, base, codes, SHIPPED};

/// Codes that cannot fire without another: a missing street line is also an incomplete
/// address, no identification number is also no full SSN, an applicant under the minimum
/// age beside an adult Layer identity is also a date-of-birth mismatch, an IDV pending
/// review or in an unknown state has also not completed.
const IMPLIES: &[(Code, Code)] = &[
    (Code::AddressStreetMissing, Code::AddressIncomplete),
    (Code::TinMissing, Code::SsnMissing),
    (Code::DobApplicantUnderMinAge, Code::DobApplicantMismatch),
    (Code::IdvPendingReview, Code::IdvNotCompleted),
    (Code::IdvStatusUnknown, Code::IdvNotCompleted),
    (Code::IdentityMatchNameFailed, Code::IdentityMatchRan),
    (Code::IdentityMatchAddressFailed, Code::IdentityMatchRan),
    (Code::IdentityMatchPhoneFailed, Code::IdentityMatchRan),
    (Code::IdentityMatchEmailFailed, Code::IdentityMatchRan),
];

/// Codes a shipped file's age bounds keep from firing: lending's `age.max` is 110, so an age
/// over 110 is its `dob_over_max_age`.
const CANNOT_FIRE: &[(&str, Code)] = &[("lending", Code::DobImplausibleAge)];

/// The decision on a fixture (a response or an envelope) under `rules`.
fn decide(doc: &serde_json::Value, rules: &RuleSet) -> Decision<'static> {
    util::decide(doc, rules)
}

/// The finding codes of a fixture: validation's for a response, the default decision's
/// findings for an envelope.
fn fixture_codes(doc: &serde_json::Value) -> Vec<Code> {
    if doc.get("session").is_none() {
        return codes(doc);
    }
    decide(doc, RuleSet::embedded_default())
        .reasons
        .iter()
        .filter_map(|r| Code::from_name(r.code.as_str()))
        .collect()
}

fn fixture_json(code: Code) -> serde_json::Value {
    let text = util::read_fixture(&format!("findings/{}.json", code.as_str()));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_code_has_a_fixture() {
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !util::fixture(&format!("findings/{c}.json")).is_file())
        .collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}

#[test]
fn every_fixture_names_a_code() {
    let dir = util::fixture("findings");
    let mut stray = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let stem = name.strip_suffix(".json").unwrap_or(&name);
        if Code::from_name(stem).is_none() {
            stray.push(name);
        }
    }
    assert!(
        stray.is_empty(),
        "fixtures not named after a code: {stray:?}"
    );
}

#[test]
fn each_fixture_yields_exactly_its_code() {
    for &code in Code::ALL {
        let mut got = fixture_codes(&fixture_json(code));
        got.sort();
        let mut want: Vec<Code> = IMPLIES
            .iter()
            .filter(|(c, _)| *c == code)
            .map(|(_, implied)| *implied)
            .chain([code])
            .collect();
        want.sort();
        assert_eq!(got, want, "fixture {code}");
    }
}

#[test]
fn each_fixture_is_reported_under_every_shipped_rules_file() {
    for name in SHIPPED {
        let rules = util::shipped(name);
        for &code in Code::ALL {
            if CANNOT_FIRE.contains(&(name, code)) {
                continue;
            }
            let d = decide(&fixture_json(code), rules);
            let price = rules.price(code).unwrap();
            let r = d
                .reasons
                .iter()
                .find(|r| r.code == code.as_str())
                .unwrap_or_else(|| panic!("{name}: {code} not among the reasons"));
            assert_eq!(r.rule_id, code.as_str());
            if code.field() != layer_risk::Field::EditHistory {
                assert_eq!(r.field, code.field().as_str(), "{name}: {code}");
            }
            assert_eq!(i64::from(r.points), price.points, "{name}: {code}");
            assert_eq!(r.force, price.force, "{name}: {code}");
        }
    }
}

#[test]
fn clean_base_yields_no_finding_and_trust_everywhere() {
    assert_eq!(codes(&base()), vec![]);
    for name in SHIPPED {
        let rules = util::shipped(name);
        let d = decide(&base(), rules);
        assert_eq!(d.outcome, Outcome::Trust, "{name}");
        assert_eq!(d.score, 0, "{name}");
        assert!(d.reasons.is_empty(), "{name}: {:?}", d.reasons);
        assert_eq!(d.request_id.as_deref(), Some("reqBase"));
    }
}

#[test]
fn findings_observe_what_the_code_documents() {
    use Observed::{Label, Number};
    let label = |s: &'static str| Some(Label(s.into()));
    let table: &[(Code, Option<Observed>, Option<u64>)] = &[
        (Code::NameIncomplete, label("last_name"), None),
        (Code::NameImplausible, label("first_name"), None),
        (Code::AddressIncomplete, label("city"), None),
        (Code::AddressNonUs, label("CA"), None),
        (Code::PhoneOutsideNanp, label("GB"), None),
        (Code::DobUnderMinAge, Some(Number(11)), Some(18)),
        (Code::DobOverMaxAge, Some(Number(136)), Some(120)),
        (Code::DobImplausibleAge, Some(Number(112)), Some(110)),
        (Code::PhoneOutsideUs, label("CA"), None),
        (Code::PhoneServiceNumber, label("toll_free"), None),
        (Code::SsnSequential, label("sequential"), None),
        (Code::NameConfusable, label("last_name"), None),
        (Code::SsnImpossible, label("area"), None),
        (Code::EditWindowsMissing, Some(Number(1)), None),
        (Code::EditWindowsNotNested, label("current>1d"), None),
        (Code::IdvNotCompleted, label("expired"), None),
    ];
    let rules = RuleSet::embedded_default();
    for (code, observed, threshold) in table {
        let text = fixture_json(*code).to_string();
        let s = parse_session(&text).unwrap();
        let f = validate(&s, as_of(), rules.ages());
        assert_eq!(f.len(), 1, "{code}");
        // Compared as written in decisions (a region is its own variant, shown as a label).
        let shown = |o: &Option<layer_risk::Observed>| o.as_ref().map(|o| o.to_string());
        assert_eq!(shown(&f[0].observed), shown(observed), "{code}");
        assert_eq!(&f[0].threshold, threshold, "{code}");
    }
}

#[test]
fn edit_findings_name_their_field() {
    use layer_risk::EditField;
    let cases = [
        (Code::EditCountsMissing, EditField::Name),
        (Code::EditWindowsMissing, EditField::Email),
        (Code::EditWindowsNotNested, EditField::Address),
    ];
    for (code, field) in cases {
        let text = fixture_json(code).to_string();
        let s = parse_session(&text).unwrap();
        let f = validate(&s, as_of(), Default::default());
        assert_eq!(f[0].subject, Some(field), "{code}");
        let d = decide(&fixture_json(code), RuleSet::embedded_default());
        assert_eq!(d.reasons[0].field, field.as_str(), "{code}");
    }
}

#[test]
fn codes_round_trip_and_are_unique() {
    let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    for &c in Code::ALL {
        assert_eq!(Code::from_name(c.as_str()), Some(c));
        assert!(!c.description().is_empty());
        assert_eq!(c.to_string(), c.as_str());
    }
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Code::ALL.len());
    assert_eq!(Code::from_name("edit_rule"), None);
    assert_eq!(
        Code::from_name(layer_risk::IDENTITY_MATCH_UNAVAILABLE),
        None
    );
}
