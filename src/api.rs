//! The way in: the owning [`Scorer`], which every caller goes through (a backend, the CLI,
//! batch, diff, sweep, rules tests and the language bindings): parse -> validate -> match ->
//! score -> resolve -> record.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::decision::{decide, Decision};
use crate::error::{ParseError, ParseErrorKind};
use crate::fields::AgeBounds;
use crate::finding::Finding;
use crate::link::LinkHistory;
use crate::matching::{compare, validate_with_applicant, MatchReport};
use crate::record::{line_body, too_long, write_decision, write_error, Tail};
use crate::rules::RuleSet;
use crate::score::score;
use crate::session::{parse_applicant_bytes, parse_input_bytes, Identity, Input};
use crate::validate::echoed_request_id;

/// What validation and matching see, before any rule set prices it: it depends on the
/// rule set only through its age bounds.
fn observe(
    input: &Input<'_>,
    as_of: NaiveDate,
    ages: AgeBounds,
) -> (Vec<Finding>, Option<MatchReport>) {
    let applicant = input.applicant.as_ref().map(|a| a.fields());
    let findings = validate_with_applicant(&input.session, applicant.as_ref(), as_of, ages);
    let report = applicant.map(|a| {
        let layer = input
            .session
            .identity
            .as_ref()
            .map(Identity::fields)
            .unwrap_or_default();
        compare(&layer, &a)
    });
    (findings, report)
}

/// Score observations with `rules` and resolve the outcome.
fn price<'r>(
    input: &Input<'_>,
    findings: Vec<Finding>,
    report: Option<MatchReport>,
    link: Option<&LinkHistory>,
    rules: &'r RuleSet,
    as_of: NaiveDate,
) -> Decision<'r> {
    let session = &input.session;
    let history = session.identity_edit_history.as_ref();
    let (reasons, total) = score(findings, history, report.as_ref(), link, rules);
    let has_items = session.items.is_some_and(|n| n.0 > 0);
    let request_id = echoed_request_id(session.request_id.as_deref());
    decide(request_id, reasons, total, has_items, report, rules, as_of)
}

/// Decide on one parsed line (a response, with the backend's view of the user if any):
/// the one decision path, behind [`Scorer`] and the export tools.
pub(crate) fn decide_input<'r>(
    input: &Input<'_>,
    rules: &'r RuleSet,
    as_of: NaiveDate,
) -> Decision<'r> {
    decide_linked(input, None, rules, as_of)
}

/// [`decide_input`] with the line's link history, if any (`--link`; `Context::link`).
pub(crate) fn decide_linked<'r>(
    input: &Input<'_>,
    link: Option<&LinkHistory>,
    rules: &'r RuleSet,
    as_of: NaiveDate,
) -> Decision<'r> {
    let (findings, report) = observe(input, as_of, rules.ages());
    price(input, findings, report, link, rules, as_of)
}

/// The same line decided under two rule sets (the what-if of `diff`): validated and
/// matched once when both sets have the same age bounds, as they usually do. Equal to two
/// [`decide_input`] calls.
#[cfg(test)]
pub(crate) fn decide_input_twice<'r>(
    input: &Input<'_>,
    a: &'r RuleSet,
    b: &'r RuleSet,
    as_of: NaiveDate,
) -> (Decision<'r>, Decision<'r>) {
    decide_twice_linked(input, None, a, b, as_of)
}

/// [`decide_input_twice`] with the line's link history, if any.
pub(crate) fn decide_twice_linked<'r>(
    input: &Input<'_>,
    link: Option<&LinkHistory>,
    a: &'r RuleSet,
    b: &'r RuleSet,
    as_of: NaiveDate,
) -> (Decision<'r>, Decision<'r>) {
    if a.ages() != b.ages() {
        let da = decide_linked(input, link, a, as_of);
        return (da, decide_linked(input, link, b, as_of));
    }
    let (findings, report) = observe(input, as_of, a.ages());
    let da = price(input, findings.clone(), report.clone(), link, a, as_of);
    (da, price(input, findings, report, link, b, as_of))
}

/// What a backend holds beside the Layer response, for one assessment: the default, and
/// [`Context::NONE`], is nothing but the response. Each part is JSON bytes as received.
///
/// # Example
/// ```
/// use layer_risk::{Context, RuleSet, Scorer};
/// let scorer = Scorer::new(RuleSet::embedded_default().clone(), chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
/// let body = br#"{"identity": {"name": {"first_name": "William", "last_name": "Knope"}}, "request_id": "r1"}"#;
/// let form = br#"{"name": {"full_name": "Bill Knope"}}"#;
/// let d = scorer.assess(body, &Context::new().applicant(form))?;
/// assert!(d.matching.unwrap().legal_name.unwrap().is_nickname_match);
/// # Ok::<(), layer_risk::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Context<'a> {
    /// What the backend already knows of the user (its sign-up form, or the bank's account
    /// owner data): JSON shaped like the response's `identity`, plus optional
    /// `name.middle_name` and `name.full_name`.
    pub applicant: Option<&'a [u8]>,
    /// What earlier sessions say about this one (a [`LinkStore`](crate::link::LinkStore)'s
    /// answer for its keys): the rules' `link_rules` price it.
    pub link: Option<&'a LinkHistory>,
}

impl<'a> Context<'a> {
    /// Nothing beside the response.
    pub const NONE: Context<'static> = Context {
        applicant: None,
        link: None,
    };

    /// Nothing beside the response (add parts with the methods below).
    pub fn new() -> Self {
        Context::default()
    }

    /// With the backend's own view of the user (see [`Context::applicant`]).
    pub fn applicant(mut self, json: &'a [u8]) -> Self {
        self.applicant = Some(json);
        self
    }

    /// With the session's link history (see [`Context::link`] and [`crate::link`]).
    pub fn link(mut self, history: &'a LinkHistory) -> Self {
        self.link = Some(history);
        self
    }
}

/// What one input line gave: see [`Scorer::record`].
#[derive(Debug)]
#[non_exhaustive]
pub enum LineResult<'s> {
    /// A decision; its record was written.
    Decided(Decision<'s>),
    /// The line is not a response (or is too long); an error record was written.
    Error(ParseError),
    /// The line is empty or blank: nothing was written.
    Blank,
}

/// A rule set and an evaluation date, owned: what decides Plaid Layer responses.
///
/// A backend keeps one for its lifetime; batch jobs and language bindings share one across
/// threads (`Send + Sync`; cloning is cheap). It offers one way to decide
/// ([`Scorer::assess`]: a response body, with the backend's own view of the user if any)
/// and one way to write what it decided ([`Scorer::write_record`], or [`Scorer::record`]
/// for a caller holding lines of an export). Pure: the same body, rules and date give the
/// same decision; the scorer never reads a clock or a file.
///
/// # Example
/// ```
/// use layer_risk::{Context, LineResult, Outcome, RuleSet, Scorer};
/// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(); // your clock's date
/// let scorer = Scorer::new(RuleSet::embedded_default().clone(), as_of);
///
/// let d = scorer.assess(br#"{"identity": null, "items": [], "request_id": "r1"}"#, &Context::NONE)?;
/// assert_eq!(d.outcome, Outcome::IdentityVerification);
/// assert_eq!(d.reasons[0].code, "identity_missing");
///
/// let mut out = Vec::new();
/// scorer.write_record(&d, Some(7), &mut out);
/// assert!(out.starts_with(br#"{"line":7,"request_id":"r1","decision":"identity_verification""#));
/// # Ok::<(), layer_risk::ParseError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Scorer {
    rules: Arc<RuleSet>,
    as_of: NaiveDate,
    tail: Tail,
}

impl Scorer {
    /// A scorer deciding with `rules` as of `as_of` (pass your clock's date: the library
    /// never reads a clock).
    pub fn new(rules: impl Into<Arc<RuleSet>>, as_of: NaiveDate) -> Self {
        let rules = rules.into();
        let tail = Tail::new(rules.id(), as_of);
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

    /// Decide on one response `body` as Plaid returned it (or an envelope
    /// `{"session", "applicant", ...}`, as export lines may be), with what the backend holds
    /// beside it ([`Context`]; [`Context::NONE`] for nothing). With an applicant, the
    /// decision compares it with the Layer identity field by field ([`Decision::matching`])
    /// and the rules' `match_rules` price the scores. Giving a part in the context is the
    /// same as deciding the envelope that carries it.
    ///
    /// # Errors
    /// A [`ParseError`] (located, quoting no input) when `body` is not a response, when a
    /// part of the context is not what it claims (its path then starts with the part's
    /// envelope key, e.g. `applicant`), or `ambiguous_envelope` when both `body` and the
    /// context carry the same part.
    ///
    /// # Example
    /// ```
    /// use layer_risk::{Context, RuleSet, Scorer};
    /// let scorer = Scorer::new(RuleSet::embedded_default().clone(), chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    /// let body = br#"{"identity": {"name": {"first_name": "William", "last_name": "Knope"}}, "request_id": "r1"}"#;
    /// assert_eq!(scorer.assess(body, &Context::NONE)?.request_id.as_deref(), Some("r1"));
    /// let err = scorer.assess(body, &Context::new().applicant(br#"{"name": 7}"#)).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("wrong_type", Some("applicant.name")));
    /// # Ok::<(), layer_risk::ParseError>(())
    /// ```
    pub fn assess(&self, body: &[u8], context: &Context<'_>) -> Result<Decision<'_>, ParseError> {
        let mut input = parse_input_bytes(body)?;
        if let Some(a) = context.applicant {
            if input.applicant.is_some() {
                return Err(ParseError::new(
                    ParseErrorKind::AmbiguousEnvelope,
                    1,
                    1,
                    None,
                ));
            }
            input.applicant = Some(parse_applicant_bytes(a).map_err(|e| e.under("applicant"))?);
        }
        Ok(decide_linked(&input, context.link, &self.rules, self.as_of))
    }

    /// Decide on one parsed line.
    pub(crate) fn decide(&self, input: &Input<'_>) -> Decision<'_> {
        decide_input(input, &self.rules, self.as_of)
    }

    /// Append `decision`'s record and a newline to `out`, exactly as `layer-risk score`
    /// writes it: with `line`, the record starts with `"line": N`; with `None` it has no
    /// `line` field (the bytes of serializing the decision with serde, written faster).
    pub fn write_record(&self, decision: &Decision<'_>, line: Option<u64>, out: &mut Vec<u8>) {
        write_decision(decision, line, &self.tail, out);
    }

    /// Append the record of a line that is not a response:
    /// `{"line": N, "error": {"code", "message", "column", "path"}}` and a newline (no `line`
    /// with `None`), as `layer-risk score` writes it. Like the error, it quotes no input.
    pub fn write_error(&self, error: &ParseError, line: Option<u64>, out: &mut Vec<u8>) {
        write_error(error, line, out);
    }

    /// Decide on one line of an export and append its record (and a newline) to `out`, by
    /// the batch engine's line rules (`crate::record`): a blank line writes nothing; one
    /// trailing CR is ignored; a line longer than `max_line_bytes` (counted with its CR;
    /// [`batch::DEFAULT_MAX_LINE_BYTES`](crate::batch::DEFAULT_MAX_LINE_BYTES) is the CLI's)
    /// gets the `line_too_long` error record; a line that is not a response gets its error
    /// record. For callers that hold lines (a Spark column, a list in a binding).
    ///
    /// # Example
    /// ```
    /// use layer_risk::{batch::DEFAULT_MAX_LINE_BYTES as MAX, LineResult, Outcome, RuleSet, Scorer};
    /// let scorer = Scorer::new(RuleSet::embedded_default().clone(), chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    /// let mut out = Vec::new();
    /// match scorer.record(Some(7), br#"{"identity": null, "request_id": "r1"}"#, MAX, &mut out) {
    ///     LineResult::Decided(d) => assert_eq!(d.outcome, Outcome::IdentityVerification),
    ///     other => panic!("{other:?}"),
    /// }
    /// out.clear();
    /// assert!(matches!(scorer.record(None, b"{\"identity\": ", MAX, &mut out), LineResult::Error(_)));
    /// assert!(out.starts_with(br#"{"error":{"code":"truncated""#));
    /// assert!(matches!(scorer.record(Some(9), b" \r", MAX, &mut out), LineResult::Blank));
    /// out.clear();
    /// assert!(matches!(scorer.record(None, &[b' '; 100], 64, &mut out), LineResult::Error(_)));
    /// assert!(out.starts_with(br#"{"error":{"code":"line_too_long""#));
    /// ```
    pub fn record(
        &self,
        line: Option<u64>,
        raw: &[u8],
        max_line_bytes: usize,
        out: &mut Vec<u8>,
    ) -> LineResult<'_> {
        if too_long(raw.len(), max_line_bytes) {
            let e = ParseError::line_too_long(max_line_bytes.max(1));
            write_error(&e, line, out);
            return LineResult::Error(e);
        }
        match line_body(raw) {
            None => LineResult::Blank,
            Some(body) => self.record_body(line, body, out),
        }
    }

    /// Decide on a parsed line with its link history and append its record (the batch
    /// engine's `--link` path).
    pub(crate) fn record_linked(
        &self,
        line: Option<u64>,
        input: &Input<'_>,
        link: Option<&LinkHistory>,
        out: &mut Vec<u8>,
    ) -> Decision<'_> {
        let d = decide_linked(input, link, &self.rules, self.as_of);
        write_decision(&d, line, &self.tail, out);
        d
    }

    /// [`Scorer::record`] with the line's link history: what a caller that aggregates link
    /// history elsewhere (Spark) uses per line. A line that is not a response gets its error
    /// record, whatever the history.
    pub fn record_with_link(
        &self,
        line: Option<u64>,
        raw: &[u8],
        max_line_bytes: usize,
        link: Option<&LinkHistory>,
        out: &mut Vec<u8>,
    ) -> LineResult<'_> {
        if link.is_none() {
            return self.record(line, raw, max_line_bytes, out);
        }
        if too_long(raw.len(), max_line_bytes) {
            let e = ParseError::line_too_long(max_line_bytes.max(1));
            write_error(&e, line, out);
            return LineResult::Error(e);
        }
        let Some(body) = line_body(raw) else {
            return LineResult::Blank;
        };
        match parse_input_bytes(body) {
            Ok(input) => LineResult::Decided(self.record_linked(line, &input, link, out)),
            Err(e) => {
                write_error(&e, line, out);
                LineResult::Error(e)
            }
        }
    }

    /// [`Scorer::record`] on a line the batch engine already cut and checked.
    pub(crate) fn record_body(
        &self,
        line: Option<u64>,
        body: &[u8],
        out: &mut Vec<u8>,
    ) -> LineResult<'_> {
        match parse_input_bytes(body) {
            Ok(input) => {
                let d = self.decide(&input);
                write_decision(&d, line, &self.tail, out);
                LineResult::Decided(d)
            }
            Err(e) => {
                write_error(&e, line, out);
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

    /// Observing once and pricing twice gives exactly what two full decisions give,
    /// whether the age bounds agree (shared path) or not (separate path).
    #[test]
    fn decide_input_twice_equals_two_decisions() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let lending = RuleSet::from_json(include_str!("../rules/lending.json"), "lending").unwrap();
        let payments =
            RuleSet::from_json(include_str!("../rules/payments.json"), "payments").unwrap();
        let default = RuleSet::embedded_default();
        let lines = [
            r#"{"identity": {"name": {"first_name": "William", "last_name": "Knope"}, "date_of_birth": "1910-01-01", "phone_number": "+442079460958"}, "items": [], "request_id": "r1"}"#,
            r#"{"session": {"identity": {"name": {"first_name": "William", "last_name": "Knope"}, "date_of_birth": "1975-01-18"}, "request_id": "r2"}, "applicant": {"name": {"full_name": "Bob Smith"}, "date_of_birth": "1975-18-01"}}"#,
        ];
        for line in lines {
            let input = parse_input(line).unwrap();
            for (a, b) in [
                (default, &lending),
                (&lending, default),
                (default, &payments),
                (&payments, default),
            ] {
                let (da, db) = decide_input_twice(&input, a, b, as_of);
                assert_eq!(da, decide_input(&input, a, as_of));
                assert_eq!(db, decide_input(&input, b, as_of));
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

    /// The byte writer gives serde's bytes, with and without a line number, and with a
    /// decision made by another scorer (no precomputed tail).
    #[test]
    fn write_record_equals_serde() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let scorer = Scorer::new(RuleSet::embedded_default().clone(), as_of);
        let other = Scorer::new(
            RuleSet::embedded_default().clone(),
            as_of.succ_opt().unwrap(),
        );
        for body in [
            r#"{"identity": null, "request_id": "r\"1"}"#,
            r#"{"identity": {"phone_number": "+442079460958"}, "items": [{}], "request_id": null}"#,
            r#"{"session": {"identity": {"name": {"first_name": "A", "last_name": "B"}}}, "applicant": {"name": {"full_name": "A B"}}}"#,
        ] {
            for s in [&scorer, &other] {
                let d = s.assess(body.as_bytes(), &Context::NONE).unwrap();
                let serde = serde_json::to_string(&d).unwrap();
                let mut bytes = Vec::new();
                scorer.write_record(&d, None, &mut bytes);
                assert_eq!(String::from_utf8_lossy(&bytes), format!("{serde}\n"));
                bytes.clear();
                scorer.write_record(&d, Some(7), &mut bytes);
                let numbered = format!("{{\"line\":7,{}\n", &serde[1..]);
                assert_eq!(String::from_utf8_lossy(&bytes), numbered);
            }
        }
    }
}
