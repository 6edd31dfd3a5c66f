//! What-if: replay one export through two rule sets in one pass and count what changes.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::batch::{Merge, Summary, SummaryReport};
use crate::rules::{Outcome, RuleSet};

/// The number of outcomes: the side of the transition matrix.
const N: usize = Outcome::ALL.len();
use crate::session::parse_input_bytes;

/// A ground-truth label for a request id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// Known fraud.
    Fraud,
    /// Known good.
    Legit,
}

impl Label {
    /// The label as written in a labels file: `fraud` or `legit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Fraud => "fraud",
            Label::Legit => "legit",
        }
    }
}

/// Read a labels CSV: `request_id,label` per line, label `fraud` or `legit`; an optional
/// header line `request_id,label`; blank lines ignored. A request id listed twice with the
/// same label is fine; with two different labels it is an error naming both lines.
///
/// # Errors
/// `(line, message)` for the first malformed line or conflicting label.
///
/// # Example
/// ```
/// use layer_risk::diff::parse_labels;
/// assert_eq!(parse_labels("request_id,label\nr1,fraud\nr1,fraud\n").unwrap().len(), 1);
/// let (line, msg) = parse_labels("r1,fraud\nr2,legit\nr1,legit\n").unwrap_err();
/// assert_eq!(line, 3);
/// assert_eq!(msg, "this request id is labelled `legit` here and `fraud` on line 1");
/// ```
pub fn parse_labels(text: &str) -> Result<HashMap<String, Label>, (usize, String)> {
    let mut map: HashMap<String, (Label, usize)> = HashMap::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || (i == 0 && line.eq_ignore_ascii_case("request_id,label")) {
            continue;
        }
        let Some((id, label)) = line.split_once(',') else {
            return Err((i + 1, "expected `request_id,label`".into()));
        };
        let label = match label.trim() {
            "fraud" => Label::Fraud,
            "legit" => Label::Legit,
            _ => return Err((i + 1, "label must be `fraud` or `legit`".into())),
        };
        match map.get(id.trim()) {
            Some(&(first, at)) if first != label => {
                return Err((
                    i + 1,
                    format!(
                        "this request id is labelled `{}` here and `{}` on line {at}",
                        label.as_str(),
                        first.as_str()
                    ),
                ));
            }
            Some(_) => {}
            None => {
                map.insert(id.trim().to_owned(), (label, i + 1));
            }
        }
    }
    Ok(map.into_iter().map(|(k, (l, _))| (k, l)).collect())
}

/// An example of a request whose outcome changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Input line.
    pub line: u64,
    /// Its request id.
    pub request_id: Option<String>,
    /// Outcome under the first rule set.
    pub from: Outcome,
    /// Outcome under the second.
    pub to: Outcome,
}

/// Counts for one rule set against labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Confusion {
    fraud_stepped_up: u64,
    legit_stepped_up: u64,
}

/// What-if counts over a batch; merge pieces in input order.
#[derive(Debug, Default)]
pub struct DiffStats<'r> {
    /// `transitions[a][b]`: lines with outcome `a` under the first set and `b` under the second.
    pub transitions: [[u64; N]; N],
    /// Summary under the first rule set.
    pub a: Summary<'r>,
    /// Summary under the second.
    pub b: Summary<'r>,
    /// First changed requests, in input order.
    pub examples: Vec<Change>,
    show: usize,
    labelled_fraud: u64,
    labelled_legit: u64,
    unlabelled: u64,
    conf: [Confusion; 2],
    /// Per set: `[fraud, legit]` labelled lines each rule id fired on.
    rule_labels: [HashMap<&'r str, [u64; 2]>; 2],
}

impl Merge for DiffStats<'_> {
    fn merge(&mut self, mut later: Self) {
        for (row, later) in self.transitions.iter_mut().zip(later.transitions) {
            for (t, l) in row.iter_mut().zip(later) {
                *t += l;
            }
        }
        self.a.merge(later.a);
        self.b.merge(later.b);
        self.show = self.show.max(later.show);
        let room = self.show.saturating_sub(self.examples.len());
        self.examples.extend(later.examples.into_iter().take(room));
        self.labelled_fraud += later.labelled_fraud;
        self.labelled_legit += later.labelled_legit;
        self.unlabelled += later.unlabelled;
        for k in 0..2 {
            self.conf[k].fraud_stepped_up += later.conf[k].fraud_stepped_up;
            self.conf[k].legit_stepped_up += later.conf[k].legit_stepped_up;
            for (id, v) in std::mem::take(&mut later.rule_labels[k]) {
                let e = self.rule_labels[k].entry(id).or_default();
                e[0] += v[0];
                e[1] += v[1];
            }
        }
    }
}

/// The rule sets, date and options of a what-if run.
#[derive(Clone, Copy, Debug)]
pub struct DiffSetup<'r, 'l> {
    /// First rule set (the current one).
    pub a: &'r RuleSet,
    /// Second rule set (the candidate).
    pub b: &'r RuleSet,
    /// Evaluation date.
    pub as_of: NaiveDate,
    /// How many changed requests to keep as examples.
    pub show: usize,
    /// Labels by request id, if any.
    pub labels: Option<&'l HashMap<String, Label>>,
}

impl<'r> DiffSetup<'r, '_> {
    /// Parse one line once and decide it under both rule sets.
    pub fn line(&self, line: u64, bytes: &[u8], stats: &mut DiffStats<'r>) {
        stats.show = self.show;
        let input = match parse_input_bytes(bytes) {
            Ok(s) => s,
            Err(e) => {
                stats.a.add_error(&e);
                stats.b.add_error(&e);
                return;
            }
        };
        self.decided(line, &input, None, stats);
    }

    /// A parsed line, with its link history if the run links sessions.
    fn decided(
        &self,
        line: u64,
        input: &crate::session::Input<'_>,
        link: Option<&crate::link::LinkHistory>,
        stats: &mut DiffStats<'r>,
    ) {
        let (da, db) = crate::api::decide_input_twice(input, link, self.a, self.b, self.as_of);
        stats.transitions[da.outcome as usize][db.outcome as usize] += 1;
        if da.outcome != db.outcome && stats.examples.len() < self.show {
            stats.examples.push(Change {
                line,
                request_id: da.request_id.clone(),
                from: da.outcome,
                to: db.outcome,
            });
        }
        if let Some(labels) = self.labels {
            match input
                .session
                .request_id
                .as_deref()
                .and_then(|id| labels.get(id))
            {
                None => stats.unlabelled += 1,
                Some(label) => {
                    let fraud = *label == Label::Fraud;
                    if fraud {
                        stats.labelled_fraud += 1;
                    } else {
                        stats.labelled_legit += 1;
                    }
                    for (k, d) in [&da, &db].into_iter().enumerate() {
                        for (i, r) in d.reasons.iter().enumerate() {
                            // Each rule once per line.
                            if !d.reasons[..i].iter().any(|p| p.rule_id == r.rule_id) {
                                stats.rule_labels[k].entry(r.rule_id).or_default()
                                    [usize::from(!fraud)] += 1;
                            }
                        }
                        if d.outcome != Outcome::Trust {
                            if fraud {
                                stats.conf[k].fraud_stepped_up += 1;
                            } else {
                                stats.conf[k].legit_stepped_up += 1;
                            }
                        }
                    }
                }
            }
        }
        stats.a.add(&da);
        stats.b.add(&db);
    }

    /// The report.
    pub fn report(&self, stats: &DiffStats<'r>) -> DiffReport {
        let labels = self.labels.map(|_| LabelCounts {
            fraud: stats.labelled_fraud,
            legit: stats.labelled_legit,
            unlabelled: stats.unlabelled,
            conf: stats.conf,
            rules: [0, 1].map(|k| {
                stats.rule_labels[k]
                    .iter()
                    .map(|(id, v)| ((*id).to_owned(), *v))
                    .collect()
            }),
        });
        assemble(
            stats.a.report(self.a.id()),
            stats.b.report(self.b.id()),
            stats.transitions,
            labels,
            stats.examples.clone(),
        )
    }
}

/// Counts against labels, per rule set (`0` is A, `1` is B).
struct LabelCounts {
    fraud: u64,
    legit: u64,
    unlabelled: u64,
    conf: [Confusion; 2],
    /// `[fraud, legit]` labelled lines each rule id fired on.
    rules: [Vec<(String, [u64; 2])>; 2],
}

/// The what-if report from the two summaries, the transitions and the label counts: one
/// assembly for a replay through two rule sets (`diff`) and for a decision log with shadow
/// decisions ([`ShadowLog`]).
fn assemble(
    a: SummaryReport,
    b: SummaryReport,
    transitions: [[u64; N]; N],
    labels: Option<LabelCounts>,
    examples: Vec<Change>,
) -> DiffReport {
    let decided = a.decided;
    let step_up = |s: &SummaryReport| {
        let trust = s.decisions.first().map_or(0, |d| d.count);
        ratio(decided - trust.min(decided), decided)
    };
    let ids = a.rule_ids_with(&b);
    let hits = |s: &SummaryReport, id: &str| s.hit(id).map_or(0, |h| h.hits);
    let mut rule_changes: Vec<RuleChange> = ids
        .into_iter()
        .map(|id| {
            let (ha, hb) = (hits(&a, id), hits(&b, id));
            RuleChange {
                id: id.to_owned(),
                hits_a: ha,
                hits_b: hb,
                rate_a: ratio(ha, decided),
                rate_b: ratio(hb, decided),
                change: ratio(hb, decided) - ratio(ha, decided),
            }
        })
        .collect();
    rule_changes.sort_by(|x, y| {
        y.change
            .abs()
            .total_cmp(&x.change.abs())
            .then_with(|| x.id.cmp(&y.id))
    });
    let labels = labels.map(|l| {
        let per = |k: usize| {
            let c = l.conf[k];
            let stepped = c.fraud_stepped_up + c.legit_stepped_up;
            LabelStats {
                step_up_rate: ratio(stepped, l.fraud + l.legit),
                recall: ratio(c.fraud_stepped_up, l.fraud),
                precision: ratio(c.fraud_stepped_up, stepped),
                fraud_stepped_up: c.fraud_stepped_up,
                legit_stepped_up: c.legit_stepped_up,
                rules: rule_lift(&l.rules[k], l.fraud, l.legit),
            }
        };
        LabelReport {
            fraud: l.fraud,
            legit: l.legit,
            unlabelled: l.unlabelled,
            a: per(0),
            b: per(1),
        }
    });
    let changed = (0..N)
        .flat_map(|i| (0..N).map(move |j| (i, j)))
        .filter(|(i, j)| i != j)
        .map(|(i, j)| transitions[i][j])
        .sum();
    DiffReport {
        step_up_rate_a: step_up(&a),
        step_up_rate_b: step_up(&b),
        a,
        b,
        decided,
        changed,
        transitions,
        rule_changes,
        labels,
        examples,
    }
}

/// Live against shadow from the decision log alone: the records a scorer with a shadow rule
/// set wrote (`layer-risk score --shadow`, a binding's `shadow`), read back and compared in
/// the shape of [`DiffSetup::report`]: A is the live rule set, B the shadow. In a staged
/// rollout's log the arms are put back on their rule sets: A is the control rules on every
/// line and B the challenger's, whichever arm decided. Read the records in order with
/// [`ShadowLog::add`]; error records and records without a `shadow` are counted apart, and
/// a log under more than one pair of rule sets (one that spans a reload) is refused.
///
/// # Example
/// ```
/// use layer_risk::diff::ShadowLog;
/// let mut log = ShadowLog::new(5);
/// let rules = r#"{"name":"default","version":"3","sha256":"ab"}"#;
/// let shadow = r#"{"name":"lending","version":"3","sha256":"cd"}"#;
/// log.add(format!(r#"{{"line":1,"request_id":"r1","decision":"trust","score":0,"reasons":[],"shadow":{{"decision":"identity_match","score":20,"reasons":["phone_missing"],"rules":{shadow}}},"rules":{rules}}}"#).as_bytes(), None)?;
/// let report = log.report(false)?;
/// assert_eq!((report.decided, report.changed), (1, 1));
/// assert_eq!(report.b.rules.name, "lending");
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Default)]
pub struct ShadowLog {
    /// Rule ids and codes seen, interned.
    ids: HashMap<String, usize>,
    names: Vec<String>,
    /// Per side (live, shadow): decisions, score sum, rule hits, code hits.
    decisions: [[u64; N]; 2],
    score_sum: [u64; 2],
    rule_hits: [HashMap<usize, u64>; 2],
    code_hits: HashMap<usize, u64>,
    rules: [Option<crate::rules::RuleSetId>; 2],
    transitions: [[u64; N]; N],
    examples: Vec<Change>,
    show: usize,
    errors: HashMap<String, u64>,
    without_shadow: u64,
    labelled: [u64; 3],
    conf: [Confusion; 2],
    rule_labels: [HashMap<usize, [u64; 2]>; 2],
}

#[derive(serde::Deserialize)]
struct LogRecord<'a> {
    #[serde(default)]
    line: Option<u64>,
    #[serde(borrow, default)]
    request_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    decision: Option<Outcome>,
    #[serde(default)]
    score: u32,
    #[serde(borrow, default)]
    reasons: Vec<LogReason<'a>>,
    #[serde(default)]
    rules: Option<crate::rules::RuleSetId>,
    #[serde(borrow, default)]
    shadow: Option<LogShadow<'a>>,
    #[serde(default)]
    arm: Option<crate::decision::Arm>,
    #[serde(borrow, default)]
    error: Option<LogError<'a>>,
}

#[derive(serde::Deserialize)]
struct LogReason<'a> {
    #[serde(borrow)]
    code: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    rule_id: std::borrow::Cow<'a, str>,
}

#[derive(serde::Deserialize)]
struct LogShadow<'a> {
    decision: Outcome,
    #[serde(default)]
    score: u32,
    #[serde(borrow, default)]
    reasons: Vec<std::borrow::Cow<'a, str>>,
    rules: crate::rules::RuleSetId,
}

#[derive(serde::Deserialize)]
struct LogError<'a> {
    #[serde(borrow)]
    code: std::borrow::Cow<'a, str>,
}

impl ShadowLog {
    /// An empty log that keeps up to `show` changed requests as examples.
    pub fn new(show: usize) -> Self {
        ShadowLog {
            show,
            ..ShadowLog::default()
        }
    }

    fn intern(&mut self, id: &str) -> usize {
        if let Some(&i) = self.ids.get(id) {
            return i;
        }
        self.names.push(id.to_owned());
        self.ids.insert(id.to_owned(), self.names.len() - 1);
        self.names.len() - 1
    }

    /// Read one record (a line of the log, without its newline); `labels` by request id.
    ///
    /// # Errors
    /// A message when the line is not a record layer-risk writes (it names what is wrong,
    /// never the line's content).
    pub fn add(
        &mut self,
        line: &[u8],
        labels: Option<&HashMap<String, Label>>,
    ) -> Result<(), String> {
        let rec: LogRecord<'_> = serde_json::from_slice(line)
            .map_err(|e| format!("not a decision record ({})", e.classify_label()))?;
        if let Some(e) = &rec.error {
            *self.errors.entry(e.code.to_string()).or_default() += 1;
            return Ok(());
        }
        let Some(live) = rec.decision else {
            return Err("a record with neither `decision` nor `error`".into());
        };
        let Some(shadow) = rec.shadow else {
            self.without_shadow += 1;
            return Ok(());
        };
        let own_ids: Vec<usize> = rec
            .reasons
            .iter()
            .map(|r| self.intern(&r.rule_id))
            .collect();
        let other_ids: Vec<usize> = shadow.reasons.iter().map(|r| self.intern(r)).collect();
        // A staged rollout's records are put back on their rule sets: A the control rules on
        // every line, B the challenger's, whichever arm decided.
        let swap = rec.arm == Some(crate::decision::Arm::Challenger);
        let own = (live, rec.score, own_ids, rec.rules);
        let other = (shadow.decision, shadow.score, other_ids, Some(shadow.rules));
        let (
            (live, live_score, live_ids, a_rules),
            (shadow_decision, shadow_score, shadow_ids, b_rules),
        ) = if swap { (other, own) } else { (own, other) };
        for (k, r) in [a_rules, b_rules].into_iter().enumerate() {
            match (&self.rules[k], r) {
                (None, r) => self.rules[k] = r,
                (Some(seen), Some(r)) if seen.sha256 != r.sha256 => {
                    return Err(format!(
                        "the log holds decisions under more than one rule set ({} {} sha256 {} and {} {} sha256 {}): split it by `rules.sha256` (a reload changed the rules) and compare each part",
                        seen.name, seen.version, seen.sha256, r.name, r.version, r.sha256
                    ));
                }
                _ => {}
            }
        }
        let codes: Vec<usize> = rec.reasons.iter().map(|r| self.intern(&r.code)).collect();
        self.transitions[live as usize][shadow_decision as usize] += 1;
        for (k, (outcome, score, ids)) in [
            (live, live_score, &live_ids),
            (shadow_decision, shadow_score, &shadow_ids),
        ]
        .into_iter()
        .enumerate()
        {
            self.decisions[k][outcome as usize] += 1;
            self.score_sum[k] += u64::from(score);
            for (i, id) in ids.iter().enumerate() {
                if !ids[..i].contains(id) {
                    *self.rule_hits[k].entry(*id).or_default() += 1;
                }
            }
        }
        for (i, c) in codes.iter().enumerate() {
            if !codes[..i].contains(c) {
                *self.code_hits.entry(*c).or_default() += 1;
            }
        }
        if live != shadow_decision && self.examples.len() < self.show {
            self.examples.push(Change {
                line: rec.line.unwrap_or(0),
                request_id: rec.request_id.as_deref().map(str::to_owned),
                from: live,
                to: shadow_decision,
            });
        }
        if let Some(labels) = labels {
            match rec.request_id.as_deref().and_then(|id| labels.get(id)) {
                None => self.labelled[2] += 1,
                Some(label) => {
                    let fraud = *label == Label::Fraud;
                    self.labelled[usize::from(!fraud)] += 1;
                    for (k, (outcome, ids)) in [(live, &live_ids), (shadow_decision, &shadow_ids)]
                        .into_iter()
                        .enumerate()
                    {
                        for (i, id) in ids.iter().enumerate() {
                            if !ids[..i].contains(id) {
                                self.rule_labels[k].entry(*id).or_default()[usize::from(!fraud)] +=
                                    1;
                            }
                        }
                        if outcome != Outcome::Trust {
                            let c = &mut self.conf[k];
                            if fraud {
                                c.fraud_stepped_up += 1;
                            } else {
                                c.legit_stepped_up += 1;
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Decision records that had no `shadow` (not compared).
    pub fn without_shadow(&self) -> u64 {
        self.without_shadow
    }

    /// The comparison, live as A and shadow as B; with `labels`, precision and recall.
    ///
    /// # Errors
    /// When no record had a shadow decision: there is nothing to compare.
    pub fn report(&self, labels: bool) -> Result<DiffReport, String> {
        let (Some(live_rules), Some(shadow_rules)) = (&self.rules[0], &self.rules[1]) else {
            return Err(format!(
                "no record has a shadow decision ({} decision records without one): score with a shadow rule set first",
                self.without_shadow
            ));
        };
        let errors: u64 = self.errors.values().sum();
        let side = |k: usize, rules: &crate::rules::RuleSetId| {
            let decided: u64 = self.decisions[k].iter().sum();
            let named = |m: &HashMap<usize, u64>| {
                m.iter()
                    .map(|(i, v)| (self.names[*i].as_str(), *v))
                    .collect::<Vec<_>>()
                    .into_iter()
            };
            let share = |n: u64| ratio(n, decided);
            let mut error_codes: Vec<crate::batch::ErrorCount> = self
                .errors
                .iter()
                .map(|(code, count)| crate::batch::ErrorCount {
                    code: code.clone(),
                    count: *count,
                })
                .collect();
            error_codes.sort_by(|a, b| a.code.cmp(&b.code));
            SummaryReport {
                rules: rules.clone(),
                records: decided + errors,
                decided,
                errors,
                decisions: Outcome::ALL
                    .iter()
                    .map(|o| crate::batch::OutcomeCount {
                        decision: *o,
                        count: self.decisions[k][*o as usize],
                        share: share(self.decisions[k][*o as usize]),
                    })
                    .collect(),
                mean_score: ratio(self.score_sum[k], decided),
                rule_hits: crate::batch::hits(named(&self.rule_hits[k]), decided),
                code_hits: if k == 0 {
                    crate::batch::hits(named(&self.code_hits), decided)
                } else {
                    Vec::new()
                },
                error_codes,
                step_up_rate: share(decided - self.decisions[k][Outcome::Trust as usize]),
                arms: None,
                shadow: None,
            }
        };
        let label_counts = labels.then(|| LabelCounts {
            fraud: self.labelled[0],
            legit: self.labelled[1],
            unlabelled: self.labelled[2],
            conf: self.conf,
            rules: [0, 1].map(|k| {
                self.rule_labels[k]
                    .iter()
                    .map(|(i, v)| (self.names[*i].clone(), *v))
                    .collect()
            }),
        });
        Ok(assemble(
            side(0, live_rules),
            side(1, shadow_rules),
            self.transitions,
            label_counts,
            self.examples.clone(),
        ))
    }
}

/// A serde_json error's kind, in a word (never the text it quotes).
trait ClassifyLabel {
    fn classify_label(&self) -> &'static str;
}

impl ClassifyLabel for serde_json::Error {
    fn classify_label(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "unreadable",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "not a record's shape",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

impl<'r> DiffSetup<'r, '_> {
    /// The what-if over an export with linkage (`diff --link`): each line's history is
    /// recorded once in `linker`'s store, in line order, and both rule sets price it.
    ///
    /// # Errors
    /// As [`crate::batch::score_linked`].
    pub fn run_linked(
        &self,
        input: impl std::io::Read + Send,
        linker: &mut crate::batch::Linker<'_>,
        opts: crate::batch::Options,
    ) -> std::io::Result<DiffStats<'r>> {
        let f = |line: u64,
                 _body: Option<&[u8]>,
                 parsed: Result<
            (&crate::session::Input<'_>, &crate::link::LinkHistory),
            &crate::error::ParseError,
        >,
                 _out: &mut Vec<u8>,
                 stats: &mut DiffStats<'r>| match parsed {
            Ok((input, h)) => {
                stats.show = self.show;
                self.decided(line, input, Some(h), stats);
            }
            Err(e) => {
                stats.a.add_error(e);
                stats.b.add_error(e);
            }
        };
        crate::batch::run_linked(input, std::io::sink(), opts, linker, &f, |_, _| {})
    }
}

impl<'r> crate::batch::LineFn<DiffStats<'r>> for DiffSetup<'r, '_> {
    fn call(
        &self,
        line: u64,
        bytes: Result<&[u8], &crate::error::ParseError>,
        _out: &mut Vec<u8>,
        state: &mut DiffStats<'r>,
    ) {
        match bytes {
            Ok(b) => self.line(line, b, state),
            Err(e) => {
                state.a.add_error(e);
                state.b.add_error(e);
            }
        }
    }
}

fn ratio(n: u64, d: u64) -> f64 {
    if d == 0 {
        0.0
    } else {
        ((n as f64 / d as f64) * 1e6).round() / 1e6
    }
}

/// The what-if report (JSON with `--json`, a readable page otherwise).
#[derive(Clone, Debug, Serialize)]
pub struct DiffReport {
    /// Summary under the first rule set.
    pub a: SummaryReport,
    /// Summary under the second.
    pub b: SummaryReport,
    /// Lines decided (same under both).
    pub decided: u64,
    /// Lines whose outcome changed.
    pub changed: u64,
    /// Rows: outcome under A (trust, identity_match, identity_verification); columns: under B.
    pub transitions: [[u64; N]; N],
    /// Share of decided lines not trusted under A.
    pub step_up_rate_a: f64,
    /// Share of decided lines not trusted under B.
    pub step_up_rate_b: f64,
    /// Per-rule hit rates, largest change first.
    pub rule_changes: Vec<RuleChange>,
    /// Precision and recall against labels, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<LabelReport>,
    /// Requests that changed tier (the first `--show`).
    pub examples: Vec<Change>,
}

/// Hit rate of one rule under both sets.
#[derive(Clone, Debug, Serialize)]
pub struct RuleChange {
    /// Rule id or finding code.
    pub id: String,
    /// Hits under A.
    pub hits_a: u64,
    /// Hits under B.
    pub hits_b: u64,
    /// Hit rate under A.
    pub rate_a: f64,
    /// Hit rate under B.
    pub rate_b: f64,
    /// `rate_b - rate_a`.
    pub change: f64,
}

/// Label counts and per-set quality.
#[derive(Clone, Debug, Serialize)]
pub struct LabelReport {
    /// Decided lines labelled fraud.
    pub fraud: u64,
    /// Decided lines labelled legit.
    pub legit: u64,
    /// Decided lines without a label.
    pub unlabelled: u64,
    /// Under A.
    pub a: LabelStats,
    /// Under B.
    pub b: LabelStats,
}

/// Quality of one rule set against labels (over labelled lines).
#[derive(Clone, Debug, Serialize)]
pub struct LabelStats {
    /// Share of labelled lines stepped up (not trusted).
    pub step_up_rate: f64,
    /// Share of fraud stepped up.
    pub recall: f64,
    /// Share of step-ups that were fraud.
    pub precision: f64,
    /// Fraud lines stepped up.
    pub fraud_stepped_up: u64,
    /// Legit lines stepped up.
    pub legit_stepped_up: u64,
    /// Every rule that fired on a labelled line, highest lift first.
    pub rules: Vec<RuleLift>,
}

/// How well one rule (or finding code) singles out fraud among labelled lines.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleLift {
    /// Rule id or finding code.
    pub id: String,
    /// Labelled lines it fired on.
    pub fired: u64,
    /// Of those, lines labelled fraud.
    pub fraud: u64,
    /// `fraud / fired`: the rule's precision.
    pub precision: f64,
    /// Precision over the fraud rate of all labelled lines: 1 is no better than chance,
    /// 10 means a line it fires on is ten times as likely to be fraud.
    pub lift: f64,
}

/// Precision and lift of each rule from its `[fraud, legit]` counts; highest lift first,
/// then most lines, then by id.
fn rule_lift(counts: &[(String, [u64; 2])], fraud: u64, legit: u64) -> Vec<RuleLift> {
    let base = ratio(fraud, fraud + legit);
    let mut out: Vec<RuleLift> = counts
        .iter()
        .map(|(id, [f, l])| {
            let (f, l) = (*f, *l);
            let precision = ratio(f, f + l);
            RuleLift {
                id: id.clone(),
                fired: f + l,
                fraud: f,
                precision,
                lift: if base > 0.0 {
                    (precision / base * 1e4).round() / 1e4
                } else {
                    0.0
                },
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.lift
            .total_cmp(&a.lift)
            .then(b.fired.cmp(&a.fired))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// How many rules the text page lists by lift, per rule set.
const TOP_LIFT: usize = 10;

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

impl fmt::Display for DiffReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |s: &SummaryReport| {
            format!(
                "{} {} (sha256 {}…)",
                s.rules.name,
                s.rules.version,
                s.rules.sha256.get(..12).unwrap_or("")
            )
        };
        writeln!(f, "A: {}", name(&self.a))?;
        writeln!(f, "B: {}", name(&self.b))?;
        writeln!(
            f,
            "{} lines decided, {} errors; {} changed outcome ({})",
            self.decided,
            self.a.errors,
            self.changed,
            pct(ratio(self.changed, self.decided))
        )?;
        writeln!(f)?;
        writeln!(f, "Outcome transitions (rows: under A, columns: under B)")?;
        let width = |o: &Outcome| o.as_str().len().max(9) + 3;
        write!(f, "  {:<24}", "A \\ B")?;
        for o in &Outcome::ALL {
            write!(f, "{:>w$}", o.as_str(), w = width(o))?;
        }
        writeln!(f, "{:>12}", "total A")?;
        for (i, o) in Outcome::ALL.iter().enumerate() {
            let row = self.transitions[i];
            write!(f, "  {:<24}", o.as_str())?;
            for (j, b) in Outcome::ALL.iter().enumerate() {
                write!(f, "{:>w$}", row[j], w = width(b))?;
            }
            writeln!(f, "{:>12}", row.iter().sum::<u64>())?;
        }
        write!(f, "  {:<24}", "total B")?;
        for (j, b) in Outcome::ALL.iter().enumerate() {
            let col: u64 = self.transitions.iter().map(|r| r[j]).sum();
            write!(f, "{:>w$}", col, w = width(b))?;
        }
        writeln!(f)?;
        writeln!(f)?;
        writeln!(
            f,
            "Step-up rate (not trusted): A {}  ->  B {}  ({:+.2} points)",
            pct(self.step_up_rate_a),
            pct(self.step_up_rate_b),
            (self.step_up_rate_b - self.step_up_rate_a) * 100.0
        )?;
        if let Some(l) = &self.labels {
            writeln!(f)?;
            writeln!(
                f,
                "Against labels ({} fraud, {} legit, {} unlabelled lines)",
                l.fraud, l.legit, l.unlabelled
            )?;
            writeln!(
                f,
                "  {:<4}{:>12}{:>12}{:>12}{:>16}{:>16}",
                "", "step-up", "recall", "precision", "fraud stepped", "legit stepped"
            )?;
            for (n, s) in [("A", &l.a), ("B", &l.b)] {
                writeln!(
                    f,
                    "  {:<4}{:>12}{:>12}{:>12}{:>16}{:>16}",
                    n,
                    pct(s.step_up_rate),
                    pct(s.recall),
                    pct(s.precision),
                    s.fraud_stepped_up,
                    s.legit_stepped_up
                )?;
            }
            for (n, s) in [("A", &l.a), ("B", &l.b)] {
                writeln!(f)?;
                writeln!(
                    f,
                    "Rules by lift under {n} (top {} of {} that fired on labelled lines; lift = precision / fraud rate {})",
                    s.rules.len().min(TOP_LIFT),
                    s.rules.len(),
                    pct(ratio(l.fraud, l.fraud + l.legit))
                )?;
                writeln!(
                    f,
                    "  {:<40}{:>10}{:>10}{:>12}{:>8}",
                    "rule id", "fired", "fraud", "precision", "lift"
                )?;
                for r in s.rules.iter().take(TOP_LIFT) {
                    writeln!(
                        f,
                        "  {:<40}{:>10}{:>10}{:>12}{:>8.2}",
                        r.id,
                        r.fired,
                        r.fraud,
                        pct(r.precision),
                        r.lift
                    )?;
                }
            }
        }
        let moved: Vec<&RuleChange> = self
            .rule_changes
            .iter()
            .filter(|r| r.hits_a != r.hits_b)
            .collect();
        writeln!(f)?;
        if moved.is_empty() {
            writeln!(f, "Rule hit rates: no change")?;
        } else {
            writeln!(f, "Rule hit rates that changed (largest change first)")?;
            writeln!(
                f,
                "  {:<40}{:>10}{:>10}{:>10}",
                "rule id", "A", "B", "change"
            )?;
            for r in moved {
                writeln!(
                    f,
                    "  {:<40}{:>10}{:>10}{:>+9.2}pt",
                    r.id,
                    pct(r.rate_a),
                    pct(r.rate_b),
                    r.change * 100.0
                )?;
            }
        }
        if !self.examples.is_empty() {
            writeln!(f)?;
            writeln!(
                f,
                "Requests that changed tier (first {})",
                self.examples.len()
            )?;
            for c in &self.examples {
                writeln!(
                    f,
                    "  line {:<10} {:<20} {} -> {}",
                    c.line,
                    c.request_id.as_deref().unwrap_or("<none>"),
                    c.from,
                    c.to
                )?;
            }
        }
        Ok(())
    }
}
