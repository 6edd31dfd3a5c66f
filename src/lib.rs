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
//! [`assess`] and [`assess_json`] for one response and by the owning [`Scorer`] for many.
//!
//! # Layers
//! The modules form one stack; each imports only from the layers above it in this list (a
//! test, `tests/it/layers.rs`, reads the sources and fails on an upward import):
//! 1. base: `error` (error types), `pos` (JSON positions), `de` (serde helpers), `fields`
//!    (edit fields, windows, age bounds), `geo` (country and US-region tables), `rng` (the one
//!    seeded generator), `finding`
//!    (finding and reason codes);
//! 2. `session`: the tolerant serde model of a response, an export line and an applicant;
//! 3. `validate`: raw strings to findings;
//! 4. `matching`: identity consistency scores;
//! 5. `rules`: the rule-set model, loader and checks;
//! 6. `score`: findings and counts priced into reasons;
//! 7. `decision`: the outcome and its record;
//! 8. `api`: [`assess`] and friends, and the [`Scorer`];
//! 9. [`batch`] and [`diff`]: JSONL exports; [`sweep`]: tier thresholds against labels;
//!    [`drift`]: two summaries compared; [`rulestest`]: test cases beside a rules file;
//! 10. `gen`: the synthetic export generator (feature `gen`);
//! 11. the `layer-risk` binary (feature `cli`).
//!
//! # Features
//! - `cli` (default): the `layer-risk` binary and what only it needs (clap, indicatif,
//!   plotters); implies `parallel`, `gen` and `gzip`.
//! - `parallel`: batch scoring on several threads (rayon).
//! - `gzip`: gzip exports in memory, `batch::score_bytes` (flate2); the language bindings
//!   use it so that their `score_jsonl` reads what the CLI reads.
//! - `gen`: the synthetic export generator, module `gen`.
//!
//! A backend that decides one response per request depends on
//! `layer-risk = { version = "0.1", default-features = false }`: parse, validate, match,
//! score and decide, with none of the CLI's crates.
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
//!     "ssn": "524781963", "ssn_last_4": "1963"
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
//! assert!(!log_line.contains("524781963") && !log_line.contains("Knope"));
//! # Ok::<(), layer_risk::ParseError>(())
//! ```

#![deny(missing_docs)]
#![warn(unreachable_pub)]

// Layer 1: base types.
mod de;
mod error;
mod fields;
mod finding;
mod geo;
mod pos;
#[cfg(any(feature = "gen", test))]
#[cfg_attr(not(feature = "gen"), allow(dead_code, unreachable_pub))]
mod rng;
// Layer 2: the serde model.
mod session;
// Layer 3: validation.
mod validate;
// Layer 4: identity consistency.
mod matching;
// Layer 5: rule sets.
mod rules;
// Layer 6: scoring.
mod score;
// Layer 7: the decision and its record.
mod decision;
// Layer 8: the public way through.
mod api;
// Layer 9: exports.
pub mod batch;
pub mod diff;
pub mod drift;
pub mod rulestest;
pub mod sweep;
// Layer 10: tools.
#[cfg(feature = "gen")]
pub mod gen;

pub use api::{assess, assess_input, assess_json, assess_with, LineResult, Scorer};
pub use decision::{Decision, Record};
pub use error::{ParseError, ParseErrorKind, RulesError, RulesErrorKind};
pub use fields::{parse_date, AgeBounds, EditField, Window};
pub use finding::{
    Class, Code, Field, Finding, Observed, ReasonCode, EDIT_RULE, IDENTITY_MATCH_UNAVAILABLE,
    MATCH_RULE,
};
pub use matching::{
    band, compare, email_name_score, AddressMatch, Band, DobMatch, MatchField, MatchReport,
    NameMatch, ScoreOnly,
};
pub use rules::{
    EditRule, Guardrail, MatchRule, Outcome, Price, RuleSet, RuleSetId, Tiers, DEFAULT_RULES_JSON,
    MAX_POINTS,
};
pub use score::{score, score_with_match, Reason};
pub use session::{
    parse_applicant_bytes, parse_input, parse_input_bytes, parse_session, parse_session_bytes,
    Address, Applicant, ApplicantName, EditCounts, EditHistory, Identity, IdentityFields, Input,
    ItemCount, Name, OfficialDocument, Session,
};
pub use validate::validate;

/// The phone check behind the `phone_*` findings, for callers that want it directly: strict
/// E.164 with libphonenumber's validity rules, compiled once.
pub mod phone {
    pub use crate::finding::Region;
    pub use crate::validate::phone::{check, metadata_version, prepare, to_e164, PhoneVerdict};
}

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
