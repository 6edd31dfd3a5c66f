//! Test cases beside rules files (`rules/NAME.tests.jsonl`): the shipped files pass with full
//! coverage; wrong expectations fail naming the case; bad lines are refused where they are.

use layer_risk::rulestest::{self, load_cases, run};
use layer_risk::RulesErrorKind;

use super::util::{self, SHIPPED};

fn case(name: &str, input: &str, expect: &str) -> String {
    format!(r#"{{"name": "{name}", "as_of": "2026-11-22", "input": {input}, "expect": {expect}}}"#)
}

#[test]
fn shipped_files_pass_with_full_coverage() {
    for name in SHIPPED {
        let path = format!("rules/{name}.tests.jsonl");
        let text = std::fs::read_to_string(util::root().join(&path)).unwrap();
        let rules = util::shipped(name);
        let cases = load_cases(&text, &path, rules).unwrap_or_else(|e| panic!("{e}"));
        assert!(cases.len() >= 20, "{name}: {} cases", cases.len());
        let report = run(&cases, rules);
        let failed: Vec<_> = report.cases.iter().filter(|c| !c.passed()).collect();
        assert!(failed.is_empty(), "{name}: {failed:#?}");
        assert_eq!(
            report.coverage.percent(),
            100.0,
            "{name}: {:#?}",
            report.coverage
        );
    }
}

#[test]
fn a_wrong_expectation_fails_and_says_what_was_reached() {
    let rules = util::shipped("default");
    let base = util::base().to_string();
    let text = [
        case("clean", &base, r#"{"decision": "trust"}"#),
        case("wrong decision", &base, r#"{"decision": "identity_match"}"#),
        case(
            "missing reason",
            &base,
            r#"{"decision": "trust", "reasons": ["ssn-edited-this-session"]}"#,
        ),
    ]
    .join("\n");
    let cases = load_cases(&text, "t.jsonl", rules).unwrap();
    let r = run(&cases, rules);
    assert_eq!((r.passed(), r.failed()), (1, 2));
    assert_eq!(
        (
            r.cases[1].name.as_str(),
            r.cases[1].line,
            r.cases[1].decision
        ),
        ("wrong decision", 2, layer_risk::Outcome::Trust)
    );
    assert_eq!(r.cases[2].missing, ["ssn-edited-this-session"]);
    // Three clean cases exercise nothing priced.
    assert_eq!(r.coverage.counts().0, 0);
}

#[test]
fn bad_lines_are_refused_where_they_are() {
    let rules = util::shipped("default");
    let base = util::base().to_string();
    let good = case("ok", &base, r#"{"decision": "trust"}"#);
    let table: Vec<(String, RulesErrorKind, &str)> = vec![
        (
            format!(
                "{good}\n\n{}",
                case("ok", &base, r#"{"decision": "trust"}"#)
            ),
            RulesErrorKind::Schema,
            "t.jsonl:3:2: name: case `ok` is already on line 1",
        ),
        (
            case(
                "x",
                &base,
                r#"{"decision": "trust", "reasons": ["ssn-edited-this-sesion"]}"#,
            ),
            RulesErrorKind::Schema,
            "t.jsonl:1:", // column checked by the prefix and the message below
        ),
        (
            case("x", r#"{"identity": 5}"#, r#"{"decision": "trust"}"#),
            RulesErrorKind::Schema,
            "t.jsonl:1:60: input.identity: not a response: wrong type",
        ),
        (
            case("x", &base, r#"{"decision": "trusted"}"#),
            RulesErrorKind::Schema,
            "t.jsonl:1:",
        ),
        (
            r#"{"name": "x", "as_of": "2026-02-30", "input": {}, "expect": {"decision": "trust"}}"#
                .to_owned(),
            RulesErrorKind::Schema,
            "t.jsonl:1:15: as_of: `2026-02-30` is not a calendar date written YYYY-MM-DD",
        ),
        (
            r#"{"name": "x", "as_of": "2026-11-22", "input": {}"#.to_owned(),
            RulesErrorKind::Syntax,
            "t.jsonl:1:48: EOF while parsing an object",
        ),
    ];
    for (text, kind, want) in table {
        let e = load_cases(&text, "t.jsonl", rules).unwrap_err();
        assert_eq!(e.kind(), kind, "{e}");
        assert!(e.to_string().starts_with(want), "got {e}\nwant {want}");
    }
    let e = load_cases(
        &case(
            "x",
            &base,
            r#"{"decision": "trust", "reasons": ["ssn-edited-this-sesion"]}"#,
        ),
        "t.jsonl",
        rules,
    )
    .unwrap_err();
    assert!(
        e.to_string().ends_with("expect.reasons[0]: `ssn-edited-this-sesion` is neither a reason code nor a rule id of default; did you mean `ssn-edited-this-session`?"),
        "{e}"
    );
}

#[test]
fn the_sidecar_sits_beside_the_rules_file() {
    assert_eq!(
        rulestest::sidecar("rules/default.json"),
        "rules/default.tests.jsonl"
    );
}
