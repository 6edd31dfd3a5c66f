//! The two seed samples (Plaid's Layer guide and API reference) under each shipped rules file.
//!
//! Both SSNs are 987654321: area 987 is in the 900-999 (ITIN) range the SSA never issues, so
//! `ssn_impossible` (area). Both have an address edited in this session (edits_current 1).
//! Everything else is clean (valid US phone, plausible name, full US address, adult DOB),
//! except that the API reference's sample puts Pawnee, IN at ZIP 41006, a Kentucky ZIP
//! (sectional centre 410): `address_zip_region_mismatch`.

use layer_risk::{parse_session, Outcome};

use super::util::{self, as_of, SHIPPED};

type Expect = (
    &'static str,
    Outcome,
    u32,
    &'static [(&'static str, &'static str)],
);

const IMPOSSIBLE: (&str, &str) = ("ssn_impossible", "ssn_impossible");
const ADDRESS_NOW: (&str, &str) = ("edit_rule", "address-edited-this-session");
const ZIP_STATE: (&str, &str) = ("address_zip_region_mismatch", "address_zip_region_mismatch");
/// Every shipped file has this 0-point rule, a part of `name-and-address-edited-today`.
const ADDRESS_TODAY: (&str, &str) = ("edit_rule", "address-edited-today");
/// Lending's 0-point part of `ssn-and-name-edited-this-year` (the samples' name was edited
/// once this year).
const NAME_YEAR: (&str, &str) = ("edit_rule", "name-edited-this-year");

/// The Layer guide's sample under each shipped file.
const GUIDE: &[Expect] = &[
    (
        "default",
        Outcome::IdentityVerification,
        70,
        &[IMPOSSIBLE, ADDRESS_NOW, ADDRESS_TODAY],
    ),
    (
        "lending",
        Outcome::IdentityVerification,
        75,
        &[IMPOSSIBLE, ADDRESS_NOW, NAME_YEAR, ADDRESS_TODAY],
    ),
    // payments: ssn_impossible costs 40 and forces identity_verification: an impossible SSN
    // is invalid identity data that only Identity Verification can settle, even for
    // low-friction payments. Its address rule needs 3 edits in 1d.
    (
        "payments",
        Outcome::IdentityVerification,
        40,
        &[IMPOSSIBLE, ADDRESS_TODAY],
    ),
];

/// The API reference's sample: the same plus the ZIP of another state.
const REFERENCE: &[Expect] = &[
    (
        "default",
        Outcome::IdentityVerification,
        90,
        &[IMPOSSIBLE, ZIP_STATE, ADDRESS_NOW, ADDRESS_TODAY],
    ),
    (
        "lending",
        Outcome::IdentityVerification,
        105,
        &[IMPOSSIBLE, ZIP_STATE, ADDRESS_NOW, NAME_YEAR, ADDRESS_TODAY],
    ),
    (
        "payments",
        Outcome::IdentityVerification,
        50,
        &[IMPOSSIBLE, ZIP_STATE, ADDRESS_TODAY],
    ),
];

const SEEDS: [(&str, &str, &[Expect]); 2] = [
    ("seed_layer_guide.json", "j0LkqT9OPdVwjwh", GUIDE),
    ("seed_api_reference.json", "m8MDnv9okwxFNBV", REFERENCE),
];

#[test]
fn seed_decisions_under_each_shipped_rules_file() {
    for (file, request_id, expected) in SEEDS {
        assert_eq!(expected.len(), SHIPPED.len());
        let text = util::read_fixture(file);
        for &(name, outcome, score, reasons) in expected {
            let rules = util::shipped(name);
            let d = util::scorer(rules)
                .assess(text.as_bytes(), &layer_risk::Context::NONE)
                .unwrap();
            let what = format!("{file} under {name}");
            assert_eq!(d.outcome, outcome, "{what}");
            assert_eq!(d.score, score, "{what}");
            let got: Vec<(&str, &str)> = d
                .reasons
                .iter()
                .map(|r| (r.code.as_str(), r.rule_id))
                .collect();
            assert_eq!(got, reasons, "{what}");
            assert_eq!(d.request_id.as_deref(), Some(request_id));
            assert_eq!(d.rules, rules.id());
            assert_eq!(d.as_of, as_of());
            let imp = &d.reasons[0];
            assert_eq!(
                imp.observed.as_ref().map(|o| o.to_string()),
                Some("area".into())
            );
            if let Some(edit) = d.reasons.iter().find(|r| r.rule_id == ADDRESS_NOW.1) {
                assert_eq!(edit.field, "address");
                assert_eq!(edit.window, Some(layer_risk::Window::Current));
                assert_eq!(edit.threshold, Some(1));
            }
        }
    }
}

#[test]
fn layer_guide_spells_ssn_last4_and_it_is_read() {
    let text = util::read_fixture("seed_layer_guide.json");
    let s = parse_session(&text).unwrap();
    let id = s.identity.as_ref().unwrap();
    assert!(id.ssn_last_4.is_none());
    assert_eq!(id.ssn_last_four(), Some("4321"));
    assert_eq!(s.items.map(|n| n.0), Some(1));
}

#[test]
fn seeds_with_an_issuable_ssn_and_an_indiana_zip_are_clean_but_for_the_address_edit() {
    for (file, _, _) in SEEDS {
        let mut v: serde_json::Value = serde_json::from_str(&util::read_fixture(file)).unwrap();
        util::set(&mut v, "/identity/ssn", "123454321".into());
        util::set(&mut v, "/identity/address/postal_code", "46001".into());
        let d = util::decide(&v, layer_risk::RuleSet::embedded_default());
        assert_eq!(
            util::reason_ids(&d),
            vec![
                ("edit_rule".into(), "address-edited-this-session".into()),
                ("edit_rule".into(), "address-edited-today".into())
            ],
            "{file}"
        );
        assert_eq!((d.outcome, d.score), (Outcome::Trust, 10), "{file}");
    }
}
