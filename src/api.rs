//! The public way through: parse -> validate -> score -> decide, as free functions for one
//! response, and the owning [`Scorer`] that every per-line caller (the CLI, batch, diff and the
//! language bindings) goes through.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::decision::{decide, record_tail, write_error_record, Decision, RecordTail};
use crate::error::{ParseError, ParseErrorKind};
use crate::fields::AgeBounds;
use crate::finding::Finding;
use crate::matching::{compare, MatchReport};
use crate::rules::RuleSet;
use crate::score::score_with_match;
use crate::session::{
    is_plaid_request_id, parse_applicant_bytes, parse_input_bytes, parse_session, Identity,
    IdentityFields, Input, Session,
};

/// Decide on one parsed response: validate, score with `rules`, resolve the outcome.
/// Pure: the same session, rules and date give the same decision.
///
/// # Example
/// ```
/// use layer_risk::{assess, parse_session, Outcome, RuleSet};
/// let s = parse_session(r#"{"identity": null, "items": [], "request_id": "r1"}"#)?;
/// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let d = assess(&s, RuleSet::embedded_default(), as_of);
/// assert_eq!(d.outcome, Outcome::IdentityVerification);
/// assert_eq!(d.reasons[0].code, "identity_missing");
/// # Ok::<(), layer_risk::ParseError>(())
/// ```
pub fn assess<'r>(session: &Session<'_>, rules: &'r RuleSet, as_of: NaiveDate) -> Decision<'r> {
    assess_with(session, None, rules, as_of)
}

/// [`assess`] with what the backend already knows about the user: the Layer identity is
/// compared with `applicant` field by field (scores and flags in the spirit of Identity
/// Match, in [`Decision::matching`](crate::Decision::matching)) and the rule set's `match_rules` price the scores.
/// With `None` this is exactly [`assess`].
///
/// # Example
/// ```
/// use layer_risk::{assess_with, IdentityFields, parse_session, RuleSet};
/// let s = parse_session(r#"{"identity": {"name": {"first_name": "William", "last_name": "Knope"}},
///                          "items": [], "request_id": "r1"}"#)?;
/// let form = IdentityFields { full_name: Some("Bill Knope"), ..Default::default() };
/// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let d = assess_with(&s, Some(&form), RuleSet::embedded_default(), as_of);
/// let name = d.matching.unwrap().legal_name.unwrap();
/// assert!(name.is_nickname_match && name.score >= 85);
/// # Ok::<(), layer_risk::ParseError>(())
/// ```
pub fn assess_with<'r>(
    session: &Session<'_>,
    applicant: Option<&IdentityFields<'_>>,
    rules: &'r RuleSet,
    as_of: NaiveDate,
) -> Decision<'r> {
    let (findings, report) = observe(session, applicant, as_of, rules.ages());
    price(session, findings, report, rules, as_of)
}

/// What validation and matching see, before any rule set prices it: it depends on the
/// rule set only through its age bounds.
fn observe(
    session: &Session<'_>,
    applicant: Option<&IdentityFields<'_>>,
    as_of: NaiveDate,
    ages: AgeBounds,
) -> (Vec<Finding>, Option<MatchReport>) {
    let findings = crate::matching::validate_with_applicant(session, applicant, as_of, ages);
    let report = applicant.map(|a| {
        let layer = session
            .identity
            .as_ref()
            .map(Identity::fields)
            .unwrap_or_default();
        compare(&layer, a)
    });
    (findings, report)
}

/// Score observations with `rules` and resolve the outcome.
fn price<'r>(
    session: &Session<'_>,
    findings: Vec<Finding>,
    report: Option<MatchReport>,
    rules: &'r RuleSet,
    as_of: NaiveDate,
) -> Decision<'r> {
    let history = session.identity_edit_history.as_ref();
    let (reasons, total) = score_with_match(findings, history, report.as_ref(), rules);
    let has_items = session.items.is_some_and(|n| n.0 > 0);
    // Echoed only when shaped like Plaid's (`request_id_malformed` otherwise).
    let request_id = session
        .request_id
        .as_deref()
        .filter(|r| is_plaid_request_id(r));
    decide(request_id, reasons, total, has_items, report, rules, as_of)
}

/// The same line decided under two rule sets (the what-if of `diff`): validated and
/// matched once when both sets have the same age bounds, as they usually do. Equal to two
/// [`assess_input`] calls.
pub(crate) fn assess_input_twice<'r>(
    input: &Input<'_>,
    a: &'r RuleSet,
    b: &'r RuleSet,
    as_of: NaiveDate,
) -> (Decision<'r>, Decision<'r>) {
    if a.ages() != b.ages() {
        return (assess_input(input, a, as_of), assess_input(input, b, as_of));
    }
    let applicant = input.applicant.as_ref().map(|x| x.fields());
    let (findings, report) = observe(&input.session, applicant.as_ref(), as_of, a.ages());
    let da = price(&input.session, findings.clone(), report.clone(), a, as_of);
    (da, price(&input.session, findings, report, b, as_of))
}

/// Decide on one export line (bare response or envelope with an applicant).
pub fn assess_input<'r>(input: &Input<'_>, rules: &'r RuleSet, as_of: NaiveDate) -> Decision<'r> {
    let applicant = input.applicant.as_ref().map(|a| a.fields());
    assess_with(&input.session, applicant.as_ref(), rules, as_of)
}

/// Parse a response body and decide on it.
///
/// # Errors
/// A [`ParseError`] when the body is not a response (see [`parse_session`]).
pub fn assess_json<'r>(
    json: &str,
    rules: &'r RuleSet,
    as_of: NaiveDate,
) -> Result<Decision<'r>, ParseError> {
    Ok(assess(&parse_session(json)?, rules, as_of))
}

/// The body of one input line, by the CLI's line rules: one trailing CR (a CRLF file) is
/// dropped, and a line of only spaces, tabs or CRs is blank (`None`: no record).
pub(crate) fn line_body(raw: &[u8]) -> Option<&[u8]> {
    let body = raw.strip_suffix(b"\r").unwrap_or(raw);
    (!body.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))).then_some(body)
}

/// What one input line gave: see [`Scorer::record`].
#[derive(Debug)]
#[non_exhaustive]
pub enum LineResult<'s> {
    /// A decision; its record was written.
    Decided(Decision<'s>),
    /// The line is not a response; an error record was written.
    Error(ParseError),
    /// The line is empty or blank: nothing was written.
    Blank,
}

/// A rule set and an evaluation date, owned, for callers that decide many responses: a
/// backend keeps one for its lifetime, batch jobs and language bindings share one across
/// threads (`Send + Sync`; cloning is cheap).
///
/// [`Scorer::record`] is the one per-line entry behind `layer-risk score`, the batch engine
/// and the bindings: line bytes in, the record bytes out.
///
/// # Example
/// ```
/// use layer_risk::{LineResult, Outcome, RuleSet, Scorer};
/// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
/// let scorer = Scorer::new(RuleSet::embedded_default().clone(), as_of);
///
/// let mut out = Vec::new();
/// match scorer.record(Some(7), br#"{"identity": null, "request_id": "r1"}"#, &mut out) {
///     LineResult::Decided(d) => assert_eq!(d.outcome, Outcome::IdentityVerification),
///     other => panic!("{other:?}"),
/// }
/// assert!(out.starts_with(br#"{"line":7,"request_id":"r1","decision":"identity_verification""#));
///
/// out.clear();
/// assert!(matches!(scorer.record(None, b"{\"identity\": ", &mut out), LineResult::Error(_)));
/// assert!(out.starts_with(br#"{"error":{"code":"truncated""#));
/// assert!(matches!(scorer.record(Some(9), b" \r", &mut out), LineResult::Blank));
/// ```
#[derive(Clone, Debug)]
pub struct Scorer {
    rules: Arc<RuleSet>,
    as_of: NaiveDate,
    tail: RecordTail,
}

impl Scorer {
    /// A scorer deciding with `rules` as of `as_of` (pass your clock's date: the library
    /// never reads a clock).
    pub fn new(rules: impl Into<Arc<RuleSet>>, as_of: NaiveDate) -> Self {
        let rules = rules.into();
        let tail = record_tail(rules.id(), as_of);
        Scorer { rules, as_of, tail }
    }

    /// The rule set.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The evaluation date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// Decide on one response body, or a `{"session", "applicant"}` envelope.
    ///
    /// # Errors
    /// A [`ParseError`] when the bytes are not a response (see [`parse_input`](crate::parse_input)).
    pub fn assess(&self, body: &[u8]) -> Result<Decision<'_>, ParseError> {
        let input = parse_input_bytes(body)?;
        Ok(assess_input(&input, &self.rules, self.as_of))
    }

    /// Decide on a parsed response, with what the backend knows of the user if any.
    pub fn assess_session(
        &self,
        session: &Session<'_>,
        applicant: Option<&IdentityFields<'_>>,
    ) -> Decision<'_> {
        assess_with(session, applicant, &self.rules, self.as_of)
    }

    /// Decide on one input line and append its record and a newline to `out`: the decision
    /// record, or `{"error": {"code", "message", "column", "path"}}` when the line is not a
    /// response. With `line`, the record starts with `"line": N`, as `layer-risk score`
    /// writes it; with `None` it has no `line` field. A blank line (only spaces, tabs or CR)
    /// writes nothing; one trailing CR is ignored.
    pub fn record(&self, line: Option<u64>, raw: &[u8], out: &mut Vec<u8>) -> LineResult<'_> {
        match line_body(raw) {
            None => LineResult::Blank,
            Some(body) => self.record_body(line, body, out),
        }
    }

    /// [`Scorer::record`] for a caller that cut the lines itself (a Spark column, a list of
    /// lines in a binding) and wants the batch engine's record for each: a line longer than
    /// `max_line_bytes` (counted like the engine counts it, with a trailing CR but without
    /// the newline) gets the `line_too_long` error record instead of being parsed.
    ///
    /// # Example
    /// ```
    /// use layer_risk::{batch, LineResult, RuleSet, Scorer};
    /// let scorer = Scorer::new(RuleSet::embedded_default().clone(), chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    /// let mut out = Vec::new();
    /// let long = vec![b' '; 100];
    /// assert!(matches!(scorer.record_line(None, &long, 64, &mut out), LineResult::Error(_)));
    /// assert!(out.starts_with(br#"{"error":{"code":"line_too_long""#));
    /// out.clear();
    /// assert!(matches!(scorer.record_line(None, &long, batch::DEFAULT_MAX_LINE_BYTES, &mut out), LineResult::Blank));
    /// assert!(out.is_empty());
    /// ```
    pub fn record_line(
        &self,
        line: Option<u64>,
        raw: &[u8],
        max_line_bytes: usize,
        out: &mut Vec<u8>,
    ) -> LineResult<'_> {
        if raw.len() > max_line_bytes {
            let e = ParseError::line_too_long(max_line_bytes);
            write_error_record(out, line, &e);
            return LineResult::Error(e);
        }
        self.record(line, raw, out)
    }

    /// Decide on a bare response `body` with the backend's own view of the user given
    /// apart, as the JSON of an [`Applicant`](crate::Applicant): what a binding's
    /// `assess(body, applicant)` does. Equal to deciding the envelope
    /// `{"session": body, "applicant": applicant}`.
    ///
    /// # Errors
    /// A [`ParseError`] when `body` is not a response, when `applicant` is not an applicant
    /// (its path then starts with `applicant`), or `ambiguous_envelope` when `body` is itself
    /// an envelope.
    ///
    /// # Example
    /// ```
    /// use layer_risk::{RuleSet, Scorer};
    /// let scorer = Scorer::new(RuleSet::embedded_default().clone(), chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    /// let body = br#"{"identity": {"name": {"first_name": "William", "last_name": "Knope"}}, "request_id": "r1"}"#;
    /// let d = scorer.assess_with_applicant(body, br#"{"name": {"full_name": "Bill Knope"}}"#)?;
    /// assert!(d.matching.unwrap().legal_name.unwrap().is_nickname_match);
    /// let err = scorer.assess_with_applicant(body, br#"{"name": 7}"#).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("wrong_type", Some("applicant.name")));
    /// # Ok::<(), layer_risk::ParseError>(())
    /// ```
    pub fn assess_with_applicant(
        &self,
        body: &[u8],
        applicant: &[u8],
    ) -> Result<Decision<'_>, ParseError> {
        let input = parse_input_bytes(body)?;
        if input.applicant.is_some() {
            return Err(ParseError::new(
                ParseErrorKind::AmbiguousEnvelope,
                1,
                1,
                None,
            ));
        }
        let applicant = parse_applicant_bytes(applicant).map_err(|e| e.under("applicant"))?;
        Ok(self.assess_session(&input.session, Some(&applicant.fields())))
    }

    /// Append `decision`'s record and a newline to `out`, as [`Scorer::record`] writes it
    /// (`line` first with `Some`): the bytes of serializing the decision (or its
    /// [`Decision::record`]), written faster for decisions this scorer made.
    pub fn write_record(&self, decision: &Decision<'_>, line: Option<u64>, out: &mut Vec<u8>) {
        if decision.rules == self.rules.id() && decision.as_of == self.as_of {
            decision.write_record(line, &self.tail, out);
        } else {
            decision.write_record(line, &record_tail(decision.rules, decision.as_of), out);
        }
    }

    /// [`Scorer::record`] on a line already cut by [`line_body`].
    pub(crate) fn record_body(
        &self,
        line: Option<u64>,
        body: &[u8],
        out: &mut Vec<u8>,
    ) -> LineResult<'_> {
        match parse_input_bytes(body) {
            Ok(input) => {
                let d = assess_input(&input, &self.rules, self.as_of);
                d.write_record(line, &self.tail, out);
                LineResult::Decided(d)
            }
            Err(e) => {
                write_error_record(out, line, &e);
                LineResult::Error(e)
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::session::parse_input;

    /// Observing once and pricing twice gives exactly what two full assessments give,
    /// whether the age bounds agree (shared path) or not (separate path).
    #[test]
    fn assess_input_twice_equals_two_assessments() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
        let lending = RuleSet::from_json(include_str!("../rules/lending.json"), "lending").unwrap();
        let payments =
            RuleSet::from_json(include_str!("../rules/payments.json"), "payments").unwrap();
        let default = RuleSet::embedded_default();
        let lines = [
            r#"{"identity": {"name": {"first_name": "William", "last_name": "Knope"}, "date_of_birth": "1910-01-01", "phone_number": "+442079460958"}, "items": [], "request_id": "r1"}"#,
            r#"{"session": {"identity": {"name": {"first_name": "William", "last_name": "Knope"}, "date_of_birth": "1975-01-18"}, "request_id": "r2"}, "applicant": {"name": {"full_name": "Bob Smith"}, "date_of_birth": "1975-18-01"}}"#,
        ];
        for line in lines {
            let input = parse_input(line).unwrap_or_default();
            for (a, b) in [
                (default, &lending),
                (&lending, default),
                (default, &payments),
                (&payments, default),
            ] {
                let (da, db) = assess_input_twice(&input, a, b, as_of);
                assert_eq!(da, assess_input(&input, a, as_of));
                assert_eq!(db, assess_input(&input, b, as_of));
            }
        }
        assert_ne!(
            default.ages(),
            lending.ages(),
            "default/lending take the separate path"
        );
        assert_eq!(
            default.ages(),
            payments.ages(),
            "default/payments take the shared path"
        );
    }

    /// The fast record writer gives serde's bytes, with and without a line number.
    #[test]
    fn write_record_equals_serde() {
        let rules = RuleSet::embedded_default();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
        let tail = record_tail(rules.id(), as_of);
        for body in [
            r#"{"identity": null, "request_id": "r\"1"}"#,
            r#"{"identity": {"phone_number": "+442079460958"}, "items": [{}], "request_id": null}"#,
            r#"{"session": {"identity": {"name": {"first_name": "A", "last_name": "B"}}}, "applicant": {"name": {"full_name": "A B"}}}"#,
        ] {
            let input = parse_input(body).unwrap();
            let d = assess_input(&input, rules, as_of);
            let mut fast = Vec::new();
            d.write_record(Some(7), &tail, &mut fast);
            let mut slow = serde_json::to_vec(&d.record(7)).unwrap();
            slow.push(b'\n');
            assert_eq!(
                String::from_utf8_lossy(&fast),
                String::from_utf8_lossy(&slow)
            );
            fast.clear();
            d.write_record(None, &tail, &mut fast);
            let mut slow = serde_json::to_vec(&d).unwrap();
            slow.push(b'\n');
            assert_eq!(
                String::from_utf8_lossy(&fast),
                String::from_utf8_lossy(&slow)
            );
        }
    }

    /// Blank and CR rules live in one place.
    #[test]
    fn line_rules() {
        assert_eq!(line_body(b"{}\r"), Some(&b"{}"[..]));
        assert_eq!(line_body(b" \t\r"), None);
        assert_eq!(line_body(b""), None);
        assert_eq!(line_body(b"x"), Some(&b"x"[..]));
    }
}
