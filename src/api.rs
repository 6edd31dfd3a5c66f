//! The way in: the owning [`Scorer`], which every caller goes through (a backend, the CLI,
//! batch, diff, sweep, rules tests and the language bindings): parse -> validate -> match ->
//! score -> resolve -> record.

use std::sync::Arc;

use chrono::NaiveDate;

use sha2::{Digest, Sha256};

use crate::decision::{decide, Arm, Decision, DecisionId};
use crate::error::{ParseError, ParseErrorKind, RulesError};
use crate::fields::Policy;
use crate::finding::Finding;
use crate::link::LinkHistory;
use crate::matching::verdicts::{self, Settled, SignalValues};
use crate::matching::{compare, validate_with_applicant, MatchReport};
use crate::record::{line_body, too_long, write_decision, write_error, Tail};
use crate::rules::RuleSet;
use crate::score::{score, Evidence};
use crate::session::{parse_applicant_bytes, parse_input_bytes, parse_part, Identity, Input};
use crate::validate::echoed_request_id;

/// What validation and matching see, before any rule set prices it: it depends on the
/// rule set only through its policy (age bounds, Identity Match thresholds).
struct Observed {
    findings: Vec<Finding>,
    report: Option<MatchReport>,
    settled: Settled,
    values: SignalValues,
}

fn observe(input: &Input<'_>, as_of: NaiveDate, policy: Policy) -> Observed {
    let applicant = input.applicant.as_ref().map(|a| a.fields());
    let mut findings =
        validate_with_applicant(&input.session, applicant.as_ref(), as_of, policy.ages);
    let (settled, values) = verdicts::observe(
        &input.session,
        &input.signals,
        policy.thresholds,
        &mut findings,
    );
    let report = applicant.map(|a| {
        let layer = input
            .session
            .identity
            .as_ref()
            .map(Identity::fields)
            .unwrap_or_default();
        compare(&layer, &a)
    });
    Observed {
        findings,
        report,
        settled,
        values,
    }
}

/// Score observations with `rules` and resolve the outcome.
fn price<'r>(
    input: &Input<'_>,
    seen: Observed,
    link: Option<&LinkHistory>,
    rules: &'r RuleSet,
    as_of: NaiveDate,
) -> Decision<'r> {
    let session = &input.session;
    let evidence = Evidence {
        history: session.identity_edit_history.as_ref(),
        report: seen.report.as_ref(),
        settled: seen.settled,
        values: seen.values,
        link,
    };
    let (reasons, total) = score(seen.findings, &evidence, rules);
    let has_items = session.items.is_some_and(|n| n.0 > 0);
    let request_id = echoed_request_id(session.request_id.as_deref());
    decide(
        request_id,
        reasons,
        total,
        has_items,
        seen.report,
        rules,
        as_of,
    )
}

/// Decide on one parsed line (a response, with the backend's view of the user and its link
/// history if any): the one decision path, behind [`Scorer`] and the export tools.
pub(crate) fn decide_input<'r>(
    input: &Input<'_>,
    link: Option<&LinkHistory>,
    rules: &'r RuleSet,
    as_of: NaiveDate,
) -> Decision<'r> {
    price(
        input,
        observe(input, as_of, rules.policy()),
        link,
        rules,
        as_of,
    )
}

/// The same line decided under two rule sets (the what-if of `diff`, a shadow): validated
/// and matched once when both sets have the same policy, as they usually do. Equal to two
/// [`decide_input`] calls.
pub(crate) fn decide_input_twice<'r>(
    input: &Input<'_>,
    link: Option<&LinkHistory>,
    a: &'r RuleSet,
    b: &'r RuleSet,
    as_of: NaiveDate,
) -> (Decision<'r>, Decision<'r>) {
    if a.policy() != b.policy() {
        return (
            decide_input(input, link, a, as_of),
            decide_input(input, link, b, as_of),
        );
    }
    let seen = observe(input, as_of, a.policy());
    let again = Observed {
        findings: seen.findings.clone(),
        report: seen.report.clone(),
        ..seen
    };
    let da = price(input, seen, link, a, as_of);
    (da, price(input, again, link, b, as_of))
}

/// What a backend holds beside the Layer response, for one assessment: the default, and
/// [`Context::NONE`], is nothing but the response. Each part is JSON bytes as received; giving
/// one is the same as giving it in an envelope line (`{"session", "applicant", "signals":
/// {"protect", "identity_match", "identity_verification"}, "rollout_key"}`).
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
    /// The `/protect/compute` response body (the Trust Index), as Plaid returned it.
    pub protect: Option<&'a [u8]>,
    /// The `/identity/match` response body for the linked Item.
    pub identity_match: Option<&'a [u8]>,
    /// The `/identity_verification/get` response body of the user's Identity Verification.
    pub identity_verification: Option<&'a [u8]>,
    /// The user's key for a staged rollout ([`Scorer::with_rollout`]): a stable id of the
    /// user in the backend (never an identity value: it is hashed, not logged, but an id is
    /// all it needs).
    pub rollout_key: Option<&'a str>,
    /// What earlier sessions say about this one (a [`LinkStore`](crate::link::LinkStore)'s
    /// answer for its keys): the rules' `link_rules` price it.
    pub link: Option<&'a LinkHistory>,
}

impl<'a> Context<'a> {
    /// Nothing beside the response.
    pub const NONE: Context<'static> = Context {
        applicant: None,
        protect: None,
        identity_match: None,
        identity_verification: None,
        rollout_key: None,
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

    /// With the `/protect/compute` response body.
    pub fn protect(mut self, json: &'a [u8]) -> Self {
        self.protect = Some(json);
        self
    }

    /// With the `/identity/match` response body.
    pub fn identity_match(mut self, json: &'a [u8]) -> Self {
        self.identity_match = Some(json);
        self
    }

    /// With the `/identity_verification/get` response body.
    pub fn identity_verification(mut self, json: &'a [u8]) -> Self {
        self.identity_verification = Some(json);
        self
    }

    /// With the user's rollout key (see [`Context::rollout_key`]).
    pub fn rollout_key(mut self, key: &'a str) -> Self {
        self.rollout_key = Some(key);
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
/// assert!(out.starts_with(br#"{"line":7,"request_id":"r1","decision_id":""#));
/// // The id: the same bytes, rules and date always give the same one.
/// let again = scorer.assess(br#"{"identity": null, "items": [], "request_id": "r1"}"#, &Context::NONE)?;
/// assert_eq!(again.decision_id, d.decision_id);
/// # Ok::<(), layer_risk::ParseError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Scorer {
    as_of: NaiveDate,
    live: Side,
    challenger: Option<(Side, Mode)>,
}

/// One rule set of a scorer with what its records and ids share.
#[derive(Clone, Debug)]
struct Side {
    rules: Arc<RuleSet>,
    tail: Tail,
    /// SHA-256 state over the decision-id prefix of this rule set and date.
    id_prefix: Sha256,
}

impl Side {
    fn new(rules: Arc<RuleSet>, as_of: NaiveDate) -> Self {
        let mut id_prefix = Sha256::new();
        id_prefix.update(b"layer-risk decision-id v1\0");
        id_prefix.update(rules.id().sha256.as_bytes());
        id_prefix.update(b"\0");
        id_prefix.update(as_of.format("%Y-%m-%d").to_string().as_bytes());
        id_prefix.update(b"\0");
        Side {
            tail: Tail::new(rules.id(), as_of),
            rules,
            id_prefix,
        }
    }

    /// The decision id of `parts` under this rule set (see [`DecisionId`]).
    fn id(&self, parts: &IdParts<'_>) -> DecisionId {
        let mut h = self.id_prefix.clone();
        for (tag, bytes) in parts.tagged() {
            h.update([tag]);
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
        // The link history is no input bytes but changes the decision: its counts, as the
        // JSON of `LinkHistory` (fields in declaration order), are part `l`.
        if let Some(link) = parts.context.link {
            let mut bytes = Vec::with_capacity(400);
            link.write_json(&mut bytes);
            h.update([b'l']);
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(&bytes);
        }
        let digest = h.finalize();
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        DecisionId(id)
    }
}

/// How a scorer's challenger rule set takes part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// It decides every input beside the live rules, in the record's `shadow`.
    Shadow,
    /// It decides, as the live rules, for this many users in a million (by their key); the
    /// other rule set then decides in `shadow`.
    Rollout { per_million: u32 },
}

/// The input parts a decision id covers (see [`DecisionId`]).
#[derive(Clone, Copy, Debug, Default)]
struct IdParts<'a> {
    body: &'a [u8],
    context: Context<'a>,
}

impl<'a> IdParts<'a> {
    fn tagged(&self) -> impl Iterator<Item = (u8, &'a [u8])> {
        let c = self.context;
        [
            (b'b', Some(self.body)),
            (b'a', c.applicant),
            (b'p', c.protect),
            (b'm', c.identity_match),
            (b'v', c.identity_verification),
            (b'k', c.rollout_key.map(str::as_bytes)),
        ]
        .into_iter()
        .filter_map(|(t, b)| b.map(|b| (t, b)))
    }
}

impl Scorer {
    /// A scorer deciding with `rules` as of `as_of` (pass your clock's date: the library
    /// never reads a clock).
    pub fn new(rules: impl Into<Arc<RuleSet>>, as_of: NaiveDate) -> Self {
        Scorer {
            as_of,
            live: Side::new(rules.into(), as_of),
            challenger: None,
        }
    }

    /// The same scorer with a shadow rule set: every input is decided under it too, and
    /// the record carries that decision in `shadow` (outcome, score, reasons, rules), the
    /// live decision untouched. A challenger runs beside the live rules on real traffic
    /// before it is promoted.
    ///
    /// # Example
    /// ```
    /// use layer_risk::{Context, Outcome, RuleSet, Scorer};
    /// let lending = RuleSet::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/lending.json"))?;
    /// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    /// let scorer = Scorer::new(RuleSet::embedded_default().clone(), as_of).with_shadow(lending);
    /// let body = br#"{"identity": {"name": {"first_name": "Leslie"}}, "items": [{}], "request_id": "r1"}"#;
    /// let d = scorer.assess(body, &Context::NONE)?;
    /// let shadow = d.shadow.as_ref().unwrap();
    /// assert_eq!(shadow.rules.name, "lending");
    /// assert_ne!(shadow.decision_id, d.decision_id); // another rule set, another id
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_shadow(mut self, shadow: impl Into<Arc<RuleSet>>) -> Self {
        self.challenger = Some((Side::new(shadow.into(), self.as_of), Mode::Shadow));
        self
    }

    /// The same scorer running a staged rollout: for a deterministic `share` (0 to 1; NaN
    /// counts as 0) of users, the `challenger` decides as the live rule set; the record says
    /// which `arm` decided and carries the other rule set's decision in `shadow`. A user is
    /// assigned by their rollout key (the context's, or an envelope's `rollout_key`: a stable
    /// id of the user, never an identity value), hashed with the challenger's name, so one
    /// user always lands in the same arm, raising the share only moves users into the
    /// challenger, and a new version of the challenger keeps the arms. Without a key, the
    /// live rule set decides (arm `control`).
    ///
    /// # Example
    /// ```
    /// use layer_risk::{Arm, Context, RuleSet, Scorer};
    /// let payments = RuleSet::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/payments.json"))?;
    /// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    /// let scorer = Scorer::new(RuleSet::embedded_default().clone(), as_of).with_rollout(payments, 0.5);
    /// let body = br#"{"identity": null, "request_id": "r1"}"#;
    /// let arm = |key: &str| scorer.assess(body, &Context::new().rollout_key(key)).map(|d| d.arm);
    /// assert_eq!(arm("user-42")?, arm("user-42")?); // always the same arm
    /// assert_eq!(scorer.assess(body, &Context::NONE)?.arm, Some(Arm::Control));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_rollout(mut self, challenger: impl Into<Arc<RuleSet>>, share: f64) -> Self {
        let share = if share.is_nan() {
            0.0
        } else {
            share.clamp(0.0, 1.0)
        };
        let per_million = (share * 1_000_000.0).round() as u32;
        let side = Side::new(challenger.into(), self.as_of);
        self.challenger = Some((side, Mode::Rollout { per_million }));
        self
    }

    /// The live rule set (the control arm's, in a staged rollout).
    pub fn rules(&self) -> &RuleSet {
        &self.live.rules
    }

    /// The shadow or challenger rule set, if any.
    pub fn challenger_rules(&self) -> Option<&RuleSet> {
        self.challenger.as_ref().map(|(s, _)| &*s.rules)
    }

    /// The evaluation date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The share of users a staged rollout gives the challenger (0 to 1), or `None` when
    /// the scorer runs no rollout (no challenger, or a shadow).
    pub fn rollout_share(&self) -> Option<f64> {
        match &self.challenger {
            Some((_, Mode::Rollout { per_million })) => Some(f64::from(*per_million) / 1e6),
            _ => None,
        }
    }

    /// The same scorer (date, shadow or rollout) with other live rules: what a reload of the
    /// live rules file builds.
    ///
    /// # Example
    /// ```
    /// use layer_risk::{RuleSet, Scorer};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/");
    /// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    /// let s = Scorer::new(RuleSet::embedded_default().clone(), as_of)
    ///     .with_shadow(RuleSet::from_path(format!("{dir}lending.json"))?);
    /// let s = s.with_rules(RuleSet::from_path(format!("{dir}payments.json"))?);
    /// assert_eq!((s.rules().id().name.as_str(), s.challenger_rules().unwrap().id().name.as_str()), ("payments", "lending"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_rules(&self, rules: impl Into<Arc<RuleSet>>) -> Self {
        Scorer {
            as_of: self.as_of,
            live: Side::new(rules.into(), self.as_of),
            challenger: self.challenger.clone(),
        }
    }

    /// The same scorer (rules, shadow or rollout) deciding as of another date: what a
    /// long-running backend builds when its day changes.
    pub fn with_as_of(&self, as_of: NaiveDate) -> Self {
        Scorer {
            as_of,
            live: Side::new(Arc::clone(&self.live.rules), as_of),
            challenger: self
                .challenger
                .as_ref()
                .map(|(s, m)| (Side::new(Arc::clone(&s.rules), as_of), *m)),
        }
    }

    /// The same scorer without its shadow or challenger: what promoting or dropping a
    /// challenger builds (promote with `Scorer::new(challenger, as_of)`).
    pub fn without_challenger(&self) -> Self {
        Scorer {
            as_of: self.as_of,
            live: self.live.clone(),
            challenger: None,
        }
    }

    /// Which side decides an input with this rollout key, which shadows it, and the arm.
    fn sides(&self, key: Option<&str>) -> (&Side, Option<&Side>, Option<Arm>) {
        match &self.challenger {
            None => (&self.live, None, None),
            Some((c, Mode::Shadow)) => (&self.live, Some(c), None),
            Some((c, Mode::Rollout { per_million })) => {
                let challenger = key.is_some_and(|k| {
                    let mut h = Sha256::new();
                    h.update(b"layer-risk arm v1\0");
                    h.update(c.rules.id().name.as_bytes());
                    h.update(b"\0");
                    h.update(k.as_bytes());
                    let d = h.finalize();
                    let mut first = [0u8; 8];
                    first.copy_from_slice(&d[..8]);
                    (u64::from_le_bytes(first) % 1_000_000) < u64::from(*per_million)
                });
                if challenger {
                    (c, Some(&self.live), Some(Arm::Challenger))
                } else {
                    (&self.live, Some(c), Some(Arm::Control))
                }
            }
        }
    }

    /// Decide on one parsed line whose input bytes are `parts`: the deciding side's
    /// decision, with the other side's in `shadow`, ids set.
    fn decide_parts(&self, input: &Input<'_>, parts: &IdParts<'_>) -> Decision<'_> {
        let key = parts.context.rollout_key.or(input.rollout_key.as_deref());
        let (main, other, arm) = self.sides(key);
        let link = parts.context.link;
        let mut d = match other {
            None => decide_input(input, link, &main.rules, self.as_of),
            Some(o) => {
                let (mut d, mut s) =
                    decide_input_twice(input, link, &main.rules, &o.rules, self.as_of);
                s.decision_id = Some(o.id(parts));
                d.shadow = Some(Box::new(s.as_shadow()));
                d
            }
        };
        d.decision_id = Some(main.id(parts));
        d.arm = arm;
        d
    }

    /// Decide on one response `body` as Plaid returned it (or an envelope
    /// `{"session", "applicant", ...}`, as export lines may be), with what the backend holds
    /// beside it ([`Context`]; [`Context::NONE`] for nothing). With an applicant, the
    /// decision compares it with the Layer identity field by field ([`Decision::matching`])
    /// and the rules' `match_rules` price the scores. Giving a part in the context is the
    /// same decision as giving it in an envelope (the decision id differs: it covers the
    /// bytes as given).
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
        let ambiguous = || ParseError::new(ParseErrorKind::AmbiguousEnvelope, 1, 1, None);
        if let Some(a) = context.applicant {
            if input.applicant.is_some() {
                return Err(ambiguous());
            }
            input.applicant = Some(parse_applicant_bytes(a).map_err(|e| e.under("applicant"))?);
        }
        if context.rollout_key.is_some() && input.rollout_key.is_some() {
            return Err(ambiguous());
        }
        let signals = &mut input.signals;
        if let Some(p) = context.protect {
            if signals.protect.is_some() {
                return Err(ambiguous());
            }
            signals.protect = Some(parse_part(p, "signals.protect")?);
        }
        if let Some(m) = context.identity_match {
            if signals.identity_match.is_some() {
                return Err(ambiguous());
            }
            signals.identity_match = Some(parse_part(m, "signals.identity_match")?);
        }
        if let Some(v) = context.identity_verification {
            if signals.identity_verification.is_some() {
                return Err(ambiguous());
            }
            signals.identity_verification = Some(parse_part(v, "signals.identity_verification")?);
        }
        let parts = IdParts {
            body,
            context: *context,
        };
        Ok(self.decide_parts(&input, &parts))
    }

    /// Append `decision`'s record and a newline to `out`, exactly as `layer-risk score`
    /// writes it: with `line`, the record starts with `"line": N`; with `None` it has no
    /// `line` field (the bytes of serializing the decision with serde, written faster).
    pub fn write_record(&self, decision: &Decision<'_>, line: Option<u64>, out: &mut Vec<u8>) {
        let tail = match &self.challenger {
            Some((c, _)) if *decision.rules == *c.rules.id() => &c.tail,
            _ => &self.live.tail,
        };
        write_decision(decision, line, tail, out);
    }

    /// Append the record of a line that is not a response:
    /// `{"line": N, "decision_id": ..., "error": {"code", "message", "column", "path"}}` and a
    /// newline (no `line` with `None`), as `layer-risk score` writes it; `body` is the line's
    /// bytes, for its decision id (`None`: the id is `null`). Like the error, it quotes no
    /// input.
    pub fn write_error(
        &self,
        error: &ParseError,
        line: Option<u64>,
        body: Option<&[u8]>,
        out: &mut Vec<u8>,
    ) {
        let id = body.map(|body| {
            self.live.id(&IdParts {
                body,
                context: Context::NONE,
            })
        });
        write_error(error, id, line, out);
    }

    /// Decide on one line of an export and append its record (and a newline) to `out`, by
    /// the batch engine's line rules (`crate::record`): a blank line writes nothing; one
    /// trailing CR is ignored; a line longer than `max_line_bytes` (counted with its CR;
    /// [`batch::DEFAULT_MAX_LINE_BYTES`](crate::batch::DEFAULT_MAX_LINE_BYTES) is the CLI's)
    /// gets the `line_too_long` error record (its decision id `null`: the line is not read);
    /// a line that is not a response gets its error record. For callers that hold lines (a
    /// Spark column, a list in a binding).
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
    /// assert!(out.starts_with(br#"{"decision_id":""#));
    /// assert!(matches!(scorer.record(Some(9), b" \r", MAX, &mut out), LineResult::Blank));
    /// out.clear();
    /// assert!(matches!(scorer.record(None, &[b' '; 100], 64, &mut out), LineResult::Error(_)));
    /// assert!(out.starts_with(br#"{"decision_id":null,"error":{"code":"line_too_long""#));
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
            write_error(&e, None, line, out);
            return LineResult::Error(e);
        }
        match line_body(raw) {
            None => LineResult::Blank,
            Some(body) => self.record_body(line, body, out),
        }
    }

    /// Decide on a parsed line (`body` its bytes) with its link history and append its record
    /// (the batch engine's path, with `--link` or without).
    pub(crate) fn record_linked(
        &self,
        line: Option<u64>,
        body: &[u8],
        input: &Input<'_>,
        link: Option<&LinkHistory>,
        out: &mut Vec<u8>,
    ) -> Decision<'_> {
        let parts = IdParts {
            body,
            context: Context {
                link,
                ..Context::NONE
            },
        };
        let d = self.decide_parts(input, &parts);
        self.write_record(&d, line, out);
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
        if too_long(raw.len(), max_line_bytes) {
            let e = ParseError::line_too_long(max_line_bytes.max(1));
            self.write_error(&e, line, None, out);
            return LineResult::Error(e);
        }
        let Some(body) = line_body(raw) else {
            return LineResult::Blank;
        };
        match parse_input_bytes(body) {
            Ok(input) => LineResult::Decided(self.record_linked(line, body, &input, link, out)),
            Err(e) => {
                self.write_error(&e, line, Some(body), out);
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
            Ok(input) => LineResult::Decided(self.record_linked(line, body, &input, None, out)),
            Err(e) => {
                self.write_error(&e, line, Some(body), out);
                LineResult::Error(e)
            }
        }
    }
}

/// A [`Scorer`] that can be replaced while threads use it: the handle a long-running backend
/// keeps to reload its rules (on a signal, a file change, a new day) without a restart.
///
/// Each call takes the current scorer as a whole ([`LiveScorer::current`], an `Arc`), so no
/// decision ever sees half a rule set: it is decided entirely under the scorer it started
/// with, and a replacement is visible to the next call. [`LiveScorer::update`] builds the
/// replacement first and swaps only when it loaded, so a broken rules file never becomes
/// live: the working scorer stays and the located error comes back.
///
/// # Example
/// ```
/// use layer_risk::{Context, LiveScorer, RuleSet, Scorer};
/// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
/// let live = LiveScorer::new(Scorer::new(RuleSet::embedded_default().clone(), as_of));
///
/// // A broken file is refused; the default rules stay live.
/// let err = live.update(|s| Ok(Scorer::new(RuleSet::from_json("{", "bad.json")?, s.as_of()))).unwrap_err();
/// assert_eq!(err.kind().code(), "syntax");
/// assert_eq!(live.current().rules().id().name, "default");
///
/// // A good one replaces it for every later call.
/// live.update(|s| Ok(Scorer::new(RuleSet::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/lending.json"))?, s.as_of())))?;
/// let scorer = live.current();
/// let d = scorer.assess(br#"{"identity": null, "request_id": "r1"}"#, &Context::NONE)?;
/// assert_eq!(d.rules.name, "lending");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct LiveScorer {
    current: std::sync::RwLock<Arc<Scorer>>,
    /// Held by [`LiveScorer::update`] from reading the live scorer to swapping in the one
    /// built from it, so two updates (a reload and a new day) never undo each other.
    updating: std::sync::Mutex<()>,
}

impl LiveScorer {
    /// A handle on `scorer`.
    pub fn new(scorer: Scorer) -> Self {
        LiveScorer {
            current: std::sync::RwLock::new(Arc::new(scorer)),
            updating: std::sync::Mutex::new(()),
        }
    }

    /// The scorer now live: decide with it, and keep it for the whole of one call.
    pub fn current(&self) -> Arc<Scorer> {
        // Nothing panics while the lock is held, so a poisoned lock still holds a whole
        // scorer: use it.
        match self.current.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Replace the live scorer with `scorer`; returns the one it replaced.
    pub fn replace(&self, scorer: Scorer) -> Arc<Scorer> {
        let new = Arc::new(scorer);
        match self.current.write() {
            Ok(mut g) => std::mem::replace(&mut *g, new),
            Err(poisoned) => std::mem::replace(&mut *poisoned.into_inner(), new),
        }
    }

    /// Build a replacement from the live scorer (load a rules file, add or drop a shadow,
    /// move to a new date) and make it live only if building succeeded. Updates are
    /// serialised: each builds from the result of the one before, so none is lost (scoring
    /// calls are not held up; they keep using the scorer they took).
    ///
    /// # Errors
    /// The error `build` returned (a rules file's located [`RulesError`]); the live scorer
    /// is then unchanged.
    pub fn update(
        &self,
        build: impl FnOnce(&Scorer) -> Result<Scorer, RulesError>,
    ) -> Result<(), RulesError> {
        // A panic in another update's `build` leaves nothing half-done behind this lock.
        let _serial = match self.updating.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let next = build(&self.current())?;
        self.replace(next);
        Ok(())
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
                let (da, db) = decide_input_twice(&input, None, a, b, as_of);
                assert_eq!(da, decide_input(&input, None, a, as_of));
                assert_eq!(db, decide_input(&input, None, b, as_of));
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
