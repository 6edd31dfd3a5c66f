//! Scoring: findings and edit counts, priced by a rule set, into reasons. Pure.

use serde::Serialize;

use crate::fields::{EditField, Window};
use crate::finding::{Class, Code, Field, Finding, Observed, ReasonCode};
use crate::link::{LinkHistory, LinkSignal};
use crate::matching::verdicts::{Settled, SignalValues};
use crate::matching::MatchReport;
use crate::rules::{
    CombinedRule, EditRule, LinkRule, MatchRule, Outcome, Price, RuleSet, Signal, SignalRule,
};
use crate::session::EditHistory;

/// Why a decision came out as it did: one finding or one fired rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Reason<'r> {
    /// Stable reason code (`rules/README.md` lists them all).
    pub code: ReasonCode,
    /// The rule that priced it: the edit rule's id, or the finding code for findings.
    pub rule_id: &'r str,
    /// The field it is about, as the rule names it (`ssn`, `legal_name`, `phone_number`).
    pub field: &'static str,
    /// For findings: the finding's class (`invalid`, `inconsistent`, `missing`, `risk`,
    /// `info`), which the code owns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<Class>,
    /// The identity field the reason concerns, which decides whether Identity Match can
    /// settle it (see [`Field::identity_match_settles`]). Not serialized: `field` names it.
    #[serde(skip)]
    pub concerns: Field,
    /// For signal rules, the Plaid verdict read (`protect_trust_index`, ...); for link rules,
    /// the link signal counted (`ssn_other_names`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signal: Option<&'static str>,
    /// For edit and link rules: the window counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// For edit rules over a difference of windows: the narrower window subtracted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minus: Option<Window>,
    /// What was observed (a count, an age, a region): never an identity value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed: Option<Observed>,
    /// The bound it was held against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u64>,
    /// Points it added to the score.
    pub points: u32,
    /// A tier it forced, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force: Option<Outcome>,
    /// For combined rules: the reasons (finding codes, rule ids) that all fired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_of: Option<&'r [String]>,
    /// Who settled this doubt (`identity_match`, `identity_verification`): it then costs
    /// nothing and forces nothing but what a `risk` finding forces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settled_by: Option<&'static str>,
}

/// Price every finding, run every edit rule and, when there is an identity-consistency
/// report (a decision made with an applicant), every match rule (it fires when a field's
/// score is below its `below`), and with a link history every link rule. Returns the reasons
/// (findings in validation order, then fired edit, match and link rules in file order, then
/// combined rules) and the total score.
///
/// Raising any edit count never lowers the points of the edit rules: a rule fires when a
/// cumulative count reaches its `at_least`, and points are never negative. (From windows that
/// do not nest, raising the wider count can repair them and so drop the
/// `edit_windows_not_nested` finding: any positive price for inconsistent data must fall when
/// the data becomes consistent.)
pub(crate) fn score<'r>(
    findings: Vec<Finding>,
    evidence: &Evidence<'_>,
    rules: &'r RuleSet,
) -> (Vec<Reason<'r>>, u32) {
    let (history, report) = (evidence.history, evidence.report);
    let mut reasons = Vec::with_capacity(findings.len() + 4);
    for f in findings {
        let price = rules.price(f.code).unwrap_or_default();
        let mut r = finding_reason(f.code, f.subject, price);
        r.observed = f.observed;
        r.threshold = f.threshold;
        reasons.push(r);
    }
    if let Some(h) = history {
        // Each field's cumulative counts, read once for all the rules.
        let cum = EditField::ALL.map(|f| h.counts(f).map_or([None; 5], |c| c.cumulative_all()));
        for rule in rules.edit_rules() {
            if let Some(count) = fires(rule, &cum) {
                reasons.push(edit_rule_reason(rule, count));
            }
        }
    }
    if let Some(report) = report {
        for rule in rules.match_rules() {
            if let Some(s) = report.score(rule.field).filter(|s| *s < rule.below) {
                reasons.push(match_rule_reason(rule, s));
            }
        }
    }
    for rule in rules.signal_rules() {
        let value = match rule.signal {
            Signal::ProtectTrustIndex => evidence.values.trust_index,
            Signal::IdvSyntheticIdentity => evidence.values.synthetic_identity,
            Signal::IdvStolenIdentity => evidence.values.stolen_identity,
        };
        let fires = value.is_some_and(|v| match (rule.below, rule.at_least) {
            (Some(b), _) => v < b,
            (None, Some(a)) => v >= a,
            (None, None) => false,
        });
        if let (true, Some(v)) = (fires, value) {
            reasons.push(signal_rule_reason(rule, v));
        }
    }
    if let Some(h) = evidence.link {
        for rule in rules.link_rules() {
            if let Some(n) = h
                .get(rule.signal, rule.window)
                .filter(|n| *n >= rule.at_least)
            {
                reasons.push(link_rule_reason(rule, n));
            }
        }
    }
    let fired = reasons.len();
    for rule in rules.combined_rules() {
        let parts: Vec<&Reason<'r>> = rule
            .all_of
            .iter()
            .filter_map(|p| reasons[..fired].iter().find(|r| r.rule_id == p))
            .collect();
        if parts.len() == rule.all_of.len() {
            reasons.push(combined_rule_reason(rule, &parts));
        }
    }
    settle(&mut reasons, evidence.settled);
    let total = reasons.iter().fold(0u32, |a, r| a.saturating_add(r.points));
    (reasons, total)
}

/// What scoring reads beside the findings: the edit history, the applicant comparison,
/// Plaid's other verdicts (what they settled, what the signal rules read) and the identity's
/// history across sessions (what the link rules read).
#[derive(Default)]
pub(crate) struct Evidence<'a> {
    pub(crate) history: Option<&'a EditHistory>,
    pub(crate) report: Option<&'a MatchReport>,
    pub(crate) settled: Settled,
    pub(crate) values: SignalValues,
    pub(crate) link: Option<&'a LinkHistory>,
}

/// A doubt that a passed Identity Match or a successful Identity Verification of this
/// identity settled costs nothing and forces nothing: the reason stays, with `settled_by`.
/// Reasons from the backend's own applicant (match rules, the applicant's date of birth) are
/// never settled, nor are link rules (what other sessions did with these values), nor is a `risk` finding (a PO Box is no residential address however well
/// it is verified) or a `missing` identity value: their points, force and guardrails stand. A settled doubt's guardrail at
/// the check that settled it is met (`resolve`).
fn settle(reasons: &mut [Reason<'_>], settled: Settled) {
    if settled.identity_match.is_empty() && settled.identity_verification.is_empty() {
        return;
    }
    for r in reasons.iter_mut() {
        // What the backend's own form says against the Layer identity is no doubt about the
        // Layer identity that a verdict on it settles: the person applying may not be the
        // person verified.
        // Nor is a risk a verdict confirms (a PO Box verified is still a PO Box), nor an
        // identity value that is absent (a verdict cannot supply the first name CIP needs).
        let absent_value = r.class == Some(Class::Missing)
            && matches!(
                r.code,
                ReasonCode::Finding(c) if matches!(
                    c.field(),
                    Field::Name
                        | Field::Address
                        | Field::PhoneNumber
                        | Field::Email
                        | Field::DateOfBirth
                        | Field::Ssn
                )
            );
        let unsettleable = r.class == Some(Class::Risk)
            || absent_value
            || matches!(
                r.code,
                ReasonCode::MatchRule
                    | ReasonCode::LinkRule
                    | ReasonCode::Finding(
                        Code::DobApplicantMismatch | Code::DobApplicantUnderMinAge
                    )
            );
        if unsettleable {
            continue;
        }
        if let Some(by) = settled.by(r.concerns) {
            r.settled_by = Some(by);
            r.points = 0;
            r.force = None;
        }
    }
}

/// The reason of a finding priced `price` (without its observation).
fn finding_reason<'r>(code: Code, subject: Option<EditField>, price: Price) -> Reason<'r> {
    Reason {
        code: ReasonCode::Finding(code),
        rule_id: code.as_str(),
        field: subject.map_or(code.field().as_str(), |s| s.as_str()),
        class: Some(code.class()),
        concerns: subject.map_or(code.field(), Field::from),
        signal: None,
        window: None,
        minus: None,
        observed: None,
        threshold: None,
        points: points(price.points),
        force: price.force,
        all_of: None,
        settled_by: None,
    }
}

/// The reason of an edit rule that fired on `count`.
fn edit_rule_reason(rule: &EditRule, count: u32) -> Reason<'_> {
    Reason {
        code: ReasonCode::EditRule,
        rule_id: &rule.id,
        field: rule.field.as_str(),
        class: None,
        concerns: Field::from(rule.field),
        signal: None,
        window: Some(rule.window),
        minus: rule.minus,
        observed: Some(count.into()),
        threshold: Some(u64::from(rule.at_least)),
        points: points(rule.points),
        force: rule.force,
        all_of: None,
        settled_by: None,
    }
}

/// The reason of a match rule that fired on score `s`.
fn match_rule_reason(rule: &MatchRule, s: u8) -> Reason<'_> {
    Reason {
        code: ReasonCode::MatchRule,
        rule_id: &rule.id,
        field: rule.field.as_str(),
        class: None,
        concerns: rule.field.concerns(),
        signal: None,
        window: None,
        minus: None,
        observed: Some(u64::from(s).into()),
        threshold: Some(u64::from(rule.below)),
        points: points(rule.points),
        force: rule.force,
        all_of: None,
        settled_by: None,
    }
}

/// The reason of a combined rule whose `parts` all fired. It concerns what its parts
/// concern: the first part Identity Match cannot settle, else the first part (so that a
/// combination with an SSN or a date of birth in it is Identity Verification's).
fn combined_rule_reason<'r>(rule: &'r CombinedRule, parts: &[&Reason<'r>]) -> Reason<'r> {
    let concerns = parts
        .iter()
        .map(|p| p.concerns)
        .find(|c| c.identity_match_settles() == Some(false))
        .or_else(|| parts.first().map(|p| p.concerns))
        .unwrap_or(Field::Identity);
    Reason {
        code: ReasonCode::CombinedRule,
        rule_id: &rule.id,
        field: concerns.as_str(),
        class: None,
        concerns,
        signal: None,
        window: None,
        minus: None,
        observed: Some(u64::try_from(parts.len()).unwrap_or(u64::MAX).into()),
        threshold: None,
        points: points(rule.points),
        force: rule.force,
        all_of: Some(&rule.all_of),
        settled_by: None,
    }
}

/// The reason of a signal rule that fired on `value`.
fn signal_rule_reason(rule: &SignalRule, value: u32) -> Reason<'_> {
    let concerns = match rule.signal {
        Signal::ProtectTrustIndex => Field::Protect,
        _ => Field::Idv,
    };
    Reason {
        code: ReasonCode::SignalRule,
        rule_id: &rule.id,
        field: concerns.as_str(),
        class: None,
        concerns,
        window: None,
        minus: None,
        observed: Some(u64::from(value).into()),
        threshold: rule.below.or(rule.at_least).map(u64::from),
        points: points(rule.points),
        force: rule.force,
        all_of: None,
        signal: Some(rule.signal.as_str()),
        settled_by: None,
    }
}

/// The reason of a link rule that fired on count `n`. A doubt about the SSN (reused with
/// other names or dates of birth, new) concerns the SSN; a phone, email or address shared
/// across identities, or a burst of one identity's sessions, concerns the identity as a whole:
/// a ring may control the linked bank account Identity Match would compare with, so only
/// Identity Verification settles either (`rules/README.md`, "Link rules").
fn link_rule_reason(rule: &LinkRule, n: u32) -> Reason<'_> {
    let concerns = match rule.signal {
        LinkSignal::SsnOtherNames | LinkSignal::SsnOtherDobs | LinkSignal::SsnFirstSeenDays => {
            Field::Ssn
        }
        _ => Field::Identity,
    };
    Reason {
        code: ReasonCode::LinkRule,
        rule_id: &rule.id,
        field: rule.signal.key_field(),
        class: None,
        concerns,
        signal: Some(rule.signal.as_str()),
        window: Some(rule.window),
        minus: None,
        observed: Some(n.into()),
        threshold: Some(u64::from(rule.at_least)),
        points: points(rule.points),
        force: rule.force,
        all_of: None,
        settled_by: None,
    }
}

/// The reasons scoring would build, for callers that ask what the resolution makes of a
/// code or a rule without a response ([`crate::resolve::FixedSemantics`]).
pub(crate) mod probe {
    use super::{
        combined_rule_reason, edit_rule_reason, finding_reason, link_rule_reason,
        match_rule_reason, signal_rule_reason, Reason,
    };
    use crate::fields::EditField;
    use crate::finding::Code;
    use crate::rules::{CombinedRule, EditRule, LinkRule, MatchRule, Price, RuleSet, SignalRule};

    /// The reason of finding `code` (on the counts of `subject`, for edit-history codes),
    /// priced 0.
    pub(crate) fn finding(code: Code, subject: Option<EditField>) -> Reason<'static> {
        finding_reason(code, subject, Price::default())
    }

    /// The reason of `rule` when it fires.
    pub(crate) fn edit_rule(rule: &EditRule) -> Reason<'_> {
        edit_rule_reason(rule, rule.at_least)
    }

    /// The reason of `rule` when it fires.
    pub(crate) fn match_rule(rule: &MatchRule) -> Reason<'_> {
        match_rule_reason(rule, 0)
    }

    /// The reason of `rule` when it fires.
    pub(crate) fn signal_rule(rule: &SignalRule) -> Reason<'_> {
        signal_rule_reason(rule, 0)
    }

    /// The reason of `rule` when it fires.
    pub(crate) fn link_rule(rule: &LinkRule) -> Reason<'_> {
        link_rule_reason(rule, rule.at_least)
    }

    /// The reason of `rule` when it fires, its parts probed in `rules`.
    pub(crate) fn combined_rule<'r>(rule: &'r CombinedRule, rules: &'r RuleSet) -> Reason<'r> {
        let parts: Vec<Reason<'r>> = rule
            .all_of
            .iter()
            .filter_map(|p| {
                if let Some(c) = Code::from_name(p) {
                    return Some(finding(c, None));
                }
                let edit = rules
                    .edit_rules()
                    .iter()
                    .find(|r| r.id == *p)
                    .map(edit_rule);
                edit.or_else(|| {
                    rules
                        .match_rules()
                        .iter()
                        .find(|r| r.id == *p)
                        .map(match_rule)
                })
                .or_else(|| {
                    rules
                        .signal_rules()
                        .iter()
                        .find(|r| r.id == *p)
                        .map(signal_rule)
                })
                .or_else(|| {
                    let link = rules.link_rules().iter().find(|r| r.id == *p);
                    link.map(link_rule)
                })
            })
            .collect();
        let refs: Vec<&Reason<'r>> = parts.iter().collect();
        combined_rule_reason(rule, &refs)
    }
}

/// The observed count when the rule fires: the cumulative count of `window` (see
/// [`EditCounts::cumulative`]), less the cumulative count of `minus` when the rule has one.
///
/// [`EditCounts::cumulative`]: crate::session::EditCounts::cumulative
fn fires(rule: &EditRule, cum: &[[Option<u32>; 5]; 5]) -> Option<u32> {
    let counts = cum.get(rule.field as usize)?;
    let wide = counts.get(rule.window as usize).copied().flatten()?;
    let narrow = rule
        .minus
        .and_then(|m| counts.get(m as usize).copied().flatten())
        .unwrap_or(0);
    let count = wide.saturating_sub(narrow);
    (count >= rule.at_least).then_some(count)
}

/// Points were range-checked on load (0..=MAX_POINTS).
fn points(p: i64) -> u32 {
    u32::try_from(p).unwrap_or(0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::session::{EditCounts, OfficialDocument};

    fn evidence(h: &EditHistory) -> Evidence<'_> {
        Evidence {
            history: Some(h),
            ..Evidence::default()
        }
    }

    /// The shipped rule sets.
    fn shipped() -> Vec<RuleSet> {
        [
            include_str!("../rules/default.json"),
            include_str!("../rules/lending.json"),
            include_str!("../rules/payments.json"),
        ]
        .iter()
        .map(|t| RuleSet::from_json(t, "shipped").unwrap())
        .collect()
    }

    proptest! {
    /// `score` alone (findings fixed) is monotone for any counts, present or not, nested or
    /// not, when an edit raises its window and every wider window present.
    #[test]
    fn prop_score_is_monotone_in_every_count(
        counts in prop::collection::vec(prop::array::uniform5(prop::option::of(any::<u32>())), 5),
        field in 0usize..5,
        window in 0usize..5,
        by in 1u32..1000,
    ) {
        let mut h = EditHistory::default();
        let set_all = |h: &mut EditHistory, f: EditField, c: [Option<u32>; 5]| {
            let counts = EditCounts {
                edits_current: c[0], edits_1d: c[1], edits_30d: c[2], edits_365d: c[3], edits_all_time: c[4],
            };
            match f {
                EditField::Name => h.name = Some(counts),
                EditField::Address => h.address = Some(counts),
                EditField::Email => h.email = Some(counts),
                EditField::DateOfBirth => h.date_of_birth = Some(counts),
                EditField::Ssn => h.official_document = Some(OfficialDocument { ssn: Some(counts) }),
            }
        };
        for (f, c) in EditField::ALL.into_iter().zip(&counts) {
            set_all(&mut h, f, *c);
        }
        // Raise one window and every wider window that is present (see above): the rules
        // read cumulative counts, so a rule over `window minus narrower` never loses by it.
        let mut raised = counts.clone();
        let slot = &mut raised[field][window];
        *slot = Some(slot.unwrap_or(0).saturating_add(by));
        for c in raised[field][window + 1..].iter_mut().flatten() {
            *c = c.saturating_add(by);
        }
        let mut h2 = EditHistory::default();
        for (f, c) in EditField::ALL.into_iter().zip(&raised) {
            set_all(&mut h2, f, *c);
        }
        for rules in &shipped() {
            let (_, a) = score(Vec::new(), &evidence(&h), rules);
            let (_, b) = score(Vec::new(), &evidence(&h2), rules);
            prop_assert!(b >= a, "{}: {a} -> {b}", rules.id().name);
        }
    }
    }
}
