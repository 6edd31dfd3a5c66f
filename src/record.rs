//! The wire contract, once: what a line of input is, and the one JSON line written for it.
//!
//! - **Lines.** An export is UTF-8 JSONL. A byte-order mark at the start of the input is
//!   skipped ([`BOM`]). A line ends at `\n`; one `\r` before it is dropped (CRLF files); a
//!   line of only spaces, tabs and `\r` is blank and gets no record ([`line_body`]); a line
//!   longer than the limit (counted with its `\r`, without its `\n`) gets the
//!   `line_too_long` error record and is never parsed ([`too_long`]).
//! - **Decision records.** `{"line"?, "request_id", "decision_id", "decision", "score",
//!   "reasons", "resolution", "match"?, "shadow"?, "arm"?, "rules", "as_of",
//!   "phone_metadata"}`, in that order
//!   ([`DECISION_FIELDS`]); `line` only where the caller numbers lines, `match` only for a
//!   decision made with an applicant. One field list ([`visit`]) feeds both the `Serialize`
//!   impl of [`Decision`] and the byte writer behind `layer-risk score`, so they cannot
//!   disagree.
//! - **Error records.** `{"line"?, "decision_id", "error": {"code", "message", "column",
//!   "path"?}}` (the id `null` for a line too long to read) for a
//!   line that is not a response ([`write_error`]).
//!
//! Every record ends with `\n`. Nothing here quotes an identity value: decisions hold codes
//! and counts, errors their located messages.

use std::io::Write as _;

use chrono::{Datelike, NaiveDate};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::decision::{Decision, DecisionId};
use crate::error::ParseError;
use crate::rules::RuleSetId;

/// The UTF-8 byte-order mark, skipped at the start of an input.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The keys of a decision record after `line`, in order (`match` only with an applicant).
pub const DECISION_FIELDS: [&str; 12] = [
    "request_id",
    "decision_id",
    "decision",
    "score",
    "reasons",
    "resolution",
    "match",
    "shadow",
    "arm",
    "rules",
    "as_of",
    "phone_metadata",
];

/// The body of one input line: one trailing CR (a CRLF file) is dropped, and a line of only
/// spaces, tabs or CRs is blank (`None`: no record).
pub(crate) fn line_body(raw: &[u8]) -> Option<&[u8]> {
    let body = raw.strip_suffix(b"\r").unwrap_or(raw);
    (!body.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))).then_some(body)
}

/// Is a line of `len` bytes (with its CR, without its newline) over the limit?
pub(crate) fn too_long(len: usize, max_line_bytes: usize) -> bool {
    len > max_line_bytes.max(1)
}

/// Where the fields of a decision record go: a serde map, or bytes.
trait Sink {
    type Error;
    fn entry<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T)
        -> Result<(), Self::Error>;
    /// The constant end of a scorer's records: `rules`, `as_of`, `phone_metadata`.
    fn tail(&mut self, d: &Decision<'_>) -> Result<(), Self::Error>;
}

/// The one field list of a decision record (after `line`): see [`DECISION_FIELDS`].
fn visit<S: Sink>(d: &Decision<'_>, s: &mut S) -> Result<(), S::Error> {
    s.entry("request_id", &d.request_id)?;
    s.entry("decision_id", &d.decision_id)?;
    s.entry("decision", &d.outcome)?;
    s.entry("score", &d.score)?;
    s.entry("reasons", &d.reasons)?;
    s.entry("resolution", &d.resolution)?;
    if let Some(m) = &d.matching {
        s.entry("match", m)?;
    }
    if let Some(shadow) = &d.shadow {
        s.entry("shadow", shadow)?;
    }
    if let Some(arm) = &d.arm {
        s.entry("arm", arm)?;
    }
    s.tail(d)
}

/// The tail fields, for sinks that write them one by one.
fn tail_entries<S: Sink>(d: &Decision<'_>, s: &mut S) -> Result<(), S::Error> {
    s.entry("rules", d.rules)?;
    s.entry("as_of", &*ymd(d.as_of, &mut [0; 10]))?;
    s.entry("phone_metadata", d.phone_metadata)
}

struct MapSink<'m, M>(&'m mut M);

impl<M: SerializeMap> Sink for MapSink<'_, M> {
    type Error = M::Error;
    fn entry<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<(), M::Error> {
        self.0.serialize_entry(key, v)
    }
    fn tail(&mut self, d: &Decision<'_>) -> Result<(), M::Error> {
        tail_entries(d, self)
    }
}

/// Writes `,"key":value` for every field (the caller writes the opening `{` and the first
/// key's lack of comma is handled by `first`).
struct ByteSink<'o> {
    out: &'o mut Vec<u8>,
    first: bool,
    tail: Option<&'o Tail>,
}

impl Sink for ByteSink<'_> {
    type Error = serde_json::Error;
    fn entry<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), serde_json::Error> {
        if !std::mem::take(&mut self.first) {
            self.out.push(b',');
        }
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        serde_json::to_writer(&mut *self.out, v)
    }
    fn tail(&mut self, d: &Decision<'_>) -> Result<(), serde_json::Error> {
        match self.tail {
            Some(t) if t.rules == *d.rules && t.as_of == d.as_of => {
                self.out.extend_from_slice(&t.bytes);
                Ok(())
            }
            _ => tail_entries(d, self),
        }
    }
}

impl Serialize for Decision<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        visit(self, &mut MapSink(&mut map))?;
        map.end()
    }
}

/// The end of every record one scorer writes (`,"rules":{...},"as_of":...,
/// "phone_metadata":...`), serialized once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tail {
    rules: RuleSetId,
    as_of: NaiveDate,
    bytes: Vec<u8>,
}

impl Tail {
    /// The tail of decisions made with `rules` on `as_of`.
    pub(crate) fn new(rules: &RuleSetId, as_of: NaiveDate) -> Self {
        #[derive(Serialize)]
        struct T<'a> {
            rules: &'a RuleSetId,
            as_of: &'a str,
            phone_metadata: &'static str,
        }
        let mut buf = [0; 10];
        let t = T {
            rules,
            as_of: &ymd(as_of, &mut buf),
            phone_metadata: crate::validate::phone::metadata_version(),
        };
        // `{"rules":...}` -> `,"rules":...`: serializing a struct of strings cannot fail.
        let mut bytes = serde_json::to_vec(&t).unwrap_or_else(|_| b"{}".to_vec());
        bytes.pop();
        if let Some(first) = bytes.first_mut() {
            *first = b',';
        }
        Tail {
            rules: rules.clone(),
            as_of,
            bytes,
        }
    }
}

/// Append the record of `d` for input line `line` (no `line` field with `None`) and a
/// newline to `out`. `tail` is the scorer's precomputed end of record, used when `d` was
/// made with its rules and date.
pub(crate) fn write_decision(d: &Decision<'_>, line: Option<u64>, tail: &Tail, out: &mut Vec<u8>) {
    let start = out.len();
    out.push(b'{');
    if let Some(n) = line {
        let _ = write!(out, "\"line\":{n},");
    }
    let mut sink = ByteSink {
        out,
        first: true,
        tail: Some(tail),
    };
    match visit(d, &mut sink) {
        Ok(()) => out.extend_from_slice(b"}\n"),
        // serde_json does not fail on our own types; if it ever did, the line still gets
        // a record.
        Err(_) => {
            out.truncate(start);
            internal_error(out, line);
        }
    }
}

/// Append `{"line": N, "decision_id": ..., "error": {"code", "message", "column", "path"}}`
/// (no `line` with `None`) and a newline: the record of a line that is not a response.
pub(crate) fn write_error(
    e: &ParseError,
    decision_id: Option<DecisionId>,
    line: Option<u64>,
    out: &mut Vec<u8>,
) {
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
        decision_id: Option<DecisionId>,
        error: ErrorBody<'e>,
    }
    let rec = ErrorRecord {
        line,
        decision_id,
        error: ErrorBody {
            code: e.code(),
            message: e.describe(),
            column: e.column(),
            path: e.path(),
        },
    };
    let start = out.len();
    match serde_json::to_writer(&mut *out, &rec) {
        Ok(()) => out.push(b'\n'),
        Err(_) => {
            out.truncate(start);
            internal_error(out, line);
        }
    }
}

/// The record of a line whose record could not be serialized (never seen: our records have
/// no maps with non-string keys and write into a Vec).
fn internal_error(out: &mut Vec<u8>, line: Option<u64>) {
    out.push(b'{');
    if let Some(n) = line {
        let _ = write!(out, "\"line\":{n},");
    }
    out.extend_from_slice(
        b"\"error\":{\"code\":\"internal\",\"message\":\"record could not be serialized\"}}\n",
    );
}

/// `YYYY-MM-DD` without allocating (years 0 to 9999; chrono's own form otherwise,
/// `+10000-01-01`, which the evaluation dates of a real run never are).
fn ymd(d: NaiveDate, buf: &mut [u8; 10]) -> std::borrow::Cow<'_, str> {
    if !(0..=9999).contains(&d.year()) {
        return std::borrow::Cow::Owned(d.to_string());
    }
    let y = d.year().unsigned_abs();
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ymd_matches_chrono() {
        for s in ["2026-11-22", "0001-01-01", "1999-12-31", "2000-02-29"] {
            let d = crate::fields::parse_date(s).unwrap();
            assert_eq!(ymd(d, &mut [0; 10]), s);
            assert_eq!(ymd(d, &mut [0; 10]), d.to_string());
        }
    }

    /// Blank and CR rules live in one place.
    #[test]
    fn line_rules() {
        assert_eq!(line_body(b"{}\r"), Some(&b"{}"[..]));
        assert_eq!(line_body(b" \t\r"), None);
        assert_eq!(line_body(b""), None);
        assert_eq!(line_body(b"x"), Some(&b"x"[..]));
        assert!(too_long(65, 64) && !too_long(64, 64) && too_long(2, 0));
    }
}
