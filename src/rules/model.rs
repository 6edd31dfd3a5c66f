//! The rule-set model: outcomes, tiers, prices, edit and match rules, and the checked
//! [`RuleSet`] the engine reads.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::fields::{AgeBounds, EditField, MatchThresholds, Policy, Window};
use crate::finding::Code;
use crate::link::LinkSignal;
use crate::matching::MatchField;
pub use crate::outcome::Outcome;

/// Where each tier starts on the score scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tiers {
    /// Score from which the outcome is at least `identity_match`.
    pub identity_match: u32,
    /// Score from which the outcome is `identity_verification`.
    pub identity_verification: u32,
}

impl Tiers {
    /// The tier a score falls in.
    pub fn for_score(&self, score: u32) -> Outcome {
        if score >= self.identity_verification {
            Outcome::IdentityVerification
        } else if score >= self.identity_match {
            Outcome::IdentityMatch
        } else {
            Outcome::Trust
        }
    }
}

/// What a finding costs: points, and optionally a tier it forces whatever the score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Price {
    /// Points added to the score.
    pub points: i64,
    /// A tier forced whatever the score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force: Option<Outcome>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceObject {
    points: i64,
    #[serde(default)]
    force: Option<Outcome>,
}

impl<'de> Deserialize<'de> for Price {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Price;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"points (an integer) or {"points": N, "force": "<tier>"}"#)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Price, E> {
                Ok(Price {
                    points: v,
                    force: None,
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Price, E> {
                let points = i64::try_from(v).map_err(|_| E::custom("points out of range"))?;
                Ok(Price {
                    points,
                    force: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Price, A::Error> {
                let o = PriceObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Price {
                    points: o.points,
                    force: o.force,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A rule on one edit count: fires when the count of `field` in `window` (less the count
/// in `minus`, if given) is at least `at_least`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditRule {
    /// Stable id, unique in the file; reported in decisions.
    pub id: String,
    /// The edited field.
    pub field: EditField,
    /// The window counted.
    pub window: Window,
    /// A narrower window whose count is subtracted: `{"window": "1d", "minus": "current"}`
    /// counts the edits of the last day that were not made in this session (a user who
    /// abandoned and came back). Counts are read cumulatively, so the difference is never
    /// negative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minus: Option<Window>,
    /// The count at which the rule fires (1 or more).
    pub at_least: u32,
    /// Points added when it fires.
    pub points: i64,
    /// A tier forced when it fires, whatever the score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<Outcome>,
    /// Why the rule exists (for people; ignored by the engine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A rule on an identity-consistency score (a decision made with an applicant): fires when
/// the score of `field` is below `below`. Without an applicant, or when either side lacks the
/// field, it does not fire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchRule {
    /// Stable id, unique in the file (across edit and match rules); reported in decisions.
    pub id: String,
    /// The compared field: `legal_name`, `phone_number`, `email_address`, `address`,
    /// `date_of_birth`, or `email_name` (the Layer email against the Layer name).
    pub field: MatchField,
    /// Fires when the score is below this (1 to 100; Plaid's recommended threshold is 70).
    pub below: u8,
    /// Points added when it fires.
    pub points: i64,
    /// A tier forced when it fires, whatever the score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<Outcome>,
    /// Why the rule exists (for people; ignored by the engine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A rule on several reasons together: fires when every one of `all_of` (finding codes, or
/// ids of the file's edit and match rules) is among a decision's reasons. For patterns whose
/// parts are benign apart (the SSN and the date of birth both edited in this session; the
/// name and the address both edited today, the account-takeover pattern), so that each part
/// can stay cheap and only their combination costs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CombinedRule {
    /// Stable id, unique in the file (across every kind of rule); reported in decisions.
    pub id: String,
    /// The reasons that must all be present: two or more distinct finding codes or ids of
    /// edit and match rules of the same file.
    pub all_of: Vec<String>,
    /// Points added when it fires (on top of its parts').
    pub points: i64,
    /// A tier forced when it fires, whatever the score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<Outcome>,
    /// Why the rule exists (for people; ignored by the engine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A Plaid verdict beside the session that a signal rule reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Signal {
    /// The `/protect/compute` Trust Index, 0 to 100, higher is lower risk: rules fire
    /// `below` a score.
    ProtectTrustIndex,
    /// The `/identity_verification/get` risk check's synthetic identity score, 0 to 100,
    /// higher is riskier: rules fire `at_least` a score.
    IdvSyntheticIdentity,
    /// The risk check's stolen identity score, 0 to 100, higher is riskier: `at_least`.
    IdvStolenIdentity,
}

impl Signal {
    /// The name in rules files and records.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::ProtectTrustIndex => "protect_trust_index",
            Signal::IdvSyntheticIdentity => "idv_synthetic_identity",
            Signal::IdvStolenIdentity => "idv_stolen_identity",
        }
    }

    /// Whether a higher value is riskier (rules fire `at_least`), or lower (`below`).
    pub fn higher_is_riskier(self) -> bool {
        !matches!(self, Signal::ProtectTrustIndex)
    }
}

/// A rule on a Plaid verdict beside the session: fires when the signal is `below` (the
/// Trust Index) or `at_least` (an Identity Verification's risk scores) the bound. Without the
/// verdict, or without its score, it does not fire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalRule {
    /// Stable id, unique in the file (across every kind of rule); reported in decisions.
    pub id: String,
    /// The verdict read.
    pub signal: Signal,
    /// Fires when the value is below this (for `protect_trust_index`; 1 to 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<u32>,
    /// Fires when the value is at least this (for the IDV risk scores; 1 to 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<u32>,
    /// Points added when it fires.
    pub points: i64,
    /// A tier forced when it fires, whatever the score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<Outcome>,
    /// Why the rule exists (for people; ignored by the engine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A rule on the link history (a decision made with one, `Context::link`): fires when the
/// count of `signal` in `window` is at least `at_least`. Without a history it does not
/// fire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkRule {
    /// Stable id, unique in the file (across every kind of rule); reported in decisions.
    pub id: String,
    /// The signal counted: `ssn_other_names`, `ssn_other_dobs`, `phone_other_identities`,
    /// `email_other_identities`, `address_identities`, `identity_sessions` or
    /// `ssn_first_seen_days`.
    pub signal: LinkSignal,
    /// The window: `1d`, `30d`, `365d` or `all_time` (`ssn_first_seen_days`: `all_time`).
    pub window: Window,
    /// The count at which the rule fires (1 or more).
    pub at_least: u32,
    /// Points added when it fires.
    pub points: i64,
    /// A tier forced when it fires, whatever the score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<Outcome>,
    /// Why the rule exists (for people; ignored by the engine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Name, version and SHA-256 of a rule set: what an auditor needs to replay a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSetId {
    /// The rules file's `name`.
    pub name: String,
    /// The rules file's `version`.
    pub version: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// A loaded, checked rule set.
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub(super) id: RuleSetId,
    /// The file's text, as given (what its SHA-256 covers).
    pub(super) json: std::sync::Arc<str>,
    pub(super) description: Option<String>,
    pub(super) tiers: Tiers,
    pub(super) ages: AgeBounds,
    pub(super) identity_match_requires_items: bool,
    pub(super) prices: Vec<Option<Price>>,
    pub(super) edit_rules: Vec<EditRule>,
    pub(super) match_rules: Vec<MatchRule>,
    pub(super) combined_rules: Vec<CombinedRule>,
    pub(super) signal_rules: Vec<SignalRule>,
    pub(super) thresholds: MatchThresholds,
    pub(super) link_rules: Vec<LinkRule>,
    pub(super) guardrails: Vec<Guardrail>,
    pub(super) idv_passed_discount: u8,
}

/// A guardrail: while a reason with this code or rule id is in a decision, the outcome is at
/// least `at_least`, whatever the points, forces or a passed Identity Verification say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Guardrail {
    /// A finding code or a rule id of the same file.
    pub key: String,
    /// The lowest outcome it allows (`identity_match` or `identity_verification`).
    pub at_least: Outcome,
}

/// The largest number of points one rule may carry.
pub const MAX_POINTS: i64 = 1_000_000;

impl RuleSet {
    /// Name, version and SHA-256.
    pub fn id(&self) -> &RuleSetId {
        &self.id
    }

    /// The rules file's text, exactly as loaded (its SHA-256 is [`RuleSetId::sha256`]): what
    /// to ship to another process that must load the same rule set (a Spark executor).
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The file's description, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Where the tiers start.
    pub fn tiers(&self) -> Tiers {
        self.tiers
    }

    /// The age bounds.
    pub fn ages(&self) -> AgeBounds {
        self.ages
    }

    /// Whether an `identity_match` outcome becomes `identity_verification` when the response
    /// has no linked Item (Identity Match needs an access token to compare with).
    pub fn identity_match_requires_items(&self) -> bool {
        self.identity_match_requires_items
    }

    /// The price of a finding code. Loading refuses a file that leaves a code unpriced, so
    /// this is `Some` for every code of a loaded set; `None` only for a code newer than the
    /// library that loaded the set, which cannot happen within one build.
    pub fn price(&self, code: Code) -> Option<Price> {
        self.prices.get(code as usize).copied().flatten()
    }

    /// The guardrails, in file order.
    pub fn guardrails(&self) -> &[Guardrail] {
        &self.guardrails
    }

    /// The percentage by which a passed Identity Verification (`idv_passed`) lowers the
    /// score of everything else (0 to 100). It never lifts a guardrail, a forced tier or the
    /// floor on invalid identity data.
    pub fn idv_passed_discount(&self) -> u8 {
        self.idv_passed_discount
    }

    /// The edit rules, in file order.
    pub fn edit_rules(&self) -> &[EditRule] {
        &self.edit_rules
    }

    /// The match rules, in file order (they apply to decisions made with an applicant).
    pub fn match_rules(&self) -> &[MatchRule] {
        &self.match_rules
    }

    /// The combined rules, in file order.
    pub fn combined_rules(&self) -> &[CombinedRule] {
        &self.combined_rules
    }

    /// The signal rules, in file order (they apply when the backend gives Plaid's verdicts).
    pub fn signal_rules(&self) -> &[SignalRule] {
        &self.signal_rules
    }

    /// The Identity Match score at which each field passes.
    pub fn identity_match_thresholds(&self) -> MatchThresholds {
        self.thresholds
    }

    /// What validation and matching read of the rule set.
    pub(crate) fn policy(&self) -> Policy {
        Policy {
            ages: self.ages,
            thresholds: self.thresholds,
        }
    }

    /// The link rules, in file order (they apply to decisions made with a link history).
    pub fn link_rules(&self) -> &[LinkRule] {
        &self.link_rules
    }

    /// Every rule id of the file (edit, match, signal, combined and link rules), in file order.
    pub(crate) fn rule_ids(&self) -> impl Iterator<Item = &str> + Clone {
        let edit = self.edit_rules.iter().map(|r| r.id.as_str());
        let matching = self.match_rules.iter().map(|r| r.id.as_str());
        let signal = self.signal_rules.iter().map(|r| r.id.as_str());
        edit.chain(matching)
            .chain(signal)
            .chain(self.combined_rules.iter().map(|r| r.id.as_str()))
            .chain(self.link_rules.iter().map(|r| r.id.as_str()))
    }
}
