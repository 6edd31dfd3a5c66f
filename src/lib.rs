//! # layer-risk
//!
//! Decide whether a backend can trust the identity that Plaid Layer returns from
//! `POST /user_account/session/get`, or must step the user up to Identity Match or Identity
//! Verification.
//!
//! Layer prefills a user's identity from Plaid's network and lets the user edit it before
//! sharing, so what comes back is user-submitted and unverified; `identity_edit_history` says
//! how much of it was edited, now and before. layer-risk validates every field, prices what it
//! finds and the edit counts with a rules file, and returns an explained [`Decision`].
//!
//! One way through, all pure (no clock, no I/O, no globals: the evaluation date and the rules
//! are arguments): [`parse_session`] -> [`validate()`] -> [`score()`] -> decide, wrapped by
//! [`assess`] and [`assess_json`].
//!
//! # Example: right after the session fetch
//! ```
//! use layer_risk::{assess_json, Outcome, RuleSet};
//!
//! // The body of Plaid's /user_account/session/get response, as your HTTP client got it.
//! let body = r#"{
//!   "identity": {
//!     "name": {"first_name": "Leslie", "last_name": "Knope"},
//!     "address": {"street": "123 Main St.", "city": "Pawnee", "region": "IN",
//!                 "postal_code": "46001", "country": "US"},
//!     "phone_number": "+14157452130", "email": null, "date_of_birth": "1975-01-18",
//!     "ssn": "123456789", "ssn_last_4": "6789"
//!   },
//!   "identity_edit_history": {
//!     "name": {"edits_current": 0, "edits_1d": 0, "edits_30d": 0, "edits_365d": 0, "edits_all_time": 0},
//!     "address": {"edits_current": 0, "edits_1d": 0, "edits_30d": 0, "edits_365d": 0, "edits_all_time": 0},
//!     "email": {"edits_current": 0, "edits_1d": 0, "edits_30d": 0, "edits_365d": 0, "edits_all_time": 0},
//!     "date_of_birth": {"edits_current": 0, "edits_1d": 0, "edits_30d": 0, "edits_365d": 0, "edits_all_time": 0},
//!     "official_document": {"ssn": {"edits_current": 2, "edits_1d": 2, "edits_30d": 2, "edits_365d": 2, "edits_all_time": 2}}
//!   },
//!   "items": [{"item_id": "item-1", "access_token": "access-sandbox-123"}],
//!   "request_id": "m8MDnv9okwxFNBV"
//! }"#;
//! let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(); // pass your clock's date
//! let decision = assess_json(body, RuleSet::embedded_default(), today)?;
//!
//! // The SSN was changed twice in this session: Identity Match cannot check an SSN.
//! assert_eq!(decision.outcome, Outcome::IdentityVerification);
//! assert_eq!(decision.reasons[0].rule_id, "ssn-edited-this-session");
//! match decision.outcome {
//!     Outcome::Trust => { /* create the account with the Layer identity */ }
//!     Outcome::IdentityMatch => { /* call /identity/match with the Layer identity */ }
//!     Outcome::IdentityVerification => { /* start an Identity Verification session */ }
//! }
//! // Log the decision: it holds the request id, codes and counts, never identity values.
//! let log_line = serde_json::to_string(&decision).unwrap();
//! assert!(!log_line.contains("123456789") && !log_line.contains("Knope"));
//! # Ok::<(), layer_risk::ParseError>(())
//! ```

#![deny(missing_docs)]

pub mod batch;
mod de;
mod decision;
pub mod diff;
mod error;
mod finding;
pub mod gen;
pub mod matching;
pub mod rules;
mod score;
mod session;
pub mod validate;

pub use decision::{Decision, Reason, Record, IDENTITY_MATCH_UNAVAILABLE};
pub use error::{ParseError, ParseErrorKind};
pub use finding::{Code, Field, Finding, Observed};
pub use rules::{
    AgeBounds, EditField, EditRule, Outcome, Price, RuleSet, RuleSetId, RulesError, RulesErrorKind,
    Tiers, Window,
};
pub use score::{score, score_with_match, EDIT_RULE, MATCH_RULE};
pub use session::{
    parse_input, parse_input_bytes, parse_session, parse_session_bytes, Address, EditCounts,
    EditHistory, Identity, Input, ItemCount, Name, OfficialDocument, Session,
};
pub use validate::validate;

use chrono::NaiveDate;

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
/// Match, in [`Decision::matching`]) and the rule set's `match_rules` price the scores.
/// With `None` this is exactly [`assess`].
///
/// # Example
/// ```
/// use layer_risk::{assess_with, matching::IdentityFields, parse_session, RuleSet};
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
    applicant: Option<&matching::IdentityFields<'_>>,
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
    applicant: Option<&matching::IdentityFields<'_>>,
    as_of: NaiveDate,
    ages: AgeBounds,
) -> (Vec<Finding>, Option<matching::MatchReport>) {
    let findings = validate(session, as_of, ages);
    let report = applicant.map(|a| {
        let layer = session
            .identity
            .as_ref()
            .map(Identity::fields)
            .unwrap_or_default();
        matching::compare(&layer, a)
    });
    (findings, report)
}

/// Score observations with `rules` and resolve the outcome.
fn price<'r>(
    session: &Session<'_>,
    findings: Vec<Finding>,
    report: Option<matching::MatchReport>,
    rules: &'r RuleSet,
    as_of: NaiveDate,
) -> Decision<'r> {
    let history = session.identity_edit_history.as_ref();
    let (reasons, total) = score::score_with_match(findings, history, report.as_ref(), rules);
    let has_items = session.items.is_some_and(|n| n.0 > 0);
    let request_id = session.request_id.as_deref();
    decision::decide(request_id, reasons, total, has_items, report, rules, as_of)
}

/// The same line decided under two rule sets (the what-if of [`diff`]): validated and
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

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
}
