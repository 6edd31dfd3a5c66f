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
//! are arguments): parse -> validate -> match -> score -> resolve -> record, behind one
//! owning [`Scorer`]: [`Scorer::assess`] decides a response body (with the backend's own view
//! of the user if it has one), [`Scorer::write_record`] writes the record the CLI writes.
//! [`parse_session`] and [`validate()`] give the findings alone, and [`compare`] compares two
//! identities, for callers that want those without a rule set.
//!
//! # Layers
//! The modules form one stack; each imports only from the layers above it in this list (a
//! test, `tests/it/layers.rs`, reads the sources and fails on an upward import):
//! 1. base: `error` (error types), `pos` (JSON positions), `de` (serde helpers), `fields`
//!    (edit fields, windows, age bounds, dates), `geo` (country and US-region tables), `rng`
//!    (the one seeded generator), `finding` (finding and reason codes);
//! 2. `session`: the tolerant serde model of a response, an export line and an applicant
//!    (no judgement);
//! 3. `validate`: raw strings to findings;
//! 4. `matching`: identity consistency scores;
//!    - [`link`]: linkage across sessions: keys (keyed HMAC over what `matching`
//!      normalises), the history of earlier observations as counts, and the stores that
//!      record them (SQLite and PostgreSQL behind features `link-sqlite`, `link-postgres`);
//! 5. `rules`: the rule-set model, loader and checks;
//! 6. `score`: findings and counts priced into reasons;
//! 7. `resolve`: reasons, score and rules to an outcome, and its account;
//! 8. `decision`: the explained decision;
//! 9. `record`: the wire contract (lines in, one JSON record out per line);
//! 10. `api`: the [`Scorer`];
//! 11. [`batch`] and [`diff`]: JSONL exports; [`sweep`]: tier thresholds against labels;
//!     [`drift`]: two summaries compared; [`rulestest`]: test cases beside a rules file;
//! 12. `gen`: the synthetic export generator (feature `gen`);
//! 13. the `layer-risk` binary (feature `cli`).
//!
//! # Features
//! - `cli` (default): the `layer-risk` binary and what only it needs (clap, indicatif,
//!   plotters); implies `parallel`, `gen` and `gzip`.
//! - `parallel`: batch scoring on several threads (rayon).
//! - `gzip`: gzip exports in memory, `batch::score_bytes` (flate2); the language bindings
//!   use it so that their `score_jsonl` reads what the CLI reads.
//! - `gen`: the synthetic export generator, module `gen`.
//! - `link-sqlite` (implied by `cli`): [`link::SqliteStore`] (rusqlite, SQLite bundled).
//! - `link-postgres`: [`link::PostgresStore`] (the `postgres` client).
//!
//! A backend that decides one response per request depends on
//! `layer-risk = { version = "0.1", default-features = false }`: parse, validate, match,
//! score and decide, with none of the CLI's crates.
//!
//! # Example: right after the session fetch
//! ```
//! use layer_risk::{Context, Outcome, RuleSet, Scorer};
//!
//! // Once, at start-up: the embedded default rules, or your product's file with
//! // RuleSet::from_path("rules/lending.json")?. Pass your clock's date.
//! let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
//! let scorer = Scorer::new(RuleSet::embedded_default().clone(), today);
//!
//! // The body of Plaid's /user_account/session/get response, as your HTTP client got it.
//! let body = br#"{
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
//! let decision = scorer.assess(body, &Context::NONE)?;
//!
//! // The SSN was changed twice in this session: Identity Match cannot check an SSN.
//! assert_eq!(decision.outcome, Outcome::IdentityVerification);
//! assert_eq!(decision.reasons[0].rule_id, "ssn-edited-this-session");
//! match decision.outcome {
//!     Outcome::Trust => { /* create the account with the Layer identity */ }
//!     Outcome::IdentityMatch => { /* call /identity/match with the Layer identity */ }
//!     Outcome::IdentityVerification => { /* start an Identity Verification session */ }
//!     _ => { /* an outcome of a later release: fail closed, to the strictest step-up */ }
//! }
//! // Log the record: it holds the request id, codes and counts, never identity values.
//! let mut log_line = Vec::new();
//! scorer.write_record(&decision, None, &mut log_line);
//! let log_line = String::from_utf8_lossy(&log_line);
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
mod outcome;
mod pos;
#[cfg(any(feature = "gen", test))]
#[cfg_attr(not(feature = "gen"), allow(dead_code, unreachable_pub))]
mod rng;
// Layer 2: the serde model.
mod session;
mod signals;
// Layer 3: validation.
mod validate;
// Layer 4: identity consistency.
mod matching;
// Layer 4b: linkage keys, history and stores.
pub mod link;
// Layer 5: rule sets.
mod rules;
// Layer 6: scoring.
mod score;
// Layer 7: outcome resolution.
mod resolve;
// Layer 8: the decision.
mod decision;
// Layer 9: the wire contract.
mod record;
// Layer 10: the way in.
mod api;
// Layer 11: exports.
pub mod batch;
pub mod diff;
pub mod drift;
pub mod rulestest;
pub mod sweep;
// Layer 12: tools.
#[cfg(feature = "gen")]
pub mod gen;

pub use api::{Context, LineResult, LiveScorer, Scorer};
pub use decision::{Arm, Decision, DecisionId, Shadow};
pub use error::{ParseError, ParseErrorKind, RulesError, RulesErrorKind};
pub use fields::{parse_date, AgeBounds, EditField, MatchThresholds, Window};
pub use finding::LINK_RULE;
pub use finding::{
    Class, Code, Field, Finding, Observed, ReasonCode, COMBINED_RULE, EDIT_RULE,
    IDENTITY_MATCH_UNAVAILABLE, MATCH_RULE, SIGNAL_RULE,
};
pub use matching::{
    band, compare, AddressMatch, Band, DobMatch, MatchField, MatchReport, NameMatch, ScoreOnly,
};
pub use record::DECISION_FIELDS;
pub use resolve::{Bounds, FixedSemantics, Step, StepKind};
pub use rules::LinkRule;
pub use rules::{
    CombinedRule, EditRule, Guardrail, MatchRule, Outcome, Price, RuleSet, RuleSetId, Signal,
    SignalRule, Tiers, DEFAULT_RULES_JSON, MAX_POINTS,
};
pub use score::Reason;
pub use session::{
    parse_session, Address, EditCounts, EditHistory, Identity, IdentityFields, ItemCount, Name,
    OfficialDocument, Session,
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
