//! Rules files: one broken file per error kind (`tests/fixtures/rules/<error>.json`) with its
//! exact located message; the shipped files load and price every code.

use layer_risk::DEFAULT_RULES_JSON;
use layer_risk::{Code, RuleSet, RulesError, RulesErrorKind};
use sha2::{Digest, Sha256};

use super::util::{self, SHIPPED};

use RulesErrorKind::{Schema, Semantic, Syntax};

/// (fixture stem, kind, line, column, path, message).
const TABLE: &[(&str, RulesErrorKind, usize, usize, &str, &str)] = &[
    ("unknown_key_typo", Schema, 6, 26, "tiers.identity_verfication",
     "unknown field `identity_verfication`, expected `identity_match` or `identity_verification`; did you mean `identity_verification`?"),
    ("unknown_top_level_key", Schema, 4, 13, "edit_rule",
     "unknown field `edit_rule`, expected one of `name`, `version`, `description`, `tiers`, `age`, `identity_match_requires_items`, `findings`, `edit_rules`, `match_rules`, `combined_rules`, `signal_rules`, `identity_match_thresholds`, `link_rules`, `guardrails`, `idv_passed_discount`; did you mean `edit_rules`?"),
    ("price_object_unknown_key", Schema, 9, 44, "findings.ssn_impossible.forse",
     "unknown field `forse`, expected `points` or `force`; did you mean `force`?"),
    ("unknown_window", Schema, 14, 54, "edit_rules[1].window",
     "unknown variant `7d`, expected one of `current`, `1d`, `30d`, `365d`, `all_time`"),
    ("unknown_field", Schema, 13, 36, "edit_rules[0].field",
     "unknown variant `snn`, expected one of `name`, `address`, `email`, `date_of_birth`, `ssn`"),
    ("unknown_force", Schema, 9, 68, "findings.ssn_impossible.force",
     "unknown variant `identity_verifcation`, expected one of `trust`, `identity_match`, `identity_verification`, `manual_review`; did you mean `identity_verification`?"),
    ("wrong_type_points", Schema, 10, 25, "findings.phone_missing",
     r#"invalid type: string "30", expected points (an integer) or {"points": N, "force": "<tier>"}"#),
    ("wrong_type_at_least", Schema, 14, 76, "edit_rules[1].at_least",
     r#"invalid type: string "1", expected u32"#),
    ("missing_tiers", Schema, 12, 1, "", "missing field `tiers`"),
    ("trailing_garbage", Syntax, 17, 1, "", "trailing characters"),
    ("duplicate_rule_id", Semantic, 14, 6, "edit_rules[1].id",
     "duplicate rule id `ssn-now` (first used by edit_rules[0])"),
    ("empty_rule_id", Semantic, 14, 6, "edit_rules[1].id", "rule id must not be empty"),
    ("empty_name", Semantic, 2, 3, "name", "name must not be empty"),
    ("empty_version", Semantic, 3, 3, "version", "version must not be empty"),
    ("tiers_out_of_order", Semantic, 6, 5, "tiers.identity_verification",
     "tiers out of order: identity_verification (60) must be above identity_match (70)"),
    ("tiers_identity_match_zero", Semantic, 5, 5, "tiers.identity_match",
     "identity_match must be at least 1 (a score of 0 must mean trust)"),
    ("negative_points", Semantic, 10, 5, "findings.phone_missing",
     "points must be between 0 and 1000000 (got -5)"),
    ("negative_rule_points", Semantic, 14, 77, "edit_rules[1].points",
     "points must be between 0 and 1000000 (got -20)"),
    ("points_too_large", Semantic, 10, 5, "findings.phone_missing",
     "points must be between 0 and 1000000 (got 1000001)"),
    ("unknown_finding_code", Semantic, 10, 5, "findings.phone_mising",
     "unknown finding code `phone_mising`; did you mean `phone_missing`?"),
    ("unknown_finding_code_no_hint", Semantic, 10, 5, "findings.zzz", "unknown finding code `zzz`"),
    ("at_least_zero", Semantic, 14, 62, "edit_rules[1].at_least",
     "at_least must be 1 or more (0 would fire on every session)"),
    ("trust_forced_by_edit_rule", Semantic, 14, 91, "edit_rules[1].force",
     "an edit rule cannot force trust"),
    ("trust_forced_by_finding", Semantic, 10, 5, "findings.phone_missing",
     "no finding may force trust: a passed Identity Verification lowers the other prices with `idv_passed_discount`, it does not turn trust on"),
    ("minus_not_narrower", Semantic, 14, 61, "edit_rules[1].minus",
     "minus must be a narrower window than window (`30d` is not narrower than `1d`)"),
    ("guardrail_unknown_key", Semantic, 10, 5, "guardrails.dob_under_minage",
     "guardrail `dob_under_minage` is neither a finding code nor a rule id of this file; did you mean `dob_under_min_age`?"),
    ("guardrail_trust", Semantic, 9, 5, "guardrails.idv_failed",
     "a guardrail holds the decision at identity_match, identity_verification or manual_review; trust is no floor"),
    ("idv_passed_discount_over_100", Semantic, 8, 3, "idv_passed_discount",
     "idv_passed_discount is a percentage from 0 to 100 (got 150)"),
    ("age_bounds", Semantic, 4, 3, "age",
     "age bounds must satisfy min <= max <= 150 (got min 30, max 20)"),
    ("age_max_over_150", Semantic, 4, 3, "age",
     "age bounds must satisfy min <= max <= 150 (got min 18, max 200)"),
];

/// Syntax errors: (stem, line, column, message); their path is checked below.
const SYNTAX: &[(&str, usize, usize, &str)] = &[
    ("bad_json", 4, 3, "expected `,` or `}`"),
    ("truncated", 12, 2, "EOF while parsing a value"),
];

fn load(stem: &str) -> Result<RuleSet, RulesError> {
    let source = format!("tests/fixtures/rules/{stem}.json");
    RuleSet::from_json(&util::read_fixture(&format!("rules/{stem}.json")), &source)
}

fn load_err(stem: &str) -> RulesError {
    match load(stem) {
        Ok(_) => panic!("{stem}: loaded"),
        Err(e) => e,
    }
}

#[test]
fn rules_error_table() {
    let mut wrong = Vec::new();
    for &(stem, kind, line, column, path, message) in TABLE {
        let e = load_err(stem);
        let source = format!("tests/fixtures/rules/{stem}.json");
        let at = if path.is_empty() {
            String::new()
        } else {
            format!("{path}: ")
        };
        let expected = format!("{source}:{line}:{column}: {at}{message}");
        if e.to_string() != expected {
            wrong.push(format!("{stem}:\n  got  {e}\n  want {expected}"));
            continue;
        }
        assert_eq!(e.source_name(), source);
        assert_eq!((e.line(), e.column()), (line, column), "{stem}");
        assert_eq!(e.path(), path, "{stem}");
        assert_eq!(e.message(), message, "{stem}");
        assert_eq!(e.kind(), kind, "{stem}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn syntax_errors_are_located() {
    for &(stem, line, column, message) in SYNTAX {
        let e = load_err(stem);
        assert_eq!(e.kind(), Syntax, "{stem}");
        assert_eq!((e.line(), e.column()), (line, column), "{stem}");
        assert_eq!(e.message(), message, "{stem}");
        assert!(e.to_string().ends_with(&format!(": {message}")), "{e}");
    }
}

#[test]
fn syntax_errors_have_no_placeholder_path() {
    for &(stem, line, column, message) in SYNTAX {
        let e = load_err(stem);
        assert_eq!(
            e.to_string(),
            format!("tests/fixtures/rules/{stem}.json:{line}:{column}: {message}")
        );
    }
}

#[test]
fn every_error_fixture_is_in_a_table() {
    let mut listed: Vec<&str> = TABLE.iter().map(|t| t.0).collect();
    listed.extend(SYNTAX.iter().map(|t| t.0));
    listed.extend(["valid_minimal", "not_an_object", "unpriced_codes"]);
    for entry in std::fs::read_dir(util::fixture("rules")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let stem = name.strip_suffix(".json").unwrap();
        assert!(listed.contains(&stem), "{name} is not tested");
    }
}

#[test]
fn a_rules_file_that_is_not_an_object_is_refused() {
    let e = load_err("not_an_object");
    assert_eq!(e.kind(), Schema);
    assert!(
        e.to_string()
            .starts_with("tests/fixtures/rules/not_an_object.json:1:"),
        "{e}"
    );
}

#[test]
fn the_fixtures_base_is_valid() {
    let r = load("valid_minimal").unwrap();
    assert_eq!(r.id().name, "fixture");
    assert_eq!(r.edit_rules().len(), 2);
    assert!(Code::ALL.iter().all(|c| r.price(*c).is_some()));
    assert_eq!(r.price(Code::PhoneMissing).map(|p| p.points), Some(30));
    assert_eq!(r.price(Code::PhoneInvalid).map(|p| p.points), Some(0));
    assert!(r.identity_match_requires_items(), "defaults to true");
    assert_eq!(r.ages(), layer_risk::AgeBounds { min: 18, max: 120 });
}

#[test]
fn shipped_rules_load_and_price_every_code() {
    for name in SHIPPED {
        let r = util::shipped(name);
        assert_eq!(r.id().name, name);
        assert!(Code::ALL.iter().all(|c| r.price(*c).is_some()), "{name}");
        assert!(r.description().is_some(), "{name}");
        assert!(!r.edit_rules().is_empty(), "{name}");
        assert!(r.tiers().identity_match < r.tiers().identity_verification);
        // Nothing forces trust; the three guardrails every shipped file must have.
        for &c in Code::ALL {
            assert_ne!(
                r.price(c).unwrap().force,
                Some(layer_risk::Outcome::Trust),
                "{name}: {c}"
            );
        }
        for key in ["identity_missing", "dob_under_min_age", "idv_failed"] {
            let g = r.guardrails().iter().find(|g| g.key == key);
            assert_eq!(
                g.map(|g| g.at_least),
                Some(layer_risk::Outcome::IdentityVerification),
                "{name}: guardrail {key}"
            );
        }
    }
}

#[test]
fn embedded_default_is_rules_default_json() {
    let bytes = std::fs::read(util::root().join("rules/default.json")).unwrap();
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let embedded = RuleSet::embedded_default();
    assert_eq!(embedded.id().sha256, sha);
    assert_eq!(DEFAULT_RULES_JSON.as_bytes(), &bytes[..]);
    assert_eq!(util::shipped("default").id(), embedded.id());
    assert_eq!(embedded.id().sha256.len(), 64);
}

#[test]
fn hash_covers_every_byte() {
    let a = util::rules_from(&util::read_fixture("rules/valid_minimal.json"));
    let b = util::rules_from(&(util::read_fixture("rules/valid_minimal.json") + " "));
    assert_ne!(a.id().sha256, b.id().sha256);
    assert_eq!(a.id().name, b.id().name);
}

#[test]
fn did_you_mean_is_not_offered_for_unrelated_keys() {
    let text = util::read_fixture("rules/valid_minimal.json")
        .replace(r#""version": "1","#, r#""version": "1", "qqqqqqqq": 1,"#);
    let e = RuleSet::from_json(&text, "x.json").unwrap_err();
    assert!(e.message().starts_with("unknown field `qqqqqqqq`"), "{e}");
    assert!(!e.message().contains("did you mean"), "{e}");
}

#[test]
fn price_accepts_points_or_object() {
    let text = util::read_fixture("rules/valid_minimal.json");
    let r = util::rules_from(&text);
    let p = r.price(Code::SsnImpossible).unwrap();
    assert_eq!(
        (p.points, p.force),
        (60, Some(layer_risk::Outcome::IdentityVerification))
    );
    let p = r.price(Code::PhoneMissing).unwrap();
    assert_eq!((p.points, p.force), (30, None));
}

/// rules/README.md documents every reason code and every parse error code, so a new code
/// cannot ship undocumented.
#[test]
fn rules_readme_documents_every_code() {
    let readme = std::fs::read_to_string(super::util::root().join("rules/README.md")).unwrap();
    let mut codes: Vec<&str> = layer_risk::Code::ALL.iter().map(|c| c.as_str()).collect();
    codes.extend([
        layer_risk::EDIT_RULE,
        layer_risk::MATCH_RULE,
        layer_risk::COMBINED_RULE,
        layer_risk::SIGNAL_RULE,
        layer_risk::IDENTITY_MATCH_UNAVAILABLE,
    ]);
    codes.extend([
        "invalid_utf8",
        "truncated",
        "invalid_json",
        "wrong_type",
        "invalid_value",
        "duplicate_field",
        "not_an_object",
        "ambiguous_envelope",
        "line_too_long",
        "invalid_data",
    ]);
    for code in codes {
        assert!(
            readme.contains(&format!("`{code}`")),
            "rules/README.md does not document `{code}`"
        );
    }
}

/// Semantic checks on match rules, duplicate finding codes, ids that are reason codes, and a
/// byte-order mark: (rules text, expected message tail).
#[test]
fn match_rules_and_duplicates_are_checked() {
    let base = |extra: &str| {
        format!(
            "{{\"name\": \"t\", \"version\": \"1\",\n \"tiers\": {{\"identity_match\": 10, \"identity_verification\": 20}},\n \"findings\": {{}},\n {extra}\n}}"
        )
    };
    let rule = |id: &str, below: i64, points: i64, force: &str| {
        format!("{{\"id\": \"{id}\", \"field\": \"legal_name\", \"below\": {below}, \"points\": {points}{force}}}")
    };
    let cases: Vec<(String, &str)> = vec![
        (base(&format!("\"match_rules\": [{}]", rule("m", 0, 1, ""))), "4:: match_rules[0].below: below must be between 1 and 100 (got 0)"),
        (base(&format!("\"match_rules\": [{}]", rule("m", 101, 1, ""))), "4:: match_rules[0].below: below must be between 1 and 100 (got 101)"),
        (base(&format!("\"match_rules\": [{}]", rule("m", 70, -5, ""))), "4:: match_rules[0].points: points must be between 0 and 1000000 (got -5)"),
        (
            base(&format!("\"match_rules\": [{}]", rule("m", 70, 5, ", \"force\": \"trust\""))),
            "4:: match_rules[0].force: a match rule cannot force trust",
        ),
        (
            base(&format!(
                "\"edit_rules\": [{{\"id\": \"x\", \"field\": \"ssn\", \"window\": \"current\", \"at_least\": 1, \"points\": 1}}],\n \"match_rules\": [{}]",
                rule("x", 70, 5, "")
            )),
            "5:: match_rules[0].id: duplicate rule id `x` (first used by edit_rules[0])",
        ),
        (base(&format!("\"match_rules\": [{}]", rule("ssn_missing", 70, 5, ""))), "4:: match_rules[0].id: rule id `ssn_missing` is a reason code; choose another id"),
        (
            "{\"name\": \"t\", \"version\": \"1\", \"tiers\": {\"identity_match\": 10, \"identity_verification\": 20},\n \"findings\": {\"ssn_missing\": 5, \"ssn_missing\": 0}}".to_owned(),
            "findings: finding code `ssn_missing` is listed twice",
        ),
    ];
    for (text, want) in cases {
        let err = RuleSet::from_json(&text, "t.json").unwrap_err().to_string();
        // `L:: message` checks the line and the message; columns are checked elsewhere.
        let ok = match want.split_once(":: ") {
            Some((line, msg)) => err.starts_with(&format!("t.json:{line}:")) && err.ends_with(msg),
            None => err.starts_with("t.json:") && err.ends_with(want),
        };
        assert!(ok, "got {err}\nwant {want}");
    }
    let bom = format!("\u{feff}{}", util::priced(&base("\"edit_rules\": []")));
    assert!(
        RuleSet::from_json(&bom, "bom.json").is_ok(),
        "a byte-order mark is accepted"
    );
}

/// Fail closed: a file must price every code. The error points at `findings`, counts and
/// lists the missing codes, says which are new and what each shipped file charges.
#[test]
fn a_file_that_prices_too_few_codes_is_refused() {
    let e = load_err("unpriced_codes");
    assert_eq!(e.kind(), RulesErrorKind::Unpriced);
    assert_eq!((e.line(), e.column(), e.path()), (8, 3, "findings"));
    let n = Code::ALL.len() - 2;
    assert!(
        e.message().starts_with(&format!(
            "{n} finding codes are not priced (price every code; 0 is a price): identity_missing (shipped: default 100 guard IV, lending 100 guard IV, payments 80 guard IV), request_id_missing (shipped: default 0, lending 10, payments 0), "
        )),
        "{e}"
    );
    for new in [
        "ssn_published (new in 0.2; shipped: default 100 guard IV, lending 100 guard IV, payments 80 guard IV)",
        "request_id_malformed (new in 0.2; shipped: default 0, lending 10, payments 0)",
    ] {
        assert!(e.message().contains(new), "{new}\n{e}");
    }
    // The two priced codes are not listed; every other code is, once.
    for c in Code::ALL {
        let listed = e.message().matches(&format!(" {} (", c.as_str())).count();
        let want = usize::from(!matches!(c, Code::SsnImpossible | Code::PhoneMissing));
        assert_eq!(listed, want, "{c}");
    }
    // `findings` absent or empty: every code is listed.
    for text in [
        r#"{"name": "t", "version": "1", "tiers": {"identity_match": 1, "identity_verification": 2}}"#,
        r#"{"name": "t", "version": "1", "tiers": {"identity_match": 1, "identity_verification": 2}, "findings": {}}"#,
    ] {
        let e = RuleSet::from_json(text, "t.json").unwrap_err();
        assert_eq!(e.kind(), RulesErrorKind::Unpriced, "{e}");
        assert!(
            e.message()
                .starts_with(&format!("{} finding codes", Code::ALL.len())),
            "{e}"
        );
    }
    // A misspelt code is caught first, with its did-you-mean.
    let text = util::read_fixture("rules/valid_minimal.json")
        .replace("\"ssn_published\": 0", "\"ssn_publshed\": 0");
    let e = RuleSet::from_json(&text, "t.json").unwrap_err();
    assert!(
        e.message()
            .ends_with("unknown finding code `ssn_publshed`; did you mean `ssn_published`?"),
        "{e}"
    );
}
