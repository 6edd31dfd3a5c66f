//! Property tests: no panics on any input, monotone edit rules, determinism.
//! (The PII properties are in `pii.rs`.)

use layer_risk::{parse_session, Outcome, RuleSet};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};

use super::util::{self, as_of, base};

/// The shipped rule sets.
fn all_rules() -> &'static [RuleSet] {
    util::shipped_all()
}

// ---- strategies ----

/// Strings that matter to the validators, plus arbitrary text.
pub fn text() -> BoxedStrategy<String> {
    prop_oneof![
        2 => "\\PC{0,24}",
        1 => "[\\x00-\\x7f]{0,12}",
        2 => select(vec![
            "", " ", "+14157452130", "+442079460958", "+1", "+", "(415) 745-2130", "1975-01-18",
            "2030-02-30", "0000-00-00", "9999-12-31", "123456789", "666456789", "6789", "67a9",
            "US", "us", "GB", "XX", "IN", "Indiana", "46001", "46001-1234", "leslie@knope.com",
            "a@b", "success", "failed", "active", "\u{0}", "é", "١٢٣", "Aaaaaron", "O'Brien",
            "\u{202e}", "\u{feff}",
        ])
        .prop_map(String::from),
    ]
    .boxed()
}

/// Any JSON value of a small size and any type.
pub fn junk() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e15f64..1e15).prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// Mostly `good`, sometimes anything, sometimes absent.
fn field(good: BoxedStrategy<Value>) -> BoxedStrategy<Option<Value>> {
    prop::option::weighted(0.9, prop_oneof![6 => good, 1 => junk()]).boxed()
}

fn obj(fields: Vec<(&'static str, BoxedStrategy<Option<Value>>)>) -> BoxedStrategy<Value> {
    let (names, strats): (Vec<_>, Vec<_>) = fields.into_iter().unzip();
    strats
        .prop_map(move |vals| {
            let mut m = Map::new();
            for (k, v) in names.iter().zip(vals) {
                if let Some(v) = v {
                    m.insert((*k).to_owned(), v);
                }
            }
            Value::Object(m)
        })
        .boxed()
}

fn string() -> BoxedStrategy<Value> {
    text().prop_map(Value::from).boxed()
}

fn count() -> BoxedStrategy<Value> {
    prop_oneof![4 => (0u32..12).prop_map(Value::from), 1 => any::<u32>().prop_map(Value::from)]
        .boxed()
}

fn counts() -> BoxedStrategy<Value> {
    obj([
        "edits_current",
        "edits_1d",
        "edits_30d",
        "edits_365d",
        "edits_all_time",
    ]
    .into_iter()
    .map(|k| (k, field(count())))
    .collect())
}

/// A response of the real schema, with random types and values in every field.
pub fn response() -> BoxedStrategy<Value> {
    let name = obj(vec![
        ("first_name", field(string())),
        ("last_name", field(string())),
    ]);
    let address = obj([
        "street",
        "street2",
        "city",
        "region",
        "postal_code",
        "country",
    ]
    .into_iter()
    .map(|k| (k, field(string())))
    .collect());
    let identity = obj(vec![
        ("name", field(name)),
        ("address", field(address)),
        ("phone_number", field(string())),
        ("email", field(string())),
        ("date_of_birth", field(string())),
        ("ssn", field(string())),
        ("ssn_last_4", field(string())),
        ("ssn_last4", field(string())),
    ]);
    let history = obj(vec![
        ("name", field(counts())),
        ("address", field(counts())),
        ("email", field(counts())),
        ("date_of_birth", field(counts())),
        (
            "official_document",
            field(obj(vec![("ssn", field(counts()))])),
        ),
    ]);
    let item = obj(vec![
        ("item_id", field(string())),
        ("access_token", field(string())),
    ]);
    obj(vec![
        ("identity", field(identity)),
        ("identity_edit_history", field(history)),
        (
            "items",
            field(
                prop::collection::vec(item, 0..3)
                    .prop_map(Value::from)
                    .boxed(),
            ),
        ),
        ("request_id", field(string())),
        ("idv_session_status", field(string())),
        ("link_session_id", field(string())),
        ("extra", field(junk())),
    ])
}

// ---- (1) never panics ----

proptest! {
    #[test]
    fn prop_any_bytes_parse_or_fail_and_assess_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let rules = RuleSet::embedded_default();
        match util::scorer(rules).assess(&bytes, &layer_risk::Context::NONE) {
            Ok(d) => { let _ = d.to_string(); }
            Err(e) => {
                prop_assert!(e.line() >= 1);
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn prop_mangled_responses_never_panic(
        cut in 0usize..2000,
        flips in prop::collection::vec((0usize..2000, any::<u8>()), 0..4),
    ) {
        let mut bytes = util::read_fixture("seed_api_reference.json").into_bytes();
        for (at, b) in flips {
            let n = bytes.len();
            bytes[at % n] = b;
        }
        bytes.truncate(cut.min(bytes.len()));
        let rules = RuleSet::embedded_default();
        if let Ok(d) = util::scorer(rules).assess(&bytes, &layer_risk::Context::NONE) {
            let _ = d.to_string();
        }
    }

    #[test]
    fn prop_schema_shaped_values_never_panic(doc in response()) {
        let text = doc.to_string();
        for rules in all_rules() {
            match util::scorer(rules).assess(text.as_bytes(), &layer_risk::Context::NONE) {
                Ok(d) => {
                    let sum = d.reasons.iter().map(|r| r.points).sum::<u32>();
                    let passed = d.reasons.iter().any(|r| r.code == "idv_passed");
                    let kept = if passed { 100 - u32::from(rules.idv_passed_discount()) } else { 100 };
                    prop_assert_eq!(u64::from(d.score), u64::from(sum) * u64::from(kept) / 100);
                    prop_assert!(d.reasons.windows(2).all(|w| w[0].points >= w[1].points));
                    // Invalid or inconsistent identity data is never trusted, whatever the file.
                    let doubt = d.reasons.iter().any(|r| {
                        r.class.is_some_and(|c| matches!(c, layer_risk::Class::Invalid | layer_risk::Class::Inconsistent))
                            && r.concerns.is_identity()
                    });
                    prop_assert!(!doubt || d.outcome != layer_risk::Outcome::Trust);
                }
                Err(e) => prop_assert!(!e.code().is_empty()),
            }
        }
        // The findings-alone entry point agrees with the scorer on what is a response.
        prop_assert_eq!(
            parse_session(&text).err(),
            util::scorer(RuleSet::embedded_default()).assess(text.as_bytes(), &layer_risk::Context::NONE).err()
        );
    }

    #[test]
    fn prop_any_date_never_panics(doc in response(), days in -1_000_000i64..1_000_000) {
        let as_of = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(days);
        let text = doc.to_string();
        let scorer = layer_risk::Scorer::new(RuleSet::embedded_default().clone(), as_of);
        if let Ok(d) = scorer.assess(text.as_bytes(), &layer_risk::Context::NONE) {
            let mut out = Vec::new();
            scorer.write_record(&d, Some(1), &mut out);
            prop_assert!(out.ends_with(b"\n"));
        }
    }
}

// ---- (2) raising an edit count never lowers the score ----

/// Nested counts (current <= 1d <= 30d <= 365d <= all_time) for each field.
fn nested_counts() -> impl Strategy<Value = Vec<[u32; 5]>> {
    prop::collection::vec(prop::array::uniform5(0u32..15), 5).prop_map(|v| {
        v.into_iter()
            .map(|mut a| {
                a.sort_unstable();
                a
            })
            .collect()
    })
}

fn history_json(counts: &[[u32; 5]]) -> Value {
    let c = |a: [u32; 5]| json!({"edits_current": a[0], "edits_1d": a[1], "edits_30d": a[2], "edits_365d": a[3], "edits_all_time": a[4]});
    json!({
        "name": c(counts[0]), "address": c(counts[1]), "email": c(counts[2]),
        "date_of_birth": c(counts[3]), "official_document": {"ssn": c(counts[4])}
    })
}

/// A base response with some identity problems, so findings and edit rules mix.
fn flawed_base() -> impl Strategy<Value = Value> {
    prop::collection::vec(
        select(vec![
            ("/identity/phone_number", Value::Null),
            ("/identity/name/last_name", Value::Null),
            ("/identity/ssn", json!("666456789")),
            ("/identity/date_of_birth", json!("2015-01-01")),
            ("/items", json!([])),
            ("/idv_session_status", json!("active")),
        ]),
        0..3,
    )
    .prop_map(|muts| {
        let mut v = base();
        for (p, x) in muts {
            util::set(&mut v, p, x);
        }
        v
    })
}

proptest! {
    #[test]
    fn prop_raising_an_edit_count_never_lowers_the_score(
        doc in flawed_base(),
        counts in nested_counts(),
        field in 0usize..5,
        window in 0usize..5,
        by in 1u32..40,
    ) {
        let mut before = doc;
        util::set(&mut before, "/identity_edit_history", history_json(&counts));
        // An edit counted in one window is counted in every wider one too (an edit made now
        // was also made today, this month, ...): raise the window and all wider windows, so
        // the history stays nested and the rules over a difference of windows
        // (`"minus": "current"`) see what really changed.
        let mut raised = counts.clone();
        for c in &mut raised[field][window..] {
            *c = c.saturating_add(by);
        }
        let mut after = before.clone();
        util::set(&mut after, "/identity_edit_history", history_json(&raised));
        for rules in all_rules() {
            let a = util::decide(&before, rules);
            let b = util::decide(&after, rules);
            prop_assert!(b.score >= a.score, "{}: {} -> {}", rules.id().name, a.score, b.score);
            prop_assert!(b.outcome >= a.outcome, "{}: {} -> {}", rules.id().name, a.outcome, b.outcome);
        }
    }
}

// ---- (3) determinism ----

proptest! {
    #[test]
    fn prop_same_input_rules_and_date_give_identical_output(doc in response()) {
        let text = doc.to_string();
        for rules in all_rules() {
            let scorer = util::scorer(rules);
            let (Ok(d1), Ok(d2)) = (scorer.assess(text.as_bytes(), &layer_risk::Context::NONE), scorer.assess(text.as_bytes(), &layer_risk::Context::NONE)) else {
                let e1 = scorer.assess(text.as_bytes(), &layer_risk::Context::NONE).err().map(|e| e.to_string());
                let e2 = scorer.assess(text.as_bytes(), &layer_risk::Context::NONE).err().map(|e| e.to_string());
                prop_assert_eq!(e1, e2);
                continue;
            };
            let j1 = util::record(&d1, 1);
            prop_assert_eq!(&j1, &util::record(&d1, 1));
            prop_assert_eq!(&j1, &util::record(&d2, 1));
            prop_assert_eq!(d1.to_string(), d2.to_string());
            // A scorer over a clone of the rule set decides the same.
            let clone = layer_risk::Scorer::new(rules.clone(), as_of());
            prop_assert_eq!(&j1, &util::record(&clone.assess(text.as_bytes(), &layer_risk::Context::NONE).unwrap(), 1));
        }
    }
}

#[test]
fn determinism_holds_across_rule_set_instances_and_outcome_order() {
    // Outcome ordering is what the monotonicity property relies on.
    assert!(Outcome::Trust < Outcome::IdentityMatch);
    assert!(Outcome::IdentityMatch < Outcome::IdentityVerification);
    let a = util::shipped("default");
    let b = util::shipped("default");
    let doc = util::read_fixture("seed_layer_guide.json");
    let decide = |rules: &RuleSet| {
        let scorer = layer_risk::Scorer::new(rules.clone(), as_of());
        serde_json::to_string(
            &scorer
                .assess(doc.as_bytes(), &layer_risk::Context::NONE)
                .unwrap(),
        )
        .unwrap()
    };
    let (ja, jb) = (decide(a), decide(b));
    assert_eq!(ja, jb);
}
