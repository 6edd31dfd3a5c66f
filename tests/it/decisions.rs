//! Decision semantics: tiers, forced tiers, idv_passed, identity_match_unavailable, ordering,
//! edit-rule thresholds, and the tolerant model (aliases, unknown fields, nulls).

use layer_risk::{parse_session, EditField, Outcome, RuleSet, Window, IDENTITY_MATCH_UNAVAILABLE};
use serde_json::{json, Value};

use super::util::{self, base, codes, decide, reason_ids, remove, set, with, SHIPPED};

/// A small rules file: tiers 10 / 20, a few prices, one edit rule.
fn small_rules(extra_top: &str, findings: &str) -> RuleSet {
    util::rules_priced(&format!(
        r#"{{
  "name": "small", "version": "1", {extra_top}
  "tiers": {{"identity_match": 10, "identity_verification": 20}},
  "findings": {{{findings}}},
  "edit_rules": [
    {{"id": "name-3-today", "field": "name", "window": "1d", "at_least": 3, "points": 4}}
  ]
}}"#
    ))
}

#[test]
fn the_score_picks_the_tier() {
    let r = small_rules(
        "",
        r#""phone_missing": 9, "email_missing": 1, "dob_missing": 10"#,
    );
    let cases = [
        (vec!["/identity/phone_number"], Outcome::Trust, 9),
        (
            vec!["/identity/phone_number", "/identity/email"],
            Outcome::IdentityMatch,
            10,
        ),
        (vec!["/identity/dob_missing_nothing"], Outcome::Trust, 0),
        // A step-up driven by a missing date of birth, which Identity Match cannot settle.
        (
            vec!["/identity/date_of_birth", "/identity/phone_number"],
            Outcome::IdentityVerification,
            19,
        ),
        (
            vec![
                "/identity/date_of_birth",
                "/identity/phone_number",
                "/identity/email",
            ],
            Outcome::IdentityVerification,
            20,
        ),
    ];
    for (nulls, outcome, score) in cases {
        let mut v = base();
        for p in &nulls {
            set(&mut v, p, Value::Null);
        }
        let d = decide(&v, &r);
        assert_eq!((d.outcome, d.score), (outcome, score), "{nulls:?}");
    }
}

#[test]
fn the_strictest_forced_tier_wins_over_the_score_tier() {
    // Forced identity_verification with a score in the trust tier.
    let r = small_rules(
        "",
        r#""phone_missing": {"points": 0, "force": "identity_verification"}"#,
    );
    let d = decide(&with("/identity/phone_number", Value::Null), &r);
    assert_eq!((d.outcome, d.score), (Outcome::IdentityVerification, 0));

    // Forced identity_match with a score of 0.
    let r = small_rules(
        "",
        r#""phone_missing": {"points": 0, "force": "identity_match"}"#,
    );
    let d = decide(&with("/identity/phone_number", Value::Null), &r);
    assert_eq!((d.outcome, d.score), (Outcome::IdentityMatch, 0));

    // A forced identity_match never lowers a score tier of identity_verification.
    let r = small_rules(
        "",
        r#""dob_missing": {"points": 50, "force": "identity_match"}"#,
    );
    let d = decide(&with("/identity/date_of_birth", Value::Null), &r);
    assert_eq!((d.outcome, d.score), (Outcome::IdentityVerification, 50));

    // But points Identity Match can settle (a phone) never reach identity_verification on
    // their own (step 2): held at identity_match.
    let r = small_rules(
        "",
        r#""phone_missing": {"points": 50, "force": "identity_match"}"#,
    );
    let d = decide(&with("/identity/phone_number", Value::Null), &r);
    assert_eq!((d.outcome, d.score), (Outcome::IdentityMatch, 50));
    assert_eq!(
        serde_json::to_value(&d.resolution).unwrap(),
        json!([
            {"step": "score", "outcome": "identity_verification"},
            {"step": "settleable_by_identity_match", "outcome": "identity_match"}
        ])
    );

    // Two forces: the stricter wins (lending: name_incomplete forces IM, dob_malformed IV).
    let lending = util::shipped("lending");
    let mut v = with("/identity/name/last_name", Value::Null);
    set(&mut v, "/identity/date_of_birth", "18/01/1975".into());
    let d = decide(&v, lending);
    assert_eq!(d.outcome, Outcome::IdentityVerification);
    assert_eq!(d.score, 30 + 45);

    // payments: ssn_last4_mismatch is 40 points (< 80) but forces identity_verification.
    let d = decide(
        &with("/identity/ssn_last_4", "0000".into()),
        util::shipped("payments"),
    );
    assert_eq!((d.outcome, d.score), (Outcome::IdentityVerification, 40));
    assert_eq!(
        serde_json::to_value(&d.resolution).unwrap(),
        json!([
            {"step": "score", "outcome": "identity_match"},
            {"step": "force", "by": "ssn_last4_mismatch", "outcome": "identity_verification"}
        ])
    );
}

#[test]
fn a_passed_idv_lowers_points_but_lifts_no_guardrail() {
    // No identity at all, but a passed IDV: the discount lowers identity_missing's points
    // below the IV tier in default and payments, and the guardrail holds IV anyway.
    // After a passed IDV there is no way back to Identity Verification: the outcome the
    // guardrail holds at identity_verification is manual_review (step 9).
    let mut worst = with("/identity", Value::Null);
    set(&mut worst, "/idv_session_status", "success".into());
    for name in SHIPPED {
        let rules = util::shipped(name);
        let d = decide(&worst, rules);
        assert_eq!(d.outcome, Outcome::ManualReview, "{name}");
        assert_eq!(
            d.resolution.last().map(|s| (s.step.as_str(), s.by)),
            Some(("idv_already_passed", Some("idv_passed"))),
            "{name}"
        );
        assert!(d
            .reasons
            .iter()
            .any(|r| r.code == "idv_passed" && r.force.is_none()));
        let kinds: Vec<&str> = d.resolution.iter().filter_map(|s| s.by).collect();
        assert!(kinds.contains(&"idv_passed"), "{name}: {kinds:?}");
        if name != "lending" {
            assert!(d.score < rules.tiers().identity_verification, "{name}");
            assert_eq!(
                d.resolution[d.resolution.len() - 2].by,
                Some("identity_missing"),
                "{name}"
            );
        }
    }
    // On a clean response with a name edited now, the discount halves the points (default:
    // 20 -> 10, trust) and the resolution says so; without the IDV it is 20 (trust too).
    let mut v = base();
    set(
        &mut v,
        "/identity_edit_history/name/edits_current",
        json!(2),
    );
    for p in ["edits_1d", "edits_30d", "edits_365d", "edits_all_time"] {
        set(
            &mut v,
            &format!("/identity_edit_history/name/{p}"),
            json!(2),
        );
    }
    let rules = RuleSet::embedded_default();
    assert_eq!(decide(&v, rules).score, 20);
    set(&mut v, "/idv_session_status", "success".into());
    let d = decide(&v, rules);
    assert_eq!((d.outcome, d.score), (Outcome::Trust, 10));
    assert_eq!(d.resolution[1].by, Some("idv_passed"));
    // A passed IDV never turns trust on over invalid identity data: the phone is not E.164.
    set(&mut v, "/identity/phone_number", "415-745-2130".into());
    let d = decide(&v, rules);
    assert_eq!(d.outcome, Outcome::IdentityMatch);
    assert_eq!(d.resolution.last().unwrap().by, Some("phone_not_e164"));
    // Statuses compare without regard to case: "Failed" is a failed IDV (a guardrail).
    for status in ["failed", "Failed", " FAILED "] {
        let mut v = base();
        set(&mut v, "/idv_session_status", status.into());
        let d = decide(&v, rules);
        assert_eq!(d.outcome, Outcome::IdentityVerification, "{status:?}");
        assert!(
            d.reasons.iter().any(|r| r.code == "idv_failed"),
            "{status:?}"
        );
    }
}

/// default rules: name_incomplete 20 + address_incomplete 10 = 30 -> identity_match.
fn identity_match_case() -> Value {
    let mut v = with("/identity/name/last_name", Value::Null);
    set(&mut v, "/identity/address/city", "  ".into());
    v
}

#[test]
fn identity_match_without_items_becomes_identity_verification() {
    let rules = RuleSet::embedded_default();
    let d = decide(&identity_match_case(), rules);
    assert_eq!((d.outcome, d.score), (Outcome::IdentityMatch, 30));
    assert!(!d
        .reasons
        .iter()
        .any(|r| r.code == IDENTITY_MATCH_UNAVAILABLE));

    for items in [json!([]), Value::Null] {
        let mut v = identity_match_case();
        set(&mut v, "/items", items.clone());
        let d = decide(&v, rules);
        assert_eq!(d.outcome, Outcome::IdentityVerification, "items {items}");
        assert_eq!(
            d.score, 35,
            "no_linked_accounts adds 5; the raise adds nothing"
        );
        let raise: Vec<_> = d
            .reasons
            .iter()
            .filter(|r| r.code == IDENTITY_MATCH_UNAVAILABLE)
            .collect();
        assert_eq!(raise.len(), 1);
        assert_eq!(raise[0].rule_id, IDENTITY_MATCH_UNAVAILABLE);
        assert_eq!(raise[0].field, "items");
        assert_eq!(raise[0].points, 0);
        assert_eq!(raise[0].force, Some(Outcome::IdentityVerification));
    }
    // Missing key behaves as null.
    let mut v = identity_match_case();
    remove(&mut v, "/items");
    assert_eq!(decide(&v, rules).outcome, Outcome::IdentityVerification);

    // Trust without items stays trust.
    let d = decide(&with("/items", json!([])), rules);
    assert_eq!((d.outcome, d.score), (Outcome::Trust, 5));
    assert_eq!(
        reason_ids(&d),
        vec![("no_linked_accounts".into(), "no_linked_accounts".into())]
    );
}

#[test]
fn identity_match_without_items_stays_when_the_rules_allow_it() {
    let findings = r#""name_incomplete": 10, "no_linked_accounts": 0"#;
    let strict = small_rules("", findings);
    let lax = small_rules(r#""identity_match_requires_items": false,"#, findings);
    assert!(strict.identity_match_requires_items());
    assert!(!lax.identity_match_requires_items());
    let mut v = with("/identity/name/first_name", Value::Null);
    set(&mut v, "/items", json!([]));
    let d = decide(&v, &lax);
    assert_eq!((d.outcome, d.score), (Outcome::IdentityMatch, 10));
    assert!(!d
        .reasons
        .iter()
        .any(|r| r.code == IDENTITY_MATCH_UNAVAILABLE));
    let d = decide(&v, &strict);
    assert_eq!((d.outcome, d.score), (Outcome::IdentityVerification, 10));
    assert!(d
        .reasons
        .iter()
        .any(|r| r.code == IDENTITY_MATCH_UNAVAILABLE));
}

#[test]
fn reasons_are_sorted_heaviest_first_with_stable_ties() {
    // Many findings at once under default rules.
    let mut v = base();
    set(&mut v, "/identity/name/first_name", "L3slie".into()); // name_implausible 30
    set(&mut v, "/identity/address/postal_code", "4600".into()); // postal 15
    set(&mut v, "/identity/address/region", "XX".into()); // region 15
    set(&mut v, "/identity/phone_number", Value::Null); // phone_missing 30
    set(&mut v, "/identity/email", "nope".into()); // email_malformed 5
    set(&mut v, "/identity/ssn_last_4", "0000".into()); // mismatch 60, forced
    set(
        &mut v,
        "/identity_edit_history/address",
        json!({
            "edits_current": 1, "edits_1d": 1, "edits_30d": 1, "edits_365d": 4, "edits_all_time": 4
        }),
    ); // address-edited-this-session 10, address-edited-often 10
    remove(&mut v, "/request_id"); // request_id_missing 0
    let d = decide(&v, RuleSet::embedded_default());
    let got: Vec<(&str, &str, u32)> = d
        .reasons
        .iter()
        .map(|r| (r.code.as_str(), r.rule_id, r.points))
        .collect();
    assert_eq!(
        got,
        vec![
            ("ssn_last4_mismatch", "ssn_last4_mismatch", 60),
            // Ties: validation order (name before phone, postal before region), then edit
            // rules in file order.
            ("name_implausible", "name_implausible", 30),
            ("phone_missing", "phone_missing", 30),
            (
                "address_postal_code_invalid",
                "address_postal_code_invalid",
                15
            ),
            ("address_region_invalid", "address_region_invalid", 15),
            ("edit_rule", "address-edited-this-session", 10),
            ("edit_rule", "address-edited-often", 10),
            ("email_malformed", "email_malformed", 5),
            ("request_id_missing", "request_id_missing", 0),
            // A 0-point rule that only a combined rule reads (name and address today).
            ("edit_rule", "address-edited-today", 0),
        ]
    );
    assert_eq!(d.score, 60 + 30 + 30 + 15 * 2 + 10 * 2 + 5);
    assert_eq!(d.request_id, None);
    assert!(d.reasons.windows(2).all(|w| w[0].points >= w[1].points));
}

#[test]
fn among_equal_points_a_forcing_reason_comes_first() {
    let r = small_rules(
        "",
        r#""email_missing": 3, "phone_missing": {"points": 3, "force": "identity_match"}"#,
    );
    let mut v = with("/identity/phone_number", Value::Null);
    set(&mut v, "/identity/email", Value::Null);
    let d = decide(&v, &r);
    // Validation order is phone then email; the force puts phone first either way.
    let got: Vec<&str> = d.reasons.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(got, ["phone_missing", "email_missing"]);
    let mut v = with("/identity/phone_number", Value::Null);
    set(&mut v, "/identity/email", Value::Null);
    let r = small_rules(
        "",
        r#""email_missing": {"points": 3, "force": "identity_match"}, "phone_missing": 3"#,
    );
    let got: Vec<&str> = decide(&v, &r)
        .reasons
        .iter()
        .map(|r| r.code.as_str())
        .collect();
    assert_eq!(got, ["email_missing", "phone_missing"]);
}

fn name_counts(n: u32) -> Value {
    json!({"edits_current": 0, "edits_1d": n, "edits_30d": n, "edits_365d": n, "edits_all_time": n})
}

#[test]
fn an_edit_rule_fires_exactly_at_at_least() {
    let r = small_rules("", "");
    let rule = &r.edit_rules()[0];
    assert_eq!(
        (rule.field, rule.window, rule.at_least),
        (EditField::Name, Window::Day, 3)
    );
    for (n, fires) in [
        (0, false),
        (2, false),
        (3, true),
        (4, true),
        (u32::MAX, true),
    ] {
        let d = decide(&with("/identity_edit_history/name", name_counts(n)), &r);
        let fired: Vec<_> = d
            .reasons
            .iter()
            .filter(|r| r.rule_id == "name-3-today")
            .collect();
        assert_eq!(fired.len(), usize::from(fires), "count {n}");
        if fires {
            let f = fired[0];
            assert_eq!(f.code, layer_risk::EDIT_RULE);
            assert_eq!(f.field, "name");
            assert_eq!(f.window, Some(Window::Day));
            assert_eq!(f.observed, Some(layer_risk::Observed::Number(u64::from(n))));
            assert_eq!(f.threshold, Some(3));
            assert_eq!((f.points, d.score), (4, 4));
        }
    }
}

#[test]
fn edit_rules_read_the_ssn_under_official_document() {
    let ssn = json!({"edits_current": 1, "edits_1d": 1, "edits_30d": 1, "edits_365d": 1, "edits_all_time": 1});
    let d = decide(
        &with("/identity_edit_history/official_document/ssn", ssn),
        RuleSet::embedded_default(),
    );
    let ids: Vec<&str> = d.reasons.iter().map(|r| r.rule_id).collect();
    assert_eq!(
        ids,
        [
            "ssn-edited-this-session",
            "ssn-edited-this-month",
            "ssn-edited-this-year"
        ]
    );
    assert_eq!(
        (d.outcome, d.score),
        (Outcome::IdentityVerification, 50 + 30 + 15)
    );
    // official_document null: one edit_counts_missing for ssn, no rule.
    let d = decide(
        &with("/identity_edit_history/official_document", Value::Null),
        RuleSet::embedded_default(),
    );
    assert_eq!(
        reason_ids(&d),
        vec![("edit_counts_missing".into(), "edit_counts_missing".into())]
    );
    assert_eq!(d.reasons[0].field, "ssn");
}

#[test]
fn windows_that_do_not_nest_are_a_finding() {
    let cases = [
        (
            json!({"edits_current": 0, "edits_1d": 3, "edits_30d": 2, "edits_365d": 3, "edits_all_time": 3}),
            Some("1d>30d"),
        ),
        (
            json!({"edits_current": 0, "edits_1d": 0, "edits_30d": 0, "edits_365d": 9, "edits_all_time": 8}),
            Some("365d>all_time"),
        ),
        // A missing window is skipped: current is compared with 30d.
        (
            json!({"edits_current": 3, "edits_30d": 2, "edits_365d": 3, "edits_all_time": 3}),
            Some("current>30d"),
        ),
        // Only the first broken pair is reported.
        (
            json!({"edits_current": 5, "edits_1d": 4, "edits_30d": 3, "edits_365d": 2, "edits_all_time": 1}),
            Some("current>1d"),
        ),
        (
            json!({"edits_current": 2, "edits_1d": 2, "edits_30d": 2, "edits_365d": 2, "edits_all_time": 2}),
            None,
        ),
    ];
    for (counts, label) in cases {
        let v = with("/identity_edit_history/email", counts.clone());
        let d = decide(&v, RuleSet::embedded_default());
        let nn: Vec<_> = d
            .reasons
            .iter()
            .filter(|r| r.code == "edit_windows_not_nested")
            .collect();
        match label {
            None => assert!(nn.is_empty(), "{counts}"),
            Some(l) => {
                assert_eq!(nn.len(), 1, "{counts}");
                assert_eq!(
                    nn[0].observed.as_ref().map(|o| o.to_string()).as_deref(),
                    Some(l)
                );
                assert_eq!(nn[0].field, "email");
            }
        }
    }
}

#[test]
fn ssn_last4_alias_is_accepted() {
    let mut v = base();
    remove(&mut v, "/identity/ssn_last_4");
    set(&mut v, "/identity/ssn_last4", "1963".into());
    assert_eq!(codes(&v), vec![]);
    let text = v.to_string();
    let s = parse_session(&text).unwrap();
    assert_eq!(s.identity.as_ref().unwrap().ssn_last_four(), Some("1963"));

    set(&mut v, "/identity/ssn_last4", "1111".into());
    assert_eq!(codes(&v), vec![layer_risk::Code::SsnLast4Mismatch]);
    set(&mut v, "/identity/ssn_last4", "12a4".into());
    assert_eq!(codes(&v), vec![layer_risk::Code::SsnLast4Malformed]);

    // Both spellings, agreeing: clean; disagreeing: mismatch.
    let mut both = base();
    set(&mut both, "/identity/ssn_last4", "1963".into());
    assert_eq!(codes(&both), vec![]);
    set(&mut both, "/identity/ssn_last4", "6780".into());
    assert_eq!(codes(&both), vec![layer_risk::Code::SsnLast4Mismatch]);
    // The spec spelling is preferred by ssn_last_four().
    let text = both.to_string();
    assert_eq!(
        parse_session(&text)
            .unwrap()
            .identity
            .unwrap()
            .ssn_last_four(),
        Some("1963")
    );
}

#[test]
fn unknown_fields_are_accepted_everywhere() {
    let mut v = base();
    set(
        &mut v,
        "/future_field",
        json!({"nested": [1, 2, {"x": null}]}),
    );
    set(&mut v, "/identity/middle_name", "Barney".into());
    set(&mut v, "/identity/name/suffix", json!(["Jr."]));
    set(&mut v, "/identity/address/plus4", json!(1234));
    set(
        &mut v,
        "/identity_edit_history/phone_number",
        json!({"edits_current": "many"}),
    );
    set(&mut v, "/identity_edit_history/name/edits_7d", json!(-3));
    set(&mut v, "/items/0/institution", json!({"name": "Bank"}));
    set(&mut v, "/link_session_id", "link-session-1".into());
    assert_eq!(codes(&v), vec![]);
    assert_eq!(
        decide(&v, RuleSet::embedded_default()).outcome,
        Outcome::Trust
    );
}

#[test]
fn every_field_null_is_accepted() {
    let top = json!({
        "identity": null, "items": null, "identity_edit_history": null,
        "request_id": null, "idv_session_status": null, "link_session_id": null
    });
    let d = decide(&top, RuleSet::embedded_default());
    let ids: Vec<&str> = d.reasons.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(
        ids,
        [
            "identity_missing",
            "edit_history_missing",
            "no_linked_accounts",
            "request_id_missing"
        ]
    );
    assert_eq!(d.outcome, Outcome::IdentityVerification);

    let inner = json!({
        "identity": {
            "name": {"first_name": null, "last_name": null},
            "address": {"street": null, "street2": null, "city": null, "region": null, "postal_code": null, "country": null},
            "phone_number": null, "email": null, "date_of_birth": null,
            "ssn": null, "ssn_last_4": null, "ssn_last4": null
        },
        "identity_edit_history": {
            "name": {"edits_current": null, "edits_1d": null, "edits_30d": null, "edits_365d": null, "edits_all_time": null},
            "address": null, "email": null, "date_of_birth": null,
            "official_document": {"ssn": null}
        },
        "items": [{"item_id": null, "access_token": null}],
        "request_id": "rNulls"
    });
    let got: Vec<&str> = codes(&inner).iter().map(|c| c.as_str()).collect();
    assert_eq!(
        got,
        [
            "name_missing",
            "address_missing",
            "phone_missing",
            "email_missing",
            "dob_missing",
            "ssn_missing",
            "tin_missing",
            "edit_windows_missing",
            "edit_counts_missing",
            "edit_counts_missing",
            "edit_counts_missing",
            "edit_counts_missing"
        ]
    );
    // The empty object too: identity_missing, edit_history_missing, no_linked_accounts.
    assert_eq!(
        decide(&json!({}), RuleSet::embedded_default()).score,
        100 + 20 + 5
    );
}

#[test]
fn decisions_serialize_to_the_documented_record() {
    let d = decide(
        &with("/identity/phone_number", "+442079460958".into()),
        RuleSet::embedded_default(),
    );
    let rec: Value = serde_json::from_str(&util::record(&d, 7)).unwrap();
    let keys: Vec<&str> = rec
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = vec![
        "line",
        "request_id",
        "decision",
        "score",
        "reasons",
        "resolution",
        "rules",
        "as_of",
        "phone_metadata",
    ];
    sorted.sort_unstable();
    assert_eq!(keys, sorted, "serde_json::Map is sorted");
    assert_eq!(rec["line"], 7);
    assert_eq!(rec["decision"], "identity_match");
    assert_eq!(rec["score"], 30);
    assert_eq!(rec["as_of"], "2026-11-22");
    assert_eq!(rec["rules"]["name"], "default");
    assert_eq!(
        rec["reasons"][0],
        json!({
            "code": "phone_outside_nanp", "rule_id": "phone_outside_nanp", "field": "phone_number",
            "class": "invalid", "observed": "GB", "points": 30
        })
    );
    assert_eq!(
        rec["resolution"],
        json!([{"step": "score", "outcome": "identity_match"}])
    );
    let plain: Value = serde_json::to_value(&d).unwrap();
    assert!(plain.get("line").is_none());
    assert_eq!(plain["request_id"], "reqBase");
    // The text form, in field order.
    let text = util::record(&d, 7);
    assert!(
        text.starts_with(
            r#"{"line":7,"request_id":"reqBase","decision":"identity_match","score":30,"reasons":["#
        ),
        "{text}"
    );
}

#[test]
fn display_explains_the_decision() {
    let d = decide(
        &with("/identity/date_of_birth", "2015-06-01".into()),
        RuleSet::embedded_default(),
    );
    let text = d.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "identity_verification (score 100) for request reqBase"
    );
    assert!(
        lines[1].starts_with("rules: default 3.1.0 (sha256 "),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with("…), evaluated as of 2026-11-22"),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        "   +100  dob_under_min_age (risk) on date_of_birth: 11 (bound 18)"
    );
    assert_eq!(lines[3], "resolution: score -> identity_verification");
    assert!(!text.contains("2015-06-01"));
    let clean = decide(&base(), RuleSet::embedded_default()).to_string();
    assert!(clean.ends_with("  no findings\n"), "{clean}");
}

#[test]
fn the_age_bounds_come_from_the_rules() {
    let dob = with("/identity/date_of_birth", "2006-01-01".into()); // 20 on 2026-11-22
    let r = small_rules(r#""age": {"min": 21, "max": 30},"#, "");
    let d = decide(&dob, &r);
    let f: Vec<_> = d
        .reasons
        .iter()
        .filter(|x| x.code == "dob_under_min_age")
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(
        (
            f[0].observed.as_ref().map(|o| o.to_string()),
            f[0].threshold
        ),
        (Some("20".into()), Some(21))
    );
    let old = with("/identity/date_of_birth", "1990-11-22".into()); // 36 exactly
    assert!(decide(&old, &r)
        .reasons
        .iter()
        .any(|x| x.code == "dob_over_max_age"));
    // Birthday today: exactly the minimum age is fine.
    let d = decide(
        &with("/identity/date_of_birth", "2008-11-22".into()),
        RuleSet::embedded_default(),
    );
    assert!(d.reasons.is_empty(), "{:?}", d.reasons);
    let d = decide(
        &with("/identity/date_of_birth", "2008-11-23".into()),
        RuleSet::embedded_default(),
    );
    assert_eq!(d.reasons[0].code, "dob_under_min_age");
}

/// The record's keys are the wire contract's field list, in order, with and without an
/// applicant; serde and the byte writer give the same bytes.
#[test]
fn the_record_keys_are_the_contracts_field_list() {
    let plain = decide(&base(), RuleSet::embedded_default());
    let with_applicant = decide(
        &json!({"session": base(), "applicant": {"name": {"full_name": "Leslie Knope"}}}),
        RuleSet::embedded_default(),
    );
    for d in [&plain, &with_applicant] {
        let text = util::record(d, 3);
        let keys = key_order(&text);
        let want: Vec<&str> = std::iter::once("line")
            .chain(layer_risk::DECISION_FIELDS)
            .filter(|k| *k != "match" || d.matching.is_some())
            .collect();
        assert_eq!(keys, want, "{text}");
        assert_eq!(
            serde_json::to_string(d).unwrap(),
            format!("{{{}", &text["{\"line\":3,".len()..])
        );
    }
}

/// The top-level keys of a JSON object, in the order written.
fn key_order(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    struct Keys<'k>(&'k mut Vec<String>);
    impl<'de> serde::de::Visitor<'de> for Keys<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
            while let Some(k) = m.next_key::<String>()? {
                self.0.push(k);
                m.next_value::<serde::de::IgnoredAny>()?;
            }
            Ok(())
        }
    }
    serde::Deserializer::deserialize_map(&mut de, Keys(&mut keys)).unwrap();
    keys
}

/// From windows that do not nest (current 2 > 1d 1), raising `edits_1d` to 2 repairs the data.
/// Any positive price for inconsistent data must then fall away, so the total may drop, but by
/// exactly that price: the edit rules (which read cumulative counts) never give back points.
#[test]
fn repairing_non_nested_counts_only_drops_the_inconsistency_price() {
    let counts = |d1: u32| json!({"edits_current": 2, "edits_1d": d1, "edits_30d": 2, "edits_365d": 2, "edits_all_time": 2});
    let rules = RuleSet::embedded_default();
    let before = decide(&with("/identity_edit_history/name", counts(1)), rules);
    let after = decide(&with("/identity_edit_history/name", counts(2)), rules);
    let edit_points = |d: &layer_risk::Decision<'_>| {
        d.reasons
            .iter()
            .filter(|r| r.code == "edit_rule")
            .map(|r| r.points)
            .sum::<u32>()
    };
    let price = rules
        .price(layer_risk::Code::EditWindowsNotNested)
        .unwrap()
        .points as u32;
    assert!(before
        .reasons
        .iter()
        .any(|r| r.code == "edit_windows_not_nested"));
    assert!(!after
        .reasons
        .iter()
        .any(|r| r.code == "edit_windows_not_nested"));
    assert!(edit_points(&after) >= edit_points(&before));
    assert_eq!(before.score - after.score, price);
}
