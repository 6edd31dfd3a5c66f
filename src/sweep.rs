//! Threshold sweep: score a labelled export once and tell, for every candidate tier
//! threshold, how many lines would be stepped up, and how much fraud that would catch.
//!
//! # Why one pass is enough
//! A decision's outcome depends on the tiers only through its score. Everything else that
//! moves it (`rules/README.md`, "Outcome"; [`crate::Bounds`]) reads the reasons, the linked
//! Items and the rules, never the score: whether points may reach `identity_verification`
//! at all, the **floor** the forces, doubts, codes' floors and guardrails hold it at, the
//! routing of `identity_match` to `identity_verification`, and a passed IDV's turn of
//! `identity_verification` into `manual_review`.
//!
//! So for each decided, labelled line the sweep keeps a [`LineProfile`]: the score (the
//! [`Decision::score`], after any `idv_passed_discount`) and those [`crate::Bounds`]; under
//! tiers `(im, iv)` the outcome is exactly the resolution's own
//! [`crate::Bounds::outcome`] of the score's tier ([`LineProfile::outcome`]). In particular a
//! line is stepped up (not trusted) iff `score >= min(im, iv)` or the floor is above `trust`:
//! the `identity_verification` threshold matters only for which step-up it is. The
//! Identity Verification columns are exact too.
//!
//! Lines with the same profile and label are counted together, so memory is bounded by the
//! number of distinct scores, not by the export.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::batch::{LineFn, Merge};
use crate::decision::Decision;
use crate::diff::Label;
use crate::error::ParseError;
use crate::resolve::Bounds;
use crate::rules::{Outcome, RuleSet, RuleSetId, Tiers};
use crate::session::parse_input_bytes;

/// At most this many candidate thresholds per tier (plus the current one): beyond it the
/// distinct scores are thinned to evenly spaced ones.
pub const MAX_CANDIDATES: usize = 60;

/// What of one decision the sweep needs: enough to tell its outcome under any tiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LineProfile {
    /// The decision's score (after any `idv_passed_discount`).
    pub score: u32,
    /// What of the outcome does not depend on the tiers (the resolution's own account).
    pub bounds: Bounds,
}

impl LineProfile {
    /// The profile of `decision`.
    pub fn of(decision: &Decision<'_>) -> Self {
        LineProfile {
            score: decision.score,
            bounds: decision.bounds,
        }
    }

    /// The outcome the decision would have with the same rules but `tiers`: the
    /// resolution's own [`Bounds::outcome`] of the tier its score falls in.
    ///
    /// # Example
    /// ```
    /// use layer_risk::sweep::LineProfile;
    /// use layer_risk::{Bounds, Outcome, Tiers};
    /// let p = LineProfile { score: 30, bounds: Bounds::new(Outcome::Trust, true, true, false) };
    /// let tiers = |im, iv| Tiers { identity_match: im, identity_verification: iv };
    /// assert_eq!(p.outcome(tiers(40, 70)), Outcome::Trust);
    /// assert_eq!(p.outcome(tiers(30, 70)), Outcome::IdentityVerification); // routed
    /// ```
    pub fn outcome(&self, tiers: Tiers) -> Outcome {
        self.bounds.outcome(tiers.for_score(self.score))
    }
}

/// Counts over a batch: labelled lines by profile; merge pieces in any order.
#[derive(Debug, Default)]
pub struct SweepStats {
    /// `[fraud, legit]` lines per profile.
    groups: BTreeMap<LineProfile, [u64; 2]>,
    decided: u64,
    unlabelled: u64,
    errors: u64,
}

impl Merge for SweepStats {
    fn merge(&mut self, later: Self) {
        for (k, v) in later.groups {
            let e = self.groups.entry(k).or_default();
            e[0] += v[0];
            e[1] += v[1];
        }
        self.decided += later.decided;
        self.unlabelled += later.unlabelled;
        self.errors += later.errors;
    }
}

impl SweepStats {
    /// Lines that were not responses (or too long).
    pub fn error_count(&self) -> u64 {
        self.errors
    }

    /// Count one decided line with its label (`None`: unlabelled, not swept).
    pub fn add(&mut self, profile: LineProfile, label: Option<Label>) {
        self.decided += 1;
        match label {
            None => self.unlabelled += 1,
            Some(l) => self.groups.entry(profile).or_default()[usize::from(l == Label::Legit)] += 1,
        }
    }
}

/// The rule set, date and labels of a sweep; a [`LineFn`] for [`crate::batch::run`].
#[derive(Clone, Copy, Debug)]
pub struct SweepSetup<'r, 'l> {
    /// The rule set whose tiers are swept.
    pub rules: &'r RuleSet,
    /// Evaluation date.
    pub as_of: NaiveDate,
    /// Labels by request id.
    pub labels: &'l HashMap<String, Label>,
}

impl SweepSetup<'_, '_> {
    /// Decide one line and count its profile under its label.
    pub fn line(&self, bytes: &[u8], stats: &mut SweepStats) {
        let input = match parse_input_bytes(bytes) {
            Ok(i) => i,
            Err(_) => {
                stats.errors += 1;
                return;
            }
        };
        self.decided(&input, None, stats);
    }

    /// A parsed line, with its link history if the run links sessions.
    fn decided(
        &self,
        input: &crate::session::Input<'_>,
        link: Option<&crate::link::LinkHistory>,
        stats: &mut SweepStats,
    ) {
        let d = crate::api::decide_input(input, link, self.rules, self.as_of);
        let label = input
            .session
            .request_id
            .as_deref()
            .and_then(|id| self.labels.get(id))
            .copied();
        stats.add(LineProfile::of(&d), label);
    }

    /// The sweep table of `stats` around this rule set's tiers.
    pub fn report(&self, stats: &SweepStats) -> SweepReport {
        table(stats, self.rules.id(), self.rules.tiers())
    }
}

impl SweepSetup<'_, '_> {
    /// The sweep over an export with linkage (`sweep --link`): each line's history is
    /// recorded once in `linker`'s store, in line order.
    ///
    /// # Errors
    /// As [`crate::batch::score_linked`].
    pub fn run_linked(
        &self,
        input: impl std::io::Read + Send,
        linker: &mut crate::batch::Linker<'_>,
        opts: crate::batch::Options,
    ) -> std::io::Result<SweepStats> {
        let f = |_line: u64,
                 _body: Option<&[u8]>,
                 parsed: Result<
            (&crate::session::Input<'_>, &crate::link::LinkHistory),
            &ParseError,
        >,
                 _out: &mut Vec<u8>,
                 stats: &mut SweepStats| match parsed {
            Ok((input, h)) => self.decided(input, Some(h), stats),
            Err(_) => stats.errors += 1,
        };
        crate::batch::run_linked(input, std::io::sink(), opts, linker, &f, |_, _| {})
    }
}

impl LineFn<SweepStats> for SweepSetup<'_, '_> {
    fn call(
        &self,
        _line: u64,
        bytes: Result<&[u8], &ParseError>,
        _out: &mut Vec<u8>,
        state: &mut SweepStats,
    ) {
        match bytes {
            Ok(b) => self.line(b, state),
            Err(_) => state.errors += 1,
        }
    }
}

/// The sweep: one row per candidate threshold of each tier.
#[derive(Clone, Debug, Serialize)]
pub struct SweepReport {
    /// The rule set swept.
    pub rules: RuleSetId,
    /// Its tiers (the rows marked `current`).
    pub current: Tiers,
    /// Lines decided.
    pub decided: u64,
    /// Lines that were not responses.
    pub errors: u64,
    /// Decided lines labelled fraud.
    pub fraud: u64,
    /// Decided lines labelled legit.
    pub legit: u64,
    /// Decided lines without a label (not swept).
    pub unlabelled: u64,
    /// Candidate `identity_match` thresholds, ascending, with `identity_verification` kept
    /// at the current one (or one above the candidate, when that is not lower).
    pub identity_match: Vec<SweepRow>,
    /// Candidate `identity_verification` thresholds above the current `identity_match`,
    /// ascending, with `identity_match` kept at the current one.
    pub identity_verification: Vec<SweepRow>,
}

/// The labelled lines' outcomes under one candidate threshold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepRow {
    /// The candidate: a score from which the tier applies.
    pub threshold: u32,
    /// The tiers this row was computed with.
    pub tiers: Tiers,
    /// Whether these are the rule set's own tiers.
    pub current: bool,
    /// Share of labelled lines stepped up (not trusted).
    pub step_up_rate: f64,
    /// Share of fraud stepped up.
    pub recall: f64,
    /// Share of step-ups that were fraud.
    pub precision: f64,
    /// Share of labelled lines sent to Identity Verification.
    pub iv_rate: f64,
    /// Share of fraud sent to Identity Verification.
    pub iv_recall: f64,
    /// Share of Identity Verifications that were fraud.
    pub iv_precision: f64,
    /// Fraud lines stepped up.
    pub fraud_stepped_up: u64,
    /// Legit lines stepped up.
    pub legit_stepped_up: u64,
}

fn ratio(n: u64, d: u64) -> f64 {
    if d == 0 {
        0.0
    } else {
        ((n as f64 / d as f64) * 1e6).round() / 1e6
    }
}

/// Candidate thresholds, ascending: `current`, one above the highest score (no step-up by
/// score at all), and the distinct scores above 0 of the labelled lines (a tier starts at 1
/// at the lowest: a score of 0 means trust); beyond [`MAX_CANDIDATES`] of those, the scores
/// at evenly spaced quantiles of the lines with a score above 0, so the candidates sit where
/// the lines are, not in a sparse tail. `scores` is `(score, lines)`, ascending by score.
fn candidates(scores: &[(u32, u64)], current: u32) -> Vec<u32> {
    let mut out: Vec<u32> = vec![current];
    if let Some(&(top, _)) = scores.last() {
        out.push(top.saturating_add(1));
    }
    if scores.len() <= MAX_CANDIDATES {
        out.extend(scores.iter().map(|&(s, _)| s).filter(|&s| s > 0));
    } else {
        let positive: Vec<(u32, u64)> = scores.iter().copied().filter(|&(s, _)| s > 0).collect();
        let total: u64 = positive.iter().map(|&(_, n)| n).sum();
        let k = (MAX_CANDIDATES - 3) as u64;
        let mut seen = 0u64;
        let mut next_q = 0u64; // the next quantile index, 0..=k
        for &(s, n) in &positive {
            seen += n;
            // Quantile q/k of the positive scores is the first score whose cumulative count
            // reaches q/k of them.
            while next_q <= k && seen * k >= next_q * total {
                out.push(s);
                next_q += 1;
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The sweep table of `stats` (a pure function of the counts): for each candidate threshold,
/// the labelled lines' step-up rate, recall and precision, and the same for Identity
/// Verification, each outcome told exactly by [`LineProfile::outcome`].
pub fn table(stats: &SweepStats, rules: &RuleSetId, current: Tiers) -> SweepReport {
    let (fraud, legit) = stats
        .groups
        .values()
        .fold((0, 0), |(f, l), v| (f + v[0], l + v[1]));
    // (score, lines), ascending: the map is sorted by score first.
    let mut scores: Vec<(u32, u64)> = Vec::new();
    for (p, n) in &stats.groups {
        match scores.last_mut() {
            Some((s, c)) if *s == p.score => *c += n[0] + n[1],
            _ => scores.push((p.score, n[0] + n[1])),
        }
    }
    let row = |threshold: u32, tiers: Tiers| {
        let (mut up, mut iv) = ([0u64; 2], [0u64; 2]);
        for (p, n) in &stats.groups {
            let o = p.outcome(tiers);
            for k in 0..2 {
                if o != Outcome::Trust {
                    up[k] += n[k];
                }
                if o == Outcome::IdentityVerification {
                    iv[k] += n[k];
                }
            }
        }
        SweepRow {
            threshold,
            tiers,
            current: tiers == current,
            step_up_rate: ratio(up[0] + up[1], fraud + legit),
            recall: ratio(up[0], fraud),
            precision: ratio(up[0], up[0] + up[1]),
            iv_rate: ratio(iv[0] + iv[1], fraud + legit),
            iv_recall: ratio(iv[0], fraud),
            iv_precision: ratio(iv[0], iv[0] + iv[1]),
            fraud_stepped_up: up[0],
            legit_stepped_up: up[1],
        }
    };
    let identity_match = candidates(&scores, current.identity_match)
        .into_iter()
        .map(|t| {
            let tiers = Tiers {
                identity_match: t,
                identity_verification: current.identity_verification.max(t.saturating_add(1)),
            };
            row(t, tiers)
        })
        .collect();
    let identity_verification = candidates(&scores, current.identity_verification)
        .into_iter()
        .filter(|&t| t > current.identity_match)
        .map(|t| {
            let tiers = Tiers {
                identity_match: current.identity_match,
                identity_verification: t,
            };
            row(t, tiers)
        })
        .collect();
    SweepReport {
        rules: rules.clone(),
        current,
        decided: stats.decided,
        errors: stats.errors,
        fraud,
        legit,
        unlabelled: stats.unlabelled,
        identity_match,
        identity_verification,
    }
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

impl fmt::Display for SweepReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "rules {} {} (sha256 {}…), tiers: identity_match {}, identity_verification {}",
            self.rules.name,
            self.rules.version,
            self.rules.sha256.get(..12).unwrap_or(""),
            self.current.identity_match,
            self.current.identity_verification
        )?;
        writeln!(
            f,
            "{} lines decided, {} errors; labelled: {} fraud, {} legit ({} unlabelled, not swept)",
            self.decided, self.errors, self.fraud, self.legit, self.unlabelled
        )?;
        let tables = [
            (
                "identity_match threshold (identity_verification kept at the current one, or one above the candidate)",
                &self.identity_match,
            ),
            (
                "identity_verification threshold (identity_match kept at the current one)",
                &self.identity_verification,
            ),
        ];
        for (title, rows) in tables {
            writeln!(f)?;
            writeln!(f, "{title}; * = current")?;
            writeln!(
                f,
                "  {:>10}{:>10}{:>10}{:>11}{:>10}{:>11}{:>14}{:>12}{:>12}",
                "threshold",
                "step-up",
                "recall",
                "precision",
                "IV",
                "IV recall",
                "IV precision",
                "fraud up",
                "legit up"
            )?;
            for r in rows {
                writeln!(
                    f,
                    "{} {:>10}{:>10}{:>10}{:>11}{:>10}{:>11}{:>14}{:>12}{:>12}",
                    if r.current { "*" } else { " " },
                    r.threshold,
                    pct(r.step_up_rate),
                    pct(r.recall),
                    pct(r.precision),
                    pct(r.iv_rate),
                    pct(r.iv_recall),
                    pct(r.iv_precision),
                    r.fraud_stepped_up,
                    r.legit_stepped_up
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_thinned_and_keep_the_current_one() {
        assert_eq!(
            candidates(&[(0, 5), (10, 1), (20, 1)], 35),
            [10, 20, 21, 35]
        );
        assert_eq!(candidates(&[], 35), [35]);
        // 200 distinct scores, nearly all lines at 1..=10: the candidates crowd there.
        let many: Vec<(u32, u64)> = (0..200)
            .map(|s| (s, if s <= 10 { 1000 } else { 1 }))
            .collect();
        let c = candidates(&many, 35);
        assert!(c.len() <= MAX_CANDIDATES, "{c:?}");
        assert_eq!((c[0], c[c.len() - 1]), (1, 200));
        assert!(c.contains(&35) && c.contains(&199));
        assert_eq!(
            c.iter().filter(|&&s| (1..=10).contains(&s)).count(),
            10,
            "{c:?}"
        );
    }
}
