//! Drift between two batch summaries (`layer-risk score --summary`): decision shares, the
//! step-up rate and each rule's hit rate side by side, with the population stability index.
//!
//! The population stability index of a distribution over bins is
//! `PSI = Σ (new_i − old_i) × ln(new_i / old_i)` over the bins' shares; an empty bin counts
//! as [`PSI_EPSILON`] so the logarithm stays finite. It is 0 for identical mixes and grows
//! with the shift; the usual reading is below 0.1 stable, 0.1 to 0.25 a moderate shift worth
//! a look, above 0.25 a major shift. Here the bins are the three outcomes (the decision mix)
//! and, for each rule id, hit and not hit (two bins: `rate` and `1 − rate`).
//!
//! # Example
//! ```
//! use layer_risk::drift::psi;
//! assert_eq!(psi(&[0.5, 0.5], &[0.5, 0.5]), 0.0);
//! assert!((psi(&[0.9, 0.1], &[0.8, 0.2]) - 0.0811).abs() < 1e-4); // 0.1 ln 2 + 0.1 ln(9/8)
//! ```

use std::fmt;

use serde::Serialize;

use crate::batch::SummaryReport;
use crate::rules::{Outcome, RuleSetId};

/// The share given to an empty bin in [`psi`].
pub const PSI_EPSILON: f64 = 1e-4;

/// The population stability index between two distributions given as shares of the same
/// bins (each summing to 1); empty bins count as [`PSI_EPSILON`].
pub fn psi(old: &[f64], new: &[f64]) -> f64 {
    old.iter()
        .zip(new)
        .map(|(&o, &n)| {
            let (o, n) = (o.max(PSI_EPSILON), n.max(PSI_EPSILON));
            (n - o) * (n / o).ln()
        })
        .sum()
}

/// One outcome's share in both summaries.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShareChange {
    /// The outcome.
    pub decision: Outcome,
    /// Share of decided lines in the old summary.
    pub old: f64,
    /// In the new one.
    pub new: f64,
}

/// One rule id's (or finding code's) hit rate in both summaries.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleDrift {
    /// Rule id or finding code.
    pub id: String,
    /// Hit rate in the old summary (0 when absent).
    pub old: f64,
    /// In the new one.
    pub new: f64,
    /// PSI over hit / not hit.
    pub psi: f64,
}

/// Two summaries compared.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// The old summary's rule set.
    pub old_rules: RuleSetId,
    /// The new summary's rule set.
    pub new_rules: RuleSetId,
    /// Decided lines in the old summary.
    pub old_decided: u64,
    /// In the new one.
    pub new_decided: u64,
    /// The decision mix, least friction first.
    pub decisions: Vec<ShareChange>,
    /// PSI of the decision mix.
    pub decision_psi: f64,
    /// Share of decided lines not trusted, old.
    pub old_step_up_rate: f64,
    /// New.
    pub new_step_up_rate: f64,
    /// `new_step_up_rate − old_step_up_rate`, in percentage points.
    pub step_up_change_points: f64,
    /// Every rule id or code hit in either summary, largest PSI first.
    pub rules: Vec<RuleDrift>,
}

fn share(s: &SummaryReport, o: Outcome) -> f64 {
    s.decisions
        .iter()
        .find(|d| d.decision == o)
        .map_or(0.0, |d| d.share)
}

fn rate(s: &SummaryReport, id: &str) -> f64 {
    s.hit(id).map_or(0.0, |h| h.rate)
}

/// Compare an old summary with a new one.
pub fn compare(old: &SummaryReport, new: &SummaryReport) -> Comparison {
    let decisions: Vec<ShareChange> = Outcome::ALL
        .iter()
        .map(|&o| ShareChange {
            decision: o,
            old: share(old, o),
            new: share(new, o),
        })
        .collect();
    let olds: Vec<f64> = decisions.iter().map(|d| d.old).collect();
    let news: Vec<f64> = decisions.iter().map(|d| d.new).collect();
    let step_up = |s: &SummaryReport| {
        if s.decided == 0 {
            0.0
        } else {
            1.0 - share(s, Outcome::Trust)
        }
    };
    let mut rules: Vec<RuleDrift> = old
        .rule_ids_with(new)
        .into_iter()
        .map(|id| {
            let (o, n) = (rate(old, id), rate(new, id));
            RuleDrift {
                id: id.to_owned(),
                old: o,
                new: n,
                psi: psi(&[o, 1.0 - o], &[n, 1.0 - n]),
            }
        })
        .collect();
    rules.sort_by(|a, b| b.psi.total_cmp(&a.psi).then_with(|| a.id.cmp(&b.id)));
    let (so, sn) = (step_up(old), step_up(new));
    Comparison {
        old_rules: old.rules.clone(),
        new_rules: new.rules.clone(),
        old_decided: old.decided,
        new_decided: new.decided,
        decision_psi: psi(&olds, &news),
        decisions,
        old_step_up_rate: so,
        new_step_up_rate: sn,
        step_up_change_points: (sn - so) * 100.0,
        rules,
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |r: &RuleSetId| {
            format!(
                "{} {} (sha256 {}…)",
                r.name,
                r.version,
                r.sha256.get(..12).unwrap_or("")
            )
        };
        writeln!(
            f,
            "old: {} decisions, {}",
            self.old_decided,
            name(&self.old_rules)
        )?;
        writeln!(
            f,
            "new: {} decisions, {}",
            self.new_decided,
            name(&self.new_rules)
        )?;
        writeln!(
            f,
            "  {:<40}{:>10}{:>10}{:>10}",
            "decision", "old", "new", "PSI"
        )?;
        for d in &self.decisions {
            writeln!(
                f,
                "  {:<40}{:>9.2}%{:>9.2}%",
                d.decision.as_str(),
                d.old * 100.0,
                d.new * 100.0
            )?;
        }
        writeln!(f, "  {:<40}{:>30.4}", "decision mix", self.decision_psi)?;
        writeln!(
            f,
            "  {:<40}{:>9.2}%{:>9.2}%  ({:+.2} points)",
            "step-up rate",
            self.old_step_up_rate * 100.0,
            self.new_step_up_rate * 100.0,
            self.step_up_change_points
        )?;
        writeln!(
            f,
            "  {:<40}{:>10}{:>10}{:>10}",
            "rule hit rate", "old", "new", "PSI"
        )?;
        for r in &self.rules {
            writeln!(
                f,
                "  {:<40}{:>9.2}%{:>9.2}%{:>10.4}",
                r.id,
                r.old * 100.0,
                r.new * 100.0,
                r.psi
            )?;
        }
        Ok(())
    }
}
