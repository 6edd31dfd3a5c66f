//! The decision: outcome, score, reasons heaviest first, and the rule set that made it.

use std::fmt;

use serde::Serialize;

use crate::matching::MatchReport;
use crate::resolve::{unavailable_reason, Bounds, Resolution, Step, StepKind};
use crate::rules::{Outcome, RuleSet, RuleSetId};
use crate::score::Reason;
use chrono::NaiveDate;

/// An explained decision on one Layer response.
///
/// Serializes to the record the CLI writes (without `line`; `crate::record` owns the field
/// list); `Display` gives a short explanation for a person. Neither contains identity values: `request_id`, codes, counts.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decision<'r> {
    /// Plaid's request id, when the response had one.
    pub request_id: Option<String>,
    /// What the backend should do.
    pub outcome: Outcome,
    /// Sum of the reasons' points, less the rules' `idv_passed_discount` when the user passed
    /// Identity Verification.
    pub score: u32,
    /// Every finding and fired rule, heaviest first; among equal points, reasons that force a
    /// stricter tier first, then validation order, then rule-file order.
    pub reasons: Vec<Reason<'r>>,
    /// How the outcome was reached: the score's tier first, then each step that moved it.
    pub resolution: Vec<Step<'r>>,
    /// Identity-consistency scores and flags, when the decision was made with an applicant.
    pub matching: Option<MatchReport>,
    /// The rule set: name, version, SHA-256.
    pub rules: &'r RuleSetId,
    /// The evaluation date the decision was made for.
    pub as_of: NaiveDate,
    /// The libphonenumber metadata version behind the phone check.
    pub phone_metadata: &'static str,
    /// The floor and routing of the resolution, for the threshold sweep.
    pub(crate) bounds: Bounds,
    /// The decision's id: a function of the input bytes, the rule set's SHA-256 and the
    /// evaluation date (see [`DecisionId`]); `None` for decisions made without their input
    /// at hand (the export tools' own counts).
    pub decision_id: Option<DecisionId>,
    /// The challenger's decision on the same input, when the scorer carries one (a shadow
    /// rule set, or the other arm of a staged rollout).
    pub shadow: Option<Box<Shadow<'r>>>,
    /// Which arm of a staged rollout decided, when the scorer runs one.
    pub arm: Option<Arm>,
}

/// A decision's id: the first 16 bytes of a SHA-256, written as 32 lower-case hex digits.
///
/// SHA-256 over, in order: the ASCII text `layer-risk decision-id v1`, a 0 byte, the rule
/// set's SHA-256 in hex, a 0 byte, the evaluation date `YYYY-MM-DD`, a 0 byte, then each
/// input part present, as one tag byte, its length as 8 bytes little-endian and its bytes:
/// `b` the response body (an export line without its newline and trailing CR), `a` the
/// applicant, `p` the `/protect/compute` body, `m` the `/identity/match` body, `v` the
/// `/identity_verification/get` body, `k` the rollout key, `l` the link history (a decision
/// made with one: its counts as the JSON of [`crate::link::LinkHistory`], fields in
/// declaration order, as a record shows them). So a replay of the same input
/// under the same rules and date gets the same id in the CLI, every binding and Spark, and
/// the same input under another rule set another id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DecisionId(pub [u8; 16]);

impl fmt::Display for DecisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for DecisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DecisionId({self})")
    }
}

impl Serialize for DecisionId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 32];
        let hex = b"0123456789abcdef";
        for (i, b) in self.0.iter().enumerate() {
            buf[2 * i] = hex[usize::from(b >> 4)];
            buf[2 * i + 1] = hex[usize::from(b & 15)];
        }
        s.serialize_str(std::str::from_utf8(&buf).unwrap_or(""))
    }
}

/// The challenger's decision beside the live one (the record's `shadow`): enough to compare
/// the two from the decision log alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Shadow<'r> {
    /// Its id (the same input under the challenger's rules).
    pub decision_id: Option<DecisionId>,
    /// What the challenger decided.
    #[serde(rename = "decision")]
    pub outcome: Outcome,
    /// Its score.
    pub score: u32,
    /// The rule ids of its reasons (a finding's rule id is its code), heaviest first.
    pub reasons: Vec<&'r str>,
    /// The challenger's rule set.
    pub rules: &'r RuleSetId,
}

impl Arm {
    /// The arm's name in records: `control` or `challenger`.
    pub fn as_str(self) -> &'static str {
        match self {
            Arm::Control => "control",
            Arm::Challenger => "challenger",
        }
    }
}

/// The arm of a staged rollout that decided a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arm {
    /// The live rule set decided; the challenger is in `shadow`.
    Control,
    /// The challenger decided; the live rule set is in `shadow`.
    Challenger,
}

/// Resolve the outcome of scored reasons whose points add up to `score` (see
/// [`crate::resolve`]) and assemble the decision.
pub(crate) fn decide<'r>(
    request_id: Option<&str>,
    mut reasons: Vec<Reason<'r>>,
    score: u32,
    has_items: bool,
    matching: Option<MatchReport>,
    rules: &'r RuleSet,
    as_of: NaiveDate,
) -> Decision<'r> {
    let resolution = Resolution::of(&reasons, has_items, rules);
    let (score, steps) = resolution.apply(score, rules.tiers());
    let last = steps.last().copied();
    if last.is_some_and(|s| s.step == StepKind::IdentityMatchUnavailable) {
        reasons.push(unavailable_reason());
    }
    // Heaviest first, then stricter forced tier; a stable sort keeps validation order, then
    // rule-file order, on the remaining ties.
    reasons.sort_by(|a, b| b.points.cmp(&a.points).then(b.force.cmp(&a.force)));
    Decision {
        request_id: request_id.map(str::to_owned),
        outcome: last.map_or(Outcome::Trust, |s| s.outcome),
        score,
        reasons,
        resolution: steps,
        matching,
        rules: rules.id(),
        as_of,
        phone_metadata: crate::validate::phone::metadata_version(),
        bounds: resolution.bounds(),
        decision_id: None,
        shadow: None,
        arm: None,
    }
}

/// One line of match scores with their flags, for people.
fn write_match(f: &mut fmt::Formatter<'_>, m: &MatchReport) -> fmt::Result {
    let mut parts: Vec<String> = Vec::new();
    if let Some(n) = m.legal_name {
        let flags = [
            (n.is_nickname_match, "nickname"),
            (
                n.is_first_name_or_last_name_match,
                "first or last name only",
            ),
            (n.is_business_name_detected, "business name"),
        ];
        parts.push(with_flags(format!("legal_name {}", n.score), &flags));
    }
    if let Some(p) = m.phone_number {
        parts.push(format!("phone_number {}", p.score));
    }
    if let Some(e) = m.email_address {
        parts.push(format!("email_address {}", e.score));
    }
    if let Some(a) = m.address {
        parts.push(with_flags(
            format!("address {}", a.score),
            &[(a.is_postal_code_match, "postal code matches")],
        ));
    }
    if let Some(d) = m.date_of_birth {
        let flags = [
            (d.is_day_month_swap, "day/month swapped"),
            (d.is_single_digit_typo, "one digit off"),
        ];
        parts.push(with_flags(format!("date_of_birth {}", d.score), &flags));
    }
    if let Some(e) = m.email_name {
        parts.push(format!("email_name {}", e.score));
    }
    if parts.is_empty() {
        parts.push("no field present on both sides".into());
    }
    writeln!(f, "match with applicant: {}", parts.join(", "))
}

fn with_flags(mut s: String, flags: &[(bool, &str)]) -> String {
    let on: Vec<&str> = flags.iter().filter(|(b, _)| *b).map(|(_, n)| *n).collect();
    if !on.is_empty() {
        s.push_str(&format!(" ({})", on.join(", ")));
    }
    s
}

impl<'r> Decision<'r> {
    /// This decision as the shadow of another.
    pub(crate) fn as_shadow(&self) -> Shadow<'r> {
        Shadow {
            decision_id: self.decision_id,
            outcome: self.outcome,
            score: self.score,
            reasons: self.reasons.iter().map(|r| r.rule_id).collect(),
            rules: self.rules,
        }
    }
}

impl fmt::Display for Decision<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short_sha = self.rules.sha256.get(..12).unwrap_or(&self.rules.sha256);
        writeln!(
            f,
            "{} (score {}) for request {}",
            self.outcome,
            self.score,
            // Escaped: a request id comes from the input and may hold control characters.
            self.request_id
                .as_deref()
                .map_or_else(|| "<none>".to_owned(), |r| r.escape_debug().to_string())
        )?;
        writeln!(
            f,
            "rules: {} {} (sha256 {short_sha}…), evaluated as of {}",
            self.rules.name, self.rules.version, self.as_of
        )?;
        if let Some(m) = &self.matching {
            write_match(f, m)?;
        }
        if let Some(arm) = self.arm {
            writeln!(f, "arm of the staged rollout: {}", arm.as_str())?;
        }
        if let Some(s) = &self.shadow {
            writeln!(
                f,
                "shadow: {} (score {}) under {} {}",
                s.outcome, s.score, s.rules.name, s.rules.version
            )?;
        }
        if self.reasons.is_empty() {
            return writeln!(f, "  no findings");
        }
        for r in &self.reasons {
            write!(f, "  {:>+5}  {}", r.points, r.code)?;
            if r.rule_id != r.code.as_str() {
                write!(f, " [{}]", r.rule_id)?;
            }
            if let Some(c) = r.class {
                write!(f, " ({c})")?;
            }
            write!(f, " on {}", r.field)?;
            match (r.window, &r.observed, r.threshold) {
                _ if r.all_of.is_some() => {
                    write!(f, ": {}", r.all_of.unwrap_or_default().join(" + "))?
                }
                (Some(w), Some(o), Some(t)) => {
                    write!(f, ": {o} in window {}", w.as_str())?;
                    if let Some(m) = r.minus {
                        write!(f, " not in {}", m.as_str())?;
                    }
                    write!(f, " (fires at {t}+)")?
                }
                (None, Some(o), Some(t)) => write!(f, ": {o} (bound {t})")?,
                (None, Some(o), None) => write!(f, ": {o}")?,
                _ => {}
            }
            if let Some(force) = r.force {
                write!(f, " -> forces {force}")?;
            }
            if let Some(by) = r.settled_by {
                write!(f, " (settled by {by})")?;
            }
            writeln!(f)?;
        }
        write!(f, "resolution:")?;
        for (i, step) in self.resolution.iter().enumerate() {
            let sep = if i == 0 { " " } else { "; " };
            write!(f, "{sep}{}", step.step.as_str())?;
            if let Some(by) = step.by {
                write!(f, " {by}")?;
            }
            write!(f, " -> {}", step.outcome)?;
        }
        writeln!(f)
    }
}
