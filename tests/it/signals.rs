//! Plaid's other verdicts beside the session (`/protect/compute`, `/identity/match`,
//! `/identity_verification/get`), in the shapes Plaid's generated clients define
//! (`plaid-python` v43 models; `../shared/reference/plaid-layer.md` section 9): full bodies
//! with every optional block, bodies of older API versions with nulls and absent keys,
//! unknown fields; what they settle and what they are found to say; located errors; and no
//! value of theirs in a record, an error or a `Debug`.

use layer_risk::{Context, Decision, Outcome, RuleSet, Scorer};
use serde_json::{json, Value};

use super::util::{as_of, base, set, SHIPPED};

fn scorer(name: &str) -> Scorer {
    Scorer::new(super::util::shipped(name).clone(), as_of())
}

/// A full `/protect/compute` response (`ProtectComputeResponse`), with a field from a newer
/// API version this release does not know.
fn protect(score: Value) -> Value {
    json!({
        "request_id": "Rb7kQ2xLm9",
        "score": score,
        "model": "ti-link-session-2.0",
        "attributes": {"session.challenged_with_mfa": false, "device.ip_risk": "low"},
        "subscores": {"cash_advance_bucket_0_25": null, "cash_advance_bucket_25_50": 61},
        "timestamp": "2026-08-03T17:22:09Z",
        "fraud_attributes_v3": {"future": [1, 2, 3]}
    })
}

/// An `/identity/match` response (`IdentityMatchResponse`) with two accounts of the Item:
/// the best score over them counts. Account fields as `/accounts/get` has them, balances null.
fn identity_match(name: [Value; 2], phone: Value, email: Value, address: Value) -> Value {
    let [n0, n1] = name;
    let account = |id: &str, mask: &str, n: Value, p: Value, e: Value, a: Value| {
        json!({
            "account_id": id, "mask": mask, "name": "Plaid Checking",
            "official_name": "Plaid Gold Standard 0% Interest Checking",
            "type": "depository", "subtype": "checking", "verification_status": null,
            "persistent_account_id": null, "holder_category": "personal",
            "balances": {"available": null, "current": null, "limit": null,
                         "iso_currency_code": null, "unofficial_currency_code": null,
                         "last_updated_datetime": null},
            "legal_name": {"score": n, "is_first_name_or_last_name_match": true,
                           "is_nickname_match": false, "is_business_name_detected": false},
            "phone_number": {"score": p},
            "email_address": {"score": e},
            "address": {"score": a, "is_postal_code_match": true}
        })
    };
    json!({
        "accounts": [
            account("BxLp4kQz9w", "0042", n0, phone.clone(), email.clone(), address.clone()),
            account("Qz9wBxLp4k", "7781", n1, Value::Null, Value::Null, Value::Null),
        ],
        "item": {"item_id": "Ed6bjNrD", "institution_id": "ins_109508", "webhook": null,
                 "available_products": [], "billed_products": ["identity"],
                 "consent_expiration_time": null, "update_type": "background"},
        "request_id": "m8MDnv9o"
    })
}

/// An `/identity/match` response of API versions through 1.708.0: score objects optional and
/// nullable, inner keys optional.
fn identity_match_old() -> Value {
    json!({
        "accounts": [{
            "account_id": "BxLp4kQz9w", "mask": "0042",
            "balances": {"available": null, "current": null},
            "legal_name": null,
            "phone_number": {},
            "address": {"is_postal_code_match": null}
        }],
        "item": {"item_id": "Ed6bjNrD"},
        "request_id": "m8MDnv9o"
    })
}

/// A full `/identity_verification/get` response (`IdentityVerificationGetResponse`) whose
/// `user` is `user` and whose status is `status`, with every step block and abuse scores.
fn idv(status: &str, user: Value, synthetic: Value, stolen: Value) -> Value {
    json!({
        "id": "idv_7Qm2Zr8K", "client_user_id": "user-5521", "created_at": "2026-11-20T16:02:11Z",
        "completed_at": "2026-11-20T16:09:40Z", "previous_attempt_id": null,
        "shareable_url": null, "template": {"id": "idvtmp_4FrXJvfQU3zGUR", "version": 2},
        "status": status,
        "steps": {"accept_tos": "success", "verify_sms": "success", "kyc_check": "success",
                  "documentary_verification": "success", "selfie_check": "success",
                  "watchlist_screening": "success", "risk_check": "success"},
        "documentary_verification": {"status": "success", "documents": [{
            "status": "success", "attempt": 1,
            "images": {"original_front": null, "original_back": null, "cropped_front": null,
                       "cropped_back": null, "face": null},
            "extracted_data": {"id_number": "D1234567", "category": "drivers_license",
                               "expiration_date": "2030-01-18", "issuing_country": "US",
                               "issuing_region": "IN", "date_of_birth": "1975-01-18",
                               "address": null, "name": null},
            "analysis": {"authenticity": "match", "image_quality": "high",
                         "extracted_data": {"name": "match", "date_of_birth": "match",
                                            "expiration_date": "not_expired",
                                            "issuing_country": "match"},
                         "fraud_analysis_details": null, "human_review": null},
            "redacted_at": null}]},
        "selfie_check": {"status": "success", "selfies": [{"status": "success", "attempt": 1,
            "capture": {"image_url": null, "video_url": null},
            "analysis": {"document_comparison": "match", "liveness_check": "success",
                         "age_check": {"status": "match"}}}]},
        "kyc_check": {"status": "success", "address": {"summary": "match", "po_box": "no",
                      "type": "residential"},
                      "name": {"summary": "match"}, "date_of_birth": {"summary": "match"},
                      "id_number": {"summary": "match"},
                      "phone_number": {"summary": "match", "area_code": "match"}},
        "risk_check": {"status": "success",
            "behavior": {"user_interactions": "genuine", "fraud_ring_detected": "no",
                         "bot_detected": "no"},
            "email": {"is_deliverable": "yes", "breach_count": 2, "first_breached_at": null,
                      "last_breached_at": null, "domain_registered_at": null,
                      "domain_is_free_provider": "no", "domain_is_custom": "yes",
                      "domain_is_disposable": "no", "top_level_domain_is_suspicious": "no",
                      "linked_services": ["linkedin"], "name": "match"},
            "phone": {"linked_services": []},
            "devices": [{"ip_proxy_type": "none_detected", "ip_spam_list_count": 0,
                         "ip_timezone_offset": "-05:00:00"}],
            "identity_abuse_signals": {"synthetic_identity": {"score": synthetic},
                                       "stolen_identity": {"score": stolen}},
            "facial_duplicates": [], "trust_index_score": 78},
        "verify_sms": {"status": "success", "verifications": []},
        "watchlist_screening_id": null, "beacon_user_id": null,
        "user": user,
        "redacted_at": null,
        "latest_scored_protect_event": null,
        "request_id": "saKrIBuEB9qJZng"
    })
}

/// `/identity_verification/get`'s `user` for the identity of `base()`.
fn idv_user() -> Value {
    json!({
        "phone_number": "+14157452130",
        "date_of_birth": "1975-01-18",
        "ip_address": "203.0.113.77",
        "email_address": "leslie@knope.com",
        "name": {"given_name": "Leslie", "family_name": "Knope"},
        "address": {"street": "123 Main St.", "street2": "Apt 4", "city": "Pawnee",
                    "region": "IN", "postal_code": "46001", "country": "US"},
        "id_number": {"value": "524781963", "type": "us_ssn"}
    })
}

fn envelope(session: Value, signals: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({"session": session, "signals": signals})).unwrap()
}

fn assess(scorer: &Scorer, line: &[u8]) -> Decision<'static> {
    // The scorers are owned by the tests; leak them to keep the decisions' lifetime simple.
    let s: &'static Scorer = Box::leak(Box::new(scorer.clone()));
    s.assess(line, &Context::NONE)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn reason<'a>(d: &'a Decision<'_>, id: &str) -> Option<&'a layer_risk::Reason<'a>> {
    d.reasons.iter().find(|r| r.rule_id == id)
}

fn record(scorer: &Scorer, line: &[u8]) -> Value {
    let d = assess(scorer, line);
    let mut out = Vec::new();
    scorer.write_record(&d, Some(1), &mut out);
    serde_json::from_slice(&out).unwrap()
}

fn edited(field: &str, n: u32) -> Value {
    let mut b = base();
    let ptr = if field == "ssn" {
        "/identity_edit_history/official_document/ssn".to_owned()
    } else {
        format!("/identity_edit_history/{field}")
    };
    set(
        &mut b,
        &ptr,
        json!({"edits_current": n, "edits_1d": n, "edits_30d": n, "edits_365d": n, "edits_all_time": n}),
    );
    b
}

#[test]
fn full_bodies_of_a_genuine_user_are_trusted_under_every_file() {
    for name in SHIPPED {
        let s = scorer(name);
        let line = envelope(
            base(),
            json!({
                "protect": protect(json!(91)),
                "identity_match": identity_match([json!(100), json!(38)], json!(100), json!(null), json!(96)),
                "identity_verification": idv("success", idv_user(), json!(4), json!(11)),
            }),
        );
        let d = assess(&s, &line);
        assert_eq!(d.outcome, Outcome::Trust, "{name}: {d}");
        assert!(reason(&d, "idv_passed").is_some(), "{name}: {d}");
        assert!(
            d.reasons.iter().all(|r| r.code != "signal_rule"),
            "{name}: {d}"
        );
    }
}

#[test]
fn old_api_versions_and_nulls_say_nothing_but_what_is_missing() {
    for name in SHIPPED {
        let s = scorer(name);
        let line = envelope(
            base(),
            json!({
                "protect": protect(Value::Null),
                "identity_match": identity_match_old(),
                "identity_verification": idv("success", Value::Null, Value::Null, Value::Null),
            }),
        );
        let d = assess(&s, &line);
        let codes: Vec<&str> = d.reasons.iter().map(|r| r.code.as_str()).collect();
        let im: Vec<&str> = codes
            .iter()
            .filter(|c| c.starts_with("identity_match_"))
            .copied()
            .collect();
        assert_eq!(im, ["identity_match_ran"], "{name}: {codes:?}");
        assert!(
            codes.contains(&"protect_score_missing"),
            "{name}: {codes:?}"
        );
        // A success with no `user` verified nothing it could compare: idv_passed, and no doubt
        // is settled by it.
        assert!(codes.contains(&"idv_passed"), "{name}: {codes:?}");
        assert!(
            d.reasons.iter().all(|r| r.settled_by.is_none()),
            "{name}: {d}"
        );
        // Null blocks everywhere, and a signals object of nulls, are accepted.
        let nulls = envelope(
            base(),
            json!({"protect": null, "identity_match": null, "identity_verification": null}),
        );
        assert_eq!(assess(&s, &nulls).outcome, Outcome::Trust, "{name}");
        let empty = envelope(base(), Value::Null);
        assert_eq!(assess(&s, &empty).outcome, Outcome::Trust, "{name}");
    }
}

#[test]
fn a_passed_identity_match_settles_name_edits_but_never_the_ssn() {
    for name in SHIPPED {
        let s = scorer(name);
        let rules = super::util::shipped(name);
        let t = rules.identity_match_thresholds().legal_name;
        let without = assess(&s, &serde_json::to_vec(&edited("name", 3)).unwrap());
        assert_ne!(without.outcome, Outcome::Trust, "{name}: {without}");
        let passed = identity_match([json!(t), json!(12)], json!(null), json!(null), json!(null));
        let d = assess(
            &s,
            &envelope(edited("name", 3), json!({"identity_match": passed})),
        );
        assert_eq!(d.outcome, Outcome::Trust, "{name}: {d}");
        let settled: Vec<_> = d
            .reasons
            .iter()
            .filter(|r| r.settled_by.is_some())
            .collect();
        assert!(!settled.is_empty(), "{name}: {d}");
        assert!(settled
            .iter()
            .all(|r| r.settled_by == Some("identity_match") && r.points == 0));
        // One point under the threshold: the doubt stands, and the failure is found.
        let failed = identity_match(
            [json!(t - 1), json!(12)],
            json!(null),
            json!(null),
            json!(null),
        );
        let d = assess(
            &s,
            &envelope(edited("name", 3), json!({"identity_match": failed})),
        );
        let r = reason(&d, "identity_match_name_failed").expect("name failed");
        assert_eq!(
            serde_json::to_value(r).unwrap()["observed"],
            json!(t - 1),
            "{name}"
        );
        assert!(
            matches!(d.outcome, Outcome::IdentityVerification),
            "{name}: {d}"
        );
        // Identity Match passed on every field cannot settle an SSN edited in this session.
        let all = identity_match([json!(100), json!(100)], json!(100), json!(100), json!(100));
        let d = assess(
            &s,
            &envelope(edited("ssn", 1), json!({"identity_match": all})),
        );
        assert_eq!(d.outcome, Outcome::IdentityVerification, "{name}: {d}");
    }
}

#[test]
fn a_successful_idv_settles_only_the_identity_it_verified() {
    for name in SHIPPED {
        let s = scorer(name);
        let dob_edit = edited("date_of_birth", 1);
        let before = assess(&s, &serde_json::to_vec(&dob_edit).unwrap());
        assert_eq!(before.outcome, Outcome::IdentityVerification, "{name}");
        // The same identity verified: the date-of-birth doubt is settled.
        let ok = idv("success", idv_user(), json!(4), json!(11));
        let d = assess(
            &s,
            &envelope(dob_edit.clone(), json!({"identity_verification": ok})),
        );
        assert_eq!(d.outcome, Outcome::Trust, "{name}: {d}");
        assert!(d
            .reasons
            .iter()
            .any(|r| r.settled_by == Some("identity_verification")));
        // Another person verified: never trusted, never sent back to IDV, and no doubt settled.
        for (ptr, v, field) in [
            ("/date_of_birth", json!("1975-01-19"), "date_of_birth"),
            ("/name/family_name", json!("Perkins"), "name"),
            ("/id_number/value", json!("524781964"), "ssn"),
            (
                "/id_number",
                json!({"value": "1964", "type": "us_ssn_last_4"}),
                "ssn",
            ),
            ("/phone_number", json!("+14157452131"), "phone_number"),
        ] {
            let mut user = idv_user();
            *user.pointer_mut(ptr).unwrap() = v;
            let other = idv("success", user, json!(4), json!(11));
            let d = assess(
                &s,
                &envelope(dob_edit.clone(), json!({"identity_verification": other})),
            );
            let r =
                reason(&d, "idv_identity_mismatch").unwrap_or_else(|| panic!("{name} {ptr}: {d}"));
            assert_eq!(serde_json::to_value(r).unwrap()["observed"], json!(field));
            assert!(reason(&d, "idv_passed").is_none(), "{name} {ptr}");
            assert_eq!(d.outcome, Outcome::ManualReview, "{name} {ptr}: {d}");
            assert!(
                d.reasons.iter().all(|r| r.settled_by.is_none()),
                "{name} {ptr}"
            );
        }
        // The body's status takes the place of the session's: failed is a guardrail.
        let mut session = base();
        set(&mut session, "/idv_session_status", json!("success"));
        let failed = idv("failed", idv_user(), json!(4), json!(11));
        let d = assess(
            &s,
            &envelope(session, json!({"identity_verification": failed})),
        );
        assert!(reason(&d, "idv_failed").is_some() && reason(&d, "idv_passed").is_none());
        assert_eq!(d.outcome, Outcome::IdentityVerification, "{name}: {d}");
    }
}

#[test]
fn signal_rules_price_the_trust_index_and_the_abuse_scores() {
    for name in SHIPPED {
        let s = scorer(name);
        let rules = super::util::shipped(name);
        for rule in rules.signal_rules() {
            let (below, at_least) = (rule.below, rule.at_least);
            let (hit, miss) = match (below, at_least) {
                (Some(b), _) => (b - 1, b),
                (None, Some(a)) => (a, a - 1),
                (None, None) => unreachable!("loading refuses a rule without a bound"),
            };
            let line = |v: u32| match rule.signal.as_str() {
                "protect_trust_index" => envelope(base(), json!({"protect": protect(json!(v))})),
                "idv_synthetic_identity" => envelope(
                    base(),
                    json!({"identity_verification": idv("success", idv_user(), json!(v), json!(0))}),
                ),
                _ => envelope(
                    base(),
                    json!({"identity_verification": idv("success", idv_user(), json!(0), json!(v))}),
                ),
            };
            let d = assess(&s, &line(hit));
            let r = reason(&d, &rule.id).unwrap_or_else(|| panic!("{name} {}: {d}", rule.id));
            let v = serde_json::to_value(r).unwrap();
            assert_eq!(v["code"], "signal_rule");
            assert_eq!(v["signal"], rule.signal.as_str());
            assert_eq!(v["observed"], json!(hit));
            assert!(
                reason(&assess(&s, &line(miss)), &rule.id).is_none(),
                "{name} {}",
                rule.id
            );
        }
        // A score above 100 reads as 100 (never a larger reward than the scale allows).
        let d = assess(
            &s,
            &envelope(base(), json!({"protect": protect(json!(4_000_000_000u32))})),
        );
        assert_eq!(d.outcome, Outcome::Trust, "{name}");
    }
}

#[test]
fn context_parts_equal_the_envelope() {
    let s = scorer("default").with_shadow(super::util::shipped("lending").clone());
    let p = serde_json::to_vec(&protect(json!(22))).unwrap();
    let m = serde_json::to_vec(&identity_match(
        [json!(40), json!(55)],
        json!(100),
        json!(12),
        json!(null),
    ))
    .unwrap();
    let v = serde_json::to_vec(&idv("pending_review", idv_user(), json!(81), json!(3))).unwrap();
    let body = serde_json::to_vec(&edited("address", 2)).unwrap();
    let ctx = Context::new()
        .protect(&p)
        .identity_match(&m)
        .identity_verification(&v);
    let a = s.assess(&body, &ctx).unwrap();
    let line = serde_json::to_vec(
        &json!({"session": serde_json::from_slice::<Value>(&body).unwrap(), "signals": {
        "protect": serde_json::from_slice::<Value>(&p).unwrap(),
        "identity_match": serde_json::from_slice::<Value>(&m).unwrap(),
        "identity_verification": serde_json::from_slice::<Value>(&v).unwrap()}}),
    )
    .unwrap();
    let b = s.assess(&line, &Context::NONE).unwrap();
    let strip = |d: &Decision<'_>| {
        let mut out = Vec::new();
        s.write_record(d, None, &mut out);
        let mut v: Value = serde_json::from_slice(&out).unwrap();
        v.as_object_mut().unwrap().remove("decision_id");
        v["shadow"].as_object_mut().unwrap().remove("decision_id");
        v
    };
    assert_eq!(strip(&a), strip(&b));
    // The id covers the bytes as given: the parts apart are another input than the envelope,
    // and each part is covered (another Trust Index, another id).
    assert_ne!(a.decision_id, b.decision_id);
    let p2 = serde_json::to_vec(&protect(json!(23))).unwrap();
    let c = s
        .assess(
            &body,
            &Context::new()
                .protect(&p2)
                .identity_match(&m)
                .identity_verification(&v),
        )
        .unwrap();
    assert_ne!(c.decision_id, a.decision_id);
    // A part given twice is ambiguous.
    let e = s.assess(&line, &Context::new().protect(&p)).unwrap_err();
    assert_eq!(e.code(), "ambiguous_envelope");
}

#[test]
fn errors_in_a_verdict_are_located_and_quote_nothing() {
    let s = scorer("default");
    let secret = "Leslie Knope 524781963";
    let mut m = identity_match([json!(90), json!(1)], json!(null), json!(null), json!(null));
    m["accounts"][0]["legal_name"]["score"] = json!(secret);
    let e = s
        .assess(
            &envelope(base(), json!({"identity_match": m.clone()})),
            &Context::NONE,
        )
        .unwrap_err();
    assert_eq!(e.code(), "wrong_type");
    assert_eq!(
        e.path(),
        Some("signals.identity_match.accounts[0].legal_name.score")
    );
    let m_bytes = serde_json::to_vec(&m).unwrap();
    let body = serde_json::to_vec(&base()).unwrap();
    let e2 = s
        .assess(&body, &Context::new().identity_match(&m_bytes))
        .unwrap_err();
    assert_eq!(e2.path(), e.path());
    let mut user = idv_user();
    user["date_of_birth"] = json!({"value": secret});
    let v = idv("success", user, json!(1), json!(1));
    let e3 = s
        .assess(
            &envelope(base(), json!({"identity_verification": v})),
            &Context::NONE,
        )
        .unwrap_err();
    assert_eq!(
        e3.path(),
        Some("signals.identity_verification.user.date_of_birth")
    );
    let e4 = s
        .assess(
            &envelope(base(), json!({"protect": [secret]})),
            &Context::NONE,
        )
        .unwrap_err();
    assert_eq!(e4.path(), Some("signals.protect"));
    for e in [e, e2, e3, e4] {
        for text in [e.to_string(), format!("{e:?}"), e.describe()] {
            assert!(
                !text.contains("Leslie") && !text.contains("524781963"),
                "{text}"
            );
        }
    }
}

#[test]
fn no_value_of_a_verdict_reaches_a_record_or_a_debug() {
    let secrets = [
        "Leslie",
        "Knope",
        "1975-01-18",
        "524781963",
        "203.0.113.77",
        "leslie@knope.com",
        "4157452130",
        "Pawnee",
        "123 Main",
        "D1234567",
        "user-5521",
        "idv_7Qm2Zr8K",
        "BxLp4kQz9w",
        "Ed6bjNrD",
        "Rb7kQ2xLm9",
    ];
    for name in SHIPPED {
        let s = scorer(name).with_shadow(super::util::shipped("payments").clone());
        for status in ["success", "failed", "pending_review", "approved_v2"] {
            let mut user = idv_user();
            if status == "failed" {
                user["date_of_birth"] = json!("1975-01-19");
            }
            let line = envelope(
                edited("name", 2),
                json!({
                    "protect": protect(json!(12)),
                    "identity_match": identity_match([json!(20), json!(30)], json!(15), json!(9), json!(40)),
                    "identity_verification": idv(status, user, json!(90), json!(95)),
                }),
            );
            let rec = record(&s, &line).to_string();
            let d = assess(&s, &line);
            for text in [rec, format!("{d:?}"), d.to_string()] {
                for secret in secrets {
                    assert!(
                        !text.contains(secret),
                        "{name} {status}: {secret} in {text}"
                    );
                }
            }
        }
    }
}

#[test]
fn shipped_thresholds_are_read_and_a_file_may_set_its_own() {
    let lending = super::util::shipped("lending");
    assert_eq!(lending.identity_match_thresholds().legal_name, 85);
    let text = std::fs::read_to_string(super::util::root().join("rules/default.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["identity_match_thresholds"] = json!({"legal_name": 95});
    let mine = RuleSet::from_json(&v.to_string(), "mine.json").unwrap();
    let t = mine.identity_match_thresholds();
    assert_eq!(
        (t.legal_name, t.phone_number, t.email_address, t.address),
        (95, 70, 70, 70)
    );
    v["identity_match_thresholds"] = json!({"legal_name": 0});
    let e = RuleSet::from_json(&v.to_string(), "mine.json").unwrap_err();
    assert!(e.path().starts_with("identity_match_thresholds"), "{e}");
}
