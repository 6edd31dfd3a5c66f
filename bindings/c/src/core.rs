//! Every call into the core (`layer_risk`) that the C ABI makes, and nothing else.
//!
//! The rest of this crate sees only the types below ([`Rules`], [`Scorer`], [`Assessed`],
//! and [`Fail`] for errors), so a change of the core's API is a change of this file alone.
//! Used from the core: `Scorer::{new, rules, as_of, assess, assess_with_applicant,
//! write_record}`, `batch::{score_bytes, Options}`, `RuleSet::{from_json, embedded_default,
//! id}`, `RulesError::io`, `parse_date`, the accessors of `ParseError` and `RulesError`, and
//! the public fields of a `Decision` (outcome, score, reasons, request id).

use chrono::NaiveDate;
use layer_risk::{batch, Outcome, ParseError, RuleSet, RulesError};

use crate::error::{Fail, Status};

/// A checked rule set.
#[derive(Clone)]
pub(crate) struct Rules(RuleSet);

impl Rules {
    /// The rule set embedded in the library (`rules/default.json`).
    pub(crate) fn embedded_default() -> Rules {
        Rules(RuleSet::embedded_default().clone())
    }

    /// A rules file's text, named `name` in error messages (as the CLI names `--rules FILE`).
    pub(crate) fn from_text(text: &[u8], name: &str) -> Result<Rules, Fail> {
        // The CLI reads a rules file with read_to_string: bytes that are not UTF-8 are an
        // I/O error there, and an `io` rules error here.
        let text = std::str::from_utf8(text).map_err(|_| {
            rules_fail(&RulesError::io(
                name,
                format!("cannot read rules file {name}: stream did not contain valid UTF-8"),
            ))
        })?;
        RuleSet::from_json(text, name)
            .map(Rules)
            .map_err(|e| rules_fail(&e))
    }

    /// The rules file at `path`, read as the CLI reads `--rules` (named by the path as given).
    pub(crate) fn from_file(path: &str) -> Result<Rules, Fail> {
        match std::fs::read(path) {
            Ok(bytes) => Rules::from_text(&bytes, path),
            Err(e) => Err(rules_fail(&RulesError::io(
                path,
                format!("cannot read rules file {path}: {e}"),
            ))),
        }
    }
}

/// An evaluation date.
#[derive(Clone, Copy)]
pub(crate) struct Date(NaiveDate);

impl Date {
    /// A strict `YYYY-MM-DD` date that exists, as the CLI's `--as-of` takes it.
    pub(crate) fn parse(text: &str) -> Option<Date> {
        layer_risk::parse_date(text).map(Date)
    }
}

/// The record of one decision, and the fields a language package shows without parsing it.
pub(crate) struct Assessed {
    /// The record bytes: the CLI's record without `line` and without the newline.
    pub(crate) json: Vec<u8>,
    /// 0 trust, 1 identity_match, 2 identity_verification.
    pub(crate) decision: i32,
    /// The score.
    pub(crate) score: u32,
    /// The request id as the record has it (`None` for `null`).
    pub(crate) request_id: Option<String>,
    /// Each reason, heaviest first: its code, its rule id and its points.
    pub(crate) reasons: Vec<(&'static str, String, u32)>,
}

/// The number an outcome goes by in the ABI (`LR_DECISION_*`).
fn decision_number(outcome: Outcome) -> i32 {
    match outcome {
        Outcome::Trust => 0,
        Outcome::IdentityMatch => 1,
        Outcome::IdentityVerification => 2,
    }
}

/// A rule set and an evaluation date: the core's owning scorer.
pub(crate) struct Scorer(layer_risk::Scorer);

impl Scorer {
    /// A scorer deciding with `rules` as of `as_of`.
    pub(crate) fn new(rules: Rules, as_of: Date) -> Scorer {
        Scorer(layer_risk::Scorer::new(rules.0, as_of.0))
    }

    /// The rule set's name, version and SHA-256 (hex).
    pub(crate) fn rules_id(&self) -> (&str, &str, &str) {
        let id = self.0.rules().id();
        (&id.name, &id.version, &id.sha256)
    }

    /// The evaluation date, `YYYY-MM-DD`.
    pub(crate) fn as_of(&self) -> String {
        self.0.as_of().format("%Y-%m-%d").to_string()
    }

    /// Decide on one body (a response or an envelope), or on a bare response with the
    /// applicant given apart.
    pub(crate) fn assess(&self, body: &[u8], applicant: Option<&[u8]>) -> Result<Assessed, Fail> {
        let decided = match applicant {
            None => self.0.assess(body),
            Some(a) => self.0.assess_with_applicant(body, a),
        };
        let d = decided.map_err(|e| parse_fail(&e))?;
        let mut json = Vec::with_capacity(1024);
        self.0.write_record(&d, None, &mut json);
        if json.last() == Some(&b'\n') {
            json.pop();
        }
        let reasons = d
            .reasons
            .iter()
            .map(|r| (r.code.as_str(), r.rule_id.to_owned(), r.points))
            .collect();
        Ok(Assessed {
            json,
            decision: decision_number(d.outcome),
            score: d.score,
            request_id: d.request_id,
            reasons,
        })
    }

    /// Exactly what `layer-risk score --as-of D --jobs 1` prints for `data` (JSONL, or gzip
    /// by its magic bytes).
    pub(crate) fn score_jsonl(&self, data: &[u8]) -> Result<Vec<u8>, Fail> {
        // Records run about half the size of export lines: reserving the input's size
        // spares a late doubling copy (as in the Node binding).
        let mut out = Vec::with_capacity(data.len().saturating_add(1024));
        batch::score_bytes(data, &mut out, &self.0, batch::Options::new(1)).map_err(|e| {
            // Only a corrupt or cut gzip stream fails: writing to a Vec cannot.
            Fail::new(Status::Input, "io", format!("score_jsonl: {e}"))
        })?;
        Ok(out)
    }
}

/// A parse error, as the ABI reports it.
fn parse_fail(e: &ParseError) -> Fail {
    Fail {
        status: Status::Parse,
        code: e.code().into(),
        message: e.to_string(),
        line: e.line() as u64,
        column: e.column() as u64,
        path: e.path().map(str::to_owned),
    }
}

/// A rules error, as the ABI reports it.
fn rules_fail(e: &RulesError) -> Fail {
    Fail {
        status: Status::Rules,
        code: e.kind().code().into(),
        message: e.to_string(),
        line: e.line() as u64,
        column: e.column() as u64,
        path: (!e.path().is_empty()).then(|| e.path().to_owned()),
    }
}
