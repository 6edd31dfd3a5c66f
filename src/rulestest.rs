//! Test cases beside a rules file: `rules/NAME.tests.jsonl`, one case per line, each a
//! response (or a `{"session", "applicant"}` envelope), an evaluation date and the decision
//! the file must reach, and the coverage of the file's rules and priced codes by the cases.
//!
//! Keeping the cases outside the rules file keeps the file's SHA-256, and so every
//! decision's `rules.sha256`, unchanged when a case is added. Nothing here reads files or
//! prints: [`load_cases`] parses the text, [`run`] decides every case and returns a
//! [`TestReport`]; the `layer-risk rules test` command does the I/O.
//!
//! ```text
//! {"name": "ssn edited now", "as_of": "2026-11-22", "input": {...},
//!  "expect": {"decision": "identity_verification", "reasons": ["ssn-edited-this-session"]}}
//! ```
//!
//! A case may also give the link history it is decided with, as counts (`link`, shaped as
//! [`LinkHistory`] reads it): `"link": {"ssn_other_names": {"30d": 1, "365d": 1, "all_time": 1}}`.
//!
//! # Example
//! ```
//! use layer_risk::{rulestest, RuleSet};
//! let rules = RuleSet::embedded_default();
//! let text = r#"{"name": "no identity", "as_of": "2026-11-22", "input": {"identity": null, "request_id": "r1"}, "expect": {"decision": "identity_verification", "reasons": ["identity_missing"]}}"#;
//! let cases = rulestest::load_cases(text, "default.tests.jsonl", rules)?;
//! let report = rulestest::run(&cases, rules);
//! assert_eq!((report.passed(), report.failed()), (1, 0));
//! assert!(report.coverage.percent() < 100.0); // one case exercises little
//! # Ok::<(), layer_risk::RulesError>(())
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{RulesError, RulesErrorKind};
use crate::fields::parse_date;
use crate::finding::{Code, ReasonCode};
use crate::link::LinkHistory;
use crate::rules::{did_you_mean, Outcome, RuleSet};
use crate::session::parse_input;

/// The test-case file of a rules file: `rules/NAME.json` -> `rules/NAME.tests.jsonl`.
///
/// # Example
/// ```
/// assert_eq!(layer_risk::rulestest::sidecar("rules/lending.json"), "rules/lending.tests.jsonl");
/// assert_eq!(layer_risk::rulestest::sidecar("mine"), "mine.tests.jsonl");
/// ```
pub fn sidecar(rules_path: &str) -> String {
    let stem = rules_path.strip_suffix(".json").unwrap_or(rules_path);
    format!("{stem}.tests.jsonl")
}

/// What a case expects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The outcome.
    pub decision: Outcome,
    /// Rule ids or reason codes that must be among the reasons (others may be there too).
    #[serde(default)]
    pub reasons: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase<'a> {
    name: String,
    as_of: String,
    #[serde(borrow)]
    input: &'a RawValue,
    #[serde(default)]
    link: Option<LinkHistory>,
    expect: Expect,
}

/// One loaded case.
#[derive(Clone, Debug)]
pub struct Case {
    /// Its name, unique in the file.
    pub name: String,
    /// Its 1-based line in the file.
    pub line: usize,
    /// The evaluation date.
    pub as_of: NaiveDate,
    /// The input, as written (a response or an envelope).
    pub input: String,
    /// The link history the case is decided with (its optional `link` object: counts per
    /// signal and window, as [`LinkHistory`] reads them), if any.
    pub link: Option<LinkHistory>,
    /// What the rules file must decide.
    pub expect: Expect,
}

/// Parse a test-case file (JSONL; blank lines are skipped) and check each case against the
/// rules file: the input must parse, the date be a calendar date, names be unique, and every
/// expected reason be a reason code or a rule id of `rules`.
///
/// # Errors
/// The first line that does not load, as a [`RulesError`] located at its line and column
/// (kind `Syntax` for bad JSON, `Schema` otherwise).
pub fn load_cases(text: &str, source: &str, rules: &RuleSet) -> Result<Vec<Case>, RulesError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut cases: Vec<Case> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let err = |column: usize, path: &str, message: String, kind| RulesError {
            source_name: source.to_owned(),
            line: n,
            column: column.max(1),
            path: path.to_owned(),
            message,
            kind,
        };
        let raw: RawCase<'_> = serde_json::from_str(line).map_err(|e| RulesError {
            line: n,
            ..RulesError::from_json(source, String::new(), &e)
        })?;
        let col_of = |s: &str| (s.as_ptr() as usize).saturating_sub(line.as_ptr() as usize) + 1;
        let key_col = |key: &str| line.find(&format!("\"{key}\"")).map_or(1, |c| c + 1);
        if raw.name.trim().is_empty() {
            return Err(err(
                key_col("name"),
                "name",
                "a case needs a name".into(),
                RulesErrorKind::Schema,
            ));
        }
        if let Some(first) = cases.iter().find(|c| c.name == raw.name) {
            return Err(err(
                key_col("name"),
                "name",
                format!("case `{}` is already on line {}", raw.name, first.line),
                RulesErrorKind::Schema,
            ));
        }
        let as_of = parse_date(&raw.as_of).ok_or_else(|| {
            err(
                key_col("as_of"),
                "as_of",
                format!("`{}` is not a calendar date written YYYY-MM-DD", raw.as_of),
                RulesErrorKind::Schema,
            )
        })?;
        let input = raw.input.get();
        if let Err(e) = parse_input(input) {
            return Err(err(
                col_of(input) + e.column().saturating_sub(1),
                &match e.path() {
                    Some(p) => format!("input.{p}"),
                    None => "input".to_owned(),
                },
                format!("not a response: {}", e.kind()),
                RulesErrorKind::Schema,
            ));
        }
        for (k, want) in raw.expect.reasons.iter().enumerate() {
            let ids = rules.rule_ids();
            let known = ReasonCode::from_name(want).is_some() || ids.clone().any(|id| id == want);
            if !known {
                let codes = Code::ALL.iter().map(|c| c.as_str());
                let hint = did_you_mean(want, codes.chain(ids))
                    .map(|b| format!("; did you mean `{b}`?"))
                    .unwrap_or_default();
                return Err(err(
                    key_col("reasons"),
                    &format!("expect.reasons[{k}]"),
                    format!(
                        "`{want}` is neither a reason code nor a rule id of {}{hint}",
                        rules.id().name
                    ),
                    RulesErrorKind::Schema,
                ));
            }
        }
        cases.push(Case {
            name: raw.name,
            line: n,
            as_of,
            input: input.to_owned(),
            link: raw.link,
            expect: raw.expect,
        });
    }
    Ok(cases)
}

/// The result of one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// Its line in the file.
    pub line: usize,
    /// What it expected.
    pub expect: Expect,
    /// The outcome reached.
    pub decision: Outcome,
    /// The score reached.
    pub score: u32,
    /// The rule ids of the reasons reached (a finding's rule id is its code), heaviest first.
    pub reasons: Vec<String>,
    /// Expected reasons that are not among them.
    pub missing: Vec<String>,
}

impl CaseResult {
    /// Whether the decision and every expected reason were reached.
    pub fn passed(&self) -> bool {
        self.decision == self.expect.decision && self.missing.is_empty()
    }
}

/// How often one rule or priced code was exercised (present in a case's reasons).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Covered {
    /// Rule id or finding code.
    pub id: String,
    /// Cases whose reasons include it.
    pub cases: usize,
}

/// What the cases exercised: every edit rule, match rule, combined rule, signal rule, link
/// rule and priced finding
/// code of the file (a code with points above 0, a `force`, a guardrail or a floor of its
/// own; other codes priced 0 change no decision), with the number of cases whose decision
/// listed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// The edit rules, in file order.
    pub edit_rules: Vec<Covered>,
    /// The match rules, in file order.
    pub match_rules: Vec<Covered>,
    /// The combined rules, in file order.
    pub combined_rules: Vec<Covered>,
    /// The signal rules (Plaid's other verdicts), in file order.
    pub signal_rules: Vec<Covered>,
    /// The link rules, in file order.
    pub link_rules: Vec<Covered>,
    /// The priced finding codes, in documentation order.
    pub priced_codes: Vec<Covered>,
}

impl Coverage {
    fn all(&self) -> impl Iterator<Item = &Covered> {
        self.edit_rules
            .iter()
            .chain(&self.match_rules)
            .chain(&self.combined_rules)
            .chain(&self.signal_rules)
            .chain(&self.link_rules)
            .chain(&self.priced_codes)
    }

    /// Items exercised by at least one case, and all items.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.all().filter(|c| c.cases > 0).count(),
            self.all().count(),
        )
    }

    /// Share of items exercised, in percent (100 when there is nothing to exercise).
    pub fn percent(&self) -> f64 {
        match self.counts() {
            (_, 0) => 100.0,
            (hit, all) => hit as f64 * 100.0 / all as f64,
        }
    }
}

/// The results of a case file against its rules file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestReport {
    /// One result per case, in file order.
    pub cases: Vec<CaseResult>,
    /// What the cases exercised.
    pub coverage: Coverage,
}

impl TestReport {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed()).count()
    }

    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

/// Decide every case under `rules` and measure coverage.
pub fn run(cases: &[Case], rules: &RuleSet) -> TestReport {
    let mut results = Vec::with_capacity(cases.len());
    let mut seen: Vec<Vec<String>> = Vec::with_capacity(cases.len());
    for case in cases {
        // `load_cases` parsed every input; a case built by hand that does not parse fails
        // with no reasons rather than panicking.
        let (decision, score, reasons, codes) = match parse_input(&case.input) {
            Ok(input) => {
                let d = crate::api::decide_input(&input, case.link.as_ref(), rules, case.as_of);
                let ids: Vec<String> = d.reasons.iter().map(|r| r.rule_id.to_owned()).collect();
                let codes: Vec<String> = d
                    .reasons
                    .iter()
                    .map(|r| r.code.as_str().to_owned())
                    .collect();
                (d.outcome, d.score, ids, codes)
            }
            Err(_) => (Outcome::IdentityVerification, 0, Vec::new(), Vec::new()),
        };
        let missing = case
            .expect
            .reasons
            .iter()
            .filter(|w| !reasons.contains(w) && !codes.contains(w))
            .cloned()
            .collect();
        seen.push(reasons.clone());
        results.push(CaseResult {
            name: case.name.clone(),
            line: case.line,
            expect: case.expect.clone(),
            decision,
            score,
            reasons,
            missing,
        });
    }
    let count = |id: &str| seen.iter().filter(|r| r.iter().any(|x| x == id)).count();
    let covered = |id: &str| Covered {
        id: id.to_owned(),
        cases: count(id),
    };
    let guarded = |c: Code| rules.guardrails().iter().any(|g| g.key == c.as_str());
    let coverage = Coverage {
        edit_rules: rules.edit_rules().iter().map(|r| covered(&r.id)).collect(),
        match_rules: rules.match_rules().iter().map(|r| covered(&r.id)).collect(),
        combined_rules: rules
            .combined_rules()
            .iter()
            .map(|r| covered(&r.id))
            .collect(),
        signal_rules: rules
            .signal_rules()
            .iter()
            .map(|r| covered(&r.id))
            .collect(),
        link_rules: rules.link_rules().iter().map(|r| covered(&r.id)).collect(),
        priced_codes: Code::ALL
            .iter()
            .filter(|c| {
                rules
                    .price(**c)
                    .is_some_and(|p| p.points > 0 || p.force.is_some())
                    || guarded(**c)
                    || c.floor().is_some()
            })
            .map(|c| covered(c.as_str()))
            .collect(),
    };
    TestReport {
        cases: results,
        coverage,
    }
}
