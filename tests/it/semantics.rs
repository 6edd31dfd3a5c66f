//! Outcome semantics no rules file can break (`rules/README.md`, "Outcome"), checked on the
//! cases a risk review raised and as properties over every shipped file:
//! invalid identity data is never trusted; a step-up driven by the date of birth, the SSN or
//! the identity as a whole is Identity Verification; guardrails hold whatever a passed IDV
//! says; benign variety in names and addresses is trusted.

use layer_risk::{Class, Code, Field, Outcome, RuleSet};
use proptest::prelude::*;
use serde_json::{json, Value};

use super::util::{self, base, codes, decide, set, with, SHIPPED};

/// Edit counts with `n` edits in the last day and none in this session.
fn earlier_today(n: u32) -> Value {
    json!({"edits_current": 0, "edits_1d": n, "edits_30d": n, "edits_365d": n, "edits_all_time": n})
}

fn outcomes(doc: &Value) -> Vec<(&'static str, Outcome)> {
    SHIPPED
        .iter()
        .map(|n| (*n, decide(doc, util::shipped(n)).outcome))
        .collect()
}

fn all(o: Outcome) -> Vec<(&'static str, Outcome)> {
    SHIPPED.iter().map(|n| (*n, o)).collect()
}

/// The cases of the review, each with what every shipped file must now decide.
#[test]
fn the_reviewed_cases() {
    use Outcome::{IdentityVerification as IV, ManualReview as MR, Trust};
    // A passed IDV does not make a minor eligible, nor stand in for a missing identity; nor
    // does it send the user back to IDV: a person reviews (manual_review).
    let mut minor = with("/identity/date_of_birth", "2011-06-01".into());
    set(&mut minor, "/idv_session_status", "success".into());
    assert_eq!(outcomes(&minor), all(MR));
    let mut none = with("/identity", Value::Null);
    set(&mut none, "/idv_session_status", "success".into());
    assert_eq!(outcomes(&none), all(MR));

    // Invalid identity data is never trusted.
    for (ptr, v) in [
        ("/identity/phone_number", json!("415-745-2130")),
        ("/identity/name/first_name", json!("<script>")),
        ("/identity/address/postal_code", json!("ABCDE")),
        ("/identity/ssn", json!("666123456")),
        ("/identity/ssn_last_4", json!("0000")),
    ] {
        for (name, o) in outcomes(&with(ptr, v.clone())) {
            assert_ne!(o, Trust, "{name}: {ptr} = {v}");
        }
    }
    // An SSN in area 666 and a last-4 mismatch are SSN doubts: IDV even under payments.
    let payments = util::shipped("payments");
    for (ptr, v) in [
        ("/identity/ssn", json!("666123456")),
        ("/identity/ssn_last_4", json!("0000")),
    ] {
        assert_eq!(decide(&with(ptr, v), payments).outcome, IV, "{ptr}");
    }

    // Doubts Identity Match cannot settle go to Identity Verification.
    assert_eq!(
        outcomes(&with("/identity/ssn", "123-45-6789".into())),
        all(IV)
    );
    assert_eq!(
        outcomes(&with("/identity/date_of_birth", "1900-01-01".into())),
        all(IV)
    );
    // Edits before this session count: three SSN or DOB edits in the last day, none now.
    for field in [
        "/identity_edit_history/official_document/ssn",
        "/identity_edit_history/date_of_birth",
    ] {
        let v = with(field, earlier_today(3));
        for name in ["default", "lending"] {
            let d = decide(&v, util::shipped(name));
            assert_eq!(d.outcome, IV, "{name}: {field}");
            assert!(
                d.reasons
                    .iter()
                    .any(|r| r.rule_id.ends_with("-edited-earlier-today")),
                "{name}: {field}"
            );
        }
        assert_eq!(decide(&v, payments).outcome, IV, "payments: {field}");
    }
    // Any recent SSN or DOB edit steps up to IDV in default and lending: one edit 20 days ago.
    for field in [
        "/identity_edit_history/official_document/ssn",
        "/identity_edit_history/date_of_birth",
    ] {
        let v = with(
            field,
            json!({"edits_current": 0, "edits_1d": 0, "edits_30d": 1, "edits_365d": 1, "edits_all_time": 1}),
        );
        for name in ["default", "lending"] {
            assert_eq!(
                decide(&v, util::shipped(name)).outcome,
                IV,
                "{name}: {field}"
            );
        }
    }
    // Name edits earlier today, not now (abandon and retry), count in every file.
    let v = with("/identity_edit_history/name", earlier_today(3));
    for name in SHIPPED {
        let d = decide(&v, util::shipped(name));
        assert!(
            d.reasons
                .iter()
                .any(|r| r.rule_id == "name-edited-earlier-today"),
            "{name}"
        );
    }
    // Benign names under lending, and a Puerto Rico address, are clean.
    for first in ["Jean\u{2010}Luc", "Gal\u{00b7}la"] {
        let v = with("/identity/name/first_name", first.into());
        assert_eq!(codes(&v), vec![], "{first}");
        assert_eq!(
            decide(&v, util::shipped("lending")).outcome,
            Trust,
            "{first}"
        );
    }
    let mut pr = base();
    set(
        &mut pr,
        "/identity/address",
        json!({"street": "1050 Ave Ashford", "city": "San Juan", "region": "PR", "postal_code": "00907", "country": "PR"}),
    );
    assert_eq!(codes(&pr), vec![]);

    // Reference checks, each with its own code.
    for (ptr, v, code) in [
        ("/identity/ssn", json!("078051120"), Code::SsnPublished),
        (
            "/identity/address/postal_code",
            json!("10001"),
            Code::AddressZipRegionMismatch,
        ),
        (
            "/identity/address/street",
            json!("P.O. Box 4521"),
            Code::AddressPoBox,
        ),
        (
            "/identity/address/street2",
            json!("PMB 118"),
            Code::AddressPrivateMailbox,
        ),
        (
            "/identity/name/first_name",
            json!("L\u{0435}slie"),
            Code::NameMixedScript,
        ),
        ("/idv_session_status", json!("Failed"), Code::IdvFailed),
    ] {
        let mut v = with(ptr, v);
        if code == Code::SsnPublished {
            set(&mut v, "/identity/ssn_last_4", "1120".into());
        }
        assert_eq!(codes(&v), vec![code], "{ptr}");
        let d = decide(&v, RuleSet::embedded_default());
        assert_ne!(d.outcome, Trust, "{code}");
    }
    let zip = with("/identity/address/postal_code", "10001".into());
    let mut ca = zip.clone();
    set(&mut ca, "/identity/address/region", "CA".into());
    assert_eq!(codes(&ca), vec![Code::AddressZipRegionMismatch]);
    let mut ny = zip;
    set(&mut ny, "/identity/address/region", "New York".into());
    assert_eq!(codes(&ny), vec![]);

    // Matching: a date of birth 20 years away is no typo, and another first name under the
    // same last name is no partial match: neither is trusted.
    let env = |applicant: Value| json!({"session": base(), "applicant": applicant});
    for (applicant, field) in [
        (json!({"date_of_birth": "1995-01-18"}), "date_of_birth"),
        (
            json!({"name": {"first_name": "Ann", "last_name": "Knope"}}),
            "legal_name",
        ),
    ] {
        let line = env(applicant).to_string();
        for name in SHIPPED {
            let rules = util::shipped(name);
            let d = util::scorer(rules)
                .assess(line.as_bytes(), &layer_risk::Context::NONE)
                .unwrap();
            let m = d.matching.as_ref().unwrap();
            let score = match field {
                "date_of_birth" => m.date_of_birth.unwrap().score,
                _ => m.legal_name.unwrap().score,
            };
            assert!(score < 70, "{name}: {field} scored {score}");
            if field == "date_of_birth" {
                assert!(!m.date_of_birth.unwrap().is_single_digit_typo);
            }
            assert_ne!(d.outcome, Trust, "{name}: {field}");
            if field == "date_of_birth" {
                // Identity Match cannot settle a date of birth.
                assert_eq!(d.outcome, IV, "{name}: {field}");
            }
        }
    }
}

/// Clean, benign data is trusted by every shipped file: accents, apostrophes and hyphens of
/// every kind, the middle dot, suffixes, and addresses in the US territories.
#[test]
fn benign_variety_is_trusted() {
    let names = [
        ("Zoë", "Brontë"),
        ("Zoe\u{0308}", "Saldan\u{0303}a"), // decomposed accents
        ("José", "García-López"),
        ("Thị", "Nguyễn"),
        ("Seán", "O'Brien"),
        ("Seán", "O\u{2019}Brien"),
        ("Tamar", "D\u{02bc}Angelo"),
        ("Jean-Luc", "Picard"),
        ("Jean\u{2010}Luc", "Picard"),
        ("Jean\u{2011}Luc", "Picard"),
        ("Anne\u{2013}Marie", "Dupont"),
        ("Gal\u{00b7}la", "Puig"),
        ("Mary Ann", "St. John"),
        ("Martin", "Luther King Jr."),
        ("Henry", "Ford III"),
        ("John", "Smith, Sr."),
        ("Łukasz", "Żółć"),
        ("Björk", "Guðmundsdóttir"),
    ];
    for (first, last) in names {
        let mut v = base();
        set(
            &mut v,
            "/identity/name",
            json!({"first_name": first, "last_name": last}),
        );
        assert_eq!(codes(&v), vec![], "{first} {last}");
        for (name, o) in outcomes(&v) {
            assert_eq!(o, Outcome::Trust, "{name}: {first} {last}");
        }
    }
    let addresses = [
        json!({"street": "1050 Ave Ashford", "street2": "Apt 2B", "city": "San Juan", "region": "PR", "postal_code": "00907", "country": "US"}),
        json!({"street": "1050 Ave Ashford", "city": "San Juan", "region": "Puerto Rico", "postal_code": "00907-1234", "country": "PR"}),
        json!({"street": "120 Father Duenas Ave", "city": "Hagatna", "region": "GU", "postal_code": "96910", "country": "GU"}),
        json!({"street": "5100 Dronningens Gade", "city": "St Thomas", "region": "VI", "postal_code": "00802", "country": "VI"}),
        json!({"street": "1 Route 1", "city": "Pago Pago", "region": "AS", "postal_code": "96799", "country": "AS"}),
        json!({"street": "Beach Road", "city": "Saipan", "region": "MP", "postal_code": "96950", "country": "MP"}),
        json!({"street": "1600 Pennsylvania Ave NW", "city": "Washington", "region": "DC", "postal_code": "20500", "country": "US"}),
        json!({"street": "12 Boxwood Rd", "city": "Anchorage", "region": "Alaska", "postal_code": "99501", "country": "US"}),
    ];
    for a in addresses {
        let v = with("/identity/address", a.clone());
        assert_eq!(codes(&v), vec![], "{a}");
        for (name, o) in outcomes(&v) {
            assert_eq!(o, Outcome::Trust, "{name}: {a}");
        }
    }
}

/// Reasons that drive a step-up (they add points, force a tier, are a guardrail, or are an
/// invalid or inconsistent identity finding).
fn drives(rules: &RuleSet, r: &layer_risk::Reason<'_>) -> bool {
    let guard = rules
        .guardrails()
        .iter()
        .any(|g| g.key == r.rule_id || g.key == r.code.as_str());
    r.points > 0 || r.force.is_some() || guard || doubt(r)
}

fn doubt(r: &layer_risk::Reason<'_>) -> bool {
    r.class
        .is_some_and(|c| matches!(c, Class::Invalid | Class::Inconsistent))
        && r.concerns.is_identity()
}

/// Responses near the clean base: one to four mutations of identity values, edit counts,
/// IDV status and Items, drawn from values that trigger each check.
fn near_base() -> impl Strategy<Value = Value> {
    let mutation = prop_oneof![
        Just(("/identity/phone_number", json!("415-745-2130"))),
        Just(("/identity/phone_number", json!("+442079460958"))),
        Just(("/identity/phone_number", Value::Null)),
        Just(("/identity/name/first_name", json!("<b>"))),
        Just(("/identity/name/first_name", json!("L\u{0435}slie"))),
        Just(("/identity/name/last_name", Value::Null)),
        Just(("/identity/address/postal_code", json!("10001"))),
        Just(("/identity/address/postal_code", json!("ABCDE"))),
        Just(("/identity/address/street", json!("PO Box 9"))),
        Just(("/identity/address/country", json!("CA"))),
        Just(("/identity/date_of_birth", json!("2012-02-02"))),
        Just(("/identity/date_of_birth", json!("1900-01-01"))),
        Just(("/identity/date_of_birth", json!("01/18/1975"))),
        Just(("/identity/date_of_birth", Value::Null)),
        Just(("/identity/ssn", json!("078051120"))),
        Just(("/identity/ssn", json!("666123456"))),
        Just(("/identity/ssn", json!("123-45-6789"))),
        Just(("/identity/ssn", Value::Null)),
        Just(("/identity/ssn_last_4", json!("0000"))),
        Just(("/identity", Value::Null)),
        Just(("/idv_session_status", json!("success"))),
        Just(("/idv_session_status", json!("failed"))),
        Just(("/idv_session_status", json!("pending_review"))),
        Just(("/idv_session_status", json!("active"))),
        Just(("/idv_session_status", json!("approved_v2"))),
        Just(("/items", json!([]))),
        Just(("/identity_edit_history", Value::Null)),
        (0usize..5, 0u32..4, 0u32..4).prop_map(|(f, now, before)| {
            let field = [
                "/identity_edit_history/name",
                "/identity_edit_history/address",
                "/identity_edit_history/email",
                "/identity_edit_history/date_of_birth",
                "/identity_edit_history/official_document/ssn",
            ][f];
            let day = now + before;
            (
                field,
                json!({"edits_current": now, "edits_1d": day, "edits_30d": day, "edits_365d": day + 1, "edits_all_time": day + 2}),
            )
        }),
    ];
    prop::collection::vec(mutation, 1..5).prop_map(|muts| {
        let mut v = base();
        for (p, x) in muts {
            if v.pointer(p.rsplit_once('/').unwrap().0)
                .is_some_and(Value::is_object)
            {
                set(&mut v, p, x);
            }
        }
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Under every shipped file: an invalid or inconsistent identity finding is never
    /// trusted; `identity_match` is never the outcome of a step-up driven by the date of
    /// birth, the SSN or the identity as a whole; every guardrail holds, with or without a
    /// passed IDV.
    #[test]
    fn prop_outcome_semantics_hold_under_every_shipped_file(doc in near_base(), idv in any::<bool>()) {
        let mut doc = doc;
        if idv {
            set(&mut doc, "/idv_session_status", "success".into());
        }
        for rules in util::shipped_all() {
            let d = decide(&doc, rules);
            let name = &rules.id().name;
            if d.reasons.iter().any(doubt) {
                prop_assert_ne!(d.outcome, Outcome::Trust, "{}: {:?}", name, d.reasons);
            }
            if d.outcome == Outcome::IdentityMatch {
                let unsettled = d.reasons.iter().find(|r| {
                    drives(rules, r)
                        && matches!(r.concerns, Field::DateOfBirth | Field::Ssn | Field::Identity)
                });
                prop_assert!(unsettled.is_none(), "{}: identity_match over {:?}", name, unsettled);
            }
            let passed = d.reasons.iter().any(|r| r.code == "idv_passed");
            if d.reasons.iter().any(|r| {
                matches!(r.concerns, Field::DateOfBirth | Field::Ssn | Field::Identity)
                    && (r.force.is_some() || doubt(r))
            }) {
                let want = if passed { Outcome::ManualReview } else { Outcome::IdentityVerification };
                prop_assert!(d.outcome >= want, "{}: {}", name, d.outcome);
            }
            // A user who passed IDV is never sent back to it.
            if passed {
                prop_assert_ne!(d.outcome, Outcome::IdentityVerification, "{}", name);
            }
            // The codes' own floors hold.
            for r in &d.reasons {
                if let Some(f) = Code::from_name(r.code.as_str()).and_then(Code::floor) {
                    prop_assert!(d.outcome >= f, "{}: {} -> {}", name, r.rule_id, d.outcome);
                }
            }
            // Points Identity Match can settle never reach identity_verification on their own:
            // an identity_verification has a driver beyond Identity Match, a force or a
            // guardrail at it, or no Item to match against.
            if d.outcome == Outcome::IdentityVerification {
                let beyond = |r: &&layer_risk::Reason<'_>| {
                    r.concerns.identity_match_settles() == Some(false) && drives(rules, r)
                };
                let held = |r: &&layer_risk::Reason<'_>| {
                    r.force >= Some(Outcome::IdentityVerification)
                        || rules.guardrails().iter().any(|g| {
                            g.key == r.rule_id && g.at_least >= Outcome::IdentityVerification
                        })
                        || r.code == "identity_match_unavailable"
                };
                prop_assert!(
                    d.reasons.iter().any(|r| beyond(&r) || held(&r)),
                    "{}: identity_verification by settleable points alone: {:?}", name, d.reasons
                );
            }
            for g in rules.guardrails() {
                if d.reasons.iter().any(|r| r.rule_id == g.key || r.code.as_str() == g.key) {
                    prop_assert!(d.outcome >= g.at_least, "{}: guardrail {} -> {}", name, g.key, d.outcome);
                }
            }
            // The resolution starts at the score's tier and ends at the outcome.
            prop_assert_eq!(d.resolution.first().map(|s| s.step.as_str()), Some("score"));
            prop_assert_eq!(d.resolution.last().map(|s| s.outcome), Some(d.outcome));
        }
    }

    /// A passed IDV never raises an outcome (but for identity_verification, which becomes
    /// manual_review), never leads to identity_verification, and never lowers an outcome below
    /// what guardrails and invalid identity data hold.
    #[test]
    fn prop_a_passed_idv_only_lowers_points(doc in near_base()) {
        let mut passed = doc.clone();
        set(&mut passed, "/idv_session_status", "success".into());
        let mut plain = doc;
        if plain.get("idv_session_status").is_some_and(|s| s == "success") {
            set(&mut plain, "/idv_session_status", Value::Null);
        }
        // manual_review stands where identity_verification would (step 9).
        let friction = |o: Outcome| if o == Outcome::ManualReview { Outcome::IdentityVerification } else { o };
        for rules in util::shipped_all() {
            let a = decide(&plain, rules);
            let b = decide(&passed, rules);
            prop_assert!(b.score <= a.score, "{}", rules.id().name);
            prop_assert!(friction(b.outcome) <= friction(a.outcome), "{}: {} -> {}", rules.id().name, a.outcome, b.outcome);
            prop_assert_ne!(b.outcome, Outcome::IdentityVerification, "{}", rules.id().name);
            if a.reasons.iter().any(doubt) {
                prop_assert_ne!(b.outcome, Outcome::Trust);
            }
        }
    }
}
