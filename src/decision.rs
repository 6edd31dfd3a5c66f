//! The decision: outcome, score, reasons heaviest first, and the rule set that made it.

use std::fmt;

use chrono::NaiveDate;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::error::ParseError;
use crate::matching::MatchReport;
use crate::resolve::{unavailable_reason, Bounds, Resolution, Step, StepKind};
use crate::rules::{Outcome, RuleSet, RuleSetId};
use crate::score::Reason;

/// An explained decision on one Layer response.
///
/// Serializes to the record the CLI writes (without `line`); `Display` gives a short
/// explanation for a person. Neither contains identity values: `request_id`, codes, counts.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    }
}

/// `YYYY-MM-DD` without allocating (years 0 to 9999; others are clamped, which the
/// evaluation dates of a real run never are).
fn ymd(d: NaiveDate, buf: &mut [u8; 10]) -> std::borrow::Cow<'_, str> {
    use chrono::Datelike;
    if !(0..=9999).contains(&d.year()) {
        return std::borrow::Cow::Owned(d.to_string()); // chrono's own form (+10000-01-01)
    }
    let y = d.year().clamp(0, 9999) as u32;
    let digits = [
        y / 1000,
        y / 100 % 10,
        y / 10 % 10,
        y % 10,
        10,
        d.month() / 10,
        d.month() % 10,
        10,
        d.day() / 10,
        d.day() % 10,
    ];
    for (b, v) in buf.iter_mut().zip(digits) {
        *b = if v == 10 { b'-' } else { b'0' + v as u8 };
    }
    std::borrow::Cow::Borrowed(std::str::from_utf8(buf).unwrap_or("0000-00-00"))
}

impl Decision<'_> {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("request_id", &self.request_id)?;
        map.serialize_entry("decision", &self.outcome)?;
        map.serialize_entry("score", &self.score)?;
        map.serialize_entry("reasons", &self.reasons)?;
        map.serialize_entry("resolution", &self.resolution)?;
        if let Some(m) = &self.matching {
            map.serialize_entry("match", m)?;
        }
        map.serialize_entry("rules", self.rules)?;
        map.serialize_entry("as_of", &ymd(self.as_of, &mut [0; 10]))?;
        map.serialize_entry("phone_metadata", self.phone_metadata)
    }

    /// Append the record for input line `line` (no `line` field with `None`) and a newline
    /// to `out`: the same bytes as serializing [`Decision::record`] (or the decision itself),
    /// but with the constant part (`rules`, `as_of`, `phone_metadata`) taken from `tail`,
    /// which [`record_tail`] made once per batch.
    pub(crate) fn write_record(&self, line: Option<u64>, tail: &RecordTail, out: &mut Vec<u8>) {
        let start = out.len();
        if self.write_record_fast(line, tail, out).is_err() {
            // serde_json does not fail on our own types; if it ever did, the line still gets
            // its record, serialized the slow way.
            out.truncate(start);
            match line {
                Some(n) => write_json(out, &self.record(n), line),
                None => write_json(out, self, line),
            }
        }
    }

    fn write_record_fast(
        &self,
        line: Option<u64>,
        tail: &RecordTail,
        out: &mut Vec<u8>,
    ) -> serde_json::Result<()> {
        use std::io::Write as _;
        match line {
            Some(n) => {
                let _ = write!(out, "{{\"line\":{n},\"request_id\":");
            }
            None => out.extend_from_slice(b"{\"request_id\":"),
        }
        serde_json::to_writer(&mut *out, &self.request_id)?;
        out.extend_from_slice(b",\"decision\":\"");
        out.extend_from_slice(self.outcome.as_str().as_bytes());
        let _ = write!(out, "\",\"score\":{},\"reasons\":", self.score);
        serde_json::to_writer(&mut *out, &self.reasons)?;
        out.extend_from_slice(b",\"resolution\":");
        serde_json::to_writer(&mut *out, &self.resolution)?;
        if let Some(m) = &self.matching {
            out.extend_from_slice(b",\"match\":");
            serde_json::to_writer(&mut *out, m)?;
        }
        out.extend_from_slice(&tail.0);
        out.push(b'\n');
        Ok(())
    }

    /// The batch record for input line `line`: `{"line": N, "request_id": ..., "decision": ...}`.
    pub fn record(&self, line: u64) -> Record<'_, '_> {
        Record {
            line,
            decision: self,
        }
    }
}

impl Serialize for Decision<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        self.write_fields(&mut map)?;
        map.end()
    }
}

/// The end of every record of one batch (`,"rules":{...},"as_of":...,"phone_metadata":...}`),
/// serialized once: see [`Decision::write_record`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RecordTail(Vec<u8>);

/// The record tail for decisions made with `rules` on `as_of`.
pub(crate) fn record_tail(rules: &RuleSetId, as_of: NaiveDate) -> RecordTail {
    #[derive(Serialize)]
    struct Tail<'a> {
        rules: &'a RuleSetId,
        as_of: &'a str,
        phone_metadata: &'static str,
    }
    let mut buf = [0; 10];
    let tail = Tail {
        rules,
        as_of: &ymd(as_of, &mut buf),
        phone_metadata: crate::validate::phone::metadata_version(),
    };
    // `{"rules":...}` -> `,"rules":...}`: serializing a struct of strings cannot fail.
    let mut bytes = serde_json::to_vec(&tail).unwrap_or_else(|_| b"{}".to_vec());
    if let Some(first) = bytes.first_mut() {
        *first = b',';
    }
    RecordTail(bytes)
}

/// A decision with the input line it came from, as the CLI writes it.
#[derive(Clone, Copy, Debug)]
pub struct Record<'d, 'r> {
    /// 1-based input line.
    pub line: u64,
    /// The decision.
    pub decision: &'d Decision<'r>,
}

impl Serialize for Record<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("line", &self.line)?;
        self.decision.write_fields(&mut map)?;
        map.end()
    }
}

/// Append `{"line": N, "error": {"code", "message", "column", "path"}}` (no `line` with
/// `None`) and a newline: the record of a line that is not a response.
pub(crate) fn write_error_record(out: &mut Vec<u8>, line: Option<u64>, e: &ParseError) {
    #[derive(Serialize)]
    struct ErrorBody<'e> {
        code: &'static str,
        message: String,
        column: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        path: Option<&'e str>,
    }
    #[derive(Serialize)]
    struct ErrorRecord<'e> {
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<u64>,
        error: ErrorBody<'e>,
    }
    let rec = ErrorRecord {
        line,
        error: ErrorBody {
            code: e.code(),
            message: e.describe(),
            column: e.column(),
            path: e.path(),
        },
    };
    write_json(out, &rec, line);
}

impl ParseError {
    /// Append the error record of a line that is not a response, as `layer-risk score`
    /// writes it: `{"line": N, "error": {"code", "message", "column", "path"}}` and a newline
    /// (no `line` field with `None`). Like the error itself, it quotes no input.
    pub fn write_record(&self, line: Option<u64>, out: &mut Vec<u8>) {
        write_error_record(out, line, self);
    }
}

/// Serialize one record and a newline. Serializing our own records cannot fail (no maps
/// with non-string keys, no I/O into a Vec); if it ever did, the line still gets a record.
fn write_json(out: &mut Vec<u8>, value: &impl Serialize, line: Option<u64>) {
    let start = out.len();
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.truncate(start);
        if let Some(n) = line {
            out.extend_from_slice(format!("{{\"line\":{n},").as_bytes());
        } else {
            out.push(b'{');
        }
        out.extend_from_slice(
            br#""error":{"code":"internal","message":"record could not be serialized"}}"#,
        );
    }
    out.push(b'\n');
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ymd_matches_chrono() {
        for s in ["2026-11-22", "0001-01-01", "1999-12-31", "2000-02-29"] {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
            assert_eq!(ymd(d, &mut [0; 10]), s);
            assert_eq!(ymd(d, &mut [0; 10]), d.to_string());
        }
    }
}
