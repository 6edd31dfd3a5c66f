//! Outcome resolution, once: how priced reasons, the score and the rule set become an
//! outcome, and the account of it that decisions carry.
//!
//! Everything that moves an outcome besides the score's tier reads only the reasons, the
//! linked Items and the rule set, so it is computed once into a [`Resolution`], a value that
//! does not depend on the tiers. Three readers share it:
//! - a decision: [`Resolution::apply`] walks the steps under the file's tiers and records
//!   each one that moved the outcome ([`Step`]);
//! - the threshold sweep: [`Bounds`] (the floor and the routing) tells the outcome under any
//!   other tiers without deciding again ([`Bounds::outcome`]);
//! - `rules check`: [`FixedSemantics`] spells out, for one file, what no rules file can
//!   change, listing the codes and rules the same predicates select.
//!
//! The steps, in order (`rules/README.md`, "Outcome"):
//! 1. the score, less the rules' `idv_passed_discount` when the user passed Identity
//!    Verification, gives a tier;
//! 2. a tier of `identity_verification` reached only with points of reasons Identity Match
//!    can settle (name, address, phone, email) or of context (no linked Item, the request) is
//!    held at `identity_match`: such reasons never stack into Identity Verification on their
//!    own;
//! 3. a reason's `force` raises it;
//! 4. an invalid or inconsistent finding on an identity field raises `trust` to
//!    `identity_match`;
//! 5. a finding with a floor of its own ([`Code::floor`]: an Identity Verification that did
//!    not finish, is pending review, has a status this release does not know or verified
//!    someone else; an Identity Match that failed) raises it to that floor;
//! 6. a guardrail holds it at or above its tier;
//! 7. `identity_match` becomes `identity_verification` when a reason that drives the step-up
//!    concerns the date of birth, the SSN, the identity as a whole or an Identity
//!    Verification's state;
//! 8. `identity_match` becomes `identity_verification` when there is no linked Item and the
//!    rules require one (reason `identity_match_unavailable`), or when Identity Match already
//!    ran for this Item (finding `identity_match_ran`: running it again would compare the same
//!    bank data);
//! 9. `identity_verification` becomes `manual_review` when the user already passed Identity
//!    Verification: no decision sends them back to it.
//!
//! No rules file changes steps 2, 4, 5, 7, 9 and the order; a passed IDV lowers points only
//! in step 1 and ends the way to Identity Verification in step 9.

use std::fmt;

use serde::Serialize;

use crate::fields::EditField;
use crate::finding::{Code, Field, ReasonCode, IDENTITY_MATCH_UNAVAILABLE};
use crate::rules::{Outcome, RuleSet, Tiers};
use crate::score::{probe, Reason};

/// One step of the outcome resolution: what set or moved the outcome, and to what.
///
/// A decision lists the steps that changed its outcome, in order (see
/// [`Decision::resolution`](crate::Decision::resolution) and `rules/README.md`), so a
/// reviewer sees why a score of 20 is `identity_verification`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Step<'r> {
    /// What acted.
    pub step: StepKind,
    /// The reason (finding code or rule id) behind it, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<&'r str>,
    /// The outcome after this step.
    pub outcome: Outcome,
}

/// The kinds of [`Step`], in the order they are applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StepKind {
    /// The score's tier (always the first step).
    Score,
    /// A passed Identity Verification lowered the score by the rules' `idv_passed_discount`.
    IdvPassedDiscount,
    /// The `identity_verification` tier was reached only with points Identity Match can
    /// settle: held at `identity_match`.
    SettleableByIdentityMatch,
    /// A reason's `force` in the rules file raised the outcome.
    Force,
    /// Invalid or inconsistent identity data is never trusted: raised to `identity_match`.
    InvalidIdentityData,
    /// A finding with a floor of its own raised the outcome (an unfinished, pending or
    /// unknown Identity Verification, a failed Identity Match, ...: [`Code::floor`]).
    FindingFloor,
    /// A guardrail of the rules file held the outcome at its tier.
    Guardrail,
    /// The step-up concerns the date of birth, the SSN, the identity as a whole or an
    /// Identity Verification's state, which Identity Match cannot compare: raised to
    /// `identity_verification`.
    IdentityMatchCannotSettle,
    /// No linked Item for Identity Match to compare with: raised to `identity_verification`.
    IdentityMatchUnavailable,
    /// Identity Match already ran for this Item (its response was given): running it again
    /// would compare the same bank data, so raised to `identity_verification`.
    IdentityMatchAlreadyRan,
    /// The user already passed Identity Verification: `identity_verification` became
    /// `manual_review`.
    IdvAlreadyPassed,
}

impl StepKind {
    /// Every kind, in the order the steps are applied.
    pub const ALL: [StepKind; 11] = [
        StepKind::Score,
        StepKind::IdvPassedDiscount,
        StepKind::SettleableByIdentityMatch,
        StepKind::Force,
        StepKind::InvalidIdentityData,
        StepKind::FindingFloor,
        StepKind::Guardrail,
        StepKind::IdentityMatchCannotSettle,
        StepKind::IdentityMatchUnavailable,
        StepKind::IdentityMatchAlreadyRan,
        StepKind::IdvAlreadyPassed,
    ];

    /// The step's name in decisions: `score`, `force`, `guardrail`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Score => "score",
            StepKind::IdvPassedDiscount => "idv_passed_discount",
            StepKind::SettleableByIdentityMatch => "settleable_by_identity_match",
            StepKind::Force => "force",
            StepKind::InvalidIdentityData => "invalid_identity_data",
            StepKind::FindingFloor => "finding_floor",
            StepKind::Guardrail => "guardrail",
            StepKind::IdentityMatchCannotSettle => "identity_match_cannot_settle",
            StepKind::IdentityMatchUnavailable => "identity_match_unavailable",
            StepKind::IdentityMatchAlreadyRan => "identity_match_already_ran",
            StepKind::IdvAlreadyPassed => "idv_already_passed",
        }
    }
}

/// Is this reason an invalid or inconsistent finding on an identity field (step 4), that no
/// verdict settled?
fn doubts_identity(r: &Reason<'_>) -> bool {
    r.class.is_some_and(|c| c.is_doubt()) && r.concerns.is_identity() && r.settled_by.is_none()
}

/// Does the reason concern what only Identity Verification can settle (steps 2 and 7)?
fn beyond_identity_match(r: &Reason<'_>) -> bool {
    r.concerns.identity_match_settles() == Some(false)
}

/// The strictest guardrail of `rules` holding reason `r`, if any. A guardrail names a rule
/// id or a finding code, and a finding's rule id is its code, so the rule id is compared.
fn guardrail(rules: &RuleSet, r: &Reason<'_>) -> Option<Outcome> {
    rules
        .guardrails()
        .iter()
        .filter(|g| g.key == r.rule_id && holds(g.at_least, r))
        .map(|g| g.at_least)
        .max()
}

/// Does a guardrail at `at_least` hold on reason `r` (whose rule id it names)?
///
/// A doubt a verdict settled has had the check its guardrail asks for: a guardrail at
/// `identity_match` is met by a passed Identity Match, one at `identity_verification` by a
/// successful Identity Verification of this identity, so neither sends the user back to the
/// check they passed. A stricter guardrail holds (and a `risk` finding is never settled).
fn holds(at_least: Outcome, r: &Reason<'_>) -> bool {
    let met = match r.settled_by {
        None => return true,
        Some("identity_match") => Outcome::IdentityMatch,
        Some(_) => Outcome::IdentityVerification,
    };
    at_least > met
}

/// The floor a reason's finding code holds of its own (step 5).
fn code_floor(r: &Reason<'_>) -> Option<Outcome> {
    match r.code {
        ReasonCode::Finding(c) if r.settled_by.is_none() => c.floor(),
        _ => None,
    }
}

/// Step 7: does `r` drive a step-up (points, a force, an invalid-identity floor, a floor of
/// its code or a guardrail) while concerning a field Identity Match cannot settle?
fn unsettled_driver(rules: &RuleSet, r: &Reason<'_>) -> bool {
    let drives = r.points > 0
        || r.force.is_some()
        || doubts_identity(r)
        || code_floor(r).is_some()
        || guardrail(rules, r).is_some();
    drives && beyond_identity_match(r)
}

/// The strongest of `(outcome, reason)` pairs, the first reason among equals.
fn strongest<'r>(pairs: impl Iterator<Item = (Outcome, &'r str)>) -> Option<(Outcome, &'r str)> {
    pairs.fold(None, |best, (f, id)| match best {
        Some((b, _)) if b >= f => best,
        _ => Some((f, id)),
    })
}

/// What holds a decision's outcome besides the score's tier: tier-independent, computed
/// once from the reasons, the linked Items and the rule set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Resolution<'r> {
    /// The `idv_passed_discount` percentage (1 to 100) when the user passed IDV.
    discount: Option<u8>,
    /// Some reason with points concerns what Identity Match cannot settle (step 2).
    iv_by_points: bool,
    /// The strongest force, and the first reason with it.
    force: Option<(Outcome, &'r str)>,
    /// The first invalid or inconsistent finding on an identity field.
    invalid: Option<&'r str>,
    /// The highest floor of a finding code, and the first reason with it.
    code_floor: Option<(Outcome, &'r str)>,
    /// The strictest guardrail that holds (the first of the file's order among equals).
    guardrail: Option<(Outcome, &'r str)>,
    /// The first reason that drives a step-up Identity Match cannot settle.
    cannot_settle: Option<&'r str>,
    /// No linked Item, and the rules require one for Identity Match.
    unavailable: bool,
    /// Identity Match already ran for this Item (step 8).
    im_ran: bool,
    /// The user passed Identity Verification (step 9).
    idv_passed: bool,
}

impl<'r> Resolution<'r> {
    /// The resolution of a decision with `reasons` (as scored, before resolution adds any)
    /// on a response with or without linked Items.
    pub(crate) fn of(reasons: &[Reason<'r>], has_items: bool, rules: &'r RuleSet) -> Self {
        let idv_passed = reasons
            .iter()
            .any(|r| r.code == ReasonCode::Finding(Code::IdvPassed));
        let discount = Some(rules.idv_passed_discount().min(100)).filter(|d| *d > 0 && idv_passed);
        let force = strongest(
            reasons
                .iter()
                .filter_map(|r| r.force.map(|f| (f, r.rule_id))),
        );
        let floor = strongest(
            reasons
                .iter()
                .filter_map(|r| code_floor(r).map(|f| (f, r.rule_id))),
        );
        let invalid = reasons
            .iter()
            .find(|r| doubts_identity(r))
            .map(|r| r.rule_id);
        let mut held: Option<(Outcome, &'r str)> = None;
        for g in rules.guardrails() {
            let hit = reasons
                .iter()
                .any(|r| r.rule_id == g.key && holds(g.at_least, r));
            if hit && held.is_none_or(|(t, _)| g.at_least > t) {
                held = Some((g.at_least, g.key.as_str()));
            }
        }
        Resolution {
            discount,
            iv_by_points: reasons
                .iter()
                .any(|r| r.points > 0 && beyond_identity_match(r)),
            force,
            invalid,
            code_floor: floor,
            guardrail: held,
            cannot_settle: reasons
                .iter()
                .find(|r| unsettled_driver(rules, r))
                .map(|r| r.rule_id),
            unavailable: !has_items && rules.identity_match_requires_items(),
            im_ran: reasons
                .iter()
                .any(|r| r.code == ReasonCode::Finding(Code::IdentityMatchRan)),
            idv_passed,
        }
    }

    /// The score after the `idv_passed_discount`, if it applies.
    pub(crate) fn score(&self, raw: u32) -> u32 {
        match self.discount {
            None => raw,
            Some(d) => {
                let kept = u64::from(raw) * (100 - u64::from(d)) / 100;
                u32::try_from(kept).unwrap_or(raw)
            }
        }
    }

    /// The floor and routing: what the threshold sweep keeps of a decision.
    pub(crate) fn bounds(&self) -> Bounds {
        let floor = [
            self.force.map(|(o, _)| o),
            self.invalid.map(|_| Outcome::IdentityMatch),
            self.code_floor.map(|(o, _)| o),
            self.guardrail.map(|(o, _)| o),
        ]
        .into_iter()
        .flatten()
        .fold(Outcome::Trust, Outcome::max);
        Bounds {
            floor,
            routes_to_iv: self.cannot_settle.is_some() || self.unavailable || self.im_ran,
            iv_by_points: self.iv_by_points,
            idv_passed: self.idv_passed,
        }
    }

    /// Resolve under `tiers` a decision whose reasons add up to `raw`: the score it carries
    /// and every step that set or moved its outcome (the last step's outcome is the
    /// decision's). The outcome is always `self.bounds().outcome(tiers.for_score(score))`.
    pub(crate) fn apply(&self, raw: u32, tiers: Tiers) -> (u32, Vec<Step<'r>>) {
        let mut steps = Vec::with_capacity(2);
        steps.push(Step {
            step: StepKind::Score,
            by: None,
            outcome: tiers.for_score(raw),
        });
        let score = self.score(raw);
        if self.discount.is_some() {
            steps.push(Step {
                step: StepKind::IdvPassedDiscount,
                by: Some(Code::IdvPassed.as_str()),
                outcome: tiers.for_score(score),
            });
        }
        let mut outcome = tiers.for_score(score);
        if outcome == Outcome::IdentityVerification && !self.iv_by_points {
            outcome = Outcome::IdentityMatch;
            steps.push(Step {
                step: StepKind::SettleableByIdentityMatch,
                by: None,
                outcome,
            });
        }
        let mut raise = |step, by: &'r str, to: Outcome, outcome: &mut Outcome| {
            if to > *outcome {
                *outcome = to;
                steps.push(Step {
                    step,
                    by: Some(by),
                    outcome: to,
                });
            }
        };
        if let Some((to, by)) = self.force {
            raise(StepKind::Force, by, to, &mut outcome);
        }
        if let Some(by) = self.invalid {
            raise(
                StepKind::InvalidIdentityData,
                by,
                Outcome::IdentityMatch,
                &mut outcome,
            );
        }
        if let Some((to, by)) = self.code_floor {
            raise(StepKind::FindingFloor, by, to, &mut outcome);
        }
        if let Some((to, by)) = self.guardrail {
            raise(StepKind::Guardrail, by, to, &mut outcome);
        }
        let iv = Outcome::IdentityVerification;
        if outcome == Outcome::IdentityMatch {
            match (self.cannot_settle, self.unavailable) {
                (Some(by), _) => raise(StepKind::IdentityMatchCannotSettle, by, iv, &mut outcome),
                (None, true) => raise(
                    StepKind::IdentityMatchUnavailable,
                    IDENTITY_MATCH_UNAVAILABLE,
                    iv,
                    &mut outcome,
                ),
                (None, false) if self.im_ran => raise(
                    StepKind::IdentityMatchAlreadyRan,
                    Code::IdentityMatchRan.as_str(),
                    iv,
                    &mut outcome,
                ),
                (None, false) => {}
            }
        }
        if outcome == iv && self.idv_passed {
            raise(
                StepKind::IdvAlreadyPassed,
                Code::IdvPassed.as_str(),
                Outcome::ManualReview,
                &mut outcome,
            );
        }
        (score, steps)
    }
}

/// What of a decision's outcome does not depend on the tiers: whether points alone may
/// reach `identity_verification` (step 2), the lowest outcome the forces, the
/// invalid-identity floor, the codes' floors and the guardrails hold it at (steps 3 to 6),
/// whether an `identity_match` becomes `identity_verification` (steps 7 and 8), and whether
/// an `identity_verification` becomes `manual_review` (step 9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[non_exhaustive]
pub struct Bounds {
    /// The lowest outcome forces, invalid identity data, codes' floors and guardrails hold it
    /// at.
    pub floor: Outcome,
    /// Whether an `identity_match` would become `identity_verification` (steps 7 and 8).
    pub routes_to_iv: bool,
    /// Whether some reason with points concerns what Identity Match cannot settle, so that
    /// points may reach `identity_verification` (step 2).
    pub iv_by_points: bool,
    /// Whether the user passed Identity Verification, so that `identity_verification`
    /// becomes `manual_review` (step 9).
    pub idv_passed: bool,
}

impl Bounds {
    /// The outcome of a decision whose score falls in `tier`.
    ///
    /// # Example
    /// ```
    /// use layer_risk::{Bounds, Outcome};
    /// let b = Bounds::new(Outcome::IdentityMatch, false, true, false);
    /// assert_eq!(b.outcome(Outcome::Trust), Outcome::IdentityMatch);
    /// let routed = Bounds::new(Outcome::Trust, true, true, false);
    /// assert_eq!(routed.outcome(Outcome::Trust), Outcome::Trust);
    /// assert_eq!(routed.outcome(Outcome::IdentityMatch), Outcome::IdentityVerification);
    /// // Points Identity Match can settle stop at identity_match; after a passed IDV,
    /// // identity_verification is manual_review.
    /// assert_eq!(Bounds::new(Outcome::Trust, false, false, false).outcome(Outcome::IdentityVerification), Outcome::IdentityMatch);
    /// assert_eq!(Bounds::new(Outcome::Trust, false, true, true).outcome(Outcome::IdentityVerification), Outcome::ManualReview);
    /// ```
    pub fn outcome(self, tier: Outcome) -> Outcome {
        let tier = match tier {
            Outcome::IdentityVerification if !self.iv_by_points => Outcome::IdentityMatch,
            t => t,
        };
        let o = match tier.max(self.floor) {
            Outcome::IdentityMatch if self.routes_to_iv => Outcome::IdentityVerification,
            o => o,
        };
        match o {
            Outcome::IdentityVerification if self.idv_passed => Outcome::ManualReview,
            o => o,
        }
    }

    /// Bounds from their parts (see the fields).
    pub fn new(floor: Outcome, routes_to_iv: bool, iv_by_points: bool, idv_passed: bool) -> Self {
        Bounds {
            floor,
            routes_to_iv,
            iv_by_points,
            idv_passed,
        }
    }
}

/// The reason step 6 adds when it turns `identity_match` into `identity_verification`.
pub(crate) fn unavailable_reason<'r>() -> Reason<'r> {
    Reason {
        code: ReasonCode::IdentityMatchUnavailable,
        rule_id: IDENTITY_MATCH_UNAVAILABLE,
        field: Field::Items.as_str(),
        class: None,
        concerns: Field::Items,
        window: None,
        minus: None,
        observed: None,
        threshold: None,
        points: 0,
        force: Some(Outcome::IdentityVerification),
        all_of: None,
        signal: None,
        settled_by: None,
    }
}

/// What no rules file can change, spelled out for one rule set: `layer-risk rules check`
/// prints it. The lists are selected by the predicates the resolution itself applies, on the
/// reasons the scorer would build for each code and rule of the file.
///
/// # Example
/// ```
/// use layer_risk::{FixedSemantics, RuleSet};
/// let text = FixedSemantics::of(RuleSet::embedded_default()).to_string();
/// assert!(text.contains("ssn_published"));
/// assert!(text.contains("guardrails of this file: identity_missing >= identity_verification"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedSemantics {
    /// Finding codes on identity fields that are never trusted (step 3).
    pub never_trusted: Vec<&'static str>,
    /// Identity fields whose edit counts are never trusted when a code of
    /// `never_trusted_counts` fires on them (step 3).
    pub never_trusted_count_fields: Vec<&'static str>,
    /// Edit-history codes that are never trusted on an identity field's counts.
    pub never_trusted_counts: Vec<&'static str>,
    /// Finding codes whose step-up Identity Match cannot settle (step 5).
    pub beyond_identity_match: Vec<&'static str>,
    /// Edit-history codes whose step-up Identity Match cannot settle on those fields' counts.
    pub beyond_identity_match_counts: Vec<&'static str>,
    /// The file's edit, match, link and combined rules whose step-up Identity Match cannot
    /// settle.
    pub beyond_identity_match_rules: Vec<String>,
    /// Finding codes with a floor of their own, and the floor (step 5).
    pub code_floors: Vec<(&'static str, Outcome)>,
    /// The file's `idv_passed_discount`.
    pub idv_passed_discount: u8,
    /// The file's guardrails, as `key >= outcome`.
    pub guardrails: Vec<String>,
}

impl FixedSemantics {
    /// The account for `rules`.
    pub fn of(rules: &RuleSet) -> Self {
        let subjectless = || Code::ALL.iter().copied().filter(|c| !c.takes_subject());
        let history = || Code::ALL.iter().copied().filter(|c| c.takes_subject());
        let never_trusted = subjectless()
            .filter(|c| doubts_identity(&probe::finding(*c, None)))
            .map(Code::as_str)
            .collect();
        let doubted = |c: Code, f: EditField| doubts_identity(&probe::finding(c, Some(f)));
        let never_trusted_counts = history()
            .filter(|c| EditField::ALL.iter().any(|f| doubted(*c, *f)))
            .map(Code::as_str)
            .collect();
        let never_trusted_count_fields = EditField::ALL
            .into_iter()
            .filter(|f| history().any(|c| doubted(c, *f)))
            .map(EditField::as_str)
            .collect();
        let beyond = subjectless()
            .filter(|c| beyond_identity_match(&probe::finding(*c, None)))
            .map(Code::as_str)
            .collect();
        let beyond_identity_match_counts = history()
            .filter(|c| {
                EditField::ALL
                    .iter()
                    .any(|f| beyond_identity_match(&probe::finding(*c, Some(*f))))
            })
            .map(Code::as_str)
            .collect();
        let edit = rules
            .edit_rules()
            .iter()
            .filter(|r| beyond_identity_match(&probe::edit_rule(r)))
            .map(|r| r.id.clone());
        let matching = rules
            .match_rules()
            .iter()
            .filter(|r| beyond_identity_match(&probe::match_rule(r)))
            .map(|r| r.id.clone());
        let signal = rules
            .signal_rules()
            .iter()
            .filter(|r| beyond_identity_match(&probe::signal_rule(r)))
            .map(|r| r.id.clone());
        let combined = rules
            .combined_rules()
            .iter()
            .filter(|r| beyond_identity_match(&probe::combined_rule(r, rules)))
            .map(|r| r.id.clone());
        let link = rules
            .link_rules()
            .iter()
            .filter(|r| beyond_identity_match(&probe::link_rule(r)))
            .map(|r| r.id.clone());
        FixedSemantics {
            never_trusted,
            never_trusted_count_fields,
            never_trusted_counts,
            beyond_identity_match: beyond,
            beyond_identity_match_counts,
            beyond_identity_match_rules: edit
                .chain(matching)
                .chain(signal)
                .chain(link)
                .chain(combined)
                .collect(),
            code_floors: Code::ALL
                .iter()
                .filter_map(|c| c.floor().map(|f| (c.as_str(), f)))
                .collect(),
            idv_passed_discount: rules.idv_passed_discount(),
            guardrails: rules
                .guardrails()
                .iter()
                .map(|g| format!("{} >= {}", g.key, g.at_least))
                .collect(),
        }
    }
}

/// `a, b or c`.
fn either(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl fmt::Display for FixedSemantics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "  fixed by the engine, whatever the file says (rules/README.md, \"Outcome\"):"
        )?;
        write!(
            f,
            "    never trust while one of these identity findings is present ({}): {}",
            self.never_trusted.len(),
            self.never_trusted.join(", ")
        )?;
        if !self.never_trusted_counts.is_empty() {
            write!(
                f,
                "; and {} on the counts of {}",
                either(&self.never_trusted_counts),
                either(&self.never_trusted_count_fields)
            )?;
        }
        writeln!(f)?;
        write!(
            f,
            "    a step-up driven by one of these is identity_verification, never identity_match (Identity Match cannot compare a date of birth or an SSN): {}",
            self.beyond_identity_match.join(", ")
        )?;
        if !self.beyond_identity_match_counts.is_empty() {
            write!(
                f,
                "; {} on those fields' counts",
                self.beyond_identity_match_counts.join(", ")
            )?;
        }
        if !self.beyond_identity_match_rules.is_empty() {
            write!(f, "; rules {}", self.beyond_identity_match_rules.join(", "))?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "    points of reasons Identity Match can settle (name, address, phone, email) and of context never reach identity_verification on their own: held at identity_match"
        )?;
        let floors: Vec<String> = self
            .code_floors
            .iter()
            .map(|(c, o)| format!("{c} >= {o}"))
            .collect();
        writeln!(
            f,
            "    floors of the codes themselves: {}",
            floors.join(", ")
        )?;
        writeln!(
            f,
            "    nothing forces trust; a passed IDV lowers the other points by {}% (idv_passed_discount) and lifts no force, guardrail or floor; after it, identity_verification becomes manual_review",
            self.idv_passed_discount
        )?;
        writeln!(
            f,
            "  guardrails of this file: {}",
            if self.guardrails.is_empty() {
                "none".to_owned()
            } else {
                self.guardrails.join(", ")
            }
        )
    }
}
