//! The wire contract, pinned where it is written twice by necessity: the Node package's
//! hand-written typings (`bindings/node/index.d.ts`) must name the record's fields in the
//! order the core writes them (`layer_risk::DECISION_FIELDS`), every outcome and every
//! resolution step the core can write, and every key a reason can carry.

use layer_risk::{Outcome, StepKind, DECISION_FIELDS};
use serde_json::{json, Value};

use super::util;

fn typings() -> String {
    std::fs::read_to_string(util::root().join("bindings/node/index.d.ts")).unwrap()
}

/// The body of `export interface NAME { ... }` (up to its closing brace at column 0).
fn interface<'t>(text: &'t str, name: &str) -> &'t str {
    let start = text
        .find(&format!("export interface {name} {{"))
        .unwrap_or_else(|| panic!("no interface {name} in index.d.ts"));
    let body = &text[start..];
    &body[..body.find("\n}").unwrap()]
}

/// The member names of an interface body, in order (`name:` or `name?:` at two spaces).
fn members(body: &str) -> Vec<&str> {
    body.lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(':').map(|(k, _)| k.trim_end_matches('?')))
        .collect()
}

/// The quoted strings of a union (`'a' | 'b'`) in `text`.
fn quoted(text: &str) -> Vec<&str> {
    text.split('\'').skip(1).step_by(2).collect()
}

#[test]
fn typings_name_the_record_fields_in_order() {
    let t = typings();
    assert_eq!(members(interface(&t, "Decision")), DECISION_FIELDS);
}

#[test]
fn typings_name_every_outcome_and_step() {
    let t = typings();
    let outcome = t
        .lines()
        .find(|l| l.starts_with("export type Outcome ="))
        .unwrap();
    let names: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
    assert_eq!(quoted(outcome), names);
    let steps: Vec<&str> = StepKind::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(quoted(interface(&t, "Step")), steps);
}

#[test]
fn typings_name_every_key_a_reason_can_carry() {
    let t = typings();
    let typed = members(interface(&t, "Reason"));
    // A decision whose reasons carry every optional key between them: a finding with an
    // observed value, an edit rule over a difference of windows with a force, a combined
    // rule.
    let mut doc = util::with("/identity/phone_number", json!("+442079460958"));
    util::set(
        &mut doc,
        "/identity_edit_history/official_document/ssn",
        json!({"edits_current": 1, "edits_1d": 3, "edits_30d": 3, "edits_365d": 3, "edits_all_time": 3}),
    );
    // Name and address both edited now: the combined rule carries `all_of`.
    for field in ["name", "address"] {
        util::set(
            &mut doc,
            &format!("/identity_edit_history/{field}"),
            json!({"edits_current": 1, "edits_1d": 1, "edits_30d": 1, "edits_365d": 1, "edits_all_time": 1}),
        );
    }
    let d = util::decide(&doc, util::shipped("default"));
    let rec: Value = serde_json::from_str(&util::record(&d, 1)).unwrap();
    let mut seen: Vec<String> = Vec::new();
    for r in rec["reasons"].as_array().unwrap() {
        for k in r.as_object().unwrap().keys() {
            if !seen.contains(k) {
                seen.push(k.clone());
            }
        }
    }
    for k in &seen {
        assert!(typed.contains(&k.as_str()), "index.d.ts Reason lacks `{k}`");
    }
    for k in [
        "class",
        "window",
        "minus",
        "observed",
        "threshold",
        "force",
        "all_of",
    ] {
        assert!(
            seen.iter().any(|s| s == k),
            "the probe decision has no `{k}`: {rec}"
        );
    }
}

/// A link rule's reason carries `signal` beside `window` and `observed`: the typings name it.
#[test]
fn typings_name_the_keys_of_a_link_reason() {
    let t = typings();
    let typed = members(interface(&t, "Reason"));
    let h: layer_risk::link::LinkHistory = serde_json::from_str(
        r#"{"ssn_other_names": {"1d": 1, "30d": 1, "365d": 1, "all_time": 1}}"#,
    )
    .unwrap();
    let body = util::base().to_string();
    let d = util::scorer(util::shipped("default"))
        .assess(body.as_bytes(), &layer_risk::Context::new().link(&h))
        .unwrap();
    let rec: Value = serde_json::to_value(&d).unwrap();
    let link = rec["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "link_rule")
        .unwrap();
    let mut keys: Vec<&String> = link.as_object().unwrap().keys().collect();
    keys.sort();
    let want = [
        "code", "field", "force", "observed", "points", "rule_id", "signal",
    ];
    assert_eq!(keys, [&want[..], &["threshold", "window"]].concat());
    for k in keys {
        assert!(typed.contains(&k.as_str()), "index.d.ts Reason lacks `{k}`");
    }
}
