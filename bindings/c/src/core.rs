//! Every call into the core (`layer_risk`) that the C ABI makes, and nothing else.
//!
//! The rest of this crate sees only the types below ([`Rules`], [`Date`], [`Scorer`],
//! [`Parts`], [`Assessed`], and [`Fail`] for errors), so a change of the core's API is a
//! change of this file alone. Used from the core: `Scorer::{new, with_shadow, with_rollout,
//! with_rules, with_as_of, rules, challenger_rules, rollout_share, as_of, assess,
//! write_record, write_error}`, `Context`, `batch::{score_bytes, Options}`,
//! `RuleSet::{from_json, embedded_default, id}`, `RulesError::io`, `parse_date`, the accessors
//! of `ParseError` and `RulesError`, and the public fields of a `Decision` (outcome, score,
//! reasons, request id, decision id, shadow, arm).

use std::sync::Arc;

use chrono::NaiveDate;
use layer_risk::{batch, Arm, Context, DecisionId, Outcome, ParseError, RuleSet, RulesError};

use crate::error::{Fail, Status};

/// A checked rule set.
#[derive(Clone)]
pub(crate) struct Rules(Arc<RuleSet>);

impl Rules {
    /// The rule set embedded in the library (`rules/default.json`).
    pub(crate) fn embedded_default() -> Rules {
        Rules(Arc::new(RuleSet::embedded_default().clone()))
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
            .map(|r| Rules(Arc::new(r)))
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

/// How a second rule set takes part in a scorer's decisions.
#[derive(Clone)]
pub(crate) enum Challenger {
    /// Decides every input beside the live rules, in the record's `shadow`
    /// (`layer-risk score --shadow FILE`).
    Shadow(Rules),
    /// Decides, as the live rules, for a share (0 to 1) of users by their rollout key
    /// (`layer-risk score --rollout FILE --rollout-share S`).
    Rollout(Rules, f64),
}

/// What a backend holds beside the response for one decision, borrowed for the call: the
/// core's `Context`, part by part.
#[derive(Clone, Copy, Default)]
pub(crate) struct Parts<'a> {
    pub(crate) applicant: Option<&'a [u8]>,
    pub(crate) protect: Option<&'a [u8]>,
    pub(crate) identity_match: Option<&'a [u8]>,
    pub(crate) identity_verification: Option<&'a [u8]>,
    pub(crate) rollout_key: Option<&'a str>,
}

impl<'a> Parts<'a> {
    fn context(&self) -> Context<'a> {
        let mut c = Context::new();
        if let Some(a) = self.applicant {
            c = c.applicant(a);
        }
        if let Some(p) = self.protect {
            c = c.protect(p);
        }
        if let Some(m) = self.identity_match {
            c = c.identity_match(m);
        }
        if let Some(v) = self.identity_verification {
            c = c.identity_verification(v);
        }
        if let Some(k) = self.rollout_key {
            c = c.rollout_key(k);
        }
        c
    }

    fn is_empty(&self) -> bool {
        self.applicant.is_none()
            && self.protect.is_none()
            && self.identity_match.is_none()
            && self.identity_verification.is_none()
            && self.rollout_key.is_none()
    }
}

/// The record of one decision, and the fields a language package shows without parsing it.
pub(crate) struct Assessed {
    /// The record bytes: the CLI's record without `line` and without the newline.
    pub(crate) json: Vec<u8>,
    /// The outcome's number (`LR_DECISION_*`).
    pub(crate) decision: i32,
    /// The score.
    pub(crate) score: u32,
    /// The request id as the record has it (`None` for `null`).
    pub(crate) request_id: Option<String>,
    /// Each reason, heaviest first: its code, its rule id and its points.
    pub(crate) reasons: Vec<(&'static str, String, u32)>,
    /// The decision id, 32 lower-case hex digits.
    pub(crate) decision_id: Option<[u8; 32]>,
    /// The arm of a staged rollout that decided (`LR_ARM_*`).
    pub(crate) arm: i32,
    /// The challenger's outcome (`LR_DECISION_*`) and decision id, when the scorer has one.
    pub(crate) shadow: Option<(i32, Option<[u8; 32]>)>,
}

/// The number an outcome goes by in the ABI (`LR_DECISION_*`). An outcome this crate does not
/// know (a later core's) is reported as manual_review: fail closed. The record's JSON names
/// it exactly.
fn decision_number(outcome: Outcome) -> i32 {
    match outcome {
        Outcome::Trust => 0,
        Outcome::IdentityMatch => 1,
        Outcome::IdentityVerification => 2,
        Outcome::ManualReview => 3,
        _ => 3,
    }
}

/// A decision id as the record writes it: 32 lower-case hex digits (as its `Display`, without
/// the formatting machinery: this runs on every call).
fn hex(id: DecisionId) -> [u8; 32] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 32];
    for (i, b) in id.0.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 15)];
    }
    out
}

/// The number of an arm in the ABI (`LR_ARM_*`).
fn arm_number(arm: Option<Arm>) -> i32 {
    match arm {
        None => 0,
        Some(Arm::Control) => 1,
        Some(Arm::Challenger) => 2,
    }
}

/// Rule sets, an evaluation date and the challenger if any: the core's owning scorer.
pub(crate) struct Scorer(layer_risk::Scorer);

impl Scorer {
    /// A scorer deciding with `rules` as of `as_of`, with a challenger if any.
    pub(crate) fn new(rules: Rules, as_of: Date, challenger: Option<Challenger>) -> Scorer {
        let s = layer_risk::Scorer::new(rules.0, as_of.0);
        Scorer(match challenger {
            None => s,
            Some(Challenger::Shadow(r)) => s.with_shadow(r.0),
            Some(Challenger::Rollout(r, share)) => s.with_rollout(r.0, share),
        })
    }

    /// The same scorer (date, challenger) with other live rules: what a reload builds.
    pub(crate) fn with_rules(&self, rules: Rules) -> Scorer {
        Scorer(self.0.with_rules(rules.0))
    }

    /// The same scorer (rules, challenger) deciding as of another date.
    pub(crate) fn with_as_of(&self, as_of: Date) -> Scorer {
        Scorer(self.0.with_as_of(as_of.0))
    }

    /// The live rule set's name, version and SHA-256 (hex).
    pub(crate) fn rules_id(&self) -> (&str, &str, &str) {
        let id = self.0.rules().id();
        (&id.name, &id.version, &id.sha256)
    }

    /// The challenger's name, version and SHA-256, when there is one.
    pub(crate) fn challenger_id(&self) -> Option<(&str, &str, &str)> {
        self.0
            .challenger_rules()
            .map(|r| (&*r.id().name, &*r.id().version, &*r.id().sha256))
    }

    /// The rollout's share, when the scorer runs a staged rollout.
    pub(crate) fn rollout_share(&self) -> Option<f64> {
        self.0.rollout_share()
    }

    /// The evaluation date, `YYYY-MM-DD`.
    pub(crate) fn as_of(&self) -> String {
        self.0.as_of().format("%Y-%m-%d").to_string()
    }

    /// Decide on one body (a response or an envelope) with the parts given beside it.
    pub(crate) fn assess(&self, body: &[u8], parts: &Parts<'_>) -> Result<Assessed, Fail> {
        let d = match self.0.assess(body, &parts.context()) {
            Ok(d) => d,
            Err(e) => {
                let mut f = parse_fail(&e);
                if parts.is_empty() {
                    f.decision_id = self.error_id(&e, body);
                }
                return Err(f);
            }
        };
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
            decision_id: d.decision_id.map(hex),
            arm: arm_number(d.arm),
            shadow: d
                .shadow
                .as_ref()
                .map(|s| (decision_number(s.outcome), s.decision_id.map(hex))),
            request_id: d.request_id,
            reasons,
        })
    }

    /// The decision id of the error record `layer-risk score` writes for the line `body`: the
    /// core writes it, and this reads it back from the record's start.
    fn error_id(&self, e: &ParseError, body: &[u8]) -> Option<String> {
        let mut rec = Vec::with_capacity(256);
        self.0.write_error(e, None, Some(body), &mut rec);
        let hex = rec.strip_prefix(br#"{"decision_id":""#)?.get(..32)?;
        hex.iter()
            .all(|b| b.is_ascii_hexdigit())
            .then(|| String::from_utf8_lossy(hex).into_owned())
    }

    /// Exactly what `layer-risk score --as-of D --jobs 1` (with `--shadow` or `--rollout` as
    /// the scorer has) prints for `data` (JSONL, or gzip by its magic bytes).
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
        decision_id: None,
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
        decision_id: None,
    }
}
